import Foundation
import KBContent
import KBCore

/// One file of the site to produce.
public struct SitePage: Sendable {
    public var path: String
    /// The page's kind and its template's model.
    public var model: PageModel
    /// The article rendered into `model.body`, if any (articles, and index pages of sections and home).
    public var article: Int?
}

/// A page as the feeds and the sitemap see it: where it is, its article, and whether it is listed.
public struct PageEntry: Sendable, Codable, Hashable {
    public var path: String
    public var article: Int?
    public var lang: String
    public var isListed: Bool
    public init(path: String, article: Int?, lang: String, isListed: Bool) {
        self.path = path
        self.article = article
        self.lang = lang
        self.isListed = isListed
    }
}

extension SitePage {
    public var entry: PageEntry { PageEntry(path: path, article: article, lang: model.chrome.lang, isListed: model.isListed) }
}

/// Turns the graph into the list of pages with their models (bodies are filled at render time).
public struct PageBuilder: Sendable {
    public let graph: KnowledgeGraph
    public let layout: SiteLayout
    /// Site-root scripts the "diagnose this" panel links to; empty when the build writes none.
    public var doctorScripts: [String]

    public init(graph: KnowledgeGraph, doctorScripts: [String] = []) {
        self.graph = graph
        self.layout = SiteLayout(config: graph.config)
        self.doctorScripts = doctorScripts
    }

    /// How many symptoms the home page shows.
    static let homeSymptoms = 9

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

    public func pages() -> [SitePage] { pages(modelling: { _ in true }).pages }

    /// Every page of the site, in the same order as `pages()`, except that the page of an article
    /// `wanted` refuses comes without its model: only its path, in `left` (the plan phase's edit
    /// rebuild, where such a page cannot have changed).
    public func pages(modelling wanted: (Int) -> Bool) -> (pages: [SitePage], left: [PageEntry]) {
        var out: [SitePage] = []
        var left: [PageEntry] = []
        for lang in languages {
            let chromeBase = ChromeBuilder(graph: graph, layout: layout, lang: lang)
            out.append(home(lang, chromeBase))
            out += sections(lang, chromeBase)
            for (i, a) in graph.articles.enumerated() where a.lang == lang && !a.isSectionIndex {
                if wanted(i) {
                    out.append(article(i, chromeBase))
                } else {
                    left.append(PageEntry(path: layout.articlePath(a), article: i, lang: lang, isListed: true))
                }
            }
            out += taxonomies(lang, chromeBase)
            out.append(errorIndex(lang, chromeBase))
            out.append(graphPage(lang, chromeBase))
            out += alertPages(lang, chromeBase)
            out.append(searchPage(lang, chromeBase))
        }
        let notFound = UIStrings.table(graph.config.defaultLanguage)[.notFound]
        let chrome = ChromeBuilder(graph: graph, layout: layout, lang: graph.config.defaultLanguage).chrome(for: "404.html", title: notFound)
        out.append(SitePage(path: "404.html", model: .notFound(NotFoundModel(chrome: chrome, title: notFound)), article: nil))
        out += redirects(taken: Set(out.map(\.path) + left.map(\.path)))
        return (out, left)
    }

    /// The pages of these articles (article pages only), with their models.
    public func articlePages(_ indices: [Int]) -> [SitePage] {
        var chrome: [String: ChromeBuilder] = [:]
        return indices.filter { !graph.articles[$0].isSectionIndex }.map { i in
            let lang = graph.articles[i].lang
            let base = chrome[lang] ?? ChromeBuilder(graph: graph, layout: layout, lang: lang)
            chrome[lang] = base
            return article(i, base)
        }
    }

    /// Makes article pages one at a time, each language's chrome built once: a full build models
    /// each article's page while rendering it instead of holding every model from the plan on.
    public func articlePageMaker() -> @Sendable (Int) -> SitePage {
        let chrome = Dictionary(uniqueKeysWithValues: languages.map { ($0, ChromeBuilder(graph: graph, layout: layout, lang: $0)) })
        let me = self
        return { i in
            let lang = me.graph.articles[i].lang
            return me.article(i, chrome[lang] ?? ChromeBuilder(graph: me.graph, layout: me.layout, lang: lang))
        }
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
        var m = ArticleModel(chrome: chromeBase.chrome(for: path, title: a.title, article: i), title: a.title, summary: a.summary.nonEmpty,
                             kind: a.kind.rawValue, kindLabel: t["kind.\(a.kind.rawValue)"] ?? a.kind.rawValue)
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
        // A YAML block scalar ends in a newline the reader should not see.
        m.errors = a.errors.map { .init(text: Self.trimmingTrailingNewlines($0.text), isRegex: $0.isRegex) }
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
            let link = item(o, from: path), lang = graph.articles[o].lang
            return PageModel.Translation(title: link.title, url: link.url, kind: link.kind, summary: link.summary,
                                         lang: lang, languageName: graph.config.languageName(lang))
        }
        m.sources = a.sources.map { s in
            let isURL = s.hasPrefix("https://") || s.hasPrefix("http://")
            return .init(text: s, url: isURL ? s : nil)
        }
        m.verified = a.verified.map { .init(name: $0[0], value: $0[1]) }
        m.updated = a.updated
        m.severity = a.severity?.rawValue
        if a.kind == .symptom, m.tree.contains(where: { !$0.checks.isEmpty }) {
            let scripts: [PageModel.Item] = doctorScripts.map { name in
                .init(title: name, url: SiteLayout.relativeURL(from: path, to: layout.doctorScriptPath(name)),
                      note: name.hasSuffix(".ps1") ? t[.doctorWindows] : t[.doctorUnix])
            }
            m.diagnose = .init(command: "kb doctor --symptom " + referenceID(i), scripts: scripts)
        }
        m.alerts = a.alerts.map { .init(title: $0, url: SiteLayout.relativeURL(from: path, to: layout.alertPath($0, lang: a.lang))) }
        m.toc = a.headings.filter { $0.level == 2 || $0.level == 3 }.map {
            .init(text: $0.text, anchor: $0.anchor, level: $0.level, sub: $0.level == 3)
        }
        if a.hide.contains("toc") { m.toc = [] }
        m.params = a.extra.map { .init(name: $0[0], value: $0[1]) }
        return SitePage(path: path, model: .article(m), article: i)
    }

    static func trimmingTrailingNewlines(_ s: String) -> String {
        var t = Substring(s)
        while let last = t.last, last.isNewline { t.removeLast() }
        return String(t)
    }

    /// The id a user types for article `i`: its short id when that is unambiguous in its language.
    func referenceID(_ i: Int) -> String {
        let a = graph.articles[i]
        return graph.lookup(a.shortID, lang: a.lang).count == 1 ? a.shortID : a.canonicalID
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
                             kind: "fix-block", kindLabel: b.os.joined(separator: ", ").nonEmpty, note: b.os.joined(separator: ", ").nonEmpty))
        }
        return out
    }

    // MARK: listings

    func home(_ lang: String, _ chromeBase: ChromeBuilder) -> SitePage {
        let path = layout.homePath(lang)
        let t = UIStrings.table(lang)
        var m = HomeModel(chrome: chromeBase.chrome(for: path, title: graph.config.title(for: lang)), title: graph.config.title(for: lang))
        var rootIndex: Int?
        if let idx = graph.article(canonical: "", lang: lang), graph.articles[idx].isSectionIndex {
            m.summary = graph.articles[idx].summary.nonEmpty
            if graph.config.compat != nil { rootIndex = idx; m.showBody = true }
        }
        m.subsections = chromeBase.childSections(of: "", from: path)
        let langArticles = graph.articles.indices.filter { graph.articles[$0].lang == lang && !graph.articles[$0].isSectionIndex }
        // "Most common" without usage data: the symptoms that the most error texts and articles point at.
        let symptoms = langArticles.filter { graph.articles[$0].kind == .symptom }.sorted { x, y in
            let wx = graph.articles[x].errors.count + graph.backlinks[x].count, wy = graph.articles[y].errors.count + graph.backlinks[y].count
            return wx != wy ? wx > wy : graph.articles[x].title < graph.articles[y].title
        }
        if !symptoms.isEmpty {
            m.groups.append(.init(title: t[.symptoms], url: SiteLayout.relativeURL(from: path, to: layout.errorsPath(lang)),
                                  items: symptoms.prefix(Self.homeSymptoms).map { card($0, from: path) }))
        }
        let runbooks = langArticles.filter { graph.articles[$0].kind == .runbook }
        if !runbooks.isEmpty {
            m.groups.append(.init(title: t[.runbooks], items: runbooks.map { i in
                var it = item(i, from: path)
                let a = graph.articles[i]
                it.detail = a.alerts.first
                it.note = a.severity?.rawValue
                return it
            }))
        }
        m.errorCount = langArticles.reduce(0) { $0 + graph.articles[$1].errors.count }
        m.items = langArticles.filter { graph.articles[$0].section.isEmpty }.map { item($0, from: path) }
        return SitePage(path: path, model: .home(m), article: rootIndex)
    }

    /// A symptom as a home-page card: its first literal error text as the sample.
    func card(_ i: Int, from page: String) -> PageModel.Item {
        var it = item(i, from: page)
        let a = graph.articles[i]
        it.detail = (a.errors.first { !$0.isRegex } ?? a.errors.first)?.text
        it.note = a.platforms.map(\.rawValue).joined(separator: " · ").nonEmpty
        return it
    }

    /// Every error text of a language → its article, grouped by section.
    func errorIndex(_ lang: String, _ chromeBase: ChromeBuilder) -> SitePage {
        let path = layout.errorsPath(lang)
        let t = UIStrings.table(lang)
        var m = ErrorIndexModel(chrome: chromeBase.chrome(for: path, title: t[.errorIndex], counterpart: { layout.errorsPath($0) }),
                                title: t[.errorIndex], summary: t[.errorIndexIntro])
        var bySection: [String: [PageModel.ErrorEntry]] = [:]
        var count = 0
        let withErrors = graph.articles.indices.filter { graph.articles[$0].lang == lang && !graph.articles[$0].errors.isEmpty }
        for i in withErrors.sorted(by: { graph.articles[$0].title < graph.articles[$1].title }) {
            let a = graph.articles[i]
            let it = item(i, from: path)
            for e in a.errors {
                bySection[a.section, default: []].append(.init(text: Self.trimmingTrailingNewlines(e.text), isRegex: e.isRegex, title: a.title, url: it.url,
                                                                kind: it.kind, kindLabel: it.kindLabel ?? it.kind))
                count += 1
            }
        }
        m.errorGroups = bySection.keys.sorted().map { section in
            .init(title: section.isEmpty ? t[.articles] : chromeBase.sectionTitle(section),
                  url: section.isEmpty ? nil : SiteLayout.relativeURL(from: path, to: layout.sectionPath(section, lang: lang)),
                  entries: bySection[section]!)
        }
        m.errorCount = count
        return SitePage(path: path, model: .errors(m), article: nil)
    }

    /// The whole graph of one language, drawn by Graphviz at render time.
    func graphPage(_ lang: String, _ chromeBase: ChromeBuilder) -> SitePage {
        let path = layout.graphPath(lang)
        let t = UIStrings.table(lang)
        var m = GraphModel(chrome: chromeBase.chrome(for: path, title: t[.graph], counterpart: { layout.graphPath($0) }),
                           title: t[.graph], summary: t[.graphIntro])
        let diagram = GraphDiagram(graph: graph, layout: layout, lang: lang, page: path)
        m.diagramSource = diagram.dot()
        // The text alternative: each article with the articles it leads to.
        m.groups = diagram.nodes.compactMap { i in
            let targets = diagram.edges.filter { $0.from == i }.map { e -> PageModel.Item in
                var it = item(e.to, from: path)
                it.note = t[e.kind.labelKey] ?? e.kind.labelKey
                return it
            }
            guard !targets.isEmpty else { return nil }
            let it = item(i, from: path)
            return PageModel.Group(title: it.title, url: it.url, items: targets)
        }
        // The legend: the kinds drawn, in the order the theme colours them.
        let drawn = Set(diagram.nodes.map { graph.articles[$0].kind })
        m.legend = ArticleKind.allCases.filter(drawn.contains).map { .init(title: t["kind.\($0.rawValue)"] ?? $0.rawValue, url: "", kind: $0.rawValue) }
        return SitePage(path: path, model: .graph(m), article: nil)
    }

    /// `alerts/<AlertName>.html` (and its lowercase form) for every alert a runbook names, plus an index.
    func alertPages(_ lang: String, _ chromeBase: ChromeBuilder) -> [SitePage] {
        let t = UIStrings.table(lang)
        var byAlert: [String: Int] = [:]
        for (i, a) in graph.articles.enumerated() where a.lang == lang {
            for alert in a.alerts where byAlert[alert] == nil { byAlert[alert] = i }
        }
        guard !byAlert.isEmpty else { return [] }
        // Which languages have a runbook for each alert: one pass, not a scan per page.
        var languagesOf: [String: Set<String>] = [:]
        var withAlerts = Set<String>()
        for a in graph.articles where !a.alerts.isEmpty {
            withAlerts.insert(a.lang)
            for alert in a.alerts { languagesOf[alert, default: []].insert(a.lang) }
        }
        var out: [SitePage] = []
        let indexPath = layout.alertsIndexPath(lang)
        var index = AlertIndexModel(chrome: chromeBase.chrome(for: indexPath, title: t[.alertRunbooks], counterpart: { code in
            withAlerts.contains(code) ? layout.alertsIndexPath(code) : nil
        }), title: t[.alertRunbooks], summary: t[.alertsIntro])
        for alert in byAlert.keys.sorted(by: { $0.lowercased() < $1.lowercased() }) {
            let i = byAlert[alert]!
            let a = graph.articles[i]
            var entry = item(i, from: indexPath)
            entry.detail = alert
            entry.note = a.severity?.rawValue
            entry.url = SiteLayout.relativeURL(from: indexPath, to: layout.alertPath(alert, lang: lang))
            index.items.append(entry)
            var paths = [layout.alertPath(alert, lang: lang)]
            let lower = layout.alertPath(alert.lowercased(), lang: lang)
            if lower != paths[0] { paths.append(lower) }
            for path in paths {
                var runbook = item(i, from: path)
                runbook.detail = alert
                let m = AlertModel(chrome: chromeBase.chrome(for: path, title: alert, counterpart: { code in
                    languagesOf[alert]?.contains(code) == true ? layout.alertPath(alert, lang: code) : nil
                }), title: alert, kindLabel: t[.alert], severity: a.severity?.rawValue,
                                   breadcrumbs: [.init(title: t[.alertRunbooks], url: SiteLayout.relativeURL(from: path, to: indexPath))],
                                   runbook: runbook)
                out.append(SitePage(path: path, model: .alert(m), article: nil))
            }
        }
        out.append(SitePage(path: indexPath, model: .alerts(index), article: nil))
        return out
    }

    func sections(_ lang: String, _ chromeBase: ChromeBuilder) -> [SitePage] {
        let navigation = NavigationOrder(graph: graph)
        var membersOf: [String: [Int]] = [:]
        for (i, a) in graph.articles.enumerated() where a.lang == lang && !a.isSectionIndex { membersOf[a.section, default: []].append(i) }
        return chromeBase.allSections.filter { !$0.isEmpty }.map { section in
            let path = layout.sectionPath(section, lang: lang)
            let indexArticle = graph.article(canonical: section, lang: lang).flatMap { graph.articles[$0].isSectionIndex ? $0 : nil }
            let title = chromeBase.sectionTitle(section)
            var m = SectionModel(chrome: chromeBase.chrome(for: path, title: title, article: indexArticle), title: title)
            m.breadcrumbs = chromeBase.breadcrumbs(section: String(section.split(separator: "/").dropLast().joined(separator: "/")), from: path)
            m.subsections = chromeBase.childSections(of: section, from: path)
            let members = navigation.sorted(membersOf[section] ?? [], in: graph)
            var byKind: [ArticleKind: [Int]] = [:]
            for i in members { byKind[graph.articles[i].kind, default: []].append(i) }
            let t = UIStrings.table(lang)
            for kind in ArticleKind.allCases {
                guard let list = byKind[kind], !list.isEmpty else { continue }
                m.groups.append(.init(title: t["kind.\(kind.rawValue)"] ?? kind.rawValue, items: list.map { item($0, from: path) }))
            }
            if let indexArticle { m.summary = graph.articles[indexArticle].summary.nonEmpty }
            m.showBody = graph.config.compat != nil && indexArticle != nil
            return SitePage(path: path, model: .section(m), article: indexArticle)
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
            // Which languages use the facet and each of its values: one pass, not a scan per page.
            var languagesOf: [String: Set<String>] = [:]
            var withFacet = Set<String>()
            for a in graph.articles {
                let values = Self.facetValues(a, facet)
                if !values.isEmpty { withFacet.insert(a.lang) }
                for v in values { languagesOf[v, default: []].insert(a.lang) }
            }
            let indexPath = layout.taxonomyPath(facet, lang: lang)
            let facetName = t[facet] ?? facet
            let index = TaxonomyModel(chrome: chromeBase.chrome(for: indexPath, title: facetName, counterpart: { code in
                withFacet.contains(code) ? layout.taxonomyPath(facet, lang: code) : nil
            }), title: facetName, items: terms.keys.sorted { $0.lowercased() < $1.lowercased() }.map {
                .init(title: $0, url: SiteLayout.relativeURL(from: indexPath, to: layout.termPath(facet, $0, lang: lang)), count: terms[$0]!.count)
            })
            out.append(SitePage(path: indexPath, model: .taxonomy(index), article: nil))
            for (value, members) in terms.sorted(by: { $0.key < $1.key }) {
                let path = layout.termPath(facet, value, lang: lang)
                let m = TermModel(chrome: chromeBase.chrome(for: path, title: value, counterpart: { code in
                    languagesOf[value]?.contains(code) == true ? layout.termPath(facet, value, lang: code) : nil
                }), title: value, facet: facetName,
                                  breadcrumbs: [.init(title: facetName, url: SiteLayout.relativeURL(from: path, to: indexPath))],
                                  items: members.map { item($0, from: path) })
                out.append(SitePage(path: path, model: .term(m), article: nil))
            }
        }
        return out
    }
}
