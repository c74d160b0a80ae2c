import Foundation

/// A posting: a document number in its language's index and the term's precomputed, quantised
/// BM25F contribution. Integers only, so Swift and JS rank with exactly the same arithmetic.
///
/// Stored in eight bytes, not sixteen (an index holds one per term per document: 20 million at
/// 100,000 articles): a document number fits 32 bits and an impact is at most `maxImpact`.
public struct Posting: Sendable, Hashable {
    private var storedDoc: UInt32
    private var storedImpact: UInt16
    public var doc: Int {
        get { Int(storedDoc) }
        set { storedDoc = UInt32(clamping: newValue) }
    }
    public var impact: Int {
        get { Int(storedImpact) }
        set { storedImpact = UInt16(clamping: newValue) }
    }
    public init(doc: Int, impact: Int) {
        // Clamped, never trapping: postings read from a damaged site file may hold any number.
        storedDoc = UInt32(clamping: doc)
        storedImpact = UInt16(clamping: impact)
    }
}

/// An error text identified by the length and hash of its query-mode terms.
public struct ErrorSignatureKey: Sendable, Hashable, Codable {
    public var length: Int
    public var hash: UInt32
    public var doc: Int
    public var kind: Kind

    /// What a match of this text means (docs/search.md §Ranking, step 4).
    public enum Kind: Int, Sendable, Codable {
        /// No decisive token: counts only when it is the whole query.
        case generic = 0
        /// Holds an error code, an identifier or a word no other page has: a run of the query decides.
        case decisive = 1
        /// The text with its quoted names replaced (`QueryParser.quoted`): the same message about another name.
        case shape = 2
        /// Decisive because it names something in quotes (`'go' is not recognized`).
        case quoted = 3
    }

    public init(length: Int, hash: UInt32, doc: Int, kind: Kind = .decisive) {
        self.length = length
        self.hash = hash
        self.doc = doc
        self.kind = kind
    }
}

/// How an error text is split for matching: the cleaned query-mode terms, and the same with quoted
/// names replaced — what `ParsedQuery` does to a query.
public enum ErrorText {
    public static func parse(_ raw: String) -> (terms: [String], shape: [String]) {
        let cleaned = QueryParser.removeNoise(Tokenizer.normalize(raw))
        let tokens = Tokenizer.tokensOfNormalized(cleaned, mode: .query)
        return (tokens.map(\.term), QueryParser.shape(tokens, in: cleaned))
    }

    static let identifier = try! NSRegularExpression(pattern: #"[A-Za-z0-9]+(?:[._=/][A-Za-z0-9]+)+"#)

    /// Holds an identifier such as `go.sum`, `GOPROXY=off`, `huawei.com/Ascend310P`, `sending_queue`, `i/o`.
    static func hasIdentifier(_ raw: String) -> Bool {
        // Every match holds one of `._=/`: without one, the pattern is not run.
        guard raw.utf8.contains(where: { $0 == 0x2E || $0 == 0x5F || $0 == 0x3D || $0 == 0x2F }) else { return false }
        return identifier.firstMatch(in: raw, range: NSRange(location: 0, length: (raw as NSString).length)) != nil
    }
}

/// Term counts of one document, per field: what the index reuses while its source is unchanged.
///
/// One read from the store (`StoreCodec.decodeTerms`) holds its row's bytes and its field lengths
/// only, and decodes its counts when they are asked: an edit's rebuild takes every stored
/// document's terms (7,600 on tldr, their strings a third of its search step's time) and reads the
/// counts of few of them — the edited documents, those a changed document frequency rescores.
/// `counts` decodes the row at each call: a reader that reads them more than once takes
/// `decoded()` first. Compared and hashed by what they hold, in either form.
public struct DocumentTerms: Sendable, Hashable {
    /// Per field: number of tokens.
    public let lengths: [Int]
    private let held: Held

    private enum Held: Sendable {
        case values(counts: [TermCounts], errorTerms: [[String]])
        /// A store row `StoreCodec.decodeTerms` checked (its bounds, counts and term order).
        case row([UInt8])
    }

    init(counts: [TermCounts], lengths: [Int], errorTerms: [[String]]) {
        self.lengths = lengths
        held = .values(counts: counts, errorTerms: errorTerms)
    }

    init(lengths: [Int], row: [UInt8]) {
        self.lengths = lengths
        held = .row(row)
    }

    public init(_ doc: SearchDocument) {
        var counts: [TermCounts] = [], lengths: [Int] = []
        for text in doc.fields {
            var c: [String: Int] = [:]
            let terms = Tokenizer.terms(text, mode: .index)
            for t in terms { c[t, default: 0] += 1 }
            counts.append(TermCounts(c))
            lengths.append(terms.count)
        }
        self.init(counts: counts, lengths: lengths, errorTerms: doc.errors.map { ErrorText.parse($0).terms }.filter { !$0.isEmpty })
    }

    /// Per field: term → count.
    public var counts: [TermCounts] { values.counts }
    /// Query-mode terms of each literal error text.
    public var errorTerms: [[String]] { values.errorTerms }

    private var values: (counts: [TermCounts], errorTerms: [[String]]) {
        switch held {
        case .values(let counts, let errorTerms): return (counts, errorTerms)
        case .row(let bytes): return StoreCodec.termValues(bytes, fields: lengths.count)
        }
    }

    /// The same terms with their counts decoded (itself when they are).
    public func decoded() -> DocumentTerms {
        guard case .row = held else { return self }
        let v = values
        return DocumentTerms(counts: v.counts, lengths: lengths, errorTerms: v.errorTerms)
    }

    /// The store row these were read from (nil: made from a document).
    var row: [UInt8]? {
        if case .row(let bytes) = held { return bytes }
        return nil
    }

    public static func == (a: DocumentTerms, b: DocumentTerms) -> Bool {
        if let x = a.row, let y = b.row { return x == y }
        return a.lengths == b.lengths && a.values == b.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(lengths)
        let v = values
        hasher.combine(v.counts)
        hasher.combine(v.errorTerms)
    }
}

/// One field's term counts, in term order (String's `<`): two arrays, under half the memory of a
/// dictionary — a build holds one per field of every document through its search step.
public struct TermCounts: Sendable, Codable, Hashable, Sequence {
    public private(set) var terms: [String]
    public private(set) var counts: [UInt32]

    public init(_ counts: [String: Int]) {
        let sorted = counts.sorted { $0.key < $1.key }
        terms = sorted.map(\.key)
        self.counts = sorted.map { UInt32(clamping: $0.value) }
    }

    /// Terms already in order, each with its count.
    init(sorted terms: [String], counts: [UInt32]) {
        self.terms = terms
        self.counts = counts
    }

    public var count: Int { terms.count }

    /// The count of `term` (binary search in term order), nil when the field does not hold it.
    public func count(of term: String) -> UInt32? {
        var lo = 0, hi = terms.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if terms[mid] < term { lo = mid + 1 } else { hi = mid }
        }
        return lo < terms.count && terms[lo] == term ? counts[lo] : nil
    }

    public func makeIterator() -> Zip2Sequence<[String], [UInt32]>.Iterator { zip(terms, counts).makeIterator() }
}

/// The index of one language: documents in a fixed order and each term's postings.
public struct LanguageIndex: Sendable {
    public var lang: String
    public var documents: [SearchDocument]
    public var terms: [String: [Posting]] { didSet { termOrder = nil } }
    public var errors: [ErrorSignatureKey]
    /// Per field, the average length the impacts were computed with (on its grid); empty when
    /// the index was read rather than computed.
    public var averages: [Double] = []
    /// This language's synonym groups (kb.yml `synonyms:`), applied at query time.
    public var synonymGroups: [SynonymGroup] = []
    /// Every language of the site, the default first: the browser picks the query's language among them.
    public var languages: [String] = []
    /// Postings already encoded (`PostingCodec`): after an in-place update (`init(…updating:…)`),
    /// every term's (the stored text of those the edit left alone); the site's shards take them as they are.
    public var encodedPostings: [String: String] = [:]
    /// After an in-place update (`init(…updating:…)`): the terms whose encoded postings differ from
    /// the stored ones, added and removed terms included; nil when every impact was computed. A site
    /// shard holding none of them (and bounded as before) is the one the stored state wrote.
    public var changedTerms: Set<String>?
    /// After an in-place update: the terms no document held before or no document holds now.
    public var addedOrRemovedTerms: Set<String>?

    public static let k1 = 1.2
    /// Impacts are BM25F scores × this, rounded, in 1...maxImpact.
    public static let scale = 8.0
    public static let maxImpact = 4095

    /// `x` rounded to the nearest of 2^(k/steps) (x itself below 16, where steps are coarser than
    /// one word). BM25's length normalisation uses field lengths and their corpus average only
    /// through this: a small edit then rarely moves the average (which would change every impact
    /// in the index) or its own document's length (every impact of that document), so a rebuild
    /// rewrites only the postings of the terms that changed. The average moves by at most 2.2 %,
    /// a length by 4.4 %.
    static func onGrid(_ x: Double, steps: Double) -> Double {
        x < 16 ? x : exp2((log2(x) * steps).rounded() / steps)
    }

    /// Computes every impact from the documents' term counts.
    public init(lang: String, documents: [SearchDocument], terms docTerms: [DocumentTerms],
                synonyms: [SynonymGroup] = [], languages: [String] = []) {
        self.init(lang: lang, documents: documents, packed: PackedTerms(docTerms), synonyms: synonyms, languages: languages)
    }

    /// Computes every impact from the documents' term counts, each term numbered once (`PackedTerms`:
    /// everything here works on arrays, one hash lookup per term occurrence, made while appending).
    public init(lang: String, documents: [SearchDocument], packed: PackedTerms,
                synonyms: [SynonymGroup] = [], languages: [String] = []) {
        self.lang = lang
        self.synonymGroups = synonyms
        self.languages = languages.isEmpty ? [lang] : languages
        self.documents = Self.resolvingCauses(documents)
        let n = documents.count
        let avg = Self.averages(packed)
        averages = avg
        let names = packed.names, df = packed.documentFrequency
        // Each list sized once from its document frequency (appending doubled capacities: up to
        // twice the postings' memory).
        var postings: [[Posting]] = df.map { n in
            var list: [Posting] = []
            list.reserveCapacity(n)
            return list
        }
        var acc = Array(repeating: 0.0, count: names.count)
        var touched: [Int] = []
        for d in 0..<packed.count {
            // Per field BM25, weighted and summed: a title match counts whatever the body says.
            var field = 0, norm = 0.0
            packed.visit(d, field: { f, length in
                field = f
                norm = Self.norm(length: length, f, avg)
            }, term: { id, count in
                if acc[id] == 0 { touched.append(id) }
                acc[id] += Self.fieldScore(tf: Double(count), field: field, norm: norm)
            })
            for id in touched {
                postings[id].append(Posting(doc: d, impact: Self.impact(acc[id], documents: n, df: df[id])))
                acc[id] = 0
            }
            touched.removeAll(keepingCapacity: true)
        }
        var byTerm: [String: [Posting]] = [:]
        byTerm.reserveCapacity(names.count)
        for (id, name) in names.enumerated() {
            byTerm[name] = postings[id]
            postings[id] = []
        }
        terms = byTerm
        errors = Self.errorKeys(documents) { term in packed.number(term).map { df[$0] } }
    }

    /// The index after documents were edited in place, from the index it was (`stored`: each
    /// term's encoded postings, as the store holds them) without recomputing what the edit cannot
    /// change; nil when the edit moved what every impact depends on. Equal, posting for posting, to
    /// `init(lang:documents:terms:…)` on the same documents provided the documents are numbered as
    /// before, only those in `edited` changed, and `stored` is that earlier index's postings: a
    /// term's impacts depend on the document count and the per-field average lengths (both
    /// compared here, the averages on their grid), its own document frequency and each document's
    /// field lengths — so only the terms of the edited documents' old and new versions (`touched`)
    /// can differ. For those, the edited documents' impacts are computed; the others' too when the
    /// term's document frequency (so its idf) changed, else they are the stored ones.
    /// `order`: the stored terms in (nearly) UTF-16 order, when known: the new order is merged from it.
    public init?(lang: String, documents: [SearchDocument], terms docTerms: [DocumentTerms], updating stored: [String: String],
                 order storedOrder: [String]? = nil, averages storedAverages: [Double], edited: [Int], touched: Set<String>,
                 synonyms: [SynonymGroup] = [], languages: [String] = []) {
        let avg = Self.averages(docTerms)
        guard avg == storedAverages, edited.allSatisfy({ docTerms.indices.contains($0) }) else { return nil }
        self.lang = lang
        self.synonymGroups = synonyms
        self.languages = languages.isEmpty ? [lang] : languages
        self.documents = Self.resolvingCauses(documents)
        averages = avg
        let n = documents.count
        // The terms the edits left alone keep their stored text and are not decoded (every reader
        // of postings decodes on demand, `postings(of:)`, and checks document numbers against the count).
        var byTerm: [String: [Posting]] = [:]
        byTerm.reserveCapacity(touched.count)
        var encoded = stored
        for term in touched { encoded[term] = nil }
        let editedSet = Set(edited), editedSorted = editedSet.sorted()
        // Each document's counts decoded once (a stored document's are decoded when first asked).
        var decoded: [Int: [TermCounts]] = [:]
        func score(_ d: Int, _ term: String) -> Double {
            let counts: [TermCounts]
            if let known = decoded[d] { counts = known } else {
                counts = docTerms[d].counts
                decoded[d] = counts
            }
            var acc = 0.0
            for f in 0..<Field.allCases.count {
                guard let count = counts[f].count(of: term) else { continue }
                acc += Self.fieldScore(tf: Double(count), field: f, norm: Self.norm(docTerms[d], f, avg))
            }
            return acc
        }
        var changed = Set<String>(), addedOrRemoved = Set<String>()
        for term in touched {
            let old = stored[term].map(PostingCodec.decode) ?? []
            guard old.last.map({ $0.doc < n }) ?? true else { return nil }
            let kept = old.filter { !editedSet.contains($0.doc) }
            let now = editedSorted.compactMap { d -> (doc: Int, score: Double)? in
                let s = score(d, term)
                return s != 0 ? (d, s) : nil
            }
            let df = kept.count + now.count
            guard df > 0 else {
                if stored[term] != nil { changed.insert(term); addedOrRemoved.insert(term) }
                continue
            }
            if stored[term] == nil { addedOrRemoved.insert(term) }
            var postings: [Posting]
            if df == old.count {
                // As many documents hold it as before: every other document's impact is the stored one.
                postings = kept + now.map { Posting(doc: $0.doc, impact: Self.impact($0.score, documents: n, df: df)) }
            } else {
                postings = kept.map { Posting(doc: $0.doc, impact: Self.impact(score($0.doc, term), documents: n, df: df)) }
                    + now.map { Posting(doc: $0.doc, impact: Self.impact($0.score, documents: n, df: df)) }
            }
            postings.sort { $0.doc < $1.doc }
            byTerm[term] = postings
            let text = PostingCodec.encode(postings)
            if text != stored[term] { changed.insert(term) }
            encoded[term] = text
        }
        terms = byTerm
        encodedPostings = encoded
        changedTerms = changed
        addedOrRemovedTerms = addedOrRemoved
        if let storedOrder, storedOrder.count == stored.count {
            // The stored order without the removed terms, merged with the added ones (sorted): one
            // pass instead of sorting every term; checked, since SQLite's byte order puts characters
            // past U+FFFF before U+E000–U+FFFF where UTF-16 order puts them after.
            let added = addedOrRemoved.filter { encoded[$0] != nil }.sorted(by: utf16Less)
            var merged: [String] = []
            merged.reserveCapacity(encoded.count)
            var j = 0
            for term in storedOrder where encoded[term] != nil {
                while j < added.count, utf16Less(added[j], term) { merged.append(added[j]); j += 1 }
                merged.append(term)
            }
            merged += added[j...]
            if merged.count == encoded.count, zip(merged, merged.dropFirst()).allSatisfy({ utf16Less($0, $1) }) { termOrder = merged }
        }
        // A term's document count, once per term: every error text asks for its terms' (decoding
        // a common term's stored postings for each of them took minutes at 100,000 articles).
        var documentCounts: [String: Int?] = [:]
        errors = Self.errorKeys(documents) { t in
            if let postings = byTerm[t] { return postings.count }
            if let known = documentCounts[t] { return known }
            let n = encoded[t].map(PostingCodec.count)
            documentCounts[t] = n
            return n
        }
    }

    /// The documents with each one's `causes` as document numbers of this index (`causeDocs`): a
    /// canonical id, else a short id that one document of the index has (as the graph resolves a
    /// reference in its own language); a cause in no document of this language is left out.
    static func resolvingCauses(_ documents: [SearchDocument]) -> [SearchDocument] {
        guard documents.contains(where: { !$0.causes.isEmpty || !$0.causeDocs.isEmpty }) else { return documents }
        var canonical: [String: Int] = [:], short: [String: [Int]] = [:]
        canonical.reserveCapacity(documents.count)
        short.reserveCapacity(documents.count)
        for (n, d) in documents.enumerated() {
            if canonical[d.canonicalID] == nil { canonical[d.canonicalID] = n }
            short[d.id, default: []].append(n)
        }
        var out = documents
        for (n, d) in documents.enumerated() where !d.causes.isEmpty || !d.causeDocs.isEmpty {
            var numbers: [Int] = []
            for raw in d.causes {
                let id = raw.hasPrefix("kb:") ? String(raw.dropFirst(3)) : raw
                let found = canonical[id] ?? (id.utf8.contains(UInt8(ascii: "/")) ? nil : short[id].flatMap { $0.count == 1 ? $0[0] : nil })
                if let c = found, c != n, !numbers.contains(c) { numbers.append(c) }
            }
            // (Set only when it differs: a set copies the document's fields out of their shared box.)
            if out[n].causeDocs != numbers { out[n].causeDocs = numbers }
        }
        return out
    }

    /// Per field, the average length over the documents, on its grid (`onGrid`, 16 steps).
    static func averages(_ docTerms: [DocumentTerms]) -> [Double] {
        let fieldCount = Field.allCases.count
        var avg = Array(repeating: 0.0, count: fieldCount)
        for t in docTerms { for f in 0..<fieldCount { avg[f] += Double(t.lengths[f]) } }
        for f in 0..<fieldCount { avg[f] = onGrid(max(1, avg[f] / Double(max(docTerms.count, 1))), steps: 16) }
        return avg
    }

    /// Per field, the average length over the documents, on its grid (as `averages(_:)` computes it).
    static func averages(_ packed: PackedTerms) -> [Double] {
        let fieldCount = Field.allCases.count
        var avg = Array(repeating: 0.0, count: fieldCount)
        for d in 0..<packed.count {
            packed.visit(d, field: { f, length in if f < fieldCount { avg[f] += Double(length) } }, term: { _, _ in })
        }
        for f in 0..<fieldCount { avg[f] = onGrid(max(1, avg[f] / Double(max(packed.count, 1))), steps: 16) }
        return avg
    }

    /// BM25's length normalisation of field `f` of a document.
    static func norm(_ t: DocumentTerms, _ f: Int, _ avg: [Double]) -> Double {
        norm(length: t.lengths[f], f, avg)
    }

    /// BM25's length normalisation of field `f` of a document whose field holds `length` tokens.
    static func norm(length: Int, _ f: Int, _ avg: [Double]) -> Double {
        let b = fieldB[f]
        return 1 - b + b * onGrid(Double(length), steps: 8) / avg[f]
    }

    static let fieldWeights = Field.allCases.map(\.weight), fieldB = Field.allCases.map(\.b)

    /// One field's weighted BM25 term-frequency part; a document's are summed in field order.
    static func fieldScore(tf: Double, field f: Int, norm: Double) -> Double {
        fieldWeights[f] * tf * (k1 + 1) / (tf + k1 * norm)
    }

    /// The quantised impact of a term in a document, from the document's summed field scores.
    static func impact(_ score: Double, documents n: Int, df: Int) -> Int {
        // ln(1 + N/df), not BM25's ln(1 + (N - df + .5)/(df + .5)): in a small KB where every
        // page says "go", the latter drives common words to zero and the weights stop mattering.
        let idf = log(1 + Double(n) / Double(df))
        return min(maxImpact, max(1, Int((idf * score * scale).rounded())))
    }

    /// The error-text keys of the documents; `df` gives a term's document frequency (nil: no
    /// document holds it), which decides whether a word no other page has makes a text decisive.
    static func errorKeys(_ documents: [SearchDocument], df: (String) -> Int?) -> [ErrorSignatureKey] {
        var errors: [ErrorSignatureKey] = []
        for (d, doc) in documents.enumerated() {
            // A key names its document: a repeat can only be one of this document's own keys
            // (searching every key so far made this quadratic: 15 s at 50,000 error texts).
            let first = errors.count
            for raw in doc.errors {
                let (terms, shape) = ErrorText.parse(raw)
                guard !terms.isEmpty else { continue }
                let quoted = shape != terms
                let decisive = quoted || ErrorText.hasIdentifier(raw) || doc.alerts.contains(raw)
                    || terms.contains { t in t.contains { $0.isNumber } || (!QueryParser.stopWords.contains(t) && df(t) == 1) }
                let kind: ErrorSignatureKey.Kind = quoted ? .quoted : decisive ? .decisive : .generic
                var keys = [ErrorSignatureKey(length: terms.count, hash: Tokenizer.signatureHash(terms[...]), doc: d, kind: kind)]
                if quoted { keys.append(ErrorSignatureKey(length: shape.count, hash: Tokenizer.signatureHash(shape[...]), doc: d, kind: .shape)) }
                for key in keys where !errors[first...].contains(key) { errors.append(key) }
            }
        }
        return errors
    }

    public init(lang: String, documents: [SearchDocument], terms: [String: [Posting]], errors: [ErrorSignatureKey],
                synonyms: [SynonymGroup] = [], languages: [String] = []) {
        self.lang = lang
        self.synonymGroups = synonyms
        self.languages = languages.isEmpty ? [lang] : languages
        self.documents = documents
        self.terms = terms
        self.errors = errors
    }

    /// Terms in UTF-16 code-unit order: the order of the site's shards and of prefix expansion.
    public var sortedTerms: [String] { termOrder ?? termNames.sorted(by: utf16Less) }

    /// Every term of the index: an updated index holds every term's text in `encodedPostings` and
    /// decoded postings (`terms`) only for the terms the edits touched.
    public var termNames: [String] { encodedPostings.isEmpty ? Array(terms.keys) : Array(encodedPostings.keys) }

    /// A term's postings, decoded when the index holds only their text; nil when no document holds it.
    public func postings(of term: String) -> [Posting]? {
        terms[term] ?? encodedPostings[term].map(PostingCodec.decode)
    }

    /// A term's postings as the store and the site's shards hold them.
    public func encoded(_ term: String) -> String? {
        encodedPostings[term] ?? terms[term].map(PostingCodec.encode)
    }
    /// The length of `encoded(term)` in UTF-8 bytes (0 when no document holds it), without making it.
    public func encodedSize(_ term: String) -> Int {
        encodedPostings[term]?.utf8.count ?? terms[term].map(PostingCodec.encodedSize) ?? 0
    }
    /// `sortedTerms`, when an update merged it from the stored order.
    var termOrder: [String]?
}

/// UTF-16 code-unit order, which is what JavaScript's `<` on strings uses. Computed on the UTF-8
/// bytes (a native string's own storage; walking its UTF-16 view transcodes every character, and
/// sorting a language's terms was 5 % of a one-file rebuild): UTF-8 byte order is code-point order,
/// which is UTF-16's except that a character past U+FFFF (a surrogate pair, D800–DFFF) sorts
/// before one in U+E000–U+FFFF. At the first differing byte both strings start a character or
/// are inside characters with the same lead byte, so only those two lead bytes can disagree.
public func utf16Less(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            var i = 0
            while i < n && x[i] == y[i] { i += 1 }
            if i == n { return x.count < y.count }
            let p = x[i], q = y[i]
            let pastBMP = (p >= 0xF0, q >= 0xF0), topOfBMP = (p == 0xEE || p == 0xEF, q == 0xEE || q == 0xEF)
            if (pastBMP.0 && topOfBMP.1) || (topOfBMP.0 && pastBMP.1) { return pastBMP.0 }
            return p < q
        }
    }
}

/// Postings as text for the site and the SQLite store: per posting, the document delta minus one
/// and the impact, each as a base-32 varint over a 64-letter alphabet (no quotes, no backslash).
public enum PostingCodec {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let values: [Int] = {
        var v = Array(repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { v[Int(c)] = i }
        return v
    }()

    static func put(_ value: Int, into out: inout [UInt8]) {
        var v = value
        while v >= 32 {
            out.append(alphabet[32 + (v & 31)])
            v >>= 5
        }
        out.append(alphabet[v])
    }

    public static func encode(_ postings: [Posting]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(postings.count * 3)
        var previous = -1
        for p in postings {
            put(p.doc - previous - 1, into: &out)
            put(p.impact, into: &out)
            previous = p.doc
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// How many postings `text` holds (`decode(text).count`), without decoding: a posting is two
    /// varints, and each varint ends with its one letter of value < 32.
    public static func count(_ text: String) -> Int {
        var ends = 0
        for c in text.utf8 where c < 128 {
            let v = values[Int(c)]
            if v >= 0 && v < 32 { ends += 1 }
        }
        return ends / 2
    }

    /// How many letters `put` writes for `value`.
    static func letters(_ value: Int) -> Int {
        var v = value, n = 1
        while v >= 32 {
            v >>= 5
            n += 1
        }
        return n
    }

    /// `encode(postings).utf8.count`, without encoding.
    public static func encodedSize(_ postings: [Posting]) -> Int {
        var size = 0, previous = -1
        for p in postings {
            size += letters(p.doc - previous - 1) + letters(p.impact)
            previous = p.doc
        }
        return size
    }

    /// Document numbers only (facet lists).
    public static func encodeDocs(_ docs: [Int]) -> String {
        var out: [UInt8] = []
        var previous = -1
        for d in docs {
            put(d - previous - 1, into: &out)
            previous = d
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func numbers(_ text: String) -> [Int] {
        var out: [Int] = []
        var value = 0, shift = 0
        for c in text.utf8 {
            guard c < 128 else { continue }
            let v = values[Int(c)]
            if v < 0 { continue }
            if v >= 32 {
                value |= (v - 32) << shift
                shift += 5
            } else {
                value |= v << shift
                out.append(value)
                value = 0
                shift = 0
            }
        }
        return out
    }

    public static func decode(_ text: String) -> [Posting] {
        let n = numbers(text)
        var out: [Posting] = []
        out.reserveCapacity(n.count / 2)
        var previous = -1
        var i = 0
        while i + 1 < n.count {
            // Wrapping: a damaged file's numbers may be anything, and decoding never traps.
            let doc = previous &+ 1 &+ n[i]
            out.append(Posting(doc: doc, impact: n[i + 1]))
            previous = doc
            i += 2
        }
        return out
    }

    public static func decodeDocs(_ text: String) -> [Int] {
        var previous = -1
        return numbers(text).map { d in
            previous = previous &+ 1 &+ d
            return previous
        }
    }
}

/// An index in memory answers queries directly: what tests and one-shot tools use.
extension LanguageIndex: IndexReader {
    public var documentCount: Int { documents.count }
    public func postings(_ term: String) throws -> [Posting] { (postings(of: term) ?? []).filter { $0.doc < documents.count } }
    public func terms(withPrefix prefix: String) throws -> [String] {
        termNames.filter { $0.utf16.starts(with: prefix.utf16) }
    }
    public func errorSignatures() throws -> [ErrorSignatureKey] { errors }
    public func vocabulary(length: Int) throws -> [String] {
        termNames.filter { $0.utf16.count == length && Vocabulary.isCandidate($0) }
    }
    public func synonyms() throws -> [SynonymGroup] { synonymGroups }
    public func documents(facet: Facet, value: String) throws -> Set<Int> {
        Set(documents.indices.filter { documents[$0].facetValues(facet).contains(value) })
    }
    public func document(_ n: Int) throws -> SearchDocument { documents[n] }
    public func signatures() throws -> [Signature] { Signature.all(documents, lang: lang) }
}
