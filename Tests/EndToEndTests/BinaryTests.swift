import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KBTesting
import Testing

/// The built `kb` binary, run as a user would.
@Suite struct BinaryTests {
    @Test func checkNamesEveryProblemAtItsPosition() throws {
        let kb = try TestSupport.fixture("invalid")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["check"], cwd: kb)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Content/sec/a.md:4:1: error: unknown front-matter key 'titel'; did you mean 'title'? [unknown-key]",
            "Content/sec/a.md:5:10: error: unknown id 'nope' in causes [dangling-reference]",
            "Content/sec/a.md:8:27: error: broken link 'missing.md': no file sec/missing.md in the content folder [broken-link]",
            "Content/sec/a.md:8:58: error: broken anchor '#nowhere': no such heading in Content/sec/b.md [broken-anchor]",
            "Content/sec/a.md:10:22: error: unknown block attribute 'tmeout'; did you mean 'timeout'? [block-attribute]",
            "Content/sec/a.md:10:32: error: bad value 'windoze' for 'os': expected a comma list of windows, linux, macos (did you mean 'windows'?) [block-attribute]",
            "Content/sec/b.md:4:7: warning: cause has no check and no fix: add a check block or a fix [cause-without-check]",
            "Content/sec/c.md:2:5: error: duplicate id 'dup': also declared in Content/sec/b.md [duplicate-id]",
        ])
        #expect(r.stdout.contains("3 articles checked: 7 errors, 1 warning"))

        let json = try TestSupport.kb(["check", "--json"], cwd: kb)
        #expect(json.status == 1)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let summary = doc?["summary"] as? [String: Int]
        #expect(summary?["errors"] == 7)
        #expect(summary?["warnings"] == 1)
        let results = doc?["results"] as? [[String: Any]] ?? []
        #expect(results.first?["file"] as? String == "Content/sec/a.md")
        #expect(results.first?["line"] as? Int == 4)
        #expect(results.first?["article"] as? String == "sec/a")

        // A failed build writes nothing.
        let build = try TestSupport.kb(["build"], cwd: kb)
        #expect(build.status == 1)
        #expect(!FileManager.default.fileExists(atPath: kb + "/Site"))
        #expect(build.stderr.contains("the previous site is untouched"))
    }

    @Test func usageErrorsExitTwo() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        let r = try TestSupport.kb(["check"], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("no knowledge base here"))
        #expect(try TestSupport.kb(["build", "--no-such-flag"], cwd: dir).status == 2)
        let missing = try TestSupport.kb(["build", "--content", dir + "/nope"], cwd: dir)
        #expect(missing.status == 2)
    }

    @Test func buildsTheBasicFixtureWithGoldenPagesAndResolvingLinks() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["build"], cwd: kb)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Built 31 pages"))
        let site = kb + "/Site"
        for page in ["index.html", "net/index.html", "net/dns-fails.html", "net/resolver-down.html", "net/dns-concept.html",
                     "zh/net/dns-fails.html", "plain.html", "tags/dns.html"] {
            let main = TestSupport.mainElement(TestSupport.read(site + "/" + page))
            let result = try TestSupport.golden(main, name: "basic/" + page)
            #expect(result == .match, "\(result)")
        }
        #expect(SiteLinkChecker.problems(in: site) == [])
        // Every page declares its language.
        #expect(TestSupport.read(site + "/zh/net/dns-fails.html").contains("<html lang=\"zh\">"))
        #expect(TestSupport.read(site + "/net/dns-fails.html").contains("<html lang=\"en\">"))

        let again = try TestSupport.kb(["build"], cwd: kb)
        #expect(again.stdout.contains("Up to date"))
    }

    @Test func showAndGraph() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let show = try TestSupport.kb(["show", "dns-fails"], cwd: kb)
        #expect(show.status == 0)
        #expect(show.stdout.contains("Name lookups fail"))
        #expect(show.stdout.contains("The local resolver is not running (kb show resolver-down)"))
        #expect(show.stdout.contains("check resolver-answers"))
        #expect(!show.stdout.contains("\u{1B}["), "no colour without a TTY")
        let zh = try TestSupport.kb(["show", "dns-fails", "--lang", "zh", "--json"], cwd: kb)
        let doc = try JSONSerialization.jsonObject(with: Data(zh.stdout.utf8)) as? [String: Any]
        #expect(doc?["title"] as? String == "域名解析失败")
        #expect(doc?["causes"] as? [String] == ["resolver-down"])
        #expect(try TestSupport.kb(["show", "dns-fail"], cwd: kb).stderr.contains("did you mean 'dns-fails'?"))

        let dot = try TestSupport.kb(["graph", "--format", "dot"], cwd: kb)
        #expect(dot.status == 0)
        let graphviz = try #require(TestSupport.which("dot"), "Graphviz's dot is not installed (scripts/setup.sh installs graphviz)")
        let path = kb + "/g.dot"
        try TestSupport.write(dot.stdout, to: path)
        let svg = try TestSupport.run(graphviz, ["-Tsvg", path])
        #expect(svg.status == 0, "Graphviz rejects kb's DOT: \(svg.stderr)")
        #expect(svg.stdout.contains("<svg"))
        let json = try TestSupport.kb(["graph"], cwd: kb)
        let graph = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((graph?["edges"] as? [[String: Any]])?.contains { $0["type"] as? String == "causedBy" } == true)
        let graphml = try TestSupport.kb(["graph", "--format", "graphml"], cwd: kb)
        #expect(try XMLDocument(xmlString: graphml.stdout).rootElement()?.name == "graphml")
    }
}

/// `kb show`, `kb graph` and `kb doctor` from a built site alone, on a machine with no Content/.
@Suite struct SiteOnlyTests {
    @Test func showGraphAndDoctorReadABuiltSite() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(try TestSupport.kb(["build"], cwd: kb).status == 0)
        let elsewhere = try TestSupport.tempDirectory("kb-siteonly")
        defer { TestSupport.remove(elsewhere) }
        let site = try TestSupport.copy(kb + "/Site", into: elsewhere)
        TestSupport.remove(kb + "/Content")
        let before = try FileManager.default.subpathsOfDirectory(atPath: site).sorted()
        // A temp folder of this test's own: other tests unpack sites at the same time.
        let privateTemp = try TestSupport.tempDirectory("kb-siteonly-tmp")
        defer { TestSupport.remove(privateTemp) }
        let env = ["TMPDIR": privateTemp]
        let show = try TestSupport.kb(["show", "--site", site, "dns-fails", "--lang", "zh"], cwd: elsewhere, environment: env)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("域名解析失败"))
        let graph = try TestSupport.kb(["graph", "--site", site], cwd: elsewhere, environment: env)
        #expect(graph.stdout.contains("causedBy"))
        let doctor = try TestSupport.kb(["doctor", "--site", site, "--format", "json"], cwd: elsewhere, environment: env)
        #expect(doctor.stdout.contains("resolver-answers"))
        let runbook = try TestSupport.kb(["runbook", "--site", site, "NoSuchAlert"], cwd: elsewhere, environment: env)
        #expect(runbook.status == 1, "read the site, found no runbook: \(runbook.stderr)")
        // Reading a site writes nothing into it, and leaves no unpacked sources behind.
        #expect(try FileManager.default.subpathsOfDirectory(atPath: site).sorted() == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: privateTemp).filter { $0.hasPrefix("kb-site-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let notASite = try TestSupport.kb(["show", "--site", elsewhere, "x"], cwd: elsewhere)
        #expect(notASite.status == 2)
        #expect(notASite.stderr.contains("is not a site built by kb"))
    }

    /// Two runs of kb fingerprint one kb.yml alike (its `synonyms:` are dictionaries, whose order
    /// follows each process's hash seed): this repository's own KB is up to date on the next build,
    /// and the next run after a body edit models that article's page alone.
    @Test func theKBsOwnContentIsUpToDateAndAnEditPlansItsPageAlone() throws {
        let dir = try TestSupport.tempDirectory("kb-own-noop")
        defer { TestSupport.remove(dir) }
        for item in ["Content", "kb.yml", "Templates"] {
            try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/" + item, toPath: dir + "/" + item)
        }
        let first = try TestSupport.kb(["build"], cwd: dir)
        try #require(first.status == 0, "\(first.stderr.prefix(1000))")
        let again = try TestSupport.kb(["build"], cwd: dir)
        #expect(again.stdout.contains("Up to date"), "\(again.stdout.prefix(400))")

        let article = dir + "/Content/go-windows/goproxy-unreachable.md"
        try TestSupport.write(TestSupport.read(article) + "\nA sentence added between two runs.\n", to: article)
        let edit = try TestSupport.kb(["build", "--json"], cwd: dir)
        try #require(edit.status == 0, "\(edit.stderr.prefix(1000))")
        let json = try #require(edit.stdout.firstIndex(of: "{").map { String(edit.stdout[$0...]) })
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let stats = try #require(object?["stats"] as? [String: Any])
        let modelled = try #require(stats["modelled"] as? Int), pages = try #require(stats["pages"] as? Int)
        #expect(modelled < pages / 4, "\(modelled) of \(pages) pages modelled")
        #expect(TestSupport.read(dir + "/Site/go-windows/goproxy-unreachable.html").contains("added between two runs"))
    }
}
