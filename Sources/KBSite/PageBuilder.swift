import Foundation
import KBContent
import KBCore

/// One file of the site to produce.
public struct SitePage: Sendable {
    public var path: String
    public var model: PageModel
    /// The article rendered into `model.body`, if any.
    public var article: Int?
}

/// Turns the graph into the list of pages with their models (bodies are filled at render time).
public struct PageBuilder: Sendable {
    public let graph: KnowledgeGraph
    public let layout: SiteLayout

    public init(graph: KnowledgeGraph) {
        self.graph = graph
        self.layout = SiteLayout(config: graph.config)
    }

    static let facetNames = ["platforms", "tools", "env", "components", "tags"]

    static func facetValues(_ a: Article, _ facet: String) -> [String] {
        switch facet {
        case "platforms": return a.platforms.map(\.rawValue)
        case "tools": return a.tools
        case "env": return a.env
        case "components": return a.components
        case "tags": return a.tags
        default: return []
        }
    }

    public var languages: [String] {
        let used = Set(graph.articles.map(\.lang))
        return graph.config.languageCodes.filter { used.contains($0) || $0 == graph.config.defaultLanguage }
    }

    public func pages() -> [SitePage] {
        var out: [SitePage] = []
        for lang in languages {
            let chromeBase = ChromeBuilder(graph: graph, layout: layout, lang: lang)
            out.append(home(lang, chromeBase))
            out += sections(lang, chromeBase)
            for (i, a) in graph.articles.enumerated() where a.lang == lang && !a.isSectionIndex {
                out.append(article(i, chromeBase))
            }
            out += taxonomies(lang, chromeBase)
        }
        var notFound = PageModel(template: "404", chrome: ChromeBuilder(graph: graph, layout: layout, lang: graph.config.defaultLanguage)
            .chrome(for: "404.html", title: UIStrings.table(graph.config.defaultLanguage)["notFound"]!), title: UIStrings.table(graph.config.defaultLanguage)["notFound"]!)
        notFound.settle()
        out.append(SitePage(path: "404.html", model: notFound, article: nil))
        return out
    }

    // MARK: items

    func item(_ t: Int, from page: String) -> PageModel.Item {
        let a = graph.articles[t]
        let strings = UIStrings.table(a.lang)
        return PageModel.Item(title: a.title, url: SiteLayout.relativeURL(from: page, to: layout.articlePath(a)),
                              kind: a.kind.rawValue, kindLabel: strings["kind.\(a.kind.rawValue)"] ?? a.kind.rawValue,
                              summary: a.summary.nonEmpty)
    }

    /// The article to show for `t` in `lang`: its translation when there is one.
    func inLanguage(_ t: Int, _ lang: String) -> Int {
        if graph.articles[t].lang == lang { return t }
        return graph.article(canonical: graph.articles[t].canonicalID, lang: lang) ?? t
    }

    // MARK: articles

    func article(_ i: Int, _ chromeBase: ChromeBuilder) -> SitePage {
        let a = graph.articles[i]
        let path = layout.articlePath(a)
        let t = UIStrings.table(a.lang)
        var m = PageModel(template: "article", chrome: chromeBase.chrome(for: path, title: a.title, article: i), title: a.title)
        m.summary = a.summary.nonEmpty
        m.kind = a.kind.rawValue
        m.kindLabel = t["kind.\(a.kind.rawValue)"] ?? a.kind.rawValue
        m.breadcrumbs = chromeBase.breadcrumbs(section: a.section, from: path)
        m.platforms = a.platforms.map {
            .init(title: $0.rawValue, url: SiteLayout.relativeURL(from: path, to: layout.termPath("platforms", $0.rawValue, lang: a.lang)))
        }
        for facet in ["tools", "env", "components", "tags"] {
            let values = Self.facetValues(a, facet)
            if values.isEmpty { continue }
            m.facets.append(.init(title: t[facet] ?? facet, items: values.map {
                .init(title: $0, url: SiteLayout.relativeURL(from: path, to: layout.termPath(facet, $0, lang: a.lang)))
            }))
        }
        m.errors = a.errors.map { .init(text: $0.text, isRegex: $0.isRegex) }
        m.tree = graph.causes[i].map { c in
            let ci = inLanguage(c, a.lang)
            let cause = graph.articles[ci]
            return PageModel.Branch(title: cause.title, url: SiteLayout.relativeURL(from: path, to: layout.articlePath(cause)),
                                    summary: cause.summary.nonEmpty, checks: blockRefs(ci, .check, from: path),
                                    fixes: fixItems(ci, from: path))
        }
        if a.kind != .symptom {
            m.ownChecks = blockRefs(i, .check, from: path)
            m.ownFixes = fixItems(i, from: path)
        }
        let symptoms = graph.backlinks[i].filter { graph.causes[$0].contains(i) && graph.articles[$0].lang == a.lang }
        m.causedSymptoms = symptoms.map { item($0, from: path) }
        let refersHere = Set(graph.causes[i] + graph.fixes[i] + symptoms)
        m.backlinks = graph.backlinks[i].filter { !refersHere.contains($0) && graph.articles[$0].lang == a.lang }.map { item($0, from: path) }
        m.seeAlso = graph.seeAlso[i].map { item(inLanguage($0, a.lang), from: path) }
        m.requires = graph.requires[i].map { item(inLanguage($0, a.lang), from: path) }
        m.translations = graph.translations[i].map { o in
            var it = item(o, from: path)
            it.kindLabel = graph.config.languageName(graph.articles[o].lang)
            return it
        }
        m.sources = a.sources.map { s in
            let isURL = s.hasPrefix("https://") || s.hasPrefix("http://")
            return .init(text: s, url: isURL ? s : nil)
        }
        m.verified = a.verified.map { .init(name: $0[0], value: $0[1]) }
        m.updated = a.updated
        m.severity = a.severity?.rawValue
        m.alerts = a.alerts.map { .init(title: $0, url: "") }
        m.toc = a.headings.filter { $0.level == 2 || $0.level == 3 }.map {
            .init(text: $0.text, anchor: $0.anchor, level: $0.level, sub: $0.level == 3)
        }
        m.settle()
        return SitePage(path: path, model: m, article: i)
    }

    func blockRefs(_ i: Int, _ role: BlockRole, from page: String) -> [PageModel.BlockRef] {
        let a = graph.articles[i]
        return a.blocks.filter { $0.role == role && $0.id != nil }.map {
            .init(id: $0.id!, url: SiteLayout.relativeURL(from: page, to: layout.articlePath(a), anchor: "block-" + $0.id!),
                  os: $0.os.joined(separator: ", ").nonEmpty)
        }
    }

    func fixItems(_ i: Int, from page: String) -> [PageModel.Item] {
        let a = graph.articles[i]
        var out = graph.fixes[i].map { item(inLanguage($0, a.lang), from: page) }
        for b in a.fixBlocks where b.id != nil {
            out.append(.init(title: b.id!, url: SiteLayout.relativeURL(from: page, to: layout.articlePath(a), anchor: "block-" + b.id!),
                             kind: "fix-block", kindLabel: b.os.joined(separator: ", ").nonEmpty))
        }
        return out
    }

    // MARK: listings

    func home(_ lang: String, _ chromeBase: ChromeBuilder) -> SitePage {
        let path = layout.homePath(lang)
        let t = UIStrings.table(lang)
        var m = PageModel(template: "home", chrome: chromeBase.chrome(for: path, title: graph.config.title), title: graph.config.title)
        if let idx = graph.article(canonical: "", lang: lang), graph.articles[idx].isSectionIndex {
            m.summary = graph.articles[idx].summary.nonEmpty
        }
        m.subsections = chromeBase.childSections(of: "", from: path)
        let langArticles = graph.articles.indices.filter { graph.articles[$0].lang == lang && !graph.articles[$0].isSectionIndex }
        for (kind, key) in [(ArticleKind.symptom, "symptoms"), (.runbook, "runbooks")] {
            let list = langArticles.filter { graph.articles[$0].kind == kind }
            if !list.isEmpty { m.groups.append(.init(title: t[key]!, items: list.map { item($0, from: path) })) }
        }
        m.items = langArticles.filter { graph.articles[$0].section.isEmpty }.map { item($0, from: path) }
        m.settle()
        return SitePage(path: path, model: m, article: nil)
    }

    func sections(_ lang: String, _ chromeBase: ChromeBuilder) -> [SitePage] {
        chromeBase.allSections.filter { !$0.isEmpty }.map { section in
            let path = layout.sectionPath(section, lang: lang)
            let indexArticle = graph.article(canonical: section, lang: lang).flatMap { graph.articles[$0].isSectionIndex ? $0 : nil }
            let title = chromeBase.sectionTitle(section)
            var m = PageModel(template: "section", chrome: chromeBase.chrome(for: path, title: title, article: indexArticle), title: title)
            m.breadcrumbs = chromeBase.breadcrumbs(section: String(section.split(separator: "/").dropLast().joined(separator: "/")), from: path)
            m.subsections = chromeBase.childSections(of: section, from: path)
            let members = graph.articles.indices.filter {
                graph.articles[$0].lang == lang && graph.articles[$0].section == section && !graph.articles[$0].isSectionIndex
            }
            var byKind: [ArticleKind: [Int]] = [:]
            for i in members { byKind[graph.articles[i].kind, default: []].append(i) }
            let t = UIStrings.table(lang)
            for kind in ArticleKind.allCases {
                guard let list = byKind[kind], !list.isEmpty else { continue }
                m.groups.append(.init(title: t["kind.\(kind.rawValue)"] ?? kind.rawValue, items: list.map { item($0, from: path) }))
            }
            if let indexArticle { m.summary = graph.articles[indexArticle].summary.nonEmpty }
            m.settle()
            return SitePage(path: path, model: m, article: indexArticle)
        }
    }

    func taxonomies(_ lang: String, _ chromeBase: ChromeBuilder) -> [SitePage] {
        var out: [SitePage] = []
        let t = UIStrings.table(lang)
        for facet in Self.facetNames {
            var terms: [String: [Int]] = [:]
            for (i, a) in graph.articles.enumerated() where a.lang == lang {
                for v in Self.facetValues(a, facet) { terms[v, default: []].append(i) }
            }
            if terms.isEmpty { continue }
            let indexPath = layout.taxonomyPath(facet, lang: lang)
            var index = PageModel(template: "taxonomy", chrome: chromeBase.chrome(for: indexPath, title: t[facet] ?? facet), title: t[facet] ?? facet)
            index.items = terms.keys.sorted { $0.lowercased() < $1.lowercased() }.map {
                .init(title: $0, url: SiteLayout.relativeURL(from: indexPath, to: layout.termPath(facet, $0, lang: lang)), count: terms[$0]!.count)
            }
            index.settle()
            out.append(SitePage(path: indexPath, model: index, article: nil))
            for (value, members) in terms.sorted(by: { $0.key < $1.key }) {
                let path = layout.termPath(facet, value, lang: lang)
                var m = PageModel(template: "term", chrome: chromeBase.chrome(for: path, title: value), title: value)
                m.kindLabel = t[facet] ?? facet
                m.breadcrumbs = [.init(title: t[facet] ?? facet, url: SiteLayout.relativeURL(from: path, to: indexPath))]
                m.items = members.map { item($0, from: path) }
                m.settle()
                out.append(SitePage(path: path, model: m, article: nil))
            }
        }
        return out
    }
}
