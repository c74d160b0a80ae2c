import Foundation

/// One result of `kb search` or `kb match`, as `--json` prints it (DESIGN §6): the article, the
/// level it matched at, the query terms it holds, the share of the query's information they carry,
/// and the score; `matched` holds the log lines of a `kb match` signature.
public struct RankedResult: Sendable, Encodable {
    public struct Line: Sendable, Encodable {
        public var line: Int
        public var text: String
        public var signature: String
        public init(line: Int, text: String, signature: String) {
            self.line = line
            self.text = text
            self.signature = signature
        }
    }

    public var id: String
    public var lang: String
    public var title: String
    public var kind: String
    public var score: Double
    public var url: String
    /// `error` (the query is an error text of the article), `contains-error` (it contains a decisive
    /// one), `terms`, `other-name` (an error text with another name in it), `cause-of-error` and
    /// `cause-of-contains-error` (a cause of a symptom matched at that level, which the user's own
    /// words name: docs/search.md §Ranking, step 5); `kb match`: `signature` or `search`.
    public var level: String
    /// Coverage: the informativeness of the query terms found over that of all the query's terms.
    public var coverage: Double?
    /// The article's terms that matched, one per query term found.
    public var terms: [String]?
    public var matched: [Line]?

    public init(_ r: SearchResult) {
        let d = r.document
        id = d.id
        lang = d.lang
        title = d.title
        kind = d.kind
        score = Double(r.hit.score) / LanguageIndex.scale
        url = d.url
        level = r.hit.level
        coverage = r.hit.total > 0 ? (Double(r.hit.coverage) / Double(r.hit.total) * 1000).rounded() / 1000 : 0
        terms = r.hit.terms
    }

    public init(document d: SearchDocument, level: String, score: Double, matched: [Line]?) {
        id = d.id
        lang = d.lang
        title = d.title
        kind = d.kind
        self.score = score
        url = d.url
        self.level = level
        self.matched = matched
    }

    /// One line for `--explain`.
    public var explanation: String {
        var parts = ["level \(level)"]
        if let coverage { parts.append("coverage \(String(format: "%.2f", coverage)) (band \(Int(coverage * Double(Hit.bands) + 1e-9)))") }
        parts.append("score \(String(format: "%.1f", score))")
        if let terms, !terms.isEmpty { parts.append("terms: " + terms.joined(separator: ", ")) }
        return parts.joined(separator: " · ")
    }
}

