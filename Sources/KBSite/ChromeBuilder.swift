import Foundation
import KBContent
import KBCore

/// The parts every page of one language shares: navigation, language switch, asset URLs.
struct ChromeBuilder: Sendable {
    let graph: KnowledgeGraph
    let layout: SiteLayout
    let lang: String
    let uiText: UIText
    /// Every folder that holds an article in this language, and its ancestors; "" is the root.
    let allSections: [String]
    /// Top-level sections: what the header links to, when there are at most `headerSectionLimit`.
    let topSections: Set<String>
    static let headerSectionLimit = 12
    /// Each section's child sections, in `allSections` order ("" holds the top-level ones).
    private let children: [String: [String]]
    private let sectionTitles: [String: String]
    private let sectionCounts: [String: Int]
    private let sectionSummaries: [String: String]
    private let usedLanguages: Set<String>
    /// Facets with at least one value in this language, in display order.
    let usedFacets: [String]
    let hasAlerts: Bool

    init(graph: KnowledgeGraph, layout: SiteLayout, lang: String) {
        self.graph = graph
        self.layout = layout
        self.lang = lang
        self.uiText = UIText(UIStrings.table(lang))
        // Fields read through indices: `for a in graph.articles` copied every article (retaining
        // each of its fields) four times per language, on an edit's critical path.
        let articles = graph.articles
        var set: Set<String> = [""]
        var titles: [String: String] = [:]
        var counts: [String: Int] = [:]
        var summaries: [String: String] = [:]
        var facetsSeen = Set<String>()
        var hasAlerts = false
        var usedLanguages = Set<String>()
        // Articles per folder first, then each folder's count added to it and its ancestors once:
        // splitting and joining every article's folder path was most of this loop.
        var direct: [String: Int] = [:]
        for i in articles.indices {
            let articleLang = articles[i].lang
            if !usedLanguages.contains(articleLang) { usedLanguages.insert(articleLang) }
            guard articleLang == lang else { continue }
            let isIndex = articles[i].isSectionIndex
            direct[articles[i].section, default: 0] += isIndex ? 0 : 1
            if isIndex {
                titles[articles[i].canonicalID] = articles[i].navTitle ?? articles[i].title
                summaries[articles[i].canonicalID] = articles[i].summary
            }
            if facetsSeen.count < PageBuilder.facetNames.count {
                for f in PageBuilder.facetNames where !facetsSeen.contains(f) && !PageBuilder.facetValues(articles[i], f).isEmpty {
                    facetsSeen.insert(f)
                }
            }
            if !hasAlerts && !articles[i].alerts.isEmpty { hasAlerts = true }
        }
        for (section, n) in direct {
            var parts = section.split(separator: "/")
            while !parts.isEmpty {
                let s = parts.joined(separator: "/")
                set.insert(s)
                if n > 0 { counts[s, default: 0] += n }
                parts.removeLast()
            }
        }
        // Untranslated section titles fall back to the default language's.
        for i in articles.indices where articles[i].isSectionIndex && articles[i].lang == graph.config.defaultLanguage
            && titles[articles[i].canonicalID] == nil {
            titles[articles[i].canonicalID] = articles[i].title
        }
        allSections = NavigationOrder(graph: graph).sortedSections(Array(set))
        topSections = Set(allSections.filter { !$0.isEmpty && !$0.contains("/") })
        // Once per language: every page's header asked for the top-level sections by filtering
        // all of them (pages × sections: 69 s of a 100,000-article build whose articles sit in
        // 1,000 folders under one top folder).
        var children: [String: [String]] = [:]
        for s in allSections where !s.isEmpty {
            let parent = s.split(separator: "/").dropLast().joined(separator: "/")
            children[parent, default: []].append(s)
        }
        self.children = children
        sectionTitles = titles
        sectionCounts = counts
        sectionSummaries = summaries
        self.usedLanguages = usedLanguages
        usedFacets = PageBuilder.facetNames.filter(facetsSeen.contains)
        self.hasAlerts = hasAlerts
    }

    func sectionTitle(_ section: String) -> String {
        sectionTitles[section] ?? section.split(separator: "/").last.map(String.init) ?? section
    }

    func childSections(of parent: String, from page: String) -> [PageModel.Item] {
        (children[parent] ?? []).map { s in
            .init(title: sectionTitle(s), url: SiteLayout.relativeURL(from: page, to: layout.sectionPath(s, lang: lang)),
                  summary: sectionSummaries[s]?.nonEmpty, count: sectionCounts[s] ?? 0)
        }
    }

    func breadcrumbs(section: String, from page: String) -> [PageModel.Item] {
        var out: [PageModel.Item] = []
        var parts: [Substring] = []
        for p in section.split(separator: "/") {
            parts.append(p)
            let s = parts.joined(separator: "/")
            out.append(.init(title: sectionTitle(s), url: SiteLayout.relativeURL(from: page, to: layout.sectionPath(s, lang: lang))))
        }
        return out
    }

    /// - Parameter counterpart: for pages that are not articles, the same page in another language
    ///   (nil: that language's home).
    func chrome(for page: String, title: String, article: Int? = nil,
                counterpart: ((String) -> String?)? = nil) -> PageModel.Chrome {
        let t = UIStrings.table(lang)
        let top: [PageModel.Item]
        if topSections.count > Self.headerSectionLimit {
            // A header cannot show hundreds of sections, and every page carrying them all made a
            // large KB's output grow with pages × sections: the home page lists them, the header
            // links it and the page's own section.
            let rest = page.hasPrefix(layout.prefix(lang)) ? String(page.dropFirst(layout.prefix(lang).count)) : page
            let own = rest.split(separator: "/").first.map(String.init).flatMap { topSections.contains($0) ? $0 : nil }
            top = [PageModel.Item(title: t[.sections], url: SiteLayout.relativeURL(from: page, to: layout.homePath(lang)))]
                + (own.map { [PageModel.Item(title: sectionTitle($0), url: SiteLayout.relativeURL(from: page, to: layout.sectionPath($0, lang: lang)))] } ?? [])
        } else {
            top = childSections(of: "", from: page).map { item -> PageModel.Item in
                var i = item
                i.summary = nil
                i.count = nil
                return i
            }
        }
        // The language switch goes to the same page in the other language when it exists.
        let languages: [PageModel.LanguageLink] = graph.config.languages.compactMap { pair in
            let code = pair[0], name = pair[1]
            guard code == graph.config.defaultLanguage || usedLanguages.contains(code) else { return nil }
            var target = layout.homePath(code)
            if let counterpart {
                if let other = counterpart(code) { target = other }
            } else if let article, let other = graph.article(canonical: graph.articles[article].canonicalID, lang: code) {
                target = layout.articlePath(graph.articles[other])
            } else if page.hasPrefix(layout.prefix(lang)) || lang == graph.config.defaultLanguage {
                // Listing pages have the same path under each language prefix.
                let rest = lang == graph.config.defaultLanguage ? page : String(page.dropFirst(layout.prefix(lang).count))
                if article == nil, rest.hasSuffix("index.html"), rest.split(separator: "/").count <= 2 {
                    target = layout.prefix(code) + rest
                }
            }
            return .init(title: name, url: SiteLayout.relativeURL(from: page, to: target), lang: code, current: code == lang)
        }
        let base = graph.config.baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        let browse = usedFacets.map { f in
            PageModel.Item(title: t[f] ?? f, url: SiteLayout.relativeURL(from: page, to: layout.taxonomyPath(f, lang: lang)), kind: f)
        }
        return PageModel.Chrome(
            siteTitle: graph.config.title(for: lang), lang: lang, root: SiteLayout.rootPrefix(from: page),
            homeURL: SiteLayout.relativeURL(from: page, to: layout.homePath(lang)),
            cssURL: SiteLayout.relativeURL(from: page, to: layout.assetPath("kb.css")),
            jsURL: SiteLayout.relativeURL(from: page, to: layout.assetPath("kb.js")),
            sections: top, languages: languages.count > 1 ? languages : [], t: uiText,
            canonicalURL: base.map { $0 + page },
            searchURL: SiteLayout.relativeURL(from: page, to: layout.searchPath(lang)),
            errorsURL: SiteLayout.relativeURL(from: page, to: layout.errorsPath(lang)),
            graphURL: SiteLayout.relativeURL(from: page, to: layout.graphPath(lang)),
            alertsURL: hasAlerts ? SiteLayout.relativeURL(from: page, to: layout.alertsIndexPath(lang)) : nil,
            feedURL: base == nil ? nil : SiteLayout.relativeURL(from: page, to: layout.feedPath(lang)),
            browse: browse)
    }
}
