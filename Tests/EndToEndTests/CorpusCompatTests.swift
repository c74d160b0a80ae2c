import Foundation
import KBTesting
import Testing

/// Docs folders written for other generators (Hugo's own docs, Material for MkDocs' docs) build as
/// they are: no errors, a page per file, links resolved the generator's way, no raw syntax left.
@Suite(.serialized) struct CorpusCompatTests {
    static let corpora = TestSupport.packageRoot + "/../shared/corpora"

    struct Built {
        var dir: String
        var content: String
        var site: String
        var text: TestSupport.Run
        var report: [String: Any]
    }

    /// Copies a corpus to a temp folder and builds `contentPath` inside it, in text and JSON form.
    static func build(_ corpus: String, contentPath: String) throws -> Built {
        let source = corpora + "/" + corpus
        try #require(FileManager.default.fileExists(atPath: source + "/" + contentPath), "corpus missing: \(source)")
        let dir = try TestSupport.tempDirectory("kb-compat")
        let copy = try TestSupport.copy(source, into: dir)
        let content = copy + "/" + contentPath
        let site = dir + "/site"
        let text = try TestSupport.kb(["build", "--content", content, "--output", site])
        let json = try TestSupport.kb(["build", "--json", "--content", content, "--output", site])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        return Built(dir: dir, content: content, site: site, text: text, report: report)
    }

    /// The site path a source file is rendered to.
    static func page(for source: String) -> String {
        let noExt = String(source.dropLast(3))
        if noExt == "_index" { return "index.html" }
        if noExt.hasSuffix("/_index") { return String(noExt.dropLast("/_index".count)) + "/index.html" }
        return noExt + ".html"
    }

    /// Raw extension syntax in the prose of every article page (code blocks and spans excluded).
    static func rawSyntax(in site: String) -> [String] {
        var found: [String] = []
        for page in SiteLinkChecker.pages(in: site) {
            let html = TestSupport.read(site + "/" + page)
            guard let start = html.range(of: "<div class=\"body\">"), let end = html.range(of: "</main>", range: start.upperBound..<html.endIndex) else { continue }
            let prose = String(html[start.upperBound..<end.lowerBound])
                .replacing(/<pre[^>]*>[\s\S]*?<\/pre>/, with: "")
                .replacing(/<code[^>]*>[\s\S]*?<\/code>/, with: "")
            for marker in ["{{<", "{{%", "!!! ", "??? ", ":::"] where prose.contains(marker) {
                found.append("\(page): \(marker)")
            }
        }
        return found
    }

    static func check(_ b: Built, sources expected: Int) throws {
        #expect(b.text.status == 0, "\(b.text.stderr.prefix(3000))")
        #expect(!b.text.stderr.contains(": error:"), "\(b.text.stderr.prefix(3000))")
        // Warnings grouped by rule in the summary: "N warnings: 12 broken-anchor, 3 unknown-key".
        #expect(b.text.stdout.contains(/\d+ warnings?: \d+ [a-z-]+/), "\(b.text.stdout)")
        #expect(b.report["ok"] as? Bool == true)
        let diags = b.report["diagnostics"] as? [[String: Any]] ?? []
        #expect(diags.filter { $0["severity"] as? String == "error" }.isEmpty)

        let sources = try FileManager.default.subpathsOfDirectory(atPath: b.content).filter { $0.hasSuffix(".md") }
        #expect(sources.count == expected)
        var missing: [String] = []
        for source in sources where !FileManager.default.fileExists(atPath: b.site + "/" + page(for: source)) {
            missing.append(source)
        }
        #expect(missing.isEmpty, "no page for \(missing.prefix(10))")

        let stats = try #require(b.report["stats"] as? [String: Any])
        let total = stats["internalLinks"] as? Int ?? 0, resolved = stats["resolvedLinks"] as? Int ?? 0
        #expect(total > 500)
        #expect(Double(resolved) >= 0.99 * Double(total), "\(resolved) of \(total) internal links resolve")
        // Every resolved link in the pages points at a file that exists.
        var dangling: [String] = []
        for page in SiteLinkChecker.pages(in: b.site).prefix(400) {
            let html = TestSupport.read(b.site + "/" + page)
            let folder = (page as NSString).deletingLastPathComponent
            for m in html.matches(of: /<a href="([^"#:?]+)(?:#[^"]*)?"/) {
                let href = String(m.1).removingPercentEncoding ?? String(m.1)
                let target = folder.isEmpty ? href : folder + "/" + href
                let path = URL(fileURLWithPath: b.site + "/" + target).standardizedFileURL.path
                if !FileManager.default.fileExists(atPath: path) { dangling.append("\(page) → \(href)") }
            }
        }
        #expect(dangling.isEmpty, "\(dangling.prefix(10))")
        let raw = rawSyntax(in: b.site)
        #expect(raw.isEmpty, "\(raw.prefix(10))")
    }

    @Test func hugoDocsBuildUnchanged() throws {
        let b = try Self.build("hugo-docs", contentPath: "content/en")
        defer { TestSupport.remove(b.dir) }
        try Self.check(b, sources: 992)
        // Shortcodes became components: code-toggle → a titled code block, ref → a link.
        let toggle = TestSupport.read(b.site + "/configuration/build.html")
        #expect(toggle.contains("<div class=\"code-title\">hugo.toml</div>"))
        let alerts = try SiteLinkChecker.pages(in: b.site).contains { TestSupport.read(b.site + "/" + $0).contains("class=\"admonition ") }
        #expect(alerts)
    }

    @Test func mkdocsMaterialDocsBuildUnchanged() throws {
        let b = try Self.build("mkdocs-material", contentPath: "docs")
        defer { TestSupport.remove(b.dir) }
        try Self.check(b, sources: 96)
        let tabs = TestSupport.read(b.site + "/reference/content-tabs.html")
        #expect(tabs.contains("<div class=\"tabs\">"))
        #expect(tabs.contains("class=\"tab-label\""))
        let admonitions = TestSupport.read(b.site + "/reference/admonitions.html")
        #expect(admonitions.contains("<details class=\"admonition "))
        #expect(admonitions.contains("admonition-type-abstract"))
        // index.md is its folder's page: the section page shows its body; HTML comments stay hidden.
        let setup = TestSupport.read(b.site + "/setup/index.html")
        #expect(setup.contains("<div class=\"body\">"))
        #expect(!setup.contains("&lt;!--"))
        #expect(!TestSupport.read(b.site + "/reference/content-tabs.html").contains("&lt;!-- md:"))
        // A heading holding only a comment (`#### <!-- md:setting … -->`) still gets a valid id.
        #expect(!TestSupport.read(b.site + "/plugins/tags.html").contains("id=\"\""))
        // Sections follow mkdocs.yml's nav (… setup, plugins, …), not the alphabet.
        let home = TestSupport.read(b.site + "/index.html")
        let setupLink = try #require(home.range(of: "href=\"setup/index.html\"")), pluginsLink = try #require(home.range(of: "href=\"plugins/index.html\""))
        #expect(setupLink.lowerBound < pluginsLink.lowerBound)
    }

    @Test func strictCompatKeepsTodaysErrors() throws {
        let kb = try TestSupport.fixture("compat-strict")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let strict = try TestSupport.kb(["build"], cwd: kb)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("Content/page.md:5:1: error: unknown front-matter key 'flavour' [unknown-key]"), "\(strict.stderr)")
        #expect(strict.stderr.contains("Content/page.md:8:18: error: broken link '/nowhere/'"), "\(strict.stderr)")
        // Generator keys kb maps or knows (weight, bookHidden) are never errors.
        #expect(!strict.stderr.contains("'weight'"))
        #expect(!strict.stderr.contains("'bookHidden'"))

        try TestSupport.write("title: Lenient compat\ncompat: hugo\n", to: kb + "/kb.yml")
        let lenient = try TestSupport.kb(["build"], cwd: kb)
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("Content/page.md:5:1: warning: unknown front-matter key 'flavour'; kept for templates [unknown-key]"))
        #expect(lenient.stderr.contains("Content/page.md:8:18: warning: broken link '/nowhere/'"))
        #expect(lenient.stdout.contains("2 warnings: 1 broken-link, 1 unknown-key"), "\(lenient.stdout)")
    }

    @Test(.enabled(if: TestSupport.which("shellcheck") != nil, "shellcheck is not installed (scripts/setup.sh installs it)"))
    func plainShellIsLintedAsWarningsAndPlaceholderAware() throws {
        let dir = try TestSupport.tempDirectory("kb-compat-lint")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("compat: hugo\n", to: dir + "/kb.yml")
        let page = "---\ntitle: Snippets\n---\n\n```sh\nkubectl logs <pod-name> -n <namespace> | grep …\necho \"$YOUR_VALUE\"\n```\n\n```sh\nif [ -f x ]; then\n```\n"
        try TestSupport.write(page, to: dir + "/Content/snippets.md")
        let r = try TestSupport.kb(["check", "--content", dir + "/Content"])
        #expect(!r.stderr.contains("error:"), "\(r.stderr)")
        #expect(!r.stdout.contains("error:"), "\(r.stdout)")
        // The broken snippet is still reported, as a warning at its line.
        #expect((r.stdout + r.stderr).contains("snippets.md:11:"), "\(r.stdout)\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("snippets.md:6:"), "\(r.stdout)\(r.stderr)")
    }

    @Test func hostileExtensionsDoNotHang() throws {
        let dir = try TestSupport.tempDirectory("kb-compat-hostile")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("compat: mkdocs\n", to: dir + "/kb.yml")
        var deep = "# Deep\n\n"
        for level in 0..<40 { deep += String(repeating: " ", count: level * 4) + "!!! note\n" }
        deep += String(repeating: "{{< x >}}", count: 20_000) + "\n" + String(repeating: "{{% a %}}", count: 40) + "\n"
        deep += "{{< unclosed " + String(repeating: "y", count: 10_000) + "\n"
        deep += String(repeating: "`", count: 5000) + String(repeating: "[[a]]", count: 5000) + "\n"
        try TestSupport.write(deep, to: dir + "/Content/deep.md")
        let start = Date()
        let r = try TestSupport.kb(["build", "--content", dir + "/Content", "--output", dir + "/site"])
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(r.status == 1)
        #expect(r.stderr.contains("deep.md:19:1: error: admonitions and tabs nested deeper than 16 [nesting-too-deep]"), "\(r.stderr.prefix(2000))")
        #expect(r.stderr.contains("deep.md:45:1: error: shortcode is not closed with >}} within 4096 bytes [shortcode]"), "\(r.stderr.prefix(2000))")
    }

    @Test(.tags(.browser)) func componentsRenderInChromium() throws {
        let kb = try TestSupport.fixture("compat-components")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["build"], cwd: kb)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 warnings: 1 broken-link, 1 unknown-shortcode"), "\(r.stdout)")
        #expect(r.stderr.contains("unknown Hugo shortcode 'mystery-box'"))
        let dom = try BrowserTests.dom(kb + "/Site/guide/components.html")
        #expect(dom.contains("<p class=\"admonition-title\">Mind the gap</p>"))
        #expect(dom.contains("<details class=\"admonition admonition-tip admonition-type-tip\"><summary class=\"admonition-title\">Folded</summary>"))
        #expect(dom.matches(of: /<label class="tab-label" for="tabs-[0-9-]+">(Linux|Windows)<\/label>/).count == 2)
        #expect(dom.contains("<figure class=\"figure\"><img src=\"diagram.png\" alt=\"A diagram\" loading=\"lazy\"><figcaption>The caption</figcaption></figure>"))
        #expect(FileManager.default.fileExists(atPath: kb + "/Site/guide/diagram.png"))
        #expect(dom.contains("<p class=\"admonition-title\">Docusaurus style</p>"))
        #expect(dom.contains("<h2 id=\"custom-id\">Settings"))
        #expect(dom.contains("href=\"other.html\">reference</a>"))
        #expect(dom.contains("Inner text of an unknown shortcode."))
        for raw in ["{{&lt;", "{{<", "!!! ", "??? ", ":::", "[!TIP]", "[!kb-tab]"] { #expect(!dom.contains(raw), "\(raw)") }
        // Only the checked tab's panel shows: the rule lives in the theme's CSS (no script needed).
        let css = TestSupport.read(kb + "/Site/assets/kb.css")
        #expect(css.contains(".tabs > .tab-input:checked + .tab-label + .tab-panel { display: block; }"))
    }

    @Test func foreignFrontMatterAndNavigation() throws {
        let kb = try TestSupport.fixture("compat-components")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["build"], cwd: kb)
        #expect(r.status == 0, "\(r.stderr)")
        // A draft is left out, so the link to it is a warning.
        #expect(r.stderr.contains("Content/guide/toml.md:18:45: warning: broken link 'draft.md'"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: kb + "/Site/guide/draft.html"))
        // TOML front matter: title, description → summary, tags; definition terms and { id="…" } are anchors.
        let toml = TestSupport.read(kb + "/Site/guide/toml.html")
        #expect(toml.contains("<h1>Written in TOML</h1>"))
        #expect(toml.contains("A page whose front matter is TOML."))
        #expect(toml.contains("href=\"../tags/toml.html\">toml</a>"))
        #expect(toml.contains("<dt id=\"publishdir\"><code>publishDir</code></dt>"))
        #expect(toml.contains("<h3 id=\"1.0\">Version 1.0<a"))
        #expect(!r.stderr.contains("broken-anchor"))
        // Weights order the section: toml (1), components (10), then the unweighted page.
        let section = TestSupport.read(kb + "/Site/guide/index.html")
        let order = ["toml.html", "components.html", "other.html"].compactMap { section.range(of: "<a href=\"\($0)\"")?.lowerBound }
        #expect(order.count == 3 && order == order.sorted(), "\(section)")
        // aliases → a page at the old address that sends the reader on.
        let redirect = TestSupport.read(kb + "/Site/old/components/index.html")
        #expect(redirect.contains("<meta http-equiv=\"refresh\" content=\"0; url=../../guide/components.html\">"))

        let drafts = try TestSupport.kb(["build", "--drafts"], cwd: kb)
        #expect(drafts.status == 0)
        #expect(FileManager.default.fileExists(atPath: kb + "/Site/guide/draft.html"))
        #expect(!drafts.stderr.contains("broken link 'draft.md'"))
    }

    @Test func obsidianVaultLinksAndEmbedsResolve() throws {
        let kb = try TestSupport.fixture("compat-obsidian")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["build"], cwd: kb) // compat detected from .obsidian/
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.contains("4 of 4 internal links resolve (100.0 %)"), "\(r.stdout)")
        let home = TestSupport.read(kb + "/Site/Home.html")
        #expect(home.contains("<a href=\"notes/Troubleshooting%20Notes.html\">Troubleshooting Notes</a>"))
        #expect(home.contains("<a href=\"notes/Troubleshooting%20Notes.html#disk-full\">the disk section</a>"))
        #expect(home.contains("<img src=\"attachments/chart.png\" alt=\"chart.png\" loading=\"lazy\">"))
        #expect(home.contains("<details class=\"admonition admonition-warning admonition-type-warning\"><summary class=\"admonition-title\">Careful</summary>"))
        #expect(home.contains("<code>[[not a link]]</code>"))
    }

    @Test func docusaurusSidebarOrdersPagesAndSlugsResolve() throws {
        let root = try TestSupport.fixture("compat-docusaurus")
        defer { TestSupport.remove((root as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["build", "--content", root + "/docs", "--output", root + "/site"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)") // id, sidebar_label, sidebar_position, slug, custom_edit_url known
        #expect(r.stdout.contains("3 of 3 internal links resolve (100.0 %)"), "\(r.stdout)")
        // sidebars.js puts setup before advanced, over their sidebar_position.
        let section = TestSupport.read(root + "/site/guides/index.html")
        let setup = try #require(section.range(of: "<a href=\"setup.html\">")), advanced = try #require(section.range(of: "<a href=\"advanced.html\">"))
        #expect(setup.lowerBound < advanced.lowerBound)
        let intro = TestSupport.read(root + "/site/intro.html")
        #expect(intro.contains("<p class=\"admonition-title\">Good to know</p>"))
        #expect(intro.contains("href=\"guides/advanced.html\">advanced</a>"))
        let setupPage = TestSupport.read(root + "/site/guides/setup.html")
        #expect(setupPage.contains("href=\"../intro.html\">intro</a>")) // `slug: /` is the intro's address
    }
}
