import Testing
@testable import KBContent
import KBCore

func graph(_ files: [String: String], config: KBConfig = KBConfig(), assets: Set<String> = []) -> KnowledgeGraph {
    let parser = ArticleParser(config: config)
    let articles = files.map { parser.parse(bytes: Array($0.value.utf8), path: $0.key, displayPath: $0.key).article }
    return KnowledgeGraph(config: config, articles: articles, assets: assets)
}

@Suite struct KnowledgeGraphTests {
    let kb: [String: String] = [
        "go/sym.md": "---\ntitle: Sym\nkind: symptom\nerrors: [\"boom\"]\ncauses: [cause-a]\n---\nSee [cause](cause-a.md#how-to-check) and [concept](kb:idea).\n",
        "go/sym.zh.md": "---\ntitle: 症状\nkind: symptom\nerrors: [\"boom\"]\ncauses: [cause-a]\n---\n",
        "go/cause-a.md": "---\ntitle: Cause A\nkind: cause\nfixes: [fix-a]\n---\n## How to check\n\n```sh check id=a-check\nexit 0\n```\n\n```sh fix id=a-fix for=a-check\ntrue\n```\n",
        "go/fix-a.md": "---\ntitle: Fix A\nkind: fix\n---\n",
        "other/idea.md": "---\ntitle: Idea\nkind: concept\n---\n",
    ]

    @Test func resolvesReferencesLinksBacklinksAndTranslations() {
        let g = graph(kb)
        #expect(g.diagnostics.isEmpty, "\(g.diagnostics)")
        let sym = g.article(canonical: "go/sym", lang: "en")!
        let cause = g.article(canonical: "go/cause-a", lang: "en")!
        let idea = g.article(canonical: "other/idea", lang: "en")!
        #expect(g.causes[sym] == [cause])
        #expect(g.links[sym] == [cause, idea])
        #expect(g.backlinks[cause].contains(sym))
        #expect(g.translations[sym] == [g.article(canonical: "go/sym", lang: "zh")!])
        // The zh symptom's cause falls back to the English article.
        let zh = g.article(canonical: "go/sym", lang: "zh")!
        #expect(g.causes[zh] == [cause])
        #expect(g.linkTargets[sym][0] == .article(cause, anchor: "how-to-check"))
    }

    @Test func danglingAndAmbiguousReferences() {
        var files = kb
        files["go/sym.md"] = "---\ntitle: Sym\nkind: symptom\ncauses: [cause-b, dup]\n---\n"
        files["a/dup.md"] = "---\ntitle: D1\n---\n"
        files["b/dup.md"] = "---\ntitle: D2\n---\n"
        let d = graph(files).diagnostics.map(\.description)
        #expect(d.contains("go/sym.md:4:10: error: unknown id 'cause-b' in causes; did you mean 'cause-a'? [dangling-reference]"))
        #expect(d.contains("go/sym.md:4:19: error: ambiguous id 'dup' in causes: use one of a/dup, b/dup [ambiguous-reference]"))
    }

    @Test func kbYmlAdviceArticlesResolve() throws {
        let config = try KBConfig.parse("advice:\n  chmod-777: fix-a\n  setx-path: fix-b\n", path: "kb.yml")
        #expect(config.advice["chmod-777"]?.id == "fix-a")
        let d = graph(kb, config: config).diagnostics.map(\.description)
        #expect(d == ["kb.yml:3:14: error: unknown id 'fix-b' in advice.setx-path; did you mean 'fix-a'? [dangling-reference]"])
    }

    @Test func duplicateExplicitIDs() {
        let d = graph(["a.md": "---\nid: same\ntitle: A\n---\n", "b.md": "---\nid: same\ntitle: B\n---\n"]).diagnostics
        #expect(d.map(\.description) == ["b.md:2:5: error: duplicate id 'same': also declared in a.md [duplicate-id]"])
    }

    @Test func duplicateBlockIDs() {
        let d = graph(["a.md": "# A\n\n```sh check id=x\nexit 0\n```\n", "b.md": "# B\n\n```sh check id=x\nexit 0\n```\n"]).diagnostics
        #expect(d.map(\.description) == ["b.md:3:1: error: block id 'x' is already used at a.md:3:1 [duplicate-id]"])
    }

    @Test func brokenLinksAndAnchors() {
        let g = graph([
            "a.md": "# A\n\n[x](nope.md) [y](b.md#missing) [z](../../etc/passwd) [ok](b.md#real-heading) [pic](img.png) [gone](gone.png)\n",
            "b.md": "# B\n\n## Real heading\n",
        ], assets: ["img.png"])
        let d = g.diagnostics.map(\.description)
        #expect(d == [
            "a.md:3:5: error: broken link 'nope.md': no file nope.md in the content folder [broken-link]",
            "a.md:3:18: error: broken anchor '#missing': no such heading in b.md [broken-anchor]",
            "a.md:3:36: error: link '../../etc/passwd' leaves the content folder [link-outside]",
            "a.md:3:100: error: broken link 'gone.png': no file gone.png in the content folder [broken-link]",
        ])
    }

    @Test func requiresCycleIsAnError() {
        let d = graph([
            "a.md": "---\ntitle: A\nrequires: [b]\n---\n",
            "b.md": "---\ntitle: B\nrequires: [c]\n---\n",
            "c.md": "---\ntitle: C\nrequires: [a]\n---\n",
        ]).diagnostics
        #expect(d.map(\.rule.id) == ["requires-cycle"])
        #expect(d[0].message.contains("a → b → c → a"))
    }

    @Test func integrityWarnings() {
        let d = graph([
            "s.md": "---\ntitle: S\nkind: symptom\n---\n",
            "c.md": "---\ntitle: C\nkind: cause\n---\n",
            "r.md": "---\ntitle: R\nkind: runbook\n---\n",
            "x.md": "---\ntitle: X\nkind: symptom\ncauses: [s]\n---\n",
        ]).diagnostics
        #expect(Set(d.map(\.rule.id)) == ["symptom-without-cause", "cause-without-check", "runbook-without-alert", "wrong-kind"])
        #expect(d.allSatisfy { $0.severity == .warning })
    }

    @Test func translationDriftIsAWarning() {
        var files = kb
        files["go/sym.zh.md"] = "---\ntitle: 症状\nkind: symptom\nerrors: [\"boom\", \"extra\"]\ncauses: []\n---\n"
        let d = graph(files).diagnostics.map(\.description)
        #expect(d.contains("go/sym.zh.md:1:1: warning: translation drift in errors against go/sym.md: extra extra [translation-drift]"))
        #expect(d.contains("go/sym.zh.md:1:1: warning: translation drift in causes against go/sym.md: missing go/cause-a [translation-drift]"))
    }

    @Test func blockReferences() {
        let d = graph([
            "a.md": "# A\n\n```sh fix id=f for=nothing\ntrue\n```\n\n```sh example id=e\necho hi\n```\n\n```text output for=other\nhi\n```\n",
        ]).diagnostics.map(\.description)
        #expect(d.contains("a.md:3:16: error: fix for=nothing: no check with that id [block-reference]"))
        #expect(d.contains("a.md:11:16: error: output for=other must follow the example block with id=other in the same article [block-reference]"))
    }

    @Test func exportsAllFormats() {
        let g = graph(kb)
        let e = g.export()
        #expect(e.edges.contains(.init(from: "en:go/sym", to: "en:go/cause-a", type: "causedBy")))
        #expect(e.edges.contains(.init(from: "en:go/cause-a", to: "en:go/fix-a", type: "fixedBy")))
        #expect(e.edges.contains(.init(from: "check:en:a-check", to: "en:go/cause-a", type: "detects")))
        #expect(e.edges.contains(.init(from: "zh:go/sym", to: "en:go/sym", type: "translationOf")))
        #expect(e.nodes.contains { $0.type == "error" && $0.label == "boom" })
        #expect(e.json().contains("\"causedBy\""))
        #expect(e.dot().hasPrefix("digraph kb {"))
        #expect(e.graphML().contains("<edge id=\"e0\""))
        #expect(g.export(lang: "zh").nodes.filter { $0.type == "article" }.count == 1)
    }
}

/// Links are classified byte by byte (every link of every article, at each build); these are the
/// character-level forms they replaced, kept as references.
@Suite struct LinkSchemeTests {
    static func referenceScheme(_ url: String) -> String? {
        let trimmed = url.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let cleaned = trimmed[..<colon].filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        guard let first = cleaned.first, first.isASCII, first.isLetter,
              cleaned.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return cleaned.lowercased()
    }

    static func referenceIsExternal(_ url: String) -> Bool {
        if url.hasPrefix("//") { return true }
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
            && !scheme.contains("/")
    }

    @Test func byteFormsAgreeWithTheReferences() {
        let parts = ["http", "HTTPS", "java", "script", "kb", "go.dev", "a+b-c.d", "1x", ":", "//", "/", " ", "\t", "\n", "\r",
                     "\u{0C}", "é", "über", "现象", "#", "?q=1", "mailto", "x", "%3A", "\u{200B}", ".", "-"]
        var generator = SystemRandomNumberGenerator()
        var urls = ["", ":", "//x", "a:", " \tjava\tscript:alert(1)", "JAVASCRIPT:x", "über:x", "3com:x", "a/b:c", "tel:+1", "é:x"]
        for _ in 0..<20_000 {
            let n = Int.random(in: 1...5, using: &generator)
            urls.append((0..<n).map { _ in parts.randomElement(using: &generator)! }.joined())
        }
        var compared = 0
        for url in urls {
            #expect(KnowledgeGraph.isExternal(url) == Self.referenceIsExternal(url), "\(url.debugDescription)")
            // "\r\n" is one Character: the reference kept it where a browser (and the byte form)
            // skips both bytes — told apart below.
            guard !url.contains("\r\n") else { continue }
            #expect(URLPolicy.scheme(url) == Self.referenceScheme(url), "\(url.debugDescription)")
            compared += 1
        }
        #expect(compared > 15_000)
        // A CR LF before a script scheme hides nothing any more.
        #expect(URLPolicy.scheme("\r\njavascript:alert(1)") == "javascript")
        #expect(!URLPolicy.isSafeLink("\r\n java\r\nscript:alert(1)"))
    }
}

@Suite struct RelativeURLTests {
    /// The byte-level form agrees with the by-folder reference on every pair of many paths:
    /// shared and diverging folders, empty segments, encoded names, a file name that equals a folder.
    @Test func byteFormAgreesWithTheReference() {
        let parts = ["a", "b", "ab", "", "go windows", "现象", "x.html", "a.html", "%", "a b#c", "javascript:x.html"]
        var generator = SystemRandomNumberGenerator()
        var paths: [String] = ["index.html", "a/index.html", "a/b/c.html", "a/", "/a.html", "a//b.html"]
        for _ in 0..<400 {
            let n = Int.random(in: 1...4, using: &generator)
            paths.append((0..<n).map { _ in parts.randomElement(using: &generator)! }.joined(separator: "/"))
        }
        var compared = 0
        for from in paths {
            for to in paths.prefix(60) {
                #expect(SiteLayout.relativeURL(from: from, to: to) == SiteLayout.relativeURLBySegments(from: from, to: to), "\(from) → \(to)")
                compared += 1
            }
        }
        #expect(compared > 20_000)
        #expect(SiteLayout.relativeURL(from: "a/b/c.html", to: "a/d/e f.html", anchor: "x") == "../d/e%20f.html#x")
    }
}

@Suite struct PathFoldingTests {
    /// `normalize` gives a path with nothing to fold back as it is, without splitting it: on
    /// every path of up to five segments drawn from dot segments, empty ones, hidden names and
    /// plain ones, with and without leading and trailing slashes, it equals folding segment by
    /// segment (what it always did, `foldSegments`).
    @Test func foldingAgreesWithSegmentBySegment() {
        let segments = ["a", "b.md", ".", "..", "", ".hidden", "..x", "x."]
        var paths = [""]
        for _ in 0..<5 { paths += paths.suffix(4096).flatMap { p in segments.map { p.isEmpty ? $0 : p + "/" + $0 } } }
        var checked = 0
        for p in Set(paths) {
            for path in [p, "/" + p, p + "/"] {
                #expect(KnowledgeGraph.normalize(path) == KnowledgeGraph.foldSegments(path), "\(path.debugDescription)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }
}
