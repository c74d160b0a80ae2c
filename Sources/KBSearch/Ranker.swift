import Foundation
import KBContent

/// Where the ranker reads one language's index from: the SQLite store or the site's shards.
public protocol IndexReader {
    var lang: String { get }
    var documentCount: Int { get }
    /// Postings of one term, in document order; empty when the term is not indexed.
    func postings(_ term: String) throws -> [Posting]
    /// Every indexed term that starts with `prefix` (any order; the ranker sorts).
    func terms(withPrefix prefix: String) throws -> [String]
    /// Indexed words of this many UTF-16 units that typo candidates may come from (`Vocabulary.isCandidate`).
    func vocabulary(length: Int) throws -> [String]
    /// The toneless pinyin of a Han character (`HanTypos`), nil when it has none.
    func pinyin(_ c: Unicode.Scalar) throws -> String?
    /// Indexed Han bigrams whose characters read `reading` (`jie duan`): homophone typo candidates come from them.
    func hanBigrams(reading: String) throws -> [String]
    func errorSignatures() throws -> [ErrorSignatureKey]
    /// This language's synonym groups (kb.yml `synonyms:`).
    func synonyms() throws -> [SynonymGroup]
    /// Documents carrying `value` for `facet` (lang is the reader's own).
    func documents(facet: Facet, value: String) throws -> Set<Int>
    func document(_ n: Int) throws -> SearchDocument
    /// Every error text (literal and regex) of this language, for `kb match`.
    func signatures() throws -> [Signature]
}

public struct SearchQuery: Sendable {
    public var text: String
    /// facet → accepted values (any of them); facets combine with AND.
    public var filters: [Facet: [String]]
    public var limit: Int
    /// Let the last word match as a prefix (search as you type): see docs/search.md.
    public var prefix: Bool

    public init(text: String, filters: [Facet: [String]] = [:], limit: Int = 10, prefix: Bool = true) {
        self.text = text
        self.filters = filters
        self.limit = limit
        self.prefix = prefix
    }
}

/// One ranked document. Ordered by tier, then coverage band, then score, then document number.
public struct Hit: Sendable, Hashable {
    public var doc: Int
    /// 2: the query is one of the document's error texts; 1: it contains a decisive one; 0: neither;
    /// -1: it contains one of the document's error texts with another quoted name in it.
    public var tier: Int
    /// Sum of the informativeness (idf × 100) of the query terms found, alternatives discounted.
    public var coverage: Int
    /// The same sum over every query term the index knows: coverage / total is the share found.
    public var total: Int
    /// Sum of impacts.
    public var score: Int
    /// Terms of the document that matched, per query term (the alternative that counted).
    public var terms: [String] = []
    /// A cause of a matched symptom that the query's own words point at: it took the symptom's
    /// tier and goes first in it (docs/search.md §Ranking, step 5).
    public var lifted = false

    /// Coverage in tenths of the query's total: documents within one band compare by score.
    public var band: Int { total > 0 ? coverage * Hit.bands / total : 0 }
    public static let bands = 10

    public static func before(_ a: Hit, _ b: Hit) -> Bool {
        if a.tier != b.tier { return a.tier > b.tier }
        if a.lifted != b.lifted { return a.lifted }
        if a.band != b.band { return a.band > b.band }
        if a.score != b.score { return a.score > b.score }
        return a.doc < b.doc
    }

    /// The match level's name, for `--json` and `--explain`.
    public var level: String { (lifted ? "cause-of-" : "") + ["other-name", "terms", "contains-error", "error"][tier + 1] }
}

/// A query term and what may stand for it: itself, prefix completions, typo candidates, synonyms.
public struct Slot: Sendable, Equatable {
    public var term: String
    /// (indexed term, or a phrase of terms joined by spaces that must all be present; weight in
    /// quarters: 4 exact or synonym, 2 prefix or one edit, 1 two edits).
    public var alternatives: [(String, Int)]
    /// How many alternatives after the term itself are typo candidates (docs/search.md §Ranking, step 3).
    public var typoCandidates = 0
    public static func == (a: Slot, b: Slot) -> Bool {
        a.term == b.term && a.alternatives.map(\.0) == b.alternatives.map(\.0) && a.alternatives.map(\.1) == b.alternatives.map(\.1)
    }
}

public enum Ranker {
    /// Weights, in quarters of an exact match.
    public static let exactWeight = 4, prefixWeight = 2, oneEditWeight = 2, twoEditWeight = 1, synonymWeight = 3

    /// A page holds a term fully from this field-weighted, saturated frequency on (what a title match
    /// gives); below it the term counts in proportion, so a passing mention deep in a body counts little.
    public static let fullStrength = 4

    /// A cause joins its symptom's tier (docs/search.md §Ranking, step 5) when the query has at
    /// least `liftWords` words of the user's own, the cause holds at least 1/`liftShare` of what
    /// they are worth, and at least `liftRatio` (5/4) times what the symptom holds of them.
    public static let liftWords = 2, liftShare = 3, liftRatio = (5, 4)

    /// How informative a term is: 100 · ln(1 + N / df), rounded (search.js computes the same).
    public static func informativeness(documents n: Int, df: Int) -> Int {
        guard df > 0 else { return 0 }
        return Int((100 * log(1 + Double(n) / Double(df))).rounded())
    }

    /// Each query term with its alternatives, as both engines expand it (docs/search.md §Ranking).
    public static func slots(_ parsed: ParsedQuery, in reader: IndexReader) throws -> [Slot] {
        var slots: [Slot] = []
        var postingsCache: [String: Bool] = [:]
        func known(_ t: String) throws -> Bool {
            if let k = postingsCache[t] { return k }
            let k = !(try reader.postings(t).isEmpty)
            postingsCache[t] = k
            return k
        }
        for term in parsed.terms {
            var alts: [(String, Int)] = [(term, exactWeight)]
            var expanded = false
            if term == parsed.prefixTerm {
                let more = try expansions(of: term, in: reader)
                alts += more.map { ($0, prefixWeight) }
                expanded = !more.isEmpty
            }
            var typos = 0
            if !expanded, Vocabulary.isCandidate(term), !(try known(term)) {
                let found = try Vocabulary.corrections(of: term, in: reader)
                alts += found.map { ($0.0, $0.1 == 1 ? oneEditWeight : twoEditWeight) }
                typos = found.count
            } else if !expanded, HanTypos.applies(lang: reader.lang), HanTypos.bigram(term) != nil, !(try known(term)),
                      case let wrong = try HanTypos.replaceable(term, in: parsed.sequence, known: known), wrong.0 || wrong.1 {
                let found = try HanTypos.corrections(of: term, replacing: wrong, in: reader)
                alts += found.map { ($0, oneEditWeight) }
                typos = found.count
            }
            slots.append(Slot(term: term, alternatives: alts, typoCandidates: typos))
        }
        // Synonyms: a phrase of the query (contiguous terms of its sequence) brings the other
        // phrases of its group, on the slot of its last term.
        let groups = try reader.synonyms()
        if !groups.isEmpty {
            let seq = parsed.sequence
            for g in groups {
                for (from, targets) in g.expansions() {
                    guard !from.isEmpty, from.count <= seq.count else { continue }
                    var found = false
                    for start in 0...(seq.count - from.count) where Array(seq[start..<(start + from.count)]) == from {
                        found = true
                        break
                    }
                    guard found else { continue }
                    // Every term of the phrase may be stood for by the other phrases (a document with
                    // one covers the whole phrase); a phrase of stop words only gets a slot of its own.
                    var held = slots.indices.filter { from.contains(slots[$0].term) }
                    if held.isEmpty {
                        slots.append(Slot(term: from.last!, alternatives: [(from.last!, exactWeight)]))
                        held = [slots.count - 1]
                    }
                    for target in targets {
                        let phrase = target.filter { !QueryParser.isStopTerm($0) }.joined(separator: " ")
                        guard !phrase.isEmpty else { continue }
                        for i in held where !slots[i].alternatives.contains(where: { $0.0 == phrase }) {
                            slots[i].alternatives.append((phrase, synonymWeight))
                        }
                    }
                }
            }
        }
        return slots
    }

    /// Ranks every document that holds at least one query term.
    public static func rank(_ query: SearchQuery, in reader: IndexReader) throws -> [Hit] {
        let parsed = ParsedQuery(query.text, prefix: query.prefix)
        return try rank(parsed, filters: query.filters, in: reader)
    }

    public static func rank(_ parsed: ParsedQuery, filters: [Facet: [String]], in reader: IndexReader) throws -> [Hit] {
        guard !parsed.sequence.isEmpty else { return [] }
        let n = reader.documentCount
        var coverage = [Int](repeating: 0, count: n)
        var score = [Int](repeating: 0, count: n)
        var matchedTerms = [[String]](repeating: [], count: n)
        var touched: [Int] = []
        var seenDoc = [Bool](repeating: false, count: n)
        var total = 0
        let caps = try straddleCaps(parsed, in: reader)
        let slots = try slots(parsed, in: reader)
        var slotCovers: [[Int: Int]] = []
        var slotTotals: [Int] = []
        for slot in slots {
            // Per document: the best impact and the best coverage any alternative gives.
            var best: [Int: (impact: Int, cover: Int, term: String)] = [:]
            var slotTotal = 0
            // Typo candidates are forms of one meant word: each is worth at most the commonest of them,
            // so a rare inflection does not raise what the slot is worth above what the nearest word gives.
            let lists = try slot.alternatives.map { try phrasePostings($0.0, in: reader) }
            var typoCap = Int.max
            for list in lists.dropFirst().prefix(slot.typoCandidates) where !list.isEmpty {
                typoCap = min(typoCap, informativeness(documents: n, df: list.count))
            }
            for (i, (term, weight)) in slot.alternatives.enumerated() {
                let postings = lists[i]
                guard !postings.isEmpty else { continue }
                let own = informativeness(documents: n, df: postings.count)
                // What the slot is worth: its own informativeness, capped for a straddling bigram and for a typo candidate.
                var info = caps[slot.term].map { min(own, $0) } ?? own
                if i >= 1 && i <= slot.typoCandidates { info = min(info, typoCap) }
                slotTotal = max(slotTotal, info * weight / 4)
                for p in postings where p.doc < n {
                    let impact = p.impact * weight / 4
                    // How strongly the page holds the term: full from `fullStrength` (impact / (8 · idf)).
                    let full = 8 * fullStrength * own
                    let cover = min(100 * p.impact, full) * info / max(full, 1) * weight / 4
                    if var old = best[p.doc] {
                        if impact > old.impact { old.impact = impact; old.term = term }
                        if cover > old.cover { old.cover = cover }
                        best[p.doc] = old
                    } else {
                        best[p.doc] = (impact, cover, term)
                    }
                }
            }
            total += slotTotal
            slotTotals.append(slotTotal)
            slotCovers.append(best.mapValues(\.cover))
            for (doc, b) in best {
                if !seenDoc[doc] { seenDoc[doc] = true; touched.append(doc) }
                coverage[doc] += b.cover
                score[doc] += b.impact
                matchedTerms[doc].append(b.term)
            }
        }
        var (tiers, starts) = try matchedErrors(parsed, in: reader)
        let lifts = try causesLifted(parsed, slots: slots, covers: slotCovers, totals: slotTotals, tiers: tiers, starts: starts, in: reader)
        for (c, tier) in lifts { tiers[c] = tier }
        for (doc, tier) in tiers where tier > 0 && doc < n && !seenDoc[doc] {
            seenDoc[doc] = true
            touched.append(doc)
        }
        var allowed: Set<Int>?
        for (facet, values) in filters where !values.isEmpty && facet != .lang {
            var set = Set<Int>()
            for v in values { set.formUnion(try reader.documents(facet: facet, value: v)) }
            allowed = allowed.map { $0.intersection(set) } ?? set
        }
        var hits: [Hit] = []
        for doc in touched where allowed?.contains(doc) ?? true {
            hits.append(Hit(doc: doc, tier: tiers[doc] ?? 0, coverage: coverage[doc], total: total, score: score[doc],
                            terms: matchedTerms[doc], lifted: lifts[doc] != nil))
        }
        hits.sort(by: Hit.before)
        return hits
    }

    /// Chinese query bigrams that overlap known bigrams (docs/search.md §Ranking, step 3): each is
    /// worth at most the least informative of them. In `安装失败` the bigram `装失` straddles two
    /// words; it is rare because it crosses a word boundary, not because it says more than `失败`.
    static func straddleCaps(_ parsed: ParsedQuery, in reader: IndexReader) throws -> [String: Int] {
        let seq = parsed.sequence
        var caps: [String: Int] = [:]
        var known: [String: Int] = [:]
        for i in seq.indices {
            for j in neighbours(i, in: seq) {
                let df: Int
                if let k = known[seq[j]] { df = k } else {
                    df = try reader.postings(seq[j]).count
                    known[seq[j]] = df
                }
                guard df > 0 else { continue }
                caps[seq[i]] = min(caps[seq[i]] ?? Int.max, informativeness(documents: reader.documentCount, df: df))
            }
        }
        return caps
    }

    /// When `seq[i]` is a Chinese bigram that ranks (no stop word), the positions of the bigrams of
    /// the same kind next to it that overlap it (its neighbours in the same run); else none.
    static func neighbours(_ i: Int, in seq: [String]) -> [Int] {
        func bigram(_ t: String) -> [Unicode.Scalar]? {
            let s = Array(t.unicodeScalars)
            return s.count == 2 && Tokenizer.isCJK(s[0].value) && Tokenizer.isCJK(s[1].value) && !QueryParser.isStopTerm(t) ? s : nil
        }
        guard let ts = bigram(seq[i]) else { return [] }
        return [i - 1, i + 1].filter { j in
            guard j >= 0, j < seq.count, let ys = bigram(seq[j]) else { return false }
            return j < i ? ys[1] == ts[0] : ts[1] == ys[0]
        }
    }

    /// The causes a query's own words point at (docs/search.md §Ranking, step 5): for each
    /// document matched by an error text (tier 1 or 2) that lists causes, the user's own words are
    /// the query's terms from where its first matched error text starts on that are no word of any
    /// of its error texts, not only part of an identifier, path, URL or version (`pastedRuns`), and
    /// that the index knows. With `liftWords` of them or more, a cause holding at least a third of
    /// what they are worth and a quarter more of them than the symptom joins the symptom's tier
    /// (ahead of it: `Hit.lifted`). Per lifted cause, its new tier. `covers` and `totals` run beside
    /// `slots`: per slot, each document's coverage and what the slot is worth.
    static func causesLifted(_ parsed: ParsedQuery, slots: [Slot], covers: [[Int: Int]], totals: [Int], tiers: [Int: Int],
                             starts: [Int: Int], in reader: IndexReader) throws -> [Int: Int] {
        var lifts: [Int: Int] = [:]
        let n = reader.documentCount
        var pasted: [Bool]?
        for (doc, tier) in tiers.sorted(by: { $0.key < $1.key }) where tier > 0 && doc < n {
            let d = try reader.document(doc)
            guard !d.causeDocs.isEmpty else { continue }
            let runs = pasted ?? pastedRuns(parsed)
            pasted = runs
            let errorWords = Set(d.errorWords), seq = parsed.sequence
            var words = Set<String>()
            for i in min(starts[doc] ?? 0, seq.count)..<seq.count where !(i < runs.count && runs[i]) && !errorWords.contains(seq[i]) {
                words.insert(seq[i])
            }
            let own = slots.indices.filter { totals[$0] > 0 && words.contains(slots[$0].term) }
            guard own.count >= liftWords else { continue }
            let worth = own.reduce(0) { $0 + totals[$1] }
            let symptom = own.reduce(0) { $0 + (covers[$1][doc] ?? 0) }
            for c in d.causeDocs where c >= 0 && c < n && c != doc && (tiers[c] ?? 0) < tier {
                let cause = own.reduce(0) { $0 + (covers[$1][c] ?? 0) }
                if cause > 0, liftShare * cause >= worth, liftRatio.1 * cause >= liftRatio.0 * symptom {
                    lifts[c] = max(lifts[c] ?? 0, tier)
                }
            }
        }
        return lifts
    }

    /// Per term of the query's sequence: whether it comes from a run of the text between spaces
    /// that holds a letter or digit, one of `/ \ @ : = .` and a letter or digit (a path, URL,
    /// module path, address, version or `key=value`): what a paste varies, never the user's own words.
    static func pastedRuns(_ parsed: ParsedQuery) -> [Bool] {
        let text = Array(parsed.cleaned.utf16)
        func isSpace(_ u: UInt16) -> Bool { u == 0x20 || u == 0x09 || u == 0x0A || u == 0x0D }
        func isAlnum(_ u: UInt16) -> Bool { (0x30...0x39).contains(u) || (0x41...0x5A).contains(u) || (0x61...0x7A).contains(u) }
        let separators: Set<UInt16> = [0x2F, 0x5C, 0x40, 0x3A, 0x3D, 0x2E]
        // Tokens come in text order: each run is found and scanned once (linear in a long paste).
        var runStart = 0, runEnd = 0, found = false
        return Tokenizer.tokensOfNormalized(parsed.cleaned, mode: .query).map { t in
            let at = min(max(t.start, 0), text.count)
            if at >= runEnd {
                runStart = at
                while runStart > runEnd && !isSpace(text[runStart - 1]) { runStart -= 1 }
                runEnd = at
                while runEnd < text.count && !isSpace(text[runEnd]) { runEnd += 1 }
                found = false
                var i = runStart + 1
                while i + 1 < runEnd && !found {
                    found = separators.contains(text[i]) && isAlnum(text[i - 1]) && isAlnum(text[i + 1])
                    i += 1
                }
            }
            return found
        }
    }

    /// Per document its tier from error texts (docs/search.md §Ranking, step 4).
    static func tiers(_ parsed: ParsedQuery, in reader: IndexReader) throws -> [Int: Int] {
        try matchedErrors(parsed, in: reader).tiers
    }

    /// Per document its tier from error texts (step 4), and where in the query's sequence the
    /// first of its error texts that matched starts (step 5).
    static func matchedErrors(_ parsed: ParsedQuery, in reader: IndexReader) throws -> (tiers: [Int: Int], starts: [Int: Int]) {
        let signatures = try reader.errorSignatures()
        guard !signatures.isEmpty else { return ([:], [:]) }
        // Per length, each window's hash with the first position it starts at.
        func windows(_ seq: [String]) -> [Int: [UInt32: Int]] {
            var out: [Int: [UInt32: Int]] = [:]
            for length in Set(signatures.map(\.length)) where length > 0 && length <= seq.count {
                var starts: [UInt32: Int] = [:]
                for start in 0...(seq.count - length) {
                    let hash = Tokenizer.signatureHash(seq[start..<(start + length)])
                    if starts[hash] == nil { starts[hash] = start }
                }
                out[length] = starts
            }
            return out
        }
        let seq = parsed.sequence
        let plain = windows(seq), shaped = windows(parsed.shape)
        let whole = Tokenizer.signatureHash(seq[...])
        var tiers: [Int: Int] = [:], starts: [Int: Int] = [:]
        var contradicted = Set<Int>(), named = Set<Int>()
        for s in signatures {
            switch s.kind {
            case .shape:
                if shaped[s.length]?[s.hash] != nil { contradicted.insert(s.doc) }
            default:
                var tier = 0, start = 0
                if s.length == seq.count && s.hash == whole {
                    tier = 2
                } else if s.kind != .generic, let at = plain[s.length]?[s.hash] {
                    tier = 1
                    start = at
                }
                guard tier > 0 else { continue }
                if s.kind == .quoted { named.insert(s.doc) }
                if tier > (tiers[s.doc] ?? 0) { tiers[s.doc] = tier }
                starts[s.doc] = min(starts[s.doc] ?? start, start)
            }
        }
        // An error text of this document with another quoted name in it: the text is about that
        // other name (`'gopls' is not recognized` is not the `go` article's case).
        for doc in contradicted.subtracting(named) where (tiers[doc] ?? 0) < 2 { tiers[doc] = -1 }
        return (tiers, starts)
    }

    /// Postings of a term, or of a phrase (terms joined by spaces): the documents holding every
    /// term, with the mean of their impacts (integer division).
    static func phrasePostings(_ phrase: String, in reader: IndexReader) throws -> [Posting] {
        // A synonym target `kind:K`: every page of kind K, each holding it at full strength.
        if phrase.hasPrefix(KBConfig.SynonymSpec.kindPrefix) {
            let docs = try reader.documents(facet: .kind, value: String(phrase.dropFirst(KBConfig.SynonymSpec.kindPrefix.count))).sorted()
            let own = informativeness(documents: reader.documentCount, df: docs.count)
            let impact = (8 * fullStrength * own + 99) / 100
            return docs.map { Posting(doc: $0, impact: impact) }
        }
        let terms = phrase.split(separator: " ").map(String.init)
        guard terms.count > 1 else { return try reader.postings(phrase) }
        var sums: [Int: Int] = [:]
        for (i, t) in terms.enumerated() {
            var next: [Int: Int] = [:]
            for p in try reader.postings(t) where i == 0 || sums[p.doc] != nil { next[p.doc] = (sums[p.doc] ?? 0) + p.impact }
            sums = next
            if sums.isEmpty { return [] }
        }
        return sums.keys.sorted().map { Posting(doc: $0, impact: sums[$0]! / terms.count) }
    }

    /// Other terms the prefix term may stand for: the first `maxExpansions` in UTF-16 order.
    public static func expansions(of term: String, in reader: IndexReader) throws -> [String] {
        let all = try reader.terms(withPrefix: term).filter { $0 != term && $0.utf16.starts(with: term.utf16) }
        return Array(all.sorted(by: utf16Less).prefix(ParsedQuery.maxExpansions))
    }
}
