import Foundation
import KBCore
import KBTesting
import Testing
@testable import KBSite

@Suite struct PageModelTests {
    typealias P = PageModel

    static let item = P.Item(title: "t", url: "u", kind: "k", kindLabel: "K", summary: "s", count: 2, current: true, detail: "d", note: "n")
    static let chrome = P.Chrome(siteTitle: "S", lang: "en", root: "../", homeURL: "h", cssURL: "c", jsURL: "j", sections: [item],
                                 languages: [.init(title: "中文", url: "zh/x.html", lang: "zh", current: false)], t: UIText(["a": "b"]),
                                 canonicalURL: "https://x/", searchURL: "s", errorsURL: "e", graphURL: "g", alertsURL: "a", feedURL: "f",
                                 browse: [item])
    static let group = P.Group(title: "g", url: "u", items: [item])

    /// One model of every page kind, every field set (no nil, no empty list).
    static var pages: [PageModel] {
        var a = ArticleModel(chrome: chrome, title: "T", summary: "s", kind: "symptom", kindLabel: "Symptom")
        a.breadcrumbs = [item]; a.platforms = [item]; a.facets = [group]
        a.errors = [.init(text: "e", isRegex: true)]
        a.tree = [.init(title: "c", url: "u", summary: "s", checks: [.init(id: "i", url: "u", os: "linux")], fixes: [item])]
        a.ownChecks = [.init(id: "i", url: "u", os: "linux")]; a.ownFixes = [item]; a.causedSymptoms = [item]
        a.backlinks = [item]; a.seeAlso = [item]; a.requires = [item]
        a.translations = [.init(title: "标题", url: "x.zh.html", kind: "symptom", summary: "s", lang: "zh", languageName: "中文")]
        a.sources = [.init(text: "t", url: "u")]; a.verified = [.init(name: "go", value: "1.23")]; a.updated = "2026-01-01"
        a.severity = "critical"; a.alerts = [item]; a.toc = [.init(text: "t", anchor: "a", level: 2, sub: false)]
        a.diagnose = .init(command: "kb doctor --symptom x", scripts: [item]); a.body = "<p>b</p>"; a.params = [.init(name: "layout", value: "x")]
        let errorGroup = P.ErrorGroup(title: "g", url: "u", entries: [.init(text: "e", isRegex: false, title: "t", url: "u", kind: "k", kindLabel: "K")])
        return [
            .article(a),
            .home(HomeModel(chrome: chrome, title: "H", summary: "s", subsections: [item], groups: [group], errorCount: 3, items: [item],
                            showBody: true, body: "<p>b</p>")),
            .section(SectionModel(chrome: chrome, title: "S", summary: "s", breadcrumbs: [item], subsections: [item], groups: [group],
                                  showBody: true, body: "<p>b</p>")),
            .taxonomy(TaxonomyModel(chrome: chrome, title: "Tools", items: [item])),
            .term(TermModel(chrome: chrome, title: "go", facet: "Tools", breadcrumbs: [item], items: [item])),
            .errors(ErrorIndexModel(chrome: chrome, title: "E", summary: "s", errorGroups: [errorGroup], errorCount: 1)),
            .graph(GraphModel(chrome: chrome, title: "G", summary: "s", diagramSource: "digraph{}", diagram: "<svg></svg>", groups: [group],
                              legend: [item])),
            .alert(AlertModel(chrome: chrome, title: "A", kindLabel: "Alert", severity: "critical", breadcrumbs: [item], runbook: item)),
            .alerts(AlertIndexModel(chrome: chrome, title: "As", summary: "s", items: [item])),
            .search(SearchModel(chrome: chrome, title: "Search")),
            .notFound(NotFoundModel(chrome: chrome, title: "Not found")),
            .redirect(RedirectModel(chrome: chrome, title: "R", redirectURL: "r")),
        ]
    }

    /// Every stored property of every model is reachable under its own name with its own value,
    /// and every name a model declares answers: the templates read them through the table, and a
    /// forgotten entry would silently render nothing.
    @Test func everyDeclaredFieldIsReachable() throws {
        var checked: Set<String> = []
        func check<M: TemplateModel>(_ m: M) {
            checked.insert("\(M.self)")
            for child in Mirror(reflecting: m).children {
                guard let label = child.label else { continue }
                #expect(M.fields.declared.contains(label), "\(M.self).\(label) is not declared in its fields")
                let got = m.child(named: label)
                #expect(got != nil, "\(M.self).\(label) is not reachable")
                if let got {
                    #expect(String(describing: got) == String(describing: unwrap(child.value)), "\(M.self).\(label) maps to another value")
                }
            }
            for name in M.fields.names {
                #expect(m.child(named: name) != nil, "\(M.self) declares '\(name)' but it reads nil")
            }
            #expect(m.child(named: "noSuchField") == nil)
        }
        func parts<M: TemplateModel>(_ list: [M]) { list.forEach(check) }
        for page in Self.pages {
            // Every kind answers the fields the shared partials read.
            for name in ["template", "chrome", "title"] { #expect(page.content.child(named: name) != nil, "\(page.template): \(name)") }
            switch page {
            case .article(let m):
                check(m)
                parts(m.breadcrumbs); parts(m.facets); parts(m.errors); parts(m.tree); parts(m.ownChecks)
                parts(m.translations); parts(m.sources); parts(m.verified); parts(m.toc); parts([m.diagnose!])
            case .home(let m): check(m)
            case .section(let m): check(m)
            case .taxonomy(let m): check(m)
            case .term(let m): check(m)
            case .errors(let m): check(m); parts(m.errorGroups); parts(m.errorGroups[0].entries)
            case .graph(let m): check(m)
            case .alert(let m): check(m)
            case .alerts(let m): check(m)
            case .search(let m): check(m)
            case .notFound(let m): check(m)
            case .redirect(let m): check(m)
            }
        }
        check(Self.chrome)
        parts(Self.chrome.languages)
        #expect(checked.count == 12 + 14, "checked \(checked.sorted())")
    }

    /// Each template of the default theme has one model kind, and each kind one template.
    @Test func oneModelPerTemplate() {
        let templates = DefaultTheme.files.keys.filter { $0.hasSuffix(".mustache") && !$0.hasPrefix("_") }.map { String($0.dropLast(".mustache".count)) }
        let kinds = Self.pages.map(\.template)
        #expect(Set(kinds).count == kinds.count)
        #expect(Set(kinds) == Set(templates))
    }

    /// The build's render key hashes each model's positional bytes (BinaryCodec writes no keys, so
    /// a synthesized enum encoding would leave the case out): every kind must encode, and two kinds
    /// with the same fields must not give the same bytes.
    @Test func everyKindEncodesForTheRenderKey() throws {
        for page in Self.pages { #expect(throws: Never.self, "\(page.template)") { try BinaryCodec.encode(page) } }
        let search = try BinaryCodec.encode(PageModel.search(SearchModel(chrome: Self.chrome, title: "x")))
        let notFound = try BinaryCodec.encode(PageModel.notFound(NotFoundModel(chrome: Self.chrome, title: "x")))
        #expect(search != notFound)
    }

    /// Fields renamed when they got their own meaning still answer under their former names.
    @Test func formerNamesStillAnswer() throws {
        let t = P.Translation(title: "标题", url: "x", kind: "symptom", summary: nil, lang: "zh", languageName: "中文")
        #expect(t.child(named: "note") as? String == "zh")
        #expect(t.child(named: "kindLabel") as? String == "中文")
        #expect(t.child(named: "current") as? Bool == false)
        let link = P.LanguageLink(title: "中文", url: "u", lang: "zh", current: true)
        #expect(link.child(named: "kind") as? String == "zh")
        let term = TermModel(chrome: Self.chrome, title: "go", facet: "Tools")
        #expect(term.child(named: "kindLabel") as? String == "Tools")
        let graph = GraphModel(chrome: Self.chrome, title: "G", legend: [Self.item])
        #expect(graph.child(named: "items") as? [P.Item] == [Self.item])
        let alert = AlertModel(chrome: Self.chrome, title: "A", kindLabel: "Alert", runbook: Self.item)
        #expect(alert.child(named: "items") as? [P.Item] == [Self.item])
        // A field another kind had is answered empty, as the single page model left it.
        #expect(alert.child(named: "groups") as? [P.Item] == [])
        #expect(alert.child(named: "hasTree") as? Bool == false)
    }

    /// A KB's own templates written against the field names kb used before one model per kind
    /// still render what they did (the expected strings are what kb rendered before the change).
    @Test func overrideWithFormerFieldNamesRenders() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        try TestSupport.write("""
            {{title}}|{{template}}|{{kind}}|{{#translations}}[{{.note}} {{.kindLabel}} {{url}}]{{/translations}}\
            |{{#chrome.languages}}<{{kind}}{{#current}}*{{/current}}>{{/chrome.languages}}\
            |{{^empty(groups)}}groups{{/empty(groups)}}{{#showBody}}body{{/showBody}}{{^empty(items)}}items{{/empty(items)}}\
            |{{#hasTree}}tree{{/hasTree}}|{{#redirectURL}}redirect{{/redirectURL}}
            """, to: dir + "/article.mustache")
        try TestSupport.write("{{kindLabel}}: {{title}} {{#breadcrumbs}}<{{title}}>{{/breadcrumbs}}{{#items}}[{{title}}]{{/items}}",
                              to: dir + "/term.mustache")
        try TestSupport.write("{{#items}}<a href=\"{{url}}\">{{title}}</a>{{/items}}|{{redirectURL}}", to: dir + "/alert.mustache")
        try TestSupport.write("{{#items}}[{{kind}} {{title}}]{{/items}}", to: dir + "/graph.mustache")
        let theme = try Theme(overrides: dir)
        let pages = PageBuilder(graph: SampleKB.graph()).pages()

        let article = try theme.render(try #require(SampleKB.page("net/dns-fails.html", in: pages)))
        #expect(article == "Name lookups fail|article|symptom|[zh 中文 ../zh/net/dns-fails.html]|<en*><zh>||tree|")

        let term = try #require(pages.first { $0.path.hasSuffix("/linux.html") })
        #expect(try theme.render(term.model) == "Platforms: linux <Platforms>[Name lookups fail]")

        let alert = try theme.render(try #require(SampleKB.page("alerts/ResolverDown.html", in: pages)))
        #expect(alert == "<a href=\"../net/resolver-alert.html\">ResolverDown: the resolver stopped</a>|../net/resolver-alert.html")

        let graph = try theme.render(try #require(SampleKB.page("graph.html", in: pages)))
        #expect(graph == "[symptom Symptom][cause Cause][fix Fix]")
    }

    private func unwrap(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value ?? value
    }
}
