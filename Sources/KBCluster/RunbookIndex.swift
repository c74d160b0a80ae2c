import Foundation
import KBContent
import KBCore

/// Alerts ↔ runbooks: which article answers an alert. Built once from the graph; pure.
///
/// An article is the runbook for an alert when its `alerts:` names it (any case). A KB that is a
/// plain folder of upstream runbooks (prometheus-operator/runbooks keeps
/// `content/runbooks/<component>/<Alert>.md`) has no front matter: there the file named after the
/// alert is its runbook.
public struct RunbookIndex: Sendable {
    public let graph: KnowledgeGraph
    /// The language answers are given in (its article when translated, else the one that exists).
    public let lang: String
    /// Lowercased alert name → canonical ids of the articles that declare it, in graph order.
    private var declared: [String: [String]] = [:]
    /// Lowercased alert name → the name as first written.
    private var spelling: [String: String] = [:]

    public init(graph: KnowledgeGraph, lang: String? = nil) {
        self.graph = graph
        self.lang = lang ?? graph.config.defaultLanguage
        for a in graph.articles {
            for alert in a.alerts {
                let key = alert.lowercased()
                if spelling[key] == nil { spelling[key] = alert }
                if !(declared[key] ?? []).contains(a.canonicalID) { declared[key, default: []].append(a.canonicalID) }
            }
        }
    }

    /// How an alert found its article.
    public enum Via: String, Sendable, Codable {
        /// The article's `alerts:` front matter names it.
        case alerts
        /// An upstream runbook file named after the alert.
        case fileName = "file-name"
        /// A URL or id pointing at the article itself (a `runbook_url` into this KB's site).
        case article
    }

    public struct Match: Sendable, Hashable {
        /// Index in `graph.articles`.
        public var article: Int
        /// The alert as the KB spells it (or as asked, for file-name matches).
        public var alert: String
        public var via: Via
        public init(article: Int, alert: String, via: Via) {
            self.article = article
            self.alert = alert
            self.via = via
        }
    }

    /// Every alert the KB declares, sorted case-insensitively, with its first runbook.
    public var alerts: [(alert: String, article: Int)] {
        spelling.keys.sorted().compactMap { key in
            guard let id = declared[key]?.first, let i = pick(id) else { return nil }
            return (spelling[key]!, i)
        }
    }

    /// The runbooks for an alert name or runbook URL, best first; empty when none.
    public func resolve(_ input: String) -> [Match] {
        resolve(AlertReference.parse(input))
    }

    public func resolve(_ ref: AlertReference) -> [Match] {
        let key = ref.name.lowercased()
        if let ids = declared[key] {
            return ids.compactMap { pick($0) }.map { Match(article: $0, alert: spelling[key]!, via: .alerts) }
        }
        // A page of this KB's site (a runbook_url into it): the longest path suffix that is an article id.
        if let path = ref.path {
            let parts = path.split(separator: "/").map(String.init)
            let prefixes = Set(graph.config.languageCodes)
            for start in parts.indices {
                var rest = Array(parts[start...])
                if rest.count > 1, prefixes.contains(rest[0]) { rest.removeFirst() }
                let id = rest.joined(separator: "/")
                if let i = pick(id) {
                    return [Match(article: i, alert: ref.name, via: .article)]
                }
            }
        }
        // Upstream folder: the file named after the alert, preferring its component's folder.
        var named: [Int] = []
        var seen = Set<String>()
        for a in graph.articles where !a.isSectionIndex && a.shortID.lowercased() == key && seen.insert(a.canonicalID).inserted {
            if let p = pick(a.canonicalID) { named.append(p) }
        }
        if let component = ref.component?.lowercased() {
            let inFolder = named.filter { graph.articles[$0].section.split(separator: "/").last?.lowercased() == component }
            named = inFolder + named.filter { !inFolder.contains($0) }
        }
        if !named.isEmpty { return named.map { Match(article: $0, alert: ref.name, via: .fileName) } }
        return []
    }

    /// The article with this canonical id in the index's language, else in the default language, else any.
    public func pick(_ canonicalID: String) -> Int? {
        graph.article(canonical: canonicalID, lang: lang)
            ?? graph.article(canonical: canonicalID, lang: graph.config.defaultLanguage)
            ?? graph.languages(of: canonicalID).first
    }

    /// Alert names close to `name`, for "did you mean".
    public func suggestion(for name: String) -> String? {
        let key = name.lowercased()
        guard let close = Slug.closest(to: key, in: Array(spelling.keys)) else { return nil }
        return spelling[close]
    }

    /// The article for the canonical id or short id a metric's `article` label carries.
    public func article(id: String) -> Int? {
        if let i = pick(id) { return i }
        let found = graph.lookup(id, lang: lang)
        if let first = found.first { return first }
        return graph.lookup(id).first
    }

    /// The site path of an article in its language, relative to the site root (`edge-cluster/etcd-slow-disk.html`).
    public func sitePath(_ article: Int) -> String { layout.articlePath(graph.articles[article]) }

    /// The site's stable runbook URL for an alert, relative to the site root (`alerts/KBCheckFailing.html`).
    public func alertPath(_ alert: String) -> String { layout.alertPath(alert, lang: lang) }

    /// Where the site puts its pages.
    public var layout: SiteLayout { SiteLayout(config: graph.config) }
}

extension KnowledgeGraph {
    /// Indexes of the articles with this canonical id, in any language.
    func languages(of canonicalID: String) -> [Int] {
        config.languageCodes.compactMap { article(canonical: canonicalID, lang: $0) }
    }
}
