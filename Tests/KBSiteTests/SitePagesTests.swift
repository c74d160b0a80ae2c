import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KBContent
import KBCore
import KBMarkdown
import KBTesting
import Testing
@testable import KBSite

/// A small graph parsed from Markdown, the way the build makes one.
enum SampleKB {
    static let files: [(String, String)] = [
        ("net/dns-fails.md", """
        ---
        title: Name lookups fail
        kind: symptom
        summary: Programs print "no such host".
        platforms: [linux]
        errors:
          - "dial tcp: lookup example.com: no such host"
          - "first line\\nsecond line"
          - regex: "lookup .+ server misbehaving"
        causes: [resolver-down]
        updated: 2026-11-20
        ---

        # Name lookups fail

        ```mermaid
        flowchart LR
          A[Lookup fails] -->|check| B{Resolver up?}
        ```
        """),
        ("net/resolver-down.md", """
        ---
        title: The resolver is down
        kind: cause
        fixes: [restart-resolver]
        updated: 2026-11-25
        ---

        ```sh check id=resolver-running
        systemctl is-active systemd-resolved
        ```
        """),
        ("net/restart-resolver.md", """
        ---
        title: Restart the resolver
        kind: fix
        ---

        ```sh fix id=restart for=resolver-running effect=destructive
        systemctl restart systemd-resolved
        ```
        """),
        ("net/resolver-alert.md", """
        ---
        title: "ResolverDown: the resolver stopped"
        kind: runbook
        alerts: [ResolverDown]
        severity: critical
        ---

        Body.
        """),
        ("net/dns-fails.zh.md", """
        ---
        title: 域名解析失败
        kind: symptom
        errors:
          - "dial tcp: lookup example.com: no such host"
        causes: [resolver-down]
        ---

        正文。
        """),
    ]

    static func graph(baseURL: String? = nil) -> KnowledgeGraph {
        var config = KBConfig()
        config.title = "Sample"
        config.baseURL = baseURL
        let parser = ArticleParser(config: config)
        let articles = files.map { path, text in parser.parse(bytes: Array(text.utf8), path: path, displayPath: "Content/" + path).article }
        return KnowledgeGraph(config: config, articles: articles)
    }

    static func page(_ path: String, in pages: [SitePage]) -> PageModel? { pages.first { $0.path == path }?.model }

    /// The page's model as its kind's type; nil if the page is missing or of another kind.
    static func page<Model: PageContent>(_ path: String, in pages: [SitePage], as: Model.Type) -> Model? {
        page(path, in: pages)?.content as? Model
    }
}

@Suite struct SitePagesTests {
    @Test func alertPagesAtTheStableURLAndItsLowercaseForm() throws {
        let pages = PageBuilder(graph: SampleKB.graph()).pages()
        let exact = try #require(SampleKB.page("alerts/ResolverDown.html", in: pages, as: AlertModel.self))
        let lower = try #require(SampleKB.page("alerts/resolverdown.html", in: pages, as: AlertModel.self))
        #expect(exact.redirectURL == "../net/resolver-alert.html")
        #expect(lower.redirectURL == exact.redirectURL)
        #expect(exact.severity == "critical")
        let index = try #require(SampleKB.page("alerts/index.html", in: pages, as: AlertIndexModel.self))
        #expect(index.items.map(\.url) == ["ResolverDown.html"])
        // The runbook links its alert page.
        let runbook = try #require(SampleKB.page("net/resolver-alert.html", in: pages, as: ArticleModel.self))
        #expect(runbook.alerts.map(\.url) == ["../alerts/ResolverDown.html"])
    }

    /// Up to twelve top-level sections, the header lists them all; beyond, every page carrying
    /// them all would grow a large KB's output with pages × sections: the header links the home
    /// page (which lists them) and the page's own section.
    @Test func headerListsSectionsUpToALimit() throws {
        func graph(_ sections: Int) -> KnowledgeGraph {
            let parser = ArticleParser(config: KBConfig())
            let articles = (0..<sections).map { i in
                parser.parse(bytes: Array("---\ntitle: Page \(i)\nkind: concept\n---\n\nText.\n".utf8), path: "s\(i)/p\(i).md", displayPath: "s\(i)/p\(i).md").article
            }
            return KnowledgeGraph(config: KBConfig(), articles: articles)
        }
        let few = PageBuilder(graph: graph(12)).pages()
        let page = try #require(SampleKB.page("s3/p3.html", in: few))
        #expect(page.chrome.sections.map(\.url) == (0..<12).map { "../s\($0)/index.html" }.sorted().map { $0 == "../s3/index.html" ? "index.html" : $0 })
        let many = PageBuilder(graph: graph(13)).pages()
        let capped = try #require(SampleKB.page("s3/p3.html", in: many))
        #expect(capped.chrome.sections.map(\.url) == ["../index.html", "index.html"])
        #expect(try #require(SampleKB.page("index.html", in: many)).chrome.sections.map(\.url) == ["index.html"])
    }

    @Test func errorIndexListsEveryTextWithItsArticle() throws {
        let pages = PageBuilder(graph: SampleKB.graph()).pages()
        let en = try #require(SampleKB.page("errors.html", in: pages, as: ErrorIndexModel.self))
        #expect(en.errorCount == 3)
        let entries = en.errorGroups.flatMap(\.entries)
        #expect(entries.map(\.text) == ["dial tcp: lookup example.com: no such host", "first line\nsecond line", "lookup .+ server misbehaving"])
        #expect(Set(entries.map(\.url)) == ["net/dns-fails.html"])
        #expect(entries.last?.isRegex == true)
        let zh = try #require(SampleKB.page("zh/errors.html", in: pages, as: ErrorIndexModel.self))
        #expect(zh.errorGroups.flatMap(\.entries).map(\.url) == ["net/dns-fails.html"])
        // The language switch goes to the other language's index.
        #expect(en.chrome.languages.first { $0.lang == "zh" }?.url == "zh/errors.html")
    }

    @Test func symptomsGetTheDiagnosePanelWithDoctorScripts() throws {
        let pages = PageBuilder(graph: SampleKB.graph(), doctorScripts: ["doctor.ps1", "doctor.sh"]).pages()
        let symptom = try #require(SampleKB.page("net/dns-fails.html", in: pages, as: ArticleModel.self))
        #expect(symptom.diagnose?.command == "kb doctor --symptom dns-fails")
        #expect(symptom.diagnose?.scripts.map(\.url) == ["../doctor.ps1", "../doctor.sh"])
        #expect(symptom.tree.first?.checks.map(\.id) == ["resolver-running"])
        // A cause has no panel; without scripts the panel shows the command only.
        #expect(try #require(SampleKB.page("net/resolver-down.html", in: pages, as: ArticleModel.self)).diagnose == nil)
        let plain = PageBuilder(graph: SampleKB.graph()).pages()
        #expect(SampleKB.page("net/dns-fails.html", in: plain, as: ArticleModel.self)?.diagnose?.scripts == [])
    }

    @Test func homeLeadsWithSymptomCards() throws {
        let pages = PageBuilder(graph: SampleKB.graph()).pages()
        let home = try #require(SampleKB.page("index.html", in: pages, as: HomeModel.self))
        let symptoms = try #require(home.groups.first)
        #expect(symptoms.items.map(\.title) == ["Name lookups fail"])
        #expect(symptoms.items.first?.detail == "dial tcp: lookup example.com: no such host")
        #expect(home.groups.dropFirst().first?.items.first?.detail == "ResolverDown")
    }

    @Test func graphPageCarriesDOTWithLinksAndKinds() throws {
        let pages = PageBuilder(graph: SampleKB.graph()).pages()
        let graph = try #require(SampleKB.page("graph.html", in: pages, as: GraphModel.self))
        let dot = try #require(graph.diagramSource)
        #expect(dot.contains("URL=\"net/dns-fails.html\""))
        #expect(dot.contains("class=\"kind-symptom\""))
        #expect(dot.contains("class=\"edge-cause\""))
        #expect(dot.contains("class=\"edge-fix\""))
        #expect(graph.groups.map(\.title) == ["Name lookups fail", "The resolver is down"])
    }

    @Test func feedAndSitemapNeedABaseURL() throws {
        let pages = PageBuilder(graph: SampleKB.graph()).pages()
        #expect(SiteFeeds.files(graph: SampleKB.graph(), pages: pages.map(\.entry)).isEmpty)
        let g = SampleKB.graph(baseURL: "https://kb.example.org/docs")
        let files = SiteFeeds.files(graph: g, pages: PageBuilder(graph: g).pages().map(\.entry))
        let sitemap = try #require(files["sitemap.xml"])
        #expect(sitemap.contains("<loc>https://kb.example.org/docs/net/dns-fails.html</loc><lastmod>2026-11-20</lastmod>"))
        #expect(!sitemap.contains("404.html"))
        #expect(!sitemap.contains("alerts/resolverdown.html")) // redirects are not pages
        let feed = try #require(files["feed.xml"])
        #expect(XMLParser(data: Data(feed.utf8)).parse(), "the feed is well-formed XML")
        // Newest first.
        let first = try #require(feed.range(of: "The resolver is down")), second = try #require(feed.range(of: "Name lookups fail"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(files["zh/feed.xml"] != nil)
    }
}

@Suite struct MermaidTests {
    @Test func flowchartBecomesDOT() throws {
        let dot = try Mermaid.dot("""
        flowchart LR
          A[Lookup fails] -->|check| B{Resolver up?}
          B -- no --> C([Restart it]) & D[(Cache)]
          B -.-> E((Done)); E --- A
          subgraph fixes [Fixes]
            C
          end
          classDef hot fill:#f00
        """).get()
        #expect(dot.contains("rankdir=LR"))
        #expect(dot.contains("\"A\" [label=\"Lookup fails\", shape=\"box\"]"))
        #expect(dot.contains("\"B\" [label=\"Resolver up?\", shape=\"diamond\"]"))
        #expect(dot.contains("\"D\" [label=\"Cache\", shape=\"cylinder\"]"))
        #expect(dot.contains("\"A\" -> \"B\" [label=\" check \"]"))
        #expect(dot.contains("\"B\" -> \"C\" [label=\" no \"]"))
        #expect(dot.contains("\"B\" -> \"D\" [label=\" no \"]"))
        #expect(dot.contains("\"B\" -> \"E\" [style=\"dashed\"]"))
        #expect(dot.contains("\"E\" -> \"A\" [arrowhead=\"none\"]"))
        #expect(dot.contains("label=\"Fixes\""))
    }

    @Test(arguments: [
        ("sequenceDiagram\n  A->>B: hi\n", 0, 1, "mermaid 'sequenceDiagram' diagrams are not drawn"),
        ("graph XY\nA-->B\n", 0, 7, "unknown flowchart direction 'XY'"),
        ("graph TD\n  A --> B\n  A ~~> C\n", 2, 5, "unsupported flowchart syntax '~~> C'"),
        ("graph TD\n  subgraph one\n  A --> B\n", 1, 3, "subgraph 'one' is never closed"),
    ])
    func unsupportedInputIsPositioned(source: String, line: Int, column: Int, message: String) {
        guard case .failure(let e) = Mermaid.dot(source) else {
            Issue.record("expected a failure for \(source)")
            return
        }
        #expect(e.line == line)
        #expect(e.column == column)
        #expect(e.message.contains(message), "\(e.message)")
    }

    /// docs/architecture.md's diagrams are ```dot blocks drawn the way a build draws one: a
    /// diagram that Graphviz rejects fails here, not in a reader's browser.
    @Test func architectureDocDiagramsDraw() throws {
        let dot = try #require(Graphviz.locate(), "Graphviz's dot is not installed (scripts/setup.sh installs graphviz)")
        let path = TestSupport.packageRoot + "/docs/architecture.md"
        var blocks: [(line: Int, source: String)] = []
        MarkdownParser.parse(TestSupport.read(path)).root.forEach { node in
            let language = node.info.split(separator: " ").first.map(String.init) ?? ""
            if node.kind == .codeBlock, Diagrams.dotLanguages.contains(language) { blocks.append((node.line, node.literal)) }
        }
        #expect(blocks.count >= 4, "the module map and the flows of kb build, kb search and kb doctor")
        for (line, source) in blocks {
            switch dot.svg(source) {
            case .success(let svg): #expect(svg.contains("<svg"), "docs/architecture.md:\(line)")
            case .failure(let f): Issue.record("docs/architecture.md:\(line): \(f)")
            }
        }
    }

    @Test func graphvizSVGIsMadeInlineSafe() throws {
        let dot = try #require(Graphviz.locate(), "Graphviz's dot is not installed (scripts/setup.sh installs graphviz)")
        let svg = try dot.svg("digraph { a [URL=\"x.html\", tooltip=\"go there\"]; a -> b }").get()
        let inline = InlineSVG.prepare(svg, idPrefix: "d1-", label: "Diagram")
        #expect(inline.hasPrefix("<svg"))
        #expect(!inline.contains("<?xml") && !inline.contains("<!--") && !inline.contains("DOCTYPE"))
        #expect(!inline.contains("http://"), "no namespace URLs or links leave the site")
        #expect(!inline.contains(" width=\""))
        #expect(inline.contains("id=\"d1-graph0\""))
        #expect(inline.contains("<a href=\"x.html\"><title>go there</title>"))
        #expect(inline.contains("aria-label=\"Diagram\""))
        if case .failure(let f) = dot.svg("digraph { a -> }") {
            #expect(f.description.contains("syntax error"))
        } else {
            Issue.record("a DOT syntax error must fail")
        }
    }

    @Test func diagramsWarnAtTheBlock() {
        var config = KBConfig()
        config.title = "x"
        let parser = ArticleParser(config: config)
        let a = parser.parse(bytes: Array("# T\n\ntext\n\n```mermaid\npie title Pets\n  \"Dogs\" : 3\n```\n".utf8), path: "a.md", displayPath: "Content/a.md").article
        let d = Diagrams.render(graph: KnowledgeGraph(config: config, articles: [a]), pages: [], graphviz: nil, cache: nil)
        #expect(d.diagnostics.map(\.description) == [
            "Content/a.md:6:1: warning: mermaid 'pie' diagrams are not drawn (only flowcharts: graph/flowchart TD|LR); it stays a code block [diagram]",
        ])
    }
}

@Suite struct BodyRendererSiteTests {
    @Test func externalImagesBecomeLinks() {
        let html = BodyRenderer.unloadExternalImages("<p><img src=\"https://cdn.example/x.png\" alt=\"logo\" loading=\"lazy\"> <img src=\"a.png\" alt=\"\" loading=\"lazy\"></p>")
        #expect(html == "<p><a class=\"external-image\" href=\"https://cdn.example/x.png\">logo</a> <img src=\"a.png\" alt=\"\" loading=\"lazy\"></p>")
    }

    @Test func everyTemplateRendersForTheSampleKB() throws {
        let graph = SampleKB.graph(baseURL: "https://kb.example.org/")
        let theme = try Theme(overrides: nil)
        let pages = PageBuilder(graph: graph, doctorScripts: ["doctor.sh"]).pages()
        #expect(Set(pages.map(\.model.template)).isSuperset(of: ["home", "section", "article", "taxonomy", "term", "404", "errors", "graph", "alert", "alerts"]))
        for page in pages {
            let html = try theme.render(page.model)
            #expect(html.hasPrefix("<!doctype html>"), "\(page.path)")
            #expect(html.contains("<main id=\"main\""), "\(page.path)")
            #expect(html.contains("<html lang=\"\(page.model.chrome.lang)\">"), "\(page.path)")
        }
        let symptom = try theme.render(try #require(SampleKB.page("net/dns-fails.html", in: pages)))
        // Each error its own item; a multi-line text keeps its lines.
        #expect(symptom.contains("<li><pre class=\"error-text\"><code>first line\nsecond line</code></pre></li>"))
        #expect(symptom.contains("kb doctor --symptom dns-fails"))
        #expect(symptom.contains("<a class=\"button\" href=\"../doctor.sh\" download>doctor.sh</a>"))
        #expect(symptom.contains("class=\"flow-branch\""))
        #expect(symptom.contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"../feed.xml\""))
        let alert = try theme.render(try #require(SampleKB.page("alerts/ResolverDown.html", in: pages)))
        #expect(alert.contains("<meta http-equiv=\"refresh\" content=\"0; url=../net/resolver-alert.html\">"))
    }
}
