import Foundation

extension LogMatcher {
    public struct Outcome: Sendable {
        /// Best first.
        public var articles: [RankedResult]
        /// True when error texts matched; false when the fallback search answered.
        public var bySignature: Bool
        public var report: Report
        /// Error regexes that do not compile, with the reason (skipped).
        public var invalid: [(Signature, String)]
    }

    /// The articles a log points at, best first: error texts of the log's language (or `lang`)
    /// first, then ranked search over the informative lines. `scan` feeds the log to the matcher
    /// (a file streamed, or a text in memory). `kb match` and `kb mcp` answer through this.
    public static func articles(readers: [IndexReader], lang: String?, limit: Int,
                                scan: (inout LogMatcher) -> Report) throws -> Outcome {
        var signatures: [Signature] = []
        for r in readers { signatures += try r.signatures() }
        var matcher = LogMatcher(signatures: signatures)
        let report = scan(&matcher)
        let probe = report.containsCJK ? "中" : ""
        let order = lang.map { [$0] } ?? Searcher.languageOrder(query: probe, available: readers.map(\.lang))
        var results: [RankedResult] = []
        var bySignature = false
        for l in order {
            guard let reader = readers.first(where: { $0.lang == l }) else { continue }
            let matches = report.matches.filter { $0.lang == l }
            if !matches.isEmpty {
                bySignature = true
                for m in matches.prefix(limit) {
                    let d = try reader.document(m.doc)
                    results.append(RankedResult(document: d, level: "signature", score: Double(m.specificity),
                                                matched: m.lines.map { .init(line: $0.line, text: $0.text, signature: $0.signature) }))
                }
                break
            }
        }
        if results.isEmpty, let l = order.first, let reader = readers.first(where: { $0.lang == l }) {
            for hit in try LogMatcher.fallback(report.informative, reader: reader, filters: [:], limit: limit) {
                let d = try reader.document(hit.doc)
                results.append(RankedResult(document: d, level: "search", score: (hit.score * 1000).rounded() / 1000, matched: nil))
            }
        }
        return Outcome(articles: results, bySignature: bySignature, report: report, invalid: matcher.invalid)
    }
}
