import Foundation
import KBTesting
import Testing
import KBContent
import KBCore
@testable import KBSearch

/// The shared vectors: search.js must produce exactly these too (EndToEndTests/SearchTests).
struct VectorFile: Codable {
    struct Case: Codable {
        var name: String
        var input: String
        var mode: String
        var expected: [[JSONValue]]
    }
    var about: String
    var cases: [Case]
}

enum JSONValue: Codable, Equatable {
    case string(String), int(Int)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
    }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        }
    }
}

func vectorPath() -> String { TestSupport.packageRoot + "/Tests/KBSearchTests/tokenizer-vectors.json" }

func swiftTokens(_ input: String, _ mode: String) -> [[JSONValue]] {
    Tokenizer.tokens(input, mode: mode == "query" ? .query : .index).map { [.string($0.term), .int($0.start), .int($0.end)] }
}

func doc(_ id: String, title: String, kind: String = "reference", summary: String = "", errors: [String] = [],
         body: String = "", code: String = "", platforms: [String] = [], tools: [String] = [], lang: String = "en") -> SearchDocument {
    var fields = Array(repeating: "", count: Field.allCases.count)
    fields[Field.title.rawValue] = title
    fields[Field.errors.rawValue] = errors.joined(separator: "\n")
    fields[Field.summary.rawValue] = summary
    fields[Field.body.rawValue] = body
    fields[Field.code.rawValue] = code
    return SearchDocument(id: id, canonicalID: "s/" + id, lang: lang, url: "s/\(id).html", title: title, kind: kind, summary: summary,
                          platforms: platforms, tools: tools, tags: [], errors: errors, patterns: [], fields: fields,
                          path: "s/\(id).md", contentHash: id)
}

func index(_ docs: [SearchDocument]) -> LanguageIndex {
    LanguageIndex(lang: docs.first?.lang ?? "en", documents: docs, terms: docs.map(DocumentTerms.init))
}

/// An index in memory that counts the reads of typo data: vocabulary lengths, Han readings and
/// homophone buckets (a correctly spelled query reads none).
final class CountingReader: IndexReader {
    let base: LanguageIndex
    var vocabularyReads = 0, readingReads = 0
    init(_ base: LanguageIndex) { self.base = base }
    var lang: String { base.lang }
    var documentCount: Int { base.documentCount }
    func postings(_ term: String) throws -> [Posting] { try base.postings(term) }
    func terms(withPrefix prefix: String) throws -> [String] { try base.terms(withPrefix: prefix) }
    func vocabulary(length: Int) throws -> [String] { vocabularyReads += 1; return try base.vocabulary(length: length) }
    func pinyin(_ c: Unicode.Scalar) throws -> String? { readingReads += 1; return try base.pinyin(c) }
    func hanBigrams(reading: String) throws -> [String] { readingReads += 1; return try base.hanBigrams(reading: reading) }
    func errorSignatures() throws -> [ErrorSignatureKey] { try base.errorSignatures() }
    func synonyms() throws -> [SynonymGroup] { try base.synonyms() }
    func documents(facet: Facet, value: String) throws -> Set<Int> { try base.documents(facet: facet, value: value) }
    func document(_ n: Int) throws -> SearchDocument { try base.document(n) }
    func signatures() throws -> [Signature] { try base.signatures() }
}

func top(_ query: String, _ idx: LanguageIndex, filters: [Facet: [String]] = [:], prefix: Bool = true) throws -> [String] {
    try Ranker.rank(SearchQuery(text: query, filters: filters, prefix: prefix), in: idx).map { idx.documents[$0.doc].id }
}

@Suite struct TokenizerTests {
    @Test func sharedVectors() throws {
        let data = try #require(FileManager.default.contents(atPath: vectorPath()))
        var file = try JSONDecoder().decode(VectorFile.self, from: data)
        #expect(file.cases.count >= 30)
        if ProcessInfo.processInfo.environment["KB_RECORD"] == "1" {
            for i in file.cases.indices { file.cases[i].expected = swiftTokens(file.cases[i].input, file.cases[i].mode) }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
            try enc.encode(file).write(to: URL(fileURLWithPath: vectorPath()))
            Issue.record("recorded \(vectorPath()); review the diff")
            return
        }
        for c in file.cases {
            #expect(swiftTokens(c.input, c.mode) == c.expected, "\(c.name)")
        }
    }

    @Test func specExamples() {
        #expect(Tokenizer.terms("GO111MODULE=off", mode: .index) == ["go111module", "off"])
        #expect(Tokenizer.terms("GOPROXY=off", mode: .query) == ["goproxy", "off"])
        #expect(Tokenizer.terms("x509 GOPATH", mode: .query) == ["x509", "gopath"])
        #expect(Tokenizer.terms("模块缓存", mode: .index) == ["模", "块", "缓", "存", "模块", "块缓", "缓存"])
        #expect(Tokenizer.terms("模块缓存", mode: .query) == ["模块", "块缓", "缓存"])
        #expect(Tokenizer.terms("，ＧＯ：", mode: .query) == ["go"])
    }

    @Test func signatureHashIsFNV1aOverSpaceJoinedUTF8() {
        // FNV-1a 32 of "a b": known value.
        #expect(Tokenizer.signatureHash(["a", "b"]) == 0x0A2E_4D89 || Tokenizer.signatureHash(["a", "b"]) == fnv("a b"))
        #expect(Tokenizer.signatureHash(["证书"]) == fnv("证书"))
    }

    func fnv(_ s: String) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }
}

@Suite struct CodecTests {
    /// Terms are sorted as JavaScript compares strings (UTF-16 code units), from their UTF-8 bytes:
    /// the same order as the UTF-16 view's on ASCII, CJK, accents, prefixes, and the one place
    /// where the two encodings disagree (a character past U+FFFF against one in U+E000–U+FFFF).
    @Test func utf16OrderFromUTF8Bytes() {
        let words = ["", "a", "ab", "abc", "b", "Z", "_", "-", "0", "9", "é", "ée", "z\u{301}", "中", "中文", "文", "下载",
                     "\u{E000}", "\u{E000}a", "\u{FFFD}", "\u{FF5E}", "\u{F900}", "\u{D7FF}", "\u{10000}", "\u{1F600}",
                     "\u{1F600}x", "a\u{1F600}", "a\u{FFFD}", "a\u{E000}", "a\u{10FFFF}", "\u{10FFFF}", "\u{7FF}", "\u{800}"]
        var disagreements: [String] = []
        for x in words {
            for y in words where utf16Less(x, y) != x.utf16.lexicographicallyPrecedes(y.utf16) {
                disagreements.append("\(x.unicodeScalars.map { String($0.value, radix: 16) }) < \(y.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        // The case byte order alone gets wrong: U+1F600 is a surrogate pair (D83D DE00), below U+E000.
        #expect(utf16Less("\u{1F600}", "\u{E000}") && !utf16Less("\u{E000}", "\u{1F600}"))
    }

    /// The size the site's shards are cut by is the encoded text's length, for every width of
    /// delta and impact (one letter up to 31, then one more per five bits).
    @Test func encodedSizeIsTheEncodedLength() {
        var postings: [Posting] = [], d = -1
        for step in [1, 2, 31, 32, 33, 1023, 1024, 1025, 40_000, 1 << 20, 1 << 25] {
            for impact in [1, 31, 32, 1023, 1024, LanguageIndex.maxImpact] {
                d += step
                postings.append(Posting(doc: d, impact: impact))
                #expect(PostingCodec.encodedSize(postings) == PostingCodec.encode(postings).utf8.count)
                #expect(PostingCodec.count(PostingCodec.encode(postings)) == postings.count, "counted without decoding")
            }
        }
        #expect(PostingCodec.count("") == 0)
        #expect(PostingCodec.encodedSize([]) == 0)
        let idx = index([doc("a", title: "alpha beta", body: "beta gamma"), doc("b", title: "beta")])
        for term in ["alpha", "beta", "gamma", "none"] { #expect(idx.encodedSize(term) == (idx.encoded(term)?.utf8.count ?? 0)) }
    }

    @Test func postingsRoundTrip() {
        let postings = [Posting(doc: 0, impact: 1), Posting(doc: 1, impact: 31), Posting(doc: 40, impact: 32),
                        Posting(doc: 5000, impact: 1023), Posting(doc: 70000, impact: 500)]
        let text = PostingCodec.encode(postings)
        #expect(!text.contains("\"") && !text.contains("\\"))
        #expect(PostingCodec.decode(text) == postings)
        #expect(PostingCodec.decodeDocs(PostingCodec.encodeDocs([3, 4, 99, 100000])) == [3, 4, 99, 100000])
        #expect(PostingCodec.encode([Posting(doc: 0, impact: 1)]) == "AB")
        // The largest values an index holds survive the compact posting (32-bit document, 16-bit impact).
        let wide = [Posting(doc: 4_000_000_000, impact: LanguageIndex.maxImpact)]
        #expect(PostingCodec.decode(PostingCodec.encode(wide)) == wide && wide[0].doc == 4_000_000_000)
    }

    /// A damaged site file's postings decode to something (clamped, wrapped), never a trap: long
    /// runs of continuation letters make huge and negative numbers, deltas that overflow.
    @Test func damagedPostingsDecodeWithoutTrapping() {
        let continuation = String(repeating: "_", count: 40)
        // Twelve letters of 31 then `H` (7) is Int.max: the second delta overflows a plain `+`.
        let intMax = String(repeating: "_", count: 12) + "H"
        for text in [continuation + "A" + continuation + "B", "z" + continuation + "Ae" + continuation + "AB", String(repeating: "9", count: 5000),
                     intMax + "B" + intMax + "B" + intMax + "B"] {
            let postings = PostingCodec.decode(text)
            #expect(postings.allSatisfy { $0.doc >= 0 && $0.impact >= 0 })
            _ = PostingCodec.decodeDocs(text)
        }
    }
}

@Suite struct IncrementalIndexTests {
    /// After edits in place, the index updated from the earlier one's encoded postings equals the
    /// index computed from every document, posting for posting and error key for error key: a
    /// word added, one removed, a count changed, a document's length moved across its grid step, a
    /// word that becomes shared (so an error text stops being decisive) and one that becomes rare.
    @Test func anUpdatedIndexEqualsAComputedOne() throws {
        func docs(_ bodies: [String], errors: [[String]]) -> [SearchDocument] {
            bodies.indices.map { doc("d\($0)", title: "page \($0) title", errors: errors[$0], body: bodies[$0]) }
        }
        let filler = (0..<40).map { "word\($0 % 13) common text" }.joined(separator: " ")
        var bodies = (0..<60).map { "body \($0) " + filler + " only\($0)" }
        var errors = Array(repeating: [String](), count: 60)
        errors[3] = ["zorble common text"]
        let before = docs(bodies, errors: errors)
        let old = LanguageIndex(lang: "en", documents: before, terms: before.map(DocumentTerms.init))
        let encoded = old.terms.mapValues(PostingCodec.encode)
        #expect(old.errors.contains { $0.kind == .decisive })

        bodies[2] += " zorble quux quux quux"                     // zorble now in two pages: no longer decisive
        bodies[5] = bodies[5].replacingOccurrences(of: "only5", with: "") // a word gone from the index
        bodies[7] += " " + String(repeating: "long ", count: 60)    // its length crosses grid steps
        let after = docs(bodies, errors: errors)
        let edited = [2, 5, 7]
        let terms = after.map(DocumentTerms.init)
        var touched = Set<String>()
        for d in edited {
            for field in DocumentTerms(before[d]).counts { touched.formUnion(field.terms) }
            for field in terms[d].counts { touched.formUnion(field.terms) }
        }
        let computed = LanguageIndex(lang: "en", documents: after, terms: terms)
        try #require(computed.averages == old.averages, "the edits were meant to leave the averages on their grid point")
        let updated = try #require(LanguageIndex(lang: "en", documents: after, terms: terms, updating: encoded, averages: old.averages,
                                                 edited: edited, touched: touched))
        let differing = Set(updated.termNames).union(computed.termNames).filter { updated.postings(of: $0) != computed.postings(of: $0) }.sorted()
        #expect(differing.isEmpty, "postings differ for \(differing.count) terms: \(differing.prefix(8))")
        #expect(updated.errors == computed.errors)
        #expect(updated.postings(of: "only5") == nil && updated.postings(of: "zorble")?.count == 2)
        #expect(!computed.errors.contains { $0.kind == .decisive }, "zorble is in two pages now")
        // The site's shards are the same bytes either way.
        #expect(try SiteIndex.files(for: updated).map(\.1) == SiteIndex.files(for: computed).map(\.1))

        // Averages off their stored grid point: every impact can move, and no update is made.
        #expect(LanguageIndex(lang: "en", documents: after, terms: terms, updating: encoded, averages: old.averages.map { $0 * 2 },
                              edited: edited, touched: touched) == nil)
    }

    /// After an in-place update, the site files it keeps (no bytes: the current site's copy stays)
    /// are exactly the files a full computation makes, and the others are made: term shards bounded
    /// as before without a changed term, vocabulary lengths and homophone files without an added or
    /// removed term. The merged term order is the sorted one.
    @Test(arguments: ["en", "zh"]) func keptSiteFilesAreTheFilesAFullBuildMakes(lang: String) throws {
        func word(_ i: Int) -> String {
            lang == "en" ? "w\(String(i, radix: 36))x" : String(Character(Unicode.Scalar(0x4E00 + i * 7 % 20000)!)) + String(Character(Unicode.Scalar(0x4E00 + i * 13 % 20000)!))
        }
        func docs(_ bodies: [String]) -> [SearchDocument] {
            bodies.indices.map { doc("d\($0)", title: "page \($0)", body: bodies[$0], lang: lang) }
        }
        var bodies = (0..<500).map { d in (0..<40).map { word(d * 37 + $0 * 11) }.joined(separator: " ") + " common" }
        let before = docs(bodies)
        let old = LanguageIndex(lang: lang, documents: before, terms: before.map(DocumentTerms.init))
        let encoded = old.terms.mapValues(PostingCodec.encode)
        let oldFiles = Dictionary(try SiteIndex.files(for: old, documents: false), uniquingKeysWith: { a, _ in a })
        let meta = try SiteIndex.unwrap(try #require(oldFiles["search/\(lang)/meta.js"]), as: SiteIndex.Meta.self)
        try #require(meta.shards.count >= 4, "the corpus was meant to fill several shards")

        bodies[10] += " " + word(10 * 37)                                       // a count changed
        bodies[20] = bodies[20].replacingOccurrences(of: word(20 * 37 + 11), with: word(99_999)) // one term gone, one new
        let after = docs(bodies)
        let edited = [10, 20]
        let terms = after.map(DocumentTerms.init)
        var touched = Set<String>()
        for d in edited {
            for field in DocumentTerms(before[d]).counts { touched.formUnion(field.terms) }
            for field in terms[d].counts { touched.formUnion(field.terms) }
        }
        let computed = LanguageIndex(lang: lang, documents: after, terms: terms)
        try #require(computed.averages == old.averages)
        let order = encoded.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let updated = try #require(LanguageIndex(lang: lang, documents: after, terms: terms, updating: encoded, order: order,
                                                 averages: old.averages, edited: edited, touched: touched))
        #expect(updated.sortedTerms == computed.sortedTerms)
        let changed = try #require(updated.changedTerms)
        #expect(changed.contains(word(99_999)) && changed.contains(word(20 * 37 + 11)))

        let keeping = SiteIndex.KeptShards(shards: meta.shards, changed: changed, addedOrRemoved: try #require(updated.addedOrRemovedTerms),
                                           vocab: meta.vocab ?? [], han: meta.han)
        let kept = try SiteIndex.files(for: updated, documents: false, keeping: keeping)
        let full = try SiteIndex.files(for: computed, documents: false)
        #expect(kept.map(\.0) == full.map(\.0))
        var keptCount = 0, madeShards = 0
        for ((path, data), (_, made)) in zip(kept, full) {
            if let data {
                #expect(data == made, "\(path) made differently")
                if path.contains("/t") { madeShards += 1 }
            } else {
                keptCount += 1
                #expect(oldFiles[path] == made, "\(path) kept, but a full build makes other bytes")
            }
        }
        #expect(keptCount > 0 && madeShards > 0 && madeShards < meta.shards.count, "kept \(keptCount), shards made \(madeShards)")
    }
}

@Suite struct StoreTests {
    static func doc(_ id: String, _ body: String) -> SearchDocument {
        var fields = Array(repeating: "", count: Field.allCases.count)
        fields[Field.title.rawValue] = id
        fields[Field.body.rawValue] = body
        return SearchDocument(id: id, canonicalID: "s/" + id, lang: "en", url: "s/\(id).html", title: id, kind: "symptom",
                              summary: "sum é", platforms: ["linux"], tools: ["go"], tags: [], errors: ["x: y"], patterns: ["a\\d+"],
                              fields: fields, path: "s/\(id).md", contentHash: "h-" + id)
    }

    /// Documents and their term counts come back from the binary form exactly; a truncated blob is
    /// an error, not a crash.
    @Test func documentsAndTermCountsRoundTrip() throws {
        let d = Self.doc("dns", "lookup 中文 timeout timeout")
        #expect(try StoreCodec.decodeDocument(StoreCodec.encode(d)) == d)
        let t = DocumentTerms(d)
        #expect(try StoreCodec.decodeTerms(StoreCodec.encode(t)) == t)
        let bytes = StoreCodec.encode(d)
        #expect(throws: SearchError.self) { try StoreCodec.decodeDocument(bytes.prefix(bytes.count / 2)) }
    }

    /// Term counts read from the store keep their row until asked: they equal (and hash as) the
    /// counts they were written from, give them back whole, and write back the same row. A row cut
    /// anywhere, with a byte more, or with its terms out of order is refused when read, not later.
    @Test func storedTermCountsAreDecodedWhenAsked() throws {
        let t = DocumentTerms(Self.doc("dns", "lookup 中文 timeout timeout zeta alpha"))
        let row = StoreCodec.encode(t)
        let stored = try StoreCodec.decodeTerms(row)
        #expect(stored.row != nil && t.row == nil)
        #expect(stored == t && Set([stored, t]).count == 1)
        #expect(stored.lengths == t.lengths && stored.counts == t.counts && stored.errorTerms == t.errorTerms)
        #expect(stored.decoded().row == nil && stored.decoded() == t)
        #expect(stored.counts[Field.body.rawValue].count(of: "timeout") == 2)
        #expect(StoreCodec.encode(stored) == row)
        for end in 0..<row.count {
            #expect(throws: SearchError.self, "cut at \(end)") { try StoreCodec.decodeTerms(row.prefix(end)) }
        }
        #expect(throws: SearchError.self) { try StoreCodec.decodeTerms(row + [0]) }
        var fields = t.counts
        fields[Field.body.rawValue] = TermCounts(sorted: ["zeta", "alpha"], counts: [1, 1])
        let disordered = StoreCodec.encode(DocumentTerms(counts: fields, lengths: t.lengths, errorTerms: t.errorTerms))
        #expect(throws: SearchError.self) { try StoreCodec.decodeTerms(disordered) }
    }

    /// Packed term counts give back each document's counts and its stored row byte for byte (the
    /// store writes a full build's rows from them), and count each term's documents.
    @Test func packedTermsGiveBackEachDocumentAndItsRow() throws {
        var docs = [Self.doc("dns", "lookup 中文 timeout timeout"), Self.doc("tls", "handshake timeout x509 证书错误"),
                    Self.doc("empty", "")]
        docs[1].errors = ["x509: certificate signed by unknown authority"]
        docs[1].fields[Field.title.rawValue] = "TLS handshake timeout"
        let terms = docs.map(DocumentTerms.init)
        let packed = PackedTerms(terms)
        #expect(packed.count == 3)
        for d in docs.indices {
            #expect(packed.documentTerms(d) == terms[d])
            #expect(packed.encoded(d) == StoreCodec.encode(terms[d]))
        }
        let timeout = try #require(packed.number("timeout"))
        #expect(packed.names[timeout] == "timeout" && packed.documentFrequency[timeout] == 2)
        var finished = packed
        finished.finish()
        #expect(finished.number("timeout") == nil && finished.encoded(1) == packed.encoded(1))
    }

    /// Saved twice with one document changed, the store holds what a fresh save holds; a store
    /// whose tables are not this format's is rebuilt even when its label says otherwise.
    @Test func saveWritesWhatChangedAndDriftIsRebuilt() throws {
        let dir = try TestSupport.tempDirectory("kb-store")
        defer { TestSupport.remove(dir) }
        func index(_ docs: [SearchDocument]) -> LanguageIndex {
            LanguageIndex(lang: "en", documents: docs, terms: docs.map(DocumentTerms.init))
        }
        func save(_ store: SearchStore, _ docs: [SearchDocument]) throws {
            let i = index(docs)
            try store.save([i], terms: [docs.map(DocumentTerms.init)], digests: [docs.map { StableHash.of(bytes: StoreCodec.encode($0)) }],
                           files: [["f"]], fingerprint: "fp")
        }
        let a = [Self.doc("one", "alpha beta"), Self.doc("two", "beta gamma")]
        let b = [Self.doc("one", "alpha beta"), Self.doc("two", "gamma delta delta")]
        let incremental = try SearchStore(path: dir + "/a.sqlite")
        try save(incremental, a)
        try save(incremental, b)
        let fresh = try SearchStore(path: dir + "/b.sqlite")
        try save(fresh, b)
        for store in [incremental, fresh] {
            let r = try store.reader(lang: "en")
            #expect(try r.postings("beta").map(\.doc) == [0])
            #expect(try r.postings("delta").map(\.doc) == [1])
            #expect(try r.postings("alpha") == (try fresh.reader(lang: "en").postings("alpha")))
            #expect(try r.vocabulary(length: 5).sorted() == ["alpha", "delta", "gamma"])
            #expect(try store.stored()["s/two.md"]?.doc == b[1])
        }
        // The label is right but a column is missing: the store starts over instead of failing.
        try incremental.queue.write { db in try db.execute(sql: "ALTER TABLE docs DROP COLUMN digest") }
        let reopened = try SearchStore(path: dir + "/a.sqlite")
        try save(reopened, a)
        #expect(try reopened.stored().count == 2)
    }
}

@Suite struct RankingTests {
    let idx = index([
        doc("mentions", title: "Proxy settings", body: "If the certificate is wrong, x509 errors appear."),
        doc("x509", title: "x509: certificate signed by unknown authority", kind: "symptom",
            errors: ["x509: certificate signed by unknown authority"], platforms: ["windows"]),
        doc("cache", title: "模块缓存损坏", kind: "cause", summary: "go clean -modcache 清理模块缓存", lang: "en"),
        doc("install", title: "go install: access denied", kind: "symptom", errors: ["Access is denied."],
            body: "install installs installer", platforms: ["linux"], tools: ["go"]),
    ])

    @Test func titleAndErrorsOutrankTheBody() throws {
        #expect(try top("x509 certificate", idx).first == "x509")
    }

    @Test func exactErrorTextIsFirstEvenWhenOthersHaveEveryWord() throws {
        let hits = try Ranker.rank(SearchQuery(text: "x509: certificate signed by unknown authority"), in: idx)
        #expect(hits.first.map { idx.documents[$0.doc].id } == "x509")
        #expect(hits.first?.tier == 2)
        // A longer pasted line containing the error text: tier 1.
        let longer = try Ranker.rank(SearchQuery(text: "go: tls: failed to verify: x509: certificate signed by unknown authority (at 10:31)"), in: idx)
        #expect(longer.first?.tier == 1)
    }

    @Test func chineseSubstringsFindTheirPage() throws {
        for q in ["模块", "块缓", "缓存", "存损", "损坏", "模块缓存", "缓"] {
            #expect(try top(q, idx).contains("cache"), "\(q)")
        }
    }

    @Test func lastWordMatchesAsPrefixUnlessFollowedBySpace() throws {
        #expect(try top("certif", idx).contains("x509"))
        #expect(try top("certif ", idx).isEmpty)
        #expect(try top("certif", idx, prefix: false).isEmpty)
        #expect(try top("ce", idx).isEmpty, "prefixes need three characters")
    }

    @Test func facetsFilter() throws {
        #expect(try top("access certificate", idx, filters: [.platform: ["linux"]]) == ["install"])
        #expect(try top("access certificate", idx, filters: [.kind: ["symptom"], .platform: ["windows"]]) == ["x509"])
        #expect(try top("access certificate", idx, filters: [.tool: ["nope"]]).isEmpty)
    }

    @Test func moreMatchedTermsRankFirstAndTiesBreakByDocumentOrder() throws {
        let same = index([doc("b", title: "alpha"), doc("a", title: "alpha"), doc("c", title: "alpha beta")])
        #expect(try top("alpha beta", same) == ["c", "b", "a"])
    }
}

@Suite struct SnippetTests {
    @Test func windowAroundTheTermsWithHighlights() throws {
        let text = String(repeating: "filler words here. ", count: 20) + "The GOPROXY setting is off, so module lookup is disabled." +
            String(repeating: " more filler", count: 20)
        let s = try #require(Snippet.make(text, terms: ["goproxy", "off"]))
        let marked = s.rendered { "[" + $0 + "]" }
        #expect(marked.contains("[GOPROXY]"))
        #expect(marked.contains("[off]"))
        #expect(s.text.hasPrefix("…") && s.text.hasSuffix("…"))
        #expect(s.text.utf16.count <= Snippet.width + 2)
        let zh = try #require(Snippet.make("清理模块缓存后重试", terms: ["模块", "缓存"]))
        #expect(zh.rendered { "[" + $0 + "]" } == "清理[模块缓存]后重试")
    }
}

@Suite struct LogMatcherTests {
    @Test func normalisesVolatileParts() {
        let a = LogNormalizer.terms(#"go: downloading golang.org/x/tools v0.21.0 from C:\Users\张三\go\pkg\mod"#)
        let b = LogNormalizer.terms(#"go: downloading golang.org/x/net v0.30.1 from C:\Users\bob\go\pkg\mod"#)
        #expect(a == b)
        #expect(LogNormalizer.terms("'gopls' is not recognized") == LogNormalizer.terms("'go' is not recognized"))
        #expect(LogNormalizer.terms("“go”项") == LogNormalizer.terms("“gopls”项"))
        #expect(LogNormalizer.terms("sha256 3f2a9c0d1e at https://proxy.golang.org/x/@v/list line 42").filter { !$0.hasPrefix("kb") } == ["sha256", "at", "line"])
        // Full-width punctuation folds before matching.
        #expect(LogNormalizer.terms("拒绝访问：Access is denied．") == LogNormalizer.terms("拒绝访问: Access is denied."))
    }

    @Test func requiredTermsSkipGroupsAlternativesAndOptionalParts() {
        #expect(LogMatcher.requiredTerms(#"dial tcp \S+: i/o timeout"#) == ["dial", "tcp", "i", "o", "timeout"])
        #expect(LogMatcher.requiredTerms(#"go install \S+: mkdir \S+: (Access is denied\.|拒绝访问。|permission denied)"#) == ["go", "install", "mkdir"])
        #expect(LogMatcher.requiredTerms(#"dial tcp: lookup \S+( on \S+)?: no such host"#) == ["dial", "tcp", "lookup", "no", "such", "host"])
        #expect(LogMatcher.requiredTerms("a|b").isEmpty)
        #expect(LogMatcher.requiredTerms("connections? refused") == ["refused"])
    }

    @Test func literalAndRegexSignaturesMatchWithTheirLines() {
        var m = LogMatcher(signatures: [
            Signature(lang: "en", doc: 0, text: "'go' is not recognized as an internal or external command,", isRegex: false),
            Signature(lang: "en", doc: 1, text: #"dial tcp \S+: i/o timeout"#, isRegex: true),
            Signature(lang: "en", doc: 2, text: "unrelated text", isRegex: false),
        ])
        let log = """
            C:\\Users\\me> gopls version
            'gopls' is not recognized as an internal or external command,
            operable program or batch file.
            go: example.com/x@v1.0.0: Get "https://proxy.golang.org/x": dial tcp 142.250.1.1:443: i/o timeout
            """
        let r = m.scan(text: log)
        #expect(Set(r.matches.map(\.doc)) == [0, 1])
        #expect(r.matches.first { $0.doc == 0 }?.lines.map(\.line) == [2])
        #expect(r.matches.first { $0.doc == 1 }?.lines.map(\.line) == [4])
        #expect(r.lineCount == 4)
    }

    @Test func pathologicalRegexIsCutOffByItsBudget() {
        var m = LogMatcher(signatures: [Signature(lang: "en", doc: 0, text: "(a+)+$", isRegex: true)])
        let line = String(repeating: "a", count: 60) + "!"
        let started = Date()
        let r = m.scan(text: Array(repeating: line, count: 50).joined(separator: "\n"))
        #expect(Date().timeIntervalSince(started) < 20, "a catastrophic regex must not hang the matcher")
        #expect(r.timedOut == ["(a+)+$"])
        #expect(r.matches.isEmpty)
    }

    @Test func streamsALargeLogWithLongLines() throws {
        let dir = try TestSupport.tempDirectory("kb-log")
        defer { TestSupport.remove(dir) }
        let path = dir + "/big.log"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let noise = Data(String(repeating: "INFO compiling package github.com/acme/widget/internal/thing 1234\n", count: 20000).utf8)
        handle.write(noise) // ~1.3 MB in 20,000 lines: several 256 KB reads (0..<4 took 10 s of the unit layer)
        handle.write(Data((String(repeating: "x", count: 3_000_000) + "\n").utf8)) // one 3 MB line
        handle.write(Data("go: modules disabled by GO111MODULE=off; see 'go help modules'\n".utf8))
        try handle.close()
        var m = LogMatcher(signatures: [Signature(lang: "en", doc: 7, text: "go: modules disabled by GO111MODULE=off; see 'go help modules'", isRegex: false)])
        let r = m.scan(try #require(FileHandle(forReadingAtPath: path)))
        #expect(r.matches.map(\.doc) == [7])
        #expect(r.matches.first?.lines.first?.line == 20_002)
    }

    @Test func informativeLinesPreferErrorWords() {
        var m = LogMatcher(signatures: [])
        let r = m.scan(text: "starting\nloading config\nerror: something odd happened\nbye")
        #expect(r.informative == ["error: something odd happened"])
    }
}

// MARK: Search v2: query parsing, coverage, decisive error texts, typos, synonyms

struct QueryVectorFile: Codable {
    struct Expected: Codable, Equatable {
        var sequence: [String]
        var shape: [String]
        var terms: [String]
        var prefix: String
    }
    struct Case: Codable {
        var name: String
        var input: String
        var expected: Expected
    }
    var about: String
    var cases: [Case]
}

func queryVectorPath() -> String { TestSupport.packageRoot + "/Tests/KBSearchTests/query-vectors.json" }

func parsedVector(_ input: String) -> QueryVectorFile.Expected {
    let q = ParsedQuery(input, prefix: true)
    return .init(sequence: q.sequence, shape: q.shape, terms: q.terms, prefix: q.prefixTerm ?? "")
}

@Suite struct QueryParserTests {
    /// Each noise pattern runs only on a text holding one of the pieces beside it
    /// (`QueryParser.noiseNeeds`): every match of every pattern, on a text made to match each one
    /// and on every line of the real KB and of tldr, holds one of its bytes, and removing the noise
    /// gives what running all the patterns gives. The same for `ErrorText.hasIdentifier`.
    @Test func noiseNeedsFitThePatterns() throws {
        #expect(QueryParser.noiseNeeds.count == QueryParser.noisePatterns.count)
        var texts = [
            #"PS C:\Users\alice> go build ./..."#, "PS> go version", #"C:\Program Files\Go\bin>go env"#,
            "alice@dev:~/src/app$ go run .", "root@master:~# kubectl get pods", "alice@mac ~ % go test",
            "➜  api git:(main) ✗ go test ./...", "➜  api go vet", "2024-05-01T10:00:00.123Z error: boom", "2024/05/01 10:00:00 x",
            "10:02:11.5 failed", "Mon, 01 Apr 2024 build failed", "x +0000 y", "C:\\Users\\me\\AppData\\Local\\Temp\\go-build123\\b001\\exe\\a.out.exe: exit",
            "/tmp/go-build123/b001/exe/a.out: exit status 2", "I0501 12:00:00.000 1 main.go:10] etcd down", #"{"level":"error","msg":"x"}"#,
            "level=error msg=timeout", "main.go:42: panic", "At line:1 char:1", "go.sum GOPROXY=off i/o sending_queue",
        ]
        var roots = [TestSupport.packageRoot + "/Content"]
        if let tldr = TestSupport.tldrCorpus { roots.append(tldr) }
        for root in roots {
            let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") } ?? []
            for f in files.sorted().prefix(1500) {
                texts += (TestSupport.read(root + "/" + f)).split(separator: "\n").map(String.init)
            }
        }
        #expect(texts.count > 5000)
        var matched = Set<Int>()
        for raw in texts {
            let text = Tokenizer.normalize(raw)
            var plain = text
            for (k, (re, needs)) in zip(QueryParser.noise, QueryParser.noiseNeeds).enumerated() {
                for m in re.matches(in: plain, range: NSRange(location: 0, length: (plain as NSString).length)) {
                    matched.insert(k)
                    let hit = (plain as NSString).substring(with: m.range)
                    #expect(needs.contains { QueryParser.holds(hit, $0) }, "pattern \(k) matched \(hit.debugDescription)")
                }
                plain = re.stringByReplacingMatches(in: plain, range: NSRange(location: 0, length: (plain as NSString).length), withTemplate: " ")
            }
            #expect(QueryParser.removeNoise(text) == plain, "\(raw.debugDescription)")
            let identifier = ErrorText.identifier.firstMatch(in: raw, range: NSRange(location: 0, length: (raw as NSString).length)) != nil
            #expect(ErrorText.hasIdentifier(raw) == identifier, "\(raw.debugDescription)")
        }
        #expect(matched == Set(QueryParser.noisePatterns.indices), "patterns no text matched: \(Set(QueryParser.noisePatterns.indices).subtracting(matched).sorted())")
    }

    @Test func sharedQueryVectors() throws {
        let data = try #require(FileManager.default.contents(atPath: queryVectorPath()))
        var file = try JSONDecoder().decode(QueryVectorFile.self, from: data)
        #expect(file.cases.count >= 20)
        if ProcessInfo.processInfo.environment["KB_RECORD"] == "1" {
            for i in file.cases.indices { file.cases[i].expected = parsedVector(file.cases[i].input) }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
            try enc.encode(file).write(to: URL(fileURLWithPath: queryVectorPath()))
            Issue.record("recorded \(queryVectorPath()); review the diff")
            return
        }
        for c in file.cases {
            #expect(parsedVector(c.input) == c.expected, "\(c.name)")
        }
    }

    @Test func promptsTimestampsAndLogKeysAreDropped() {
        #expect(ParsedQuery(#"C:\Users\alice>go version"#, prefix: false).terms == ["go", "version"])
        #expect(ParsedQuery(#"PS C:\Users\alice> go build"#, prefix: false).terms == ["go", "build"])
        #expect(ParsedQuery("alice@dev:~/src/app$ go build", prefix: false).terms == ["go", "build"])
        // oh-my-zsh: the arrow with the folder and the git part, or the arrow, two spaces and the folder.
        #expect(ParsedQuery("➜  api git:(main) ✗ go build", prefix: false).terms == ["go", "build"])
        #expect(ParsedQuery("➜ api git:(fix/path) go build", prefix: false).terms == ["go", "build"])
        #expect(ParsedQuery("➜  api go build", prefix: false).terms == ["go", "build"])
        #expect(ParsedQuery("install ➜ restart the api", prefix: false).terms == ["install", "restart", "api"])
        #expect(ParsedQuery("2024-05-01T10:00:00.123Z apply request took too long", prefix: false).terms
                == ["apply", "request", "took", "too", "long"])
        #expect(ParsedQuery(#"{"level":"warn","msg":"apply request took too long"}"#, prefix: false).terms
                == ["warn", "apply", "request", "took", "too", "long"])
        // A Windows path that is not a prompt keeps its words (it may be the point of the error).
        #expect(ParsedQuery(#"open C:\Program Files\Go\bin\gopls.exe: Access is denied."#, prefix: false).terms.contains("program"))
    }

    @Test func stopWordsDoNotRankButStayInTheSequence() {
        let q = ParsedQuery("how do I fix the go path", prefix: false)
        #expect(q.terms == ["fix", "go", "path"])
        #expect(q.sequence == ["how", "do", "i", "fix", "the", "go", "path"])
        let zh = ParsedQuery("新开的终端", prefix: false)
        #expect(!zh.terms.contains("开的") && !zh.terms.contains("的终"))
        #expect(zh.terms.contains("终端"))
    }

    @Test func longIdentifiersAreSearchable() {
        let terms = Tokenizer.terms("otelcol_exporter_enqueue_failed_metric_points", mode: .index)
        #expect(terms.first == "otelcol_exporter_enqueue_failed_metric_points")
        #expect(terms.contains("enqueue") && terms.contains("points"))
        #expect(Tokenizer.terms(String(repeating: "ab", count: 30), mode: .index).isEmpty, "a long word without _ is still dropped")
    }
}

@Suite struct RankingV2Tests {
    @Test func informativeTermsOutweighCommonOnes() throws {
        // "common" and "words" are on every page; "gopls" on one. Two common words found must not
        // beat the one rare word.
        let idx = index([
            doc("a", title: "common words", body: "common words everywhere"),
            doc("b", title: "gopls", body: "common"),
            doc("c", title: "common words again", body: "words"),
            doc("d", title: "other common words", body: "text"),
        ])
        #expect(try top("gopls common words", idx).first == "b")
    }

    @Test func aChineseBigramAcrossTwoWordsCountsNoMoreThanTheWords() throws {
        // 安装失败 gives 安装, 装失, 失败. Only "a" has 装失 (the two words in a row), so it is rare, but
        // it says no more than 安装 or 失败: the page that also holds the rarer word gopls must win.
        let idx = index([
            doc("a", title: "安装失败", body: "说明", lang: "zh"),
            doc("b", title: "安装 gopls 失败", body: "说明", lang: "zh"),
            doc("c", title: "安装 说明", body: "其他", lang: "zh"),
            doc("d", title: "失败 说明", body: "其他", lang: "zh"),
            doc("e", title: "无关", body: "其他", lang: "zh"),
        ])
        let parsed = ParsedQuery("安装失败 gopls", prefix: false)
        let caps = try Ranker.straddleCaps(parsed, in: idx)
        #expect(caps["装失"] == Ranker.informativeness(documents: 5, df: 3), "capped at 安装's and 失败's informativeness")
        #expect((caps["安装"] ?? .max) >= Ranker.informativeness(documents: 5, df: 3), "a rarer neighbour does not lower a word")
        #expect(try top("安装失败 gopls", idx, prefix: false).first == "b")
        // Stop bigrams and unknown bigrams cap nothing: 了 glues, 满了 is a stop bigram.
        #expect(try Ranker.straddleCaps(ParsedQuery("满了安装", prefix: false), in: idx).isEmpty)
    }

    @Test func typoCandidatesIncludeOtherFormsOfTheNearestWord() throws {
        let roots = ["blocks": "block", "blocked": "block", "blocking": "block", "proxies": "proxy", "expire": "expir",
                     "expired": "expir", "running": "run", "installs": "install", "installer": "installer",
                     "processes": "process", "status": "status", "uses": "uses", "string": "string", "x509": "x509",
                     "agreed": "agreed", "stopped": "stop", "caching": "cach", "quarantines": "quarantin", "windows": "window",
                     "go": "go", "naïve": "naïve"]
        for (word, root) in roots { #expect(Vocabulary.root(word) == root, "\(word)") }
        let idx = index([doc("a", title: "quarantine"), doc("b", title: "Defender quarantines builds"), doc("c", title: "quarantining other")])
        // quarantine is one edit away, quarantines two; the nearest rule alone would drop the page that says
        // "quarantines". quarantining is three edits away as a word, two as another inflection (roots one apart).
        let c = try Vocabulary.corrections(of: "quarentine", in: idx)
        #expect(c.map(\.0) == ["quarantine", "quarantines", "quarantining"])
        #expect(c.map(\.1) == [1, 2, 2])
        #expect(try top("quarentine", idx) == ["a", "c", "b"], "the exact form's page first; the others by strength")
    }

    @Test func aTypoFindsAnotherInflectionThroughItsRoot() throws {
        // The KB says "shadows" only: "shaddowed" is three edits from it, but its root "shaddow" is one
        // edit from "shadow"; another form costs one edit more than the roots' distance.
        let only = index([doc("order", title: "An older go.exe shadows the new one"), doc("x", title: "unrelated words")])
        #expect(try Vocabulary.corrections(of: "shaddowed", in: only).map { "\($0.0) \($0.1)" } == ["shadows 2"])
        #expect(try top("shaddowed", only) == ["order"])
        // With the same inflection present, it is the nearest; the other form stays a candidate, below it.
        let both = index([doc("order", title: "An older go.exe shadows the new one"),
                          doc("etcd", title: "etcd quota", body: String(repeating: "filler words ", count: 30) + "the flag is shadowed")])
        #expect(try Vocabulary.corrections(of: "shaddowed", in: both).map { "\($0.0) \($0.1)" } == ["shadowed 1", "shadows 2"])
        #expect(try top("shaddowed", both).first == "order", "the title holding the word's other form beats a passing mention")
        // Root matching never brings a word whose own root is far: "foud" is one edit from "fold"'s
        // root, so "folded" would cost two, and "found" (one edit) is the nearest.
        let far = index([doc("a", title: "file not found"), doc("b", title: "the path was folded")])
        #expect(try Vocabulary.corrections(of: "foud", in: far).map(\.0) == ["found"])
        // The same root is one edit: "cacheing" and "cached" share "cach" (two edits apart as words).
        #expect(try Vocabulary.corrections(of: "cacheing", in: index([doc("c", title: "cached modules")])).map { "\($0.0) \($0.1)" }
                == ["cached 1"])
        // The lengths the browser loads: the term's (7…11) and its root's with the suffixes roots drop (6…13).
        #expect(Vocabulary.lengths(for: "shaddowed") == Array(6...13))
        #expect(Vocabulary.lengths(for: "go111modeul") == Array(9...13), "no root for a word with digits")
    }

    @Test func aRareInflectionDoesNotRaiseWhatATypoSlotIsWorth() throws {
        // "cheksum" → checksum (one edit, on six of eight pages) and checksums (another inflection, on one).
        // Uncapped, the rare form would make the slot worth more than the page holding the nearest word
        // in its title could reach, and the weaker candidate's page would win.
        var docs = [doc("a", title: "checksum mismatch"), doc("b", title: "checksums listed"), doc("h", title: "unrelated")]
        for i in 0..<5 { docs.append(doc("c\(i)", title: "page \(i)", body: "the checksum of a module")) }
        let idx = index(docs)
        let hits = try Ranker.rank(SearchQuery(text: "cheksum", prefix: false), in: idx)
        #expect(idx.documents[hits[0].doc].id == "a")
        #expect(hits[0].coverage == hits[0].total, "the nearest word in a title covers the whole query")
        #expect(hits.first { idx.documents[$0.doc].id == "b" }.map { $0.band } == 5, "another inflection counts half")
    }

    @Test func aMisspelledNegationFindsTheNotPhrase() throws {
        #expect(Vocabulary.negated("unrecongized") == "recongized")
        #expect(Vocabulary.negated("unreachable") == "reachable")
        #expect(Vocabulary.negated("uninstall") == nil && Vocabulary.negated("unzip") == nil && Vocabulary.negated("unix") == nil,
                "a reversal or no prefix: not a negation")
        let idx = index([
            doc("cmd", title: "'go' is not recognized as a command"),
            doc("proxy", title: "go get fails", body: String(repeating: "filler words ", count: 30), code: "unrecognized import path"),
            doc("x", title: "unrelated words"),
        ])
        let c = try Vocabulary.corrections(of: "unrecongized", in: idx)
        #expect(c.map { "\($0.0) \($0.1)" } == ["recognized 1", "unrecognized 1"])
        #expect(try top("unrecongized", idx).first == "cmd", "the page that says \"not recognized\" strongly")
        // Still below an exact match: a page with the word as typed wins over both.
        let exact = index([doc("cmd", title: "'go' is not recognized as a command"), doc("typed", title: "notes", body: "unrecongized")])
        #expect(try top("unrecongized", exact).first == "typed")
    }

    @Test func aCorrectlySpelledQueryReadsNoVocabulary() throws {
        let reader = CountingReader(index([doc("order", title: "An older go.exe shadows the new one"), doc("x", title: "unrelated")]))
        _ = try Ranker.rank(SearchQuery(text: "older shadows", prefix: false), in: reader)
        #expect(reader.vocabularyReads == 0)
        _ = try Ranker.rank(SearchQuery(text: "older shaddowed", prefix: false), in: reader)
        #expect(reader.vocabularyReads == Vocabulary.lengths(for: "shaddowed").count, "each length read once")
    }

    @Test func aPassingMentionCountsLessThanATitle() throws {
        let idx = index([
            doc("body", title: "unrelated", body: String(repeating: "filler text ", count: 40) + "cache corrupted clear"),
            doc("title", title: "The module cache is corrupted", body: "go clean -modcache"),
            doc("x", title: "something else", body: "nothing"),
        ])
        #expect(try top("clear the corrupted module cache", idx).first == "title")
    }

    static let errorIdx = index([
        doc("go-command-not-found", title: "'go' is not recognized", kind: "symptom",
            errors: ["'go' is not recognized as an internal or external command,", "operable program or batch file.",
                     "bash: go: command not found"],
            body: "The shell cannot find go."),
        doc("go-bin-not-on-path", title: "Tools folder missing from PATH", kind: "cause",
            body: "gopls and dlv are not recognized (operable program or batch file) when the tools folder is missing; command not found"),
        doc("other", title: "unrelated", body: "a batch file"),
    ])

    /// A runbook's alert name is a decisive error text: an Alertmanager notification pasted whole
    /// puts the runbook first even when another page holds more of its words (the check's own
    /// article, named in its labels), and its `kb match` signatures include the name.
    @Test func anAlertNameDecidesForItsRunbook() throws {
        var runbook = doc("kb-check-failing", title: "KBCheckFailing: a check reports a problem", kind: "runbook",
                          body: "Find the check and the node, open its article.")
        runbook.alerts = ["KBCheckFailing"]
        runbook.errors = runbook.alerts
        let docs = [
            doc("etcd-database-space-exceeded", title: "etcd database space exceeded (etcd-db-space-alarm)", kind: "runbook",
                body: "The etcd-db-space-alarm check fails on the node when the etcd database reaches its space quota; severity critical. "
                    + "KBCheckFailing then fires for it."), // the alert name is on two pages: no rare word decides
            runbook,
            doc("other", title: "unrelated", body: "a node"),
        ]
        let idx = index(docs)
        #expect(idx.errors.first { docs[$0.doc].id == "kb-check-failing" }?.kind == .decisive)
        let paste = #"[FIRING:1] KBCheckFailing (check="etcd-db-space-alarm" article="edge-cluster/etcd-database-space-exceeded" severity="critical" node="edge-7")"#
        let hits = try Ranker.rank(SearchQuery(text: paste), in: idx)
        #expect(idx.documents[hits[0].doc].id == "kb-check-failing")
        #expect(hits[0].level == "contains-error")
        #expect(Signature.all(idx.documents, lang: "en").contains { $0.text == "KBCheckFailing" })
    }

    @Test func aGenericTailDoesNotDecideAndAnotherNameContradicts() throws {
        func kind(_ text: String) -> ErrorSignatureKey.Kind? {
            let terms = ErrorText.parse(text).terms
            return Self.errorIdx.errors.first { $0.kind != .shape && $0.hash == Tokenizer.signatureHash(terms[...]) }?.kind
        }
        #expect(kind("'go' is not recognized as an internal or external command,") == .quoted, "it names the command")
        #expect(kind("operable program or batch file.") == .generic, "no decisive token: its words are on another page")
        #expect(kind("bash: go: command not found") == .quoted, "a name between colons")
        let gopls = "'gopls' is not recognized as an internal or external command, operable program or batch file."
        let hits = try Ranker.rank(SearchQuery(text: gopls), in: Self.errorIdx)
        #expect(Self.errorIdx.documents[hits[0].doc].id == "go-bin-not-on-path")
        #expect(hits.first { Self.errorIdx.documents[$0.doc].id == "go-command-not-found" }?.tier == -1)
        let go = try Ranker.rank(SearchQuery(text: "C:\\Users\\me>go version " + gopls.replacingOccurrences(of: "gopls", with: "go")), in: Self.errorIdx)
        #expect(Self.errorIdx.documents[go[0].doc].id == "go-command-not-found")
        #expect(go[0].tier == 1 && go[0].level == "contains-error")
        // A name between colons is a name too.
        let bash = try Ranker.rank(SearchQuery(text: "$ dlv version bash: dlv: command not found"), in: Self.errorIdx)
        #expect(Self.errorIdx.documents[bash[0].doc].id == "go-bin-not-on-path")
        // The generic tail alone is the whole query: it still finds its page.
        #expect(try top("operable program or batch file.", Self.errorIdx).first == "go-command-not-found")
    }

    @Test func typosGetCandidatesBelowExactMatches() throws {
        let idx = index([
            doc("sum", title: "checksum mismatch", body: "verifying module"),
            doc("defrag", title: "defragment the database", body: "compaction"),
        ])
        #expect(try top("cheksum", idx).first == "sum", "one edit (a letter missing)")
        #expect(try top("defragmnet", idx).first == "defrag", "a transposition")
        #expect(try top("defragmnte", idx).first == "defrag", "two edits in a long word")
        #expect(try top("compaction", idx) == ["defrag"], "a word the index has is not corrected")
        #expect(try top("cheks", idx, prefix: false).isEmpty, "a short word gets one edit only")
        // Correct queries pay nothing: no candidates are looked up for known words.
        let slots = try Ranker.slots(ParsedQuery("checksum mismatch", prefix: false), in: idx)
        #expect(slots.allSatisfy { $0.alternatives.count == 1 })
        #expect(Vocabulary.distance(Array("ab".utf16), Array("ba".utf16), limit: 2) == 1)
        #expect(Vocabulary.distance(Array("kitten".utf16), Array("sitting".utf16), limit: 2) == 3)
        #expect(!Vocabulary.isCandidate("x509") && !Vocabulary.isCandidate("b001") && Vocabulary.isCandidate("go111moduel"))
    }

    @Test func synonymsExpandTwoWayAndOneWay() throws {
        let docs = [
            doc("av", title: "antivirus blocks the build", body: "scanner"),
            doc("mirror", title: "goproxy.cn is a module mirror", body: "proxy"),
            doc("qiniu", title: "qiniu company history", body: "cloud"),
        ]
        let idx = LanguageIndex(lang: "en", documents: docs, terms: docs.map(DocumentTerms.init), synonyms: [
            SynonymGroup(texts: ["antivirus", "AV", "anti-virus"]),
            SynonymGroup(texts: ["qiniu"], to: ["goproxy.cn"]),
        ])
        #expect(try top("AV", idx) == ["av"])
        #expect(try top("anti-virus", idx).first == "av")
        #expect(try top("qiniu", idx).first == "qiniu", "the word itself ranks above its synonym")
        #expect(try top("qiniu", idx).contains("mirror"))
        #expect(!(try top("goproxy.cn", idx).contains("qiniu")), "one-way: the target does not bring the source")
    }

    /// A `kind:concept` target: a comparison question finds the concept page that explains both
    /// words above a symptom page that happens to name them too.
    @Test func aKindTargetStandsForThePagesOfThatKind() throws {
        let docs = [
            doc("symptom", title: "GOROOT and GOPATH point at the same folder", kind: "symptom", body: "GOROOT GOPATH error"),
            doc("concept", title: "What GOROOT and GOPATH hold", kind: "concept", body: "the toolchain and the workspace"),
            doc("other", title: "a cause", kind: "cause", body: "unrelated words"),
        ]
        let groups = [SynonymGroup(texts: ["difference", "vs"], to: ["kind:Concept"])]
        #expect(groups[0].targets == [["kind:concept"]], "one term, lower-cased, whatever the text")
        let plain = LanguageIndex(lang: "en", documents: docs, terms: docs.map(DocumentTerms.init))
        let idx = LanguageIndex(lang: "en", documents: docs, terms: docs.map(DocumentTerms.init), synonyms: groups)
        #expect(try top("GOROOT vs GOPATH", plain).first == "symptom", "without the target the symptom page wins")
        #expect(try top("GOROOT vs GOPATH", idx).first == "concept")
        #expect(try top("difference between GOROOT and GOPATH", idx).first == "concept")
        #expect(try top("GOROOT GOPATH", idx).first == "symptom", "no question word, no preference")
        let hit = try #require(try Ranker.rank(SearchQuery(text: "GOROOT vs GOPATH"), in: idx).first)
        #expect(hit.terms.contains("kind:concept"), "--explain names what matched")
    }
}

@Suite struct SynonymConfigTests {
    @Test func parsesGroupsAndReportsPositionedErrors() throws {
        let ok = try KBConfig.parse("""
            synonyms:
              en:
                - [antivirus, AV]
                - {from: [qiniu], to: [goproxy.cn]}
              zh: [[杀毒软件, 杀软]]
            """, path: "kb.yml")
        #expect(ok.synonyms["en"]?.count == 2)
        #expect(ok.synonyms["en"]?[1].to == ["goproxy.cn"])
        #expect(ok.synonyms["zh"]?.first?.phrases == ["杀毒软件", "杀软"])
        func failure(_ text: String) -> String {
            do { _ = try KBConfig.parse(text, path: "kb.yml"); return "" } catch { return error.diagnostics.map(\.description).joined(separator: "\n") }
        }
        #expect(failure("synonyms: [a, b]").contains("kb.yml:1:11: error: 'synonyms' maps a language to groups"))
        #expect(failure("synonyms:\n  en:\n    - [only]\n").contains("kb.yml:3:7: error: a synonym group needs at least two"))
        #expect(failure("synonyms:\n  en:\n    - {from: [a], too: [b]}\n").contains("kb.yml:3:19: error: unknown key 'too'"))
        #expect(failure("synonyms:\n  fr:\n    - [a, b]\n").contains("kb.yml:2:3: error: 'synonyms' names language 'fr'"))
        #expect(failure("synonyms:\n  en:\n    - [a, '']\n").contains("kb.yml:3:11: error: each synonym must be a non-empty"))
        let kind = try KBConfig.parse("synonyms:\n  en:\n    - {from: [vs], to: ['kind:concept']}\n", path: "kb.yml")
        #expect(kind.synonyms["en"]?.first?.to == ["kind:concept"])
        #expect(failure("synonyms:\n  en:\n    - {from: [vs], to: ['kind:concepts']}\n")
            .contains("kb.yml:3:24: error: 'kind:concepts' is not a page kind; use one of kind:symptom, kind:cause"))
        #expect(failure("synonyms:\n  en:\n    - {from: ['kind:fix'], to: [repair]}\n").contains("kb.yml:3:14: error: 'kind:fix' names a page kind"))
        #expect(failure("synonyms:\n  en:\n    - [vs, 'kind:concept']\n").contains("kb.yml:3:7: error: 'kind:concept' names a page kind"))
    }
}

@Suite struct LogNormalizerV2Tests {
    @Test func quotedMessagesKeepTheirWords() {
        let terms = LogNormalizer.terms(#"{"level":"error","error": "sending queue is full"}"#)
        #expect(terms.contains("sending") && terms.contains("queue") && terms.contains("full"))
        #expect(LogNormalizer.terms("'gopls' is not recognized") == LogNormalizer.terms("'go' is not recognized"))
    }
}

@Suite struct IncrementalShardTests {
    /// A deterministic corpus of `n` documents over a vocabulary of `words` made-up words.
    static func corpus(_ n: Int, words: Int = 20_000) -> [SearchDocument] {
        var state: UInt64 = 42
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let vocabulary = (0..<words).map { i in "w" + String(i * 7919 % 1_000_003, radix: 36) }
        return (0..<n).map { i in
            let body = (0..<(40 + next() % 200)).map { _ in vocabulary[next() % words] }.joined(separator: " ")
            return doc("d\(i)", title: "title \(vocabulary[next() % words])", body: body)
        }
    }

    static func shardFiles(_ docs: [SearchDocument]) throws -> [String: Data] {
        Dictionary(try SiteIndex.files(for: index(docs), documents: false).filter { $0.0.contains("/t") }, uniquingKeysWith: { a, _ in a })
    }

    /// Appending a few words to one document of a large index rewrites a few term shards, not
    /// every shard: the average length and the document's own length move only on a grid, and
    /// shard boundaries are chosen by the terms themselves.
    @Test func oneSmallEditRewritesFewShards() throws {
        var docs = Self.corpus(3000)
        let before = try Self.shardFiles(docs)
        #expect(before.count > 20)
        var edited = docs[1234]
        edited.fields[Field.body.rawValue] += " zzfresh word"
        docs[1234] = edited
        let after = try Self.shardFiles(docs)
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
        #expect(changed.count <= 4, "\(changed.count) of \(after.count) shards changed")
    }

    @Test func gridKeepsSmallValuesAndRoundsLargeOnesClosely() {
        #expect(LanguageIndex.onGrid(7, steps: 8) == 7)
        for x in stride(from: 16.0, through: 5000, by: 13.7) {
            let g = LanguageIndex.onGrid(x, steps: 8)
            #expect(abs(g - x) / x <= 0.045)
            #expect(LanguageIndex.onGrid(g, steps: 8) == g)
        }
    }
}

@Suite struct PackedTermsTests {
    /// The index computed from packed term counts gives each document the impact of its term
    /// counted on its own (each field's BM25 from the count and the field's length, summed in
    /// field order, with the term's idf).
    @Test func packedImpactsEqualImpactsTermByTerm() {
        let docs = (0..<30).map { i in
            doc("d\(i)", title: "page \(i % 4) title", body: (0..<(i % 7 + 1)).map { "w\($0 * i % 11) text" }.joined(separator: " "),
                                code: i % 3 == 0 ? "kubectl get pods w\(i)" : "")
        }
        let terms = docs.map(DocumentTerms.init)
        let index = LanguageIndex(lang: "en", documents: docs, packed: PackedTerms(terms))
        let avg = LanguageIndex.averages(terms)
        #expect(index.averages == avg)
        var expected: [String: [Posting]] = [:]
        let names = Set(terms.flatMap { $0.counts.flatMap(\.terms) })
        for term in names {
            let holders = docs.indices.filter { d in terms[d].counts.contains { $0.count(of: term) != nil } }
            expected[term] = holders.map { d in
                var score = 0.0
                for f in 0..<Field.allCases.count {
                    guard let count = terms[d].counts[f].count(of: term) else { continue }
                    score += LanguageIndex.fieldScore(tf: Double(count), field: f, norm: LanguageIndex.norm(terms[d], f, avg))
                }
                return Posting(doc: d, impact: LanguageIndex.impact(score, documents: docs.count, df: holders.count))
            }
        }
        #expect(index.terms == expected)
    }
}
