import Foundation

/// Where the ranker reads one language's index from: the SQLite store or the site's shards.
public protocol IndexReader {
    var lang: String { get }
    var documentCount: Int { get }
    /// Postings of one term, in document order; empty when the term is not indexed.
    func postings(_ term: String) throws -> [Posting]
    /// Every indexed term that starts with `prefix` (any order; the ranker sorts).
    func terms(withPrefix prefix: String) throws -> [String]
    func errorSignatures() throws -> [ErrorSignatureKey]
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

/// One ranked document. Ordered by tier, then matched terms, then score, then document number.
public struct Hit: Sendable, Hashable {
    public var doc: Int
    /// 2: the query is one of the document's error texts; 1: it contains one; 0: neither.
    public var tier: Int
    /// Distinct query terms found.
    public var matched: Int
    /// Sum of impacts.
    public var score: Int

    public static func before(_ a: Hit, _ b: Hit) -> Bool {
        if a.tier != b.tier { return a.tier > b.tier }
        if a.matched != b.matched { return a.matched > b.matched }
        if a.score != b.score { return a.score > b.score }
        return a.doc < b.doc
    }
}

/// The query terms after tokenizing: what to look up and how.
public struct ParsedQuery: Sendable, Equatable {
    /// Query-mode terms in order, duplicates kept (for error signatures).
    public var sequence: [String]
    /// Distinct terms, in first-seen order.
    public var terms: [String]
    /// The last term, when it may also match as a prefix.
    public var prefixTerm: String?

    public static let maxExpansions = 64
    public static let minPrefixLength = 3

    public init(_ text: String, prefix: Bool) {
        let normalized = Tokenizer.normalize(text)
        let tokens = Tokenizer.tokensOfNormalized(normalized, mode: .query)
        sequence = tokens.map(\.term)
        var seen = Set<String>()
        terms = sequence.filter { seen.insert($0).inserted }
        prefixTerm = nil
        if prefix, let last = tokens.last, !last.isCJK, last.end == normalized.utf16.count,
           last.term.unicodeScalars.count >= Self.minPrefixLength {
            prefixTerm = last.term
        }
    }
}

public enum Ranker {
    /// Ranks every document that holds at least one query term.
    public static func rank(_ query: SearchQuery, in reader: IndexReader) throws -> [Hit] {
        let parsed = ParsedQuery(query.text, prefix: query.prefix)
        guard !parsed.terms.isEmpty else { return [] }
        let n = reader.documentCount
        var matched = [Int](repeating: 0, count: n)
        var score = [Int](repeating: 0, count: n)
        var touched: [Int] = []
        for term in parsed.terms {
            var best: [Int: Int] = [:]
            for p in try reader.postings(term) { best[p.doc] = p.impact }
            if term == parsed.prefixTerm {
                for other in try expansions(of: term, in: reader) {
                    for p in try reader.postings(other) where (best[p.doc] ?? 0) < p.impact / 2 {
                        best[p.doc] = p.impact / 2
                    }
                }
            }
            for (doc, impact) in best where doc < n {
                if matched[doc] == 0 { touched.append(doc) }
                matched[doc] += 1
                score[doc] += impact
            }
        }
        var tiers: [Int: Int] = [:]
        let signatures = try reader.errorSignatures()
        if !signatures.isEmpty {
            var windows: [Int: Set<UInt32>] = [:]
            let seq = parsed.sequence
            for length in Set(signatures.map(\.length)) where length > 0 && length <= seq.count {
                var set = Set<UInt32>()
                for start in 0...(seq.count - length) { set.insert(Tokenizer.signatureHash(seq[start..<(start + length)])) }
                windows[length] = set
            }
            let whole = Tokenizer.signatureHash(seq[...])
            for s in signatures {
                let tier = s.length == seq.count && s.hash == whole ? 2 : (windows[s.length]?.contains(s.hash) == true ? 1 : 0)
                if tier > (tiers[s.doc] ?? 0) { tiers[s.doc] = tier }
            }
        }
        var allowed: Set<Int>?
        for (facet, values) in query.filters where !values.isEmpty && facet != .lang {
            var set = Set<Int>()
            for v in values { set.formUnion(try reader.documents(facet: facet, value: v)) }
            allowed = allowed.map { $0.intersection(set) } ?? set
        }
        var hits: [Hit] = []
        for doc in touched where allowed?.contains(doc) ?? true {
            hits.append(Hit(doc: doc, tier: tiers[doc] ?? 0, matched: matched[doc], score: score[doc]))
        }
        hits.sort(by: Hit.before)
        return hits
    }

    /// Other terms the prefix term may stand for: the first `maxExpansions` in UTF-16 order.
    public static func expansions(of term: String, in reader: IndexReader) throws -> [String] {
        let all = try reader.terms(withPrefix: term).filter { $0 != term && $0.utf16.starts(with: term.utf16) }
        return Array(all.sorted(by: utf16Less).prefix(ParsedQuery.maxExpansions))
    }
}
