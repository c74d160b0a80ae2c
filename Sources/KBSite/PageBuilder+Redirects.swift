import Foundation
import KBContent
import KBCore

extension PageBuilder {
    /// At most this many redirect pages per build.
    static let maxRedirects = 20_000

    /// Old addresses of pages (`aliases`, `redirect_from`) as small pages that send the reader to
    /// the page (`/old/path/` → `old/path/index.html`, `/old.html` → `old.html`). Never over a
    /// page the site already has, never outside the site.
    func redirects(taken: Set<String>) -> [SitePage] {
        var out: [SitePage] = []
        var used = taken
        var chromes: [String: ChromeBuilder] = [:] // one per language: building one reads every article
        for (i, a) in graph.articles.enumerated() where !a.aliases.isEmpty {
            for alias in a.aliases {
                guard out.count < Self.maxRedirects, let path = Self.redirectPath(alias), used.insert(path).inserted else { continue }
                let chrome = chromes[a.lang] ?? ChromeBuilder(graph: graph, layout: layout, lang: a.lang)
                chromes[a.lang] = chrome
                let m = RedirectModel(chrome: chrome.chrome(for: path, title: a.title), title: a.title,
                                      redirectURL: SiteLayout.relativeURL(from: path, to: layout.articlePath(a)))
                out.append(SitePage(path: path, model: .redirect(m), article: nil))
                _ = i
            }
        }
        return out
    }

    /// The file an old address is served from; nil for one that would leave the site.
    static func redirectPath(_ alias: String) -> String? {
        var s = alias.split(separator: "#").first.map(String.init) ?? alias
        s = s.split(separator: "?").first.map(String.init) ?? s
        guard !s.contains("://"), !s.isEmpty else { return nil }
        let directory = s.hasSuffix("/") || !(s.split(separator: "/").last ?? "").contains(".")
        guard let path = KnowledgeGraph.normalizedContentPath(String(s.drop { $0 == "/" })) else { return nil }
        let clean = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard !clean.isEmpty, !clean.hasPrefix("_kb/"), !clean.hasPrefix("assets/"), !clean.hasPrefix("search/") else { return nil }
        return directory ? clean + "/index.html" : (clean.hasSuffix(".html") ? clean : nil)
    }
}
