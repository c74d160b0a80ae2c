import Foundation
import KBContent
import KBCore

/// A runbook as the CLI and the webhook page show it: the article, its summary and its first fix.
public struct Runbook: Sendable, Hashable, Codable {
    public var id: String
    public var canonicalID: String
    public var lang: String
    public var title: String
    public var kind: String
    public var severity: String?
    public var summary: String
    /// The alerts the article declares.
    public var alerts: [String]
    /// How it was found (`alerts`, `file-name`, `article`).
    public var matched: String
    /// The article's page, relative to the site root.
    public var url: String
    /// The alert's stable runbook page, relative to the site root, when the KB declares the alert.
    public var alertURL: String?
    public var file: String
    public var show: String
    public var fix: Fix?

    /// The first thing to do: a fix block, a fix article, or (for upstream runbooks) the first
    /// command under a "Mitigation"/"How to fix" heading.
    public struct Fix: Sendable, Hashable, Codable {
        /// Block id, when the fix is a `fix` block.
        public var id: String?
        public var language: String?
        public var code: String?
        public var admin: Bool?
        public var effect: String?
        /// The heading the fix sits under, for runbooks without typed fix blocks.
        public var heading: String?
        /// The article holding the fix (canonical id), when not the runbook itself.
        public var article: String?
        public var title: String?
        public var url: String?
    }
}

extension RunbookIndex {
    /// Headings under which upstream runbooks put the fix.
    static let fixHeadings = ["fix", "mitigation", "remedy", "remediation", "resolution", "resolve", "solution", "workaround",
                              "修复", "解决", "处理", "缓解"]

    public func runbook(_ match: Match, check: String? = nil) -> Runbook {
        let a = graph.articles[match.article]
        let declared = a.alerts.contains { $0.lowercased() == match.alert.lowercased() }
        return Runbook(id: a.shortID, canonicalID: a.canonicalID, lang: a.lang, title: a.title, kind: a.kind.rawValue,
                       severity: a.severity?.rawValue, summary: a.summary, alerts: a.alerts, matched: match.via.rawValue,
                       url: sitePath(match.article), alertURL: declared ? alertPath(match.alert) : nil,
                       file: a.displayPath, show: "kb show \(showID(match.article))", fix: firstFix(match.article, check: check))
    }

    /// The id `kb show` accepts unambiguously: the short id when unique, else the canonical id.
    func showID(_ i: Int) -> String {
        let a = graph.articles[i]
        return Set(graph.lookup(a.shortID).map { graph.articles[$0].canonicalID }).count == 1 ? a.shortID : a.canonicalID
    }

    /// The first fix for an article; with a check id (a `KBCheckFailing` alert's `check` label), the
    /// fix blocks written `for=` that check come first.
    public func firstFix(_ i: Int, check: String? = nil) -> Runbook.Fix? {
        let a = graph.articles[i]
        func block(_ b: Block, in owner: Int) -> Runbook.Fix {
            let o = graph.articles[owner]
            return Runbook.Fix(id: b.id, language: b.language, code: b.code, admin: b.admin, effect: b.effect.rawValue,
                               article: owner == i ? nil : o.canonicalID, title: owner == i ? nil : o.title,
                               url: owner == i ? nil : sitePath(owner))
        }
        if let check {
            for (j, o) in graph.articles.enumerated() where o.lang == a.lang {
                if let b = o.fixBlocks.first(where: { $0.forID?.id == check }) { return block(b, in: j) }
            }
        }
        if let b = a.fixBlocks.first { return block(b, in: i) }
        // Fix articles: this one's, then its causes'.
        for f in graph.fixes[i] + graph.causes[i].flatMap({ graph.fixes[$0] }) {
            let target = pick(graph.articles[f].canonicalID) ?? f
            let t = graph.articles[target]
            if let b = t.fixBlocks.first { return block(b, in: target) }
            return Runbook.Fix(article: t.canonicalID, title: t.title, url: sitePath(target))
        }
        // Upstream runbooks: the first code block under a fix-like heading.
        let headings = a.headings
        guard let h = headings.first(where: { h in
            let text = h.text.lowercased()
            return Self.fixHeadings.contains { text.contains($0) }
        }) else { return nil }
        let end = headings.first { $0.location.line > h.location.line && $0.level <= h.level }?.location.line ?? Int.max
        let code = a.blocks.first { $0.location.line > h.location.line && $0.location.line < end && $0.role != .check && $0.role != .output }
        return Runbook.Fix(id: code?.id, language: code?.language, code: code?.code, heading: h.text,
                           url: sitePath(i) + "#" + h.anchor)
    }
}
