import Foundation

/// A ranked document with what to show for it.
public struct SearchResult: Sendable {
    public var document: SearchDocument
    public var hit: Hit
    public var snippet: Snippet
}

/// Runs a query over the languages of an index, the way `kb search` presents it.
public enum Searcher {
    /// The language to search when the user did not say: the first CJK language for a query with
    /// Han, Kana or Hangul, else the default (first) language; another one only when that finds nothing.
    public static func languageOrder(query: String, available: [String]) -> [String] {
        guard let first = available.first else { return [] }
        var preferred = first
        if Tokenizer.hasCJK(query), let cjk = available.first(where: { ["zh", "ja", "ko"].contains(String($0.prefix(2))) }) {
            preferred = cjk
        }
        return [preferred] + available.filter { $0 != preferred }
    }

    public static func search(_ query: SearchQuery, readers: [IndexReader]) throws -> [SearchResult] {
        let langs = query.filters[.lang] ?? []
        let chosen = langs.isEmpty ? readers : readers.filter { langs.contains($0.lang) }
        let parsed = ParsedQuery(query.text, prefix: query.prefix)
        for reader in chosen {
            let hits = try Ranker.rank(parsed, filters: query.filters, in: reader)
            if hits.isEmpty && langs.isEmpty { continue }
            return try hits.prefix(query.limit).map { hit in
                let doc = try reader.document(hit.doc)
                return SearchResult(document: doc, hit: hit, snippet: Snippet.make(doc, terms: Set(parsed.terms + hit.terms)))
            }
        }
        return []
    }
}

/// A short extract of a document around the query's terms, with the matched ranges.
public struct Snippet: Sendable, Hashable {
    public var text: String
    /// UTF-16 ranges of `text` to highlight, sorted, not overlapping.
    public var highlights: [Range<Int>]

    public static let width = 160

    public static func make(_ doc: SearchDocument, terms: Set<String>) -> Snippet {
        for text in [doc.body, doc.fields[Field.code.rawValue], doc.summary, doc.fields[Field.errors.rawValue]] {
            if let s = make(text, terms: terms) { return s }
        }
        return Snippet(text: clip(doc.summary.isEmpty ? doc.body : doc.summary), highlights: [])
    }

    static func clip(_ s: String) -> String {
        let flat = s.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.utf16.count <= width ? flat : String(flat.prefix(width)) + "…"
    }

    /// The window of `width` UTF-16 units holding the most distinct terms; nil when none occurs.
    public static func make(_ raw: String, terms: Set<String>) -> Snippet? {
        let text = Tokenizer.normalize(raw).replacingOccurrences(of: "\n", with: " ")
        let tokens = Tokenizer.tokensOfNormalized(text, mode: .index).filter { terms.contains($0.term) }
        guard !tokens.isEmpty else { return nil }
        var best = 0, bestCount = 0
        for (i, t) in tokens.enumerated() {
            var seen = Set<String>()
            for u in tokens[i...] where u.end <= t.start + width { seen.insert(u.term) }
            if seen.count > bestCount { bestCount = seen.count; best = i }
        }
        let units = Array(text.utf16)
        var start = max(0, tokens[best].start - 30)
        // Start at a word boundary.
        while start > 0, start < tokens[best].start, units[start - 1] != 0x20 { start += 1 }
        let end = min(units.count, start + width)
        var ranges: [Range<Int>] = []
        for t in tokens where t.start >= start && t.end <= end {
            let r = (t.start - start)..<(t.end - start)
            if let last = ranges.last, r.lowerBound <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                ranges.append(r)
            }
        }
        var out = String(decoding: units[start..<end], as: UTF16.self)
        while out.hasSuffix(" ") { out.removeLast() }
        if start > 0 {
            out = "…" + out
            ranges = ranges.map { ($0.lowerBound + 1)..<($0.upperBound + 1) }
        }
        if end < units.count { out += "…" }
        return Snippet(text: out, highlights: ranges.filter { $0.lowerBound >= 0 })
    }

    /// The snippet with each highlight wrapped by `mark`.
    public func rendered(_ mark: (String) -> String) -> String {
        let units = Array(text.utf16)
        var out = ""
        var at = 0
        for r in highlights where r.lowerBound >= at && r.upperBound <= units.count {
            out += String(decoding: units[at..<r.lowerBound], as: UTF16.self)
            out += mark(String(decoding: units[r], as: UTF16.self))
            at = r.upperBound
        }
        out += String(decoding: units[at...], as: UTF16.self)
        return out
    }
}
