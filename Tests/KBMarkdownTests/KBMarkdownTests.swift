import KBCore
import Testing
@testable import KBMarkdown

@Suite struct ParserTests {
    /// Parses at once on every core give the same tree as one alone: cmark-gfm's inline pass
    /// edits a global table of special characters, and without kb's turn-taking a parse that
    /// finished removed `w` and `:` under another one's feet (`www.` and `https:` stayed text).
    @Test func parallelParsesKeepEveryAutolink() {
        // Paragraphs and table cells: the table extension's cells are inline-parsed in the same pass.
        let text = (1...40).map { "Line \($0): see www.example.com/\($0) and https://go.dev/\($0) ~~old~~." }.joined(separator: "\n\n")
            + "\n\n| a | b |\n|---|---|\n" + (1...10).map { "| www.example.org/\($0) | x |" }.joined(separator: "\n") + "\n"
        @Sendable func links(_ n: MarkdownNode) -> Int { (n.kind == .link ? 1 : 0) + n.children.map(links).reduce(0, +) }
        let alone = MarkdownParser.parse(text)
        #expect(links(alone.root) == 90)
        let counts = Array(repeating: text, count: 400).parallelMap { links(MarkdownParser.parse($0).root) }
        #expect(counts.allSatisfy { $0 == 90 }, "\(counts.filter { $0 != 90 }.count) of 400 parses lost links")
    }

    @Test func gfmExtensionsAreOn() {
        let doc = MarkdownParser.parse("""
        | a | b |
        |:--|--:|
        | 1 | 2 |

        ~~gone~~ and https://go.dev

        - [x] done
        - [ ] todo
        """)
        let kinds = doc.root.children.map(\.kind)
        #expect(kinds == [.table, .paragraph, .list])
        #expect(doc.root.children[0].alignments == ["left", "right"])
        #expect(doc.root.children[0].children.first?.isHeaderRow == true)
        var sawStrike = false, sawAutolink = false
        doc.root.forEach {
            if $0.kind == .strikethrough { sawStrike = true }
            if $0.kind == .link, $0.url == "https://go.dev" { sawAutolink = true }
        }
        #expect(sawStrike)
        #expect(sawAutolink)
        #expect(doc.root.children[2].children.map(\.checked) == [true, false])
    }

    @Test func positionsCountFrontMatterLinesAndCharacters() {
        let doc = MarkdownParser.parse("中文标题\n\n```sh check id=a\nexit 0\n```\n", lineOffset: 4)
        let code = doc.root.children[1]
        #expect(code.kind == .codeBlock)
        #expect(code.line == 7)
        #expect(code.column == 1)
        #expect(code.info == "sh check id=a")
        #expect(code.literal == "exit 0\n")
    }

    @Test func headingsGetUniqueAnchors() {
        let doc = MarkdownParser.parse("# Title\n\n## Fix it\n\n## Fix it\n\n### 如何修复\n")
        #expect(doc.headings.map(\.anchor) == ["title", "fix-it", "fix-it-1", "如何修复"])
        #expect(doc.headings.map(\.line) == [1, 3, 5, 7])
    }
}

@Suite struct HTMLRendererTests {
    @Test func rawHTMLIsEscapedUnlessAllowed() {
        let doc = MarkdownParser.parse("<b>hi</b>\n\ntext <i>x</i>\n")
        let escaped = HTMLRenderer().render(doc)
        #expect(escaped.contains("&lt;b&gt;hi&lt;/b&gt;"))
        #expect(escaped.contains("text &lt;i&gt;x&lt;/i&gt;"))
        var r = HTMLRenderer()
        r.allowRawHTML = true
        let raw = r.render(doc)
        #expect(raw.contains("<b>hi</b>"))
        #expect(raw.contains("<i>x</i>"))
    }

    @Test func scriptURLsAreDroppedButTextKept() {
        let html = HTMLRenderer().render(MarkdownParser.parse("[click](javascript:alert(1)) [ok](https://a.b/)"))
        #expect(!html.contains("javascript:"))
        #expect(html.contains("click"))
        #expect(html.contains("<a href=\"https://a.b/\">ok</a>"))
    }

    @Test func linksGoThroughTheResolver() {
        var r = HTMLRenderer()
        r.resolveURL = { $0 == "a.md" ? "a.html" : nil }
        let html = r.render(MarkdownParser.parse("[A](a.md) [B](b.md)"))
        #expect(html.contains("<a href=\"a.html\">A</a>"))
        #expect(html.contains(" B"))
        #expect(!html.contains("b.md"))
    }

    @Test func escapesTextAndAttributes() {
        let html = HTMLRenderer().render(MarkdownParser.parse("```sh\necho \"<x>\"\n```\n"))
        #expect(html == "<pre><code class=\"language-sh\">echo &quot;&lt;x&gt;&quot;\n</code></pre>\n")
    }
}

@Suite struct TextRendererTests {
    @Test func rendersReadableText() {
        var r = TextRenderer()
        r.skipFirstHeading = true
        let text = r.render(MarkdownParser.parse("# T\n\n## Check\n\n- one\n- two\n\n```sh\nexit 0\n```\n\nSee [docs](https://go.dev).\n"))
        #expect(!text.contains("# T\n"))
        #expect(text.contains("## Check"))
        #expect(text.contains("• one"))
        #expect(text.contains("│ exit 0"))
        #expect(text.contains("docs (https://go.dev)"))
    }
}
