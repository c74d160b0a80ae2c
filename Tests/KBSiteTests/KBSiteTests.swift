import Foundation
@testable import KBContent
import KBCore
import KBTesting
import Testing
@testable import KBSite

@Suite struct SiteLayoutTests {
    /// The ASCII fast path encodes exactly as Foundation does, for every ASCII character alone and
    /// in names, and leaves the rest to Foundation.
    @Test func encodingFastPathAgreesWithFoundation() {
        var samples = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        samples += ["tar", "go-command-not-found", "a b", "x%y", "50%", "C:\\x", "path/to", "q?x", "h#a", "中文", "café", "a:b", "~_.-", ""]
        for s in samples {
            #expect(SiteLayout.encode(s) == (s.addingPercentEncoding(withAllowedCharacters: SiteLayout.pathAllowed) ?? s), "\(s.debugDescription)")
            #expect(SiteLayout.encodeFragment(s) == (s.addingPercentEncoding(withAllowedCharacters: SiteLayout.pathAllowed) ?? s), "\(s.debugDescription)")
        }
    }

    @Test(arguments: [
        ("index.html", "go/a.html", nil as String?, "go/a.html"),
        ("go/a.html", "go/b.html", nil, "b.html"),
        ("go/a.html", "index.html", nil, "../index.html"),
        ("zh/go/a.html", "go/a.html", nil, "../../go/a.html"),
        ("go/a.html", "edge/x y.html", "如何检查", "../edge/x%20y.html#%E5%A6%82%E4%BD%95%E6%A3%80%E6%9F%A5"),
        ("a/b/c.html", "a/b/index.html", nil, "index.html"),
        ("pages/common/[.html", "pages/common/[.html", nil, "%5B.html"),
    ])
    func relativeURLs(from: String, to: String, anchor: String?, expected: String) {
        #expect(SiteLayout.relativeURL(from: from, to: to, anchor: anchor) == expected)
    }

    @Test func pathsPerLanguage() {
        let layout = SiteLayout(config: KBConfig())
        let parser = ArticleParser(config: KBConfig())
        let zh = parser.parse(bytes: Array("# T\n".utf8), path: "go/x.zh.md", displayPath: "go/x.zh.md").article
        let index = parser.parse(bytes: Array("# T\n".utf8), path: "go/_index.md", displayPath: "go/_index.md").article
        #expect(layout.articlePath(zh) == "zh/go/x.html")
        #expect(layout.articlePath(index) == "go/index.html")
        #expect(layout.termPath("env", "GO111MODULE", lang: "en") == "env/go111module.html")
        #expect(SiteLayout.termSlug("C:\\Program Files") == "c--program-files")
        #expect(SiteLayout.rootPrefix(from: "zh/go/x.html") == "../../")
    }
}

@Suite struct ThemeTests {
    @Test func defaultThemeMatchesTemplatesFolder() throws {
        // The theme compiled into kb must be the repo's Templates/ (the EmbedTheme build-tool plugin).
        let dir = TestSupport.packageRoot + "/Templates"
        var diags: [Diagnostic] = []
        let files = try LocalFileSystem().walk(dir, diagnostics: &diags)
        #expect(Set(files.map(\.relativePath)) == Set(DefaultTheme.files.keys))
        for f in files {
            #expect(TestSupport.read(dir + "/" + f.relativePath) == DefaultTheme.files[f.relativePath], "\(f.relativePath) differs from the embedded theme")
        }
    }

    @Test func templateSyntaxErrorIsPositioned() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        try TestSupport.write("<p>ok</p>\n<p>{{#open}}never closed</p>\n", to: dir + "/term.mustache")
        do {
            _ = try Theme(overrides: dir)
            Issue.record("expected a template error")
        } catch let e as DiagnosticError {
            #expect(e.diagnostics.count == 1)
            #expect(e.diagnostics[0].rule.id == "template")
            #expect(e.diagnostics[0].location?.path.hasSuffix("/term.mustache") == true)
            #expect(e.diagnostics[0].location?.line == 3) // where the parser found the section still open: the end
        }
    }

    /// `{{name}}` escapes exactly what swift-mustache's HTML content type escapes (its Character-wise
    /// walk, restated here), byte by byte; a value with none of the five comes back as it is.
    @Test func variablesEscapeAsSwiftMustacheDoes() throws {
        func characterWise(_ s: String) -> String {
            let table: [Character: String] = ["<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&#39;"]
            var out = ""
            for c in s { if let r = table[c] { out += r } else { out.append(c) } }
            return out
        }
        let samples = ["", "plain title", "a<b>&\"c'd", "<<>>&&", "中文 <标题> & ‘引号’", "emoji 👩‍💻 & \"more\"", "&amp; twice",
                       "tab\there\r\nnext", "ends with <", "'", String(repeating: "x&", count: 500)]
        for s in samples { #expect(HTMLEscaping().escapeText(s) == characterWise(s), "\(s)") }
        // Safer than the Character-wise walk: a `<` that carries a combining mark is still escaped.
        #expect(HTMLEscaping().escapeText("a <\u{338} b") == "a &lt;\u{338} b")
        #expect(characterWise("a <\u{338} b") == "a <\u{338} b")

        // The theme's templates, and a KB's overrides, escape through it.
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        try TestSupport.write("{{summary}}|{{{summary}}}", to: dir + "/article.mustache")
        let theme = try Theme(overrides: dir)
        let page = try #require(SampleKB.page("net/dns-fails.html", in: PageBuilder(graph: SampleKB.graph()).pages()))
        #expect(try theme.render(page) == "Programs print &quot;no such host&quot;.|Programs print \"no such host\".")
        // An override's own content type still decides from where it stands.
        try TestSupport.write("{{summary}}|{{% CONTENT_TYPE: TEXT}}{{summary}}", to: dir + "/article.mustache")
        #expect(try Theme(overrides: dir).render(page) == "Programs print &quot;no such host&quot;.|Programs print \"no such host\".")
    }

    @Test func missingPartialIsAnErrorNotEmptyOutput() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        try TestSupport.write("{{> _head}}\n{{> _nosuch}}\n", to: dir + "/home.mustache")
        #expect(throws: DiagnosticError.self) { try Theme(overrides: dir) }
        let theme = try Theme(overrides: nil)
        #expect(theme.assets.keys.contains("assets/kb.css"))
    }
}

@Suite struct BodyRendererTests {
    @Test func executableBlocksGetBadgesAndDestructiveWarning() {
        let node = KBMarkdownNodeFactory.code(info: "powershell fix id=reset for=probe effect=destructive admin=true", code: "Remove-Item x\n")
        let html = BodyRenderer.decorate(node, strings: UIStrings.table("en"))!
        #expect(html.contains("id=\"block-reset\""))
        #expect(html.contains("badge role role-fix"))
        #expect(html.contains("effect-destructive"))
        #expect(html.contains("class=\"callout danger\""))
        #expect(html.contains("needs admin"))
        #expect(html.contains("<span class=\"badge os\">windows</span>"))
    }
}

@Suite struct UIKeyTests {
    /// Every interface string Swift code asks for by name exists in every language of the theme,
    /// so the English fallback of `UIStrings.table(…)[key]` is never what a page shows.
    @Test func everyKeyIsTranslated() {
        for key in UIKey.allCases {
            #expect(UIStrings.en[key.rawValue] != nil, "\(key) has no English text")
            #expect(UIStrings.zh[key.rawValue] != nil, "\(key) has no Chinese text")
            #expect(UIStrings.table("zh")[key] == UIStrings.zh[key.rawValue])
        }
    }
}
