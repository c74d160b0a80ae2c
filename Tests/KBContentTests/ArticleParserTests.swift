import Foundation
import Testing
import KBTesting
@testable import KBContent
import KBCore

func parse(_ text: String, path: String = "sec/page.md", config: KBConfig = KBConfig()) -> Article {
    ArticleParser(config: config).parse(bytes: Array(text.utf8), path: path, displayPath: "Content/" + path).article
}

@Suite struct FrontMatterTests {
    @Test func readsEveryKey() {
        let a = parse("""
        ---
        id: my-id
        title: "A title"
        kind: symptom
        summary: One line.
        platforms: [windows, linux]
        tools: [go]
        env: [PATH]
        components: [etcd]
        tags: [install]
        errors:
          - "exact text"
          - regex: "go: .* not found"
        causes: [c1, sec/c2]
        fixes: [f1]
        see_also: [s1]
        requires: [r1]
        alerts: [etcdHighFsyncDurations]
        severity: warning
        sources: [https://go.dev/doc/install]
        verified: {go: "1.22.1", windows: "11"}
        updated: 2026-11-27
        ---
        Body.
        """)
        #expect(a.diagnostics.isEmpty, "\(a.diagnostics)")
        #expect(a.shortID == "my-id")
        #expect(a.hasExplicitID)
        #expect(a.canonicalID == "sec/page")
        #expect(a.title == "A title")
        #expect(a.kind == .symptom)
        #expect(a.platforms == [.windows, .linux])
        #expect(a.errors.map(\.isRegex) == [false, true])
        #expect(a.errors[1].location == SourceLocation(path: "Content/sec/page.md", line: 13, column: 5))
        #expect(a.causes.map(\.id) == ["c1", "sec/c2"])
        #expect(a.causes[1].location.line == 14)
        #expect(a.alerts == ["etcdHighFsyncDurations"])
        #expect(a.severity == .warning)
        #expect(a.verified == [["go", "1.22.1"], ["windows", "11"]])
        #expect(a.updated == "2026-11-27")
    }

    @Test func unknownKeySuggestsTheRightOne() {
        let a = parse("---\ntitle: T\nsumary: x\n---\n")
        #expect(a.diagnostics.map(\.description) == [
            "Content/sec/page.md:3:1: error: unknown front-matter key 'sumary'; did you mean 'summary'? [unknown-key]",
        ])
    }

    @Test func badValuesArePositioned() {
        let a = parse("---\ntitle: T\nkind: symtom\nplatforms: [windoze]\ntags: one\nerrors:\n  - regex: \"([\"\nupdated: tomorrow\n---\n")
        let messages = a.diagnostics.map(\.description)
        #expect(messages.contains("Content/sec/page.md:3:7: error: 'symtom' is not a valid kind; did you mean 'symptom'? (one of: symptom, cause, fix, concept, runbook, reference) [front-matter-value]"))
        #expect(messages.contains("Content/sec/page.md:4:13: error: 'windoze' is not a platform; did you mean 'windows'? (one of: windows, linux, macos, kubernetes) [front-matter-value]"))
        #expect(messages.contains("Content/sec/page.md:5:7: error: 'tags' must be a list, e.g. tags: [a, b] [front-matter-type]"))
        #expect(messages.contains("Content/sec/page.md:7:5: error: regex does not compile: ([ [bad-regex]"))
        #expect(messages.contains("Content/sec/page.md:8:10: error: 'updated' must be a date YYYY-MM-DD [front-matter-value]"))
    }

    @Test func invalidYAMLIsAnErrorNotACrash() {
        let a = parse("---\ntitle: [unclosed\n---\n# Still here\n")
        #expect(a.diagnostics.count == 1)
        #expect(a.diagnostics[0].rule.id == "yaml")
        #expect(a.diagnostics[0].location?.line ?? 0 >= 2)
        #expect(a.title == "Still here")
    }

    @Test func plainMarkdownIsAReference() {
        let a = parse("# tar\n\n> Archiving utility.\n> More text.\n\n- Create:\n\n`tar cf x.tar f`\n", path: "pages/common/tar.md")
        #expect(a.diagnostics.isEmpty)
        #expect(a.kind == .reference)
        #expect(a.title == "tar")
        #expect(a.titleFromHeading)
        #expect(a.summary == "Archiving utility. More text.")
        #expect(a.shortID == "tar")
        #expect(a.section == "pages/common")
    }

    @Test func frontMatterWithoutTitleOrHeadingIsAnError() {
        let a = parse("---\nkind: concept\n---\nJust text.\n")
        #expect(a.diagnostics.map(\.rule.id) == ["missing-title"])
    }

    @Test func crlfAndBOMGiveTheSameArticle() {
        let text = "---\ntitle: T\ntitel: x\n---\n## Head\n"
        let crlf = "\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n")
        let a = parse(text), b = ArticleParser(config: KBConfig()).parse(bytes: Array(crlf.utf8), path: "sec/page.md", displayPath: "Content/sec/page.md").article
        #expect(a.title == b.title)
        #expect(a.diagnostics == b.diagnostics)
        #expect(a.headings == b.headings)
    }

    @Test func invalidUTF8IsReportedNotCrashed() {
        let bytes = Array("---\ntitle: T\n---\n".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
        let a = ArticleParser(config: KBConfig()).parse(bytes: bytes, path: "x.md", displayPath: "x.md").article
        #expect(a.diagnostics.map(\.description) == ["x.md:4:1: error: file is not valid UTF-8 (first bad byte shown at this position); save it as UTF-8 [invalid-utf8]"])
    }

    @Test func oversizeFilesAreRefused() {
        let big = [UInt8](repeating: 65, count: ArticleParser.maxFileSize + 1)
        let a = ArticleParser(config: KBConfig()).parse(bytes: big, path: "big.md", displayPath: "big.md").article
        #expect(a.diagnostics.map(\.rule.id) == ["file-too-large"])
    }
}

@Suite struct IdentityTests {
    @Test func languageFromSuffixFolderAndFrontMatter() throws {
        var config = KBConfig()
        config.languageFolders["pages.zh"] = .init(lang: "zh", of: "pages")
        let p = ArticleParser(config: config)
        #expect(p.identity(ofPath: "go/foo.zh.md") == ("go/foo", "foo", "zh", false))
        #expect(p.identity(ofPath: "go/foo.md") == ("go/foo", "foo", "en", false))
        #expect(p.identity(ofPath: "pages.zh/common/tar.md") == ("pages/common/tar", "tar", "zh", false))
        #expect(p.identity(ofPath: "pages/linux/mkfs.ext4.md") == ("pages/linux/mkfs.ext4", "mkfs.ext4", "en", false))
        #expect(p.identity(ofPath: "go/_index.zh.md") == ("go", "go", "zh", true))
        let a = parse("---\ntitle: T\nlang: zh\n---\n")
        #expect(a.lang == "zh")
        let bad = parse("---\ntitle: T\nlang: xx\n---\n")
        #expect(bad.diagnostics.map(\.rule.id) == ["front-matter-value"])
    }
}

@Suite struct InfoStringTests {
    func block(_ info: String) -> (Block, [String]) {
        var d: [Diagnostic] = []
        let line = "```" + info
        let b = InfoString.parse(info, code: "x\n", fenceLine: line, location: SourceLocation(path: "f.md", line: 5, column: 1), diagnostics: &d)
        return (b, d.map(\.description))
    }

    @Test func parsesRoleAndAttributes() {
        let (b, d) = block("powershell check id=go-on-path os=windows timeout=500ms detects=go-bin-not-on-path ci=lint")
        #expect(d.isEmpty)
        #expect(b.role == .check)
        #expect(b.id == "go-on-path")
        #expect(b.os == ["windows"])
        #expect(b.timeout == 0.5)
        #expect(b.detects?.id == "go-bin-not-on-path")
        #expect(b.ci == .lint)
        #expect(b.effect == .read)
    }

    @Test func defaultsComeFromTheLanguage() {
        #expect(block("sh example id=e").0.os == ["linux", "macos"])
        #expect(block("pwsh check id=c").0.os == ["windows", "linux", "macos"])
        #expect(block("cmd fix id=f for=c").0.effect == .mutates)
        #expect(block("sh check id=c").0.timeout == 10)
    }

    @Test func badAttributesArePositionedAtTheAttribute() {
        let (_, d) = block("sh check id=x tmeout=5s admin=maybe")
        #expect(d == [
            "f.md:5:18: error: unknown block attribute 'tmeout'; did you mean 'timeout'? [block-attribute]",
            "f.md:5:28: error: bad value 'maybe' for 'admin': expected true or false [block-attribute]",
        ])
    }

    @Test func rulesForRoles() {
        #expect(block("sh check").1 == ["f.md:5:1: error: a check block needs id=… [block-attribute]"])
        #expect(block("text output").1 == ["f.md:5:1: error: an output block needs for=<example id> [block-attribute]"])
        #expect(block("sh check id=a effect=mutates").1 == ["f.md:5:1: error: a check must be read-only (effect=read) [block-attribute]"])
        #expect(block("python check id=a").1.first?.contains("shell language") == true)
        #expect(block("sh chek id=a").1 == ["f.md:5:7: error: unknown block role 'chek'; did you mean 'check'? [block-role]"])
        // Another tool's info string is plain code, not an error.
        #expect(block("go title=\"main.go\"").1.count == 1) // key=value without a role is still checked
        #expect(block("rust ignore").1.isEmpty)
        #expect(block("rust ignore").0.role == nil)
    }
}

@Suite struct ArticleCacheFormTests {
    /// The build cache keeps parsed articles in BinaryCodec's form: every article of the real KB,
    /// and of the tldr corpus when it is there, reads back equal to what was parsed — through the
    /// generic decoding and through the cache's hand-written one (`Article.decodeCached`).
    @Test func everyRealArticleReadsBackEqual() throws {
        var roots = [TestSupport.packageRoot + "/Content"]
        if let tldr = TestSupport.tldrCorpus { roots.append(tldr) }
        var checked = 0
        for root in roots {
            let project = try Project.discover(content: root)
            let content = try ContentLoader().load(project, cache: nil)
            for a in content.articles.prefix(3000) {
                let bytes = try BinaryCodec.encode(a)
                #expect(try BinaryCodec.decode(Article.self, from: bytes) == a, "\(a.path)")
                #expect(try Article.decodeCached(bytes) == a, "\(a.path)")
                checked += 1
            }
        }
        #expect(checked > 80)
    }

    /// The hand-written reader follows every field the synthesized encoding writes: an article
    /// with each field, and each field of its nested values, set to something other than its
    /// default reads back equal (a field the reader skipped would leave bytes over, or shift
    /// the next one); and bytes cut short or with a byte more throw instead of trapping.
    @Test func theCachesReaderTakesEveryField() throws {
        let at = SourceLocation(path: "Content/sec/page.md", line: 3, column: 7)
        let ref = Ref(id: "other", location: SourceLocation(path: "Content/sec/page.md", line: 4, column: 2))
        var block = Block(language: "bash", role: .check, id: "probe", os: ["linux"], timeout: 12.5, forID: ref, detects: ref,
                          effect: .mutates, admin: true, ci: .lint, match: .regex, code: "echo ok\n", location: at,
                          attributes: [["check"], ["timeout", "12.5"]])
        block.cpuSeconds = 3
        block.memoryBytes = 1 << 30
        block.fileSizeBytes = 4096
        block.processes = 8
        block.needs = ["etcd"]
        let fields = Article.Fields(
            path: "sec/page.md", displayPath: "Content/sec/page.md", canonicalID: "sec/page", shortID: "page", hasExplicitID: true,
            idLocation: at, lang: "zh", isSectionIndex: true, section: "sec", title: "标题 Title", titleFromHeading: true, kind: .runbook,
            kindLocation: at, summary: "Summary.", platforms: [.windows, .kubernetes], tools: ["go"], env: ["GOPATH"],
            components: ["etcd"], tags: ["t"], errors: [ErrorSignature(text: "no such host", isRegex: true, location: at, platforms: [.linux])],
            causes: [ref], fixes: [ref, ref], seeAlso: [ref], requires: [ref], alerts: ["EtcdDown"], severity: .critical,
            sources: ["https://go.dev/doc/install"], verified: [["go", "1.23"]], updated: "2026-11-30", order: -2.25,
            aliases: ["/old/"], draft: true, address: "/custom/", navTitle: "Nav", hide: ["toc"], extra: [["k", "v"]],
            headings: [Heading(level: 2, text: "Fix", anchor: "fix", location: at)],
            links: [Link(url: "other.md", location: at, text: "other")], blocks: [block],
            diagnostics: [.warning("a warning", rule: .danglingReference, at: at), .error("no place", rule: .io, at: nil)],
            contentHash: "0123456789abcdef")
        let article = Article(fields: fields)
        let bytes = try BinaryCodec.encode(article)
        #expect(try Article.decodeCached(bytes) == article)
        #expect(try BinaryCodec.decode(Article.self, from: bytes) == article)
        for end in stride(from: 0, to: bytes.count, by: 1) {
            #expect(throws: DecodingError.self, "cut at \(end)") { try Article.decodeCached(Array(bytes[..<end])) }
        }
        #expect(throws: DecodingError.self) { try Article.decodeCached(bytes + [0]) }
    }

    /// An article's fields live in one shared box (a copy is one retain), yet it stays a value:
    /// changing a copy — a field, an element in place — never shows in the original, and equal
    /// fields are equal articles with the same hash and the same encoded bytes.
    @Test func aCopiedArticleIsAValueThoughItsFieldsAreShared() throws {
        let original = parse("---\ntitle: One\nkind: symptom\ncauses: [a-cause]\ntags: [x]\n---\nSee [b](b.md).\n")
        var copy = original
        #expect(copy == original)
        copy.title = "Two"
        copy.causes.append(Ref(id: "another", location: copy.location))
        copy.links[0].text = "changed in place"
        copy.tags[0] = "y"
        #expect(original.title == "One" && original.causes.map(\.id) == ["a-cause"])
        #expect(original.links[0].text == "b" && original.tags == ["x"])
        #expect(copy.title == "Two" && copy.causes.count == 2 && copy.links[0].text == "changed in place" && copy.tags == ["y"])
        #expect(copy != original)

        var same = copy
        same.title = "One"
        same.causes.removeLast()
        same.links[0].text = "b"
        same.tags = ["x"]
        #expect(same == original && same.hashValue == original.hashValue)
        #expect(try BinaryCodec.encode(same) == BinaryCodec.encode(original))
        #expect(copy.title == "Two", "the copy a change was made from is untouched")
        // Changed from several threads at once, each copy stays its own.
        let changed = concurrentMap(Array(0..<64)) { n -> Article in
            var a = original
            a.summary = "summary \(n)"
            return a
        }
        #expect(changed.enumerated().allSatisfy { $1.summary == "summary \($0)" } && !original.summary.hasPrefix("summary "))
    }
}

@Suite struct DocumentOnlyParseTests {
    /// `document(bytes:)` (what rendering uses) gives exactly the tree `parse` gives, for the real
    /// KB and the compat fixtures (Hugo, Docusaurus, Obsidian front matter and shortcodes).
    @Test func theTreeIsTheSameAsAFullParse() throws {
        let fixtures = TestSupport.packageRoot + "/Tests/EndToEndTests/Fixtures"
        var compared = 0
        for root in [TestSupport.packageRoot + "/Content", fixtures + "/compat-components/Content", fixtures + "/compat-docusaurus/docs",
                     fixtures + "/compat-obsidian/Content", fixtures + "/basic/Content"] {
            let project = try Project.discover(content: root)
            let parser = ArticleParser(config: project.config)
            let content = try ContentLoader().load(project, cache: nil)
            for a in content.articles {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: project.contentDirectory + "/" + a.path)))
                let full = parser.parse(bytes: bytes, path: a.path, displayPath: a.displayPath).document
                #expect(parser.document(bytes: bytes, displayPath: a.displayPath) == full, "\(a.displayPath)")
                compared += 1
            }
        }
        #expect(compared > 90)
    }
}
