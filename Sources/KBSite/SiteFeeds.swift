import Foundation
import KBContent
import KBCore

/// `sitemap.xml` and one Atom feed per language of the articles with an `updated` date. Both need
/// absolute URLs, so they exist only when the KB configures a base URL.
public enum SiteFeeds {
    /// How many entries a feed keeps, newest first.
    public static let feedLength = 50

    /// Path → file text; empty without a base URL.
    public static func files(graph: KnowledgeGraph, pages: [PageEntry], generated: Date = Date()) -> [String: String] {
        guard let raw = graph.config.baseURL, !raw.isEmpty else { return [:] }
        let base = raw.hasSuffix("/") ? raw : raw + "/"
        let layout = SiteLayout(config: graph.config)
        var out: [String: String] = [:]
        out["sitemap.xml"] = sitemap(base: base, graph: graph, pages: pages)
        let languages = Set(pages.map(\.lang))
        for lang in languages.sorted() {
            out[layout.feedPath(lang)] = atom(base: base, graph: graph, layout: layout, lang: lang, generated: generated)
        }
        return out
    }

    static func sitemap(base: String, graph: KnowledgeGraph, pages: [PageEntry]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for page in pages.sorted(by: { $0.path < $1.path }) where page.isListed {
            xml += "<url><loc>\(HTML.escape(base + encodedPath(page.path)))</loc>"
            if let i = page.article, let updated = graph.articles[i].updated, isDate(updated) { xml += "<lastmod>\(updated)</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }

    static func atom(base: String, graph: KnowledgeGraph, layout: SiteLayout, lang: String, generated: Date) -> String {
        let entries = graph.articles.filter { $0.lang == lang && !$0.isSectionIndex && $0.updated.map(isDate) == true }
            .sorted { ($0.updated!, $0.title) > ($1.updated!, $1.title) }
            .prefix(feedLength)
        let feedURL = base + layout.feedPath(lang)
        let newest = entries.first?.updated.map { $0 + "T00:00:00Z" } ?? timestamp(generated)
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\(HTML.escape(lang))\">\n"
        xml += "<title>\(HTML.escape(graph.config.title(for: lang)))</title>\n"
        xml += "<id>\(HTML.escape(feedURL))</id>\n"
        xml += "<link rel=\"self\" href=\"\(HTML.escape(feedURL))\"/>\n"
        xml += "<link rel=\"alternate\" type=\"text/html\" href=\"\(HTML.escape(base + encodedPath(layout.homePath(lang))))\"/>\n"
        xml += "<updated>\(newest)</updated>\n<generator>kb</generator>\n"
        for a in entries {
            let url = base + encodedPath(layout.articlePath(a))
            xml += "<entry>\n<title>\(HTML.escape(a.title))</title>\n<id>\(HTML.escape(url))</id>\n"
            xml += "<link rel=\"alternate\" type=\"text/html\" href=\"\(HTML.escape(url))\"/>\n"
            xml += "<updated>\(a.updated!)T00:00:00Z</updated>\n<author><name>\(HTML.escape(graph.config.title(for: lang)))</name></author>\n"
            if !a.summary.isEmpty { xml += "<summary>\(HTML.escape(a.summary))</summary>\n" }
            xml += "<category term=\"\(a.kind.rawValue)\"/>\n</entry>\n"
        }
        return xml + "</feed>\n"
    }

    static func encodedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { SiteLayout.encode(String($0)) }.joined(separator: "/")
    }

    /// `updated:` values the feed can use: YYYY-MM-DD.
    static func isDate(_ s: String) -> Bool { s.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
