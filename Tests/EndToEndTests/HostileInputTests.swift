import Foundation
import KBTesting
import Testing

/// Hostile and careless input, run through the real binary: every case ends with exit 1 or 2 and a
/// positioned `path:line:col: error: … [rule]`, never a crash or a hang, and no user file is lost.
/// Fixtures are generated here: some (a newline in a file name) cannot be committed.
@Suite struct HostileInputTests {
    /// A case: the article's text (front matter included), the rule its error must carry.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var rule: String
        var templates: [String: String] = [:]
        var description: String { name }
    }

    static let cases: [Case] = {
        var alias = "title: bomb\na: &a [x,x,x,x,x,x,x,x,x]\n"
        var previous = "a"
        for i in 1...9 {
            alias += "b\(i): &b\(i) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = "b\(i)"
        }
        alias += "? *\(previous)\n: 1\n"
        var dot = "digraph g {\n"
        for i in 0..<3_000 { dot += "n\(i) -> n\(i + 1);\n" }
        dot += "}\n"
        return [
            Case(name: "nested lists", text: "# A\n\n" + String(repeating: "- ", count: 6_000) + "x\n", rule: "nesting-too-deep"),
            Case(name: "nested quotes", text: "# A\n\n" + String(repeating: "> ", count: 12_000) + "x\n", rule: "nesting-too-deep"),
            Case(name: "nested emphasis", text: "# A\n\n" + String(repeating: "*a ", count: 5_000) + "x" + String(repeating: " a*", count: 5_000) + "\n", rule: "nesting-too-deep"),
            Case(name: "nested images", text: "# A\n\n" + String(repeating: "![", count: 5_000) + "x" + String(repeating: "](y)", count: 5_000) + "\n", rule: "nesting-too-deep"),
            // One line opening 80,000 lists, then a long lazy line: quadratic inside cmark itself.
            Case(name: "deep list with a long continuation", text: "# A\n\n" + String(repeating: "- ", count: 80_000) + "x\n" + String(repeating: "`a` ", count: 3_000) + "\n", rule: "nesting-too-deep"),
            Case(name: "deep quotes with a long continuation", text: "# A\n\n" + String(repeating: "> ", count: 80_000) + "x\n" + String(repeating: "*a* ", count: 3_000) + "\n", rule: "nesting-too-deep"),
            Case(name: "huge timeout", text: "# A\n\n```sh example id=x timeout=1e308s\necho hi\n```\n", rule: "block-attribute"),
            Case(name: "nan timeout", text: "# A\n\n```sh example id=x timeout=nans\necho hi\n```\n", rule: "block-attribute"),
            Case(name: "alias bomb as a key", text: "---\n" + alias + "---\nbody\n", rule: "yaml-limit"),
            Case(name: "deep YAML", text: "---\ntitle: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n---\n", rule: "yaml-limit"),
            Case(name: "wide table", text: "# A\n\n|" + String(repeating: "a|", count: 2_000) + "\n|" + String(repeating: "-|", count: 2_000) + "\n", rule: "table-too-wide"),
            Case(name: "huge diagram", text: "# A\n\n```dot\n" + dot + "```\n", rule: "diagram-too-large"),
            Case(name: "script link in a diagram", text: "# A\n\n```dot\ndigraph { a [URL=\"javascript:alert(1)\"] }\n```\n", rule: "unsafe-url"),
            Case(name: "script link", text: "# A\n\n[click](javascript:alert(1))\n", rule: "unsafe-url"),
            Case(name: "partial including itself", text: "# A\n", rule: "template",
                 templates: ["footer.mustache": "<footer>{{> footer}}</footer>\n"]),
            Case(name: "partials including each other", text: "# A\n", rule: "template",
                 templates: ["one.mustache": "{{> two}}\n", "two.mustache": "{{> one}}\n"]),
        ]
    }()

    @Test(arguments: cases)
    func checkAndBuildFailWithAPositionedError(_ c: Case) throws {
        let dir = try TestSupport.tempDirectory("kb-hostile")
        defer { TestSupport.remove(dir) }
        try TestSupport.write(c.text, to: dir + "/Content/a.md")
        for (name, text) in c.templates { try TestSupport.write(text, to: dir + "/Templates/" + name) }
        for command in ["check", "build"] {
            let r = try TestSupport.kb([command], cwd: dir, timeout: 60)
            #expect(!r.timedOut, "kb \(command) hung on \(c.name)")
            #expect(r.status == 1 || r.status == 2, "kb \(command) on \(c.name): exit \(r.status)\n\(r.stderr.suffix(500))")
            let positioned = r.stderr.split(separator: "\n").contains {
                $0.contains(": error: ") && $0.hasSuffix("[\(c.rule)]") && $0.firstMatch(of: #/^[^:]+:\d+:\d+: error: /#) != nil
            }
            #expect(positioned, "kb \(command) on \(c.name): no positioned [\(c.rule)] error in\n\(r.stderr.suffix(800))")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/Site/index.html"))
    }

    /// 100,000 code spans on one line: columns are computed in linear time (the build finishes).
    @Test func manyCodeSpansOnOneLineBuild() throws {
        let dir = try TestSupport.tempDirectory("kb-hostile")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n\n" + String(repeating: "`a` ", count: 100_000) + "\n", to: dir + "/Content/a.md")
        let r = try TestSupport.kb(["build"], cwd: dir, timeout: 120)
        #expect(!r.timedOut)
        #expect(r.status == 0, "\(r.stderr.suffix(500))")
    }

    /// Pastes of 100 KB built to make a backtracking pattern rescan the rest of the text from
    /// every position (a path of 50,000 segments, a dotted word of 50,000 parts, 11,000
    /// PowerShell prompts): the paste-noise patterns start only where a token starts or are
    /// bounded, so `kb search` answers (before, the dotted word alone took 26 s at 40 KB).
    @Test func longPastesDoNotStallTheQueryParser() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let pastes = [String(repeating: "/a", count: 50_000), String(repeating: "a.", count: 50_000),
                      String(repeating: "PS C:\\x ", count: 11_000)]
        for paste in pastes {
            let r = try TestSupport.kb(["search", "--limit", "1", paste], cwd: kb, timeout: 60)
            #expect(!r.timedOut, "kb search stalled on \(paste.prefix(12))…")
            #expect(r.status == 0 || r.status == 1, "\(r.stderr.suffix(300))")
        }
    }

    /// A file name with a newline would inject a command into doctor.sh: refused at its path.
    @Test func controlCharactersInFileNamesAreRefused() throws {
        let dir = try TestSupport.tempDirectory("kb-hostile")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# X\n\n```sh check id=c\ntrue\n```\n", to: dir + "/Content/x\ntouch INJECTED\n.md")
        for command in ["check", "build"] {
            let r = try TestSupport.kb([command], cwd: dir, timeout: 60)
            #expect(r.status == 1)
            #expect(r.stderr.contains("Content/x\\u{a}touch INJECTED\\u{a}.md:1:1: error: file name has a control"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/INJECTED"))
    }

    /// A file kb cannot read fails `kb check` at its path, with the reason, not the build with a
    /// Foundation dump: an asset (opened when the folder is walked) and a Markdown page (reported
    /// by the parse that reads it; pages are not opened beforehand). Root reads any file, so kb
    /// runs as `nobody` here (util-linux setpriv).
    @Test(.enabled(if: getuid() == 0, "switching to nobody needs root"),
          arguments: [("diagram.png", "not really a png"), ("b.md", "# B\n\nNot for nobody.\n")])
    func anUnreadableFileIsAPositionedErrorAtCheck(name: String, text: String) throws {
        let setpriv = try #require(TestSupport.which("setpriv"), "setpriv (util-linux) is not installed")
        let dir = try TestSupport.tempDirectory("kb-unreadable")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n\n![diagram](diagram.png)\n", to: dir + "/Content/a.md")
        try TestSupport.write(text, to: dir + "/Content/" + name)
        chmod(dir + "/Content/" + name, 0o000)
        for d in [dir, dir + "/Content"] { chmod(d, 0o777) }
        let r = try TestSupport.run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", TestSupport.kbBinary, "check"],
                                    cwd: dir, environment: ["HOME": dir], timeout: 60)
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("Content/\(name):1:1: error: cannot read this file: Permission denied [io]"), "\(r.stderr)")
    }

    @Test func overLongNamesAreRefusedAtCheck() throws {
        let dir = try TestSupport.tempDirectory("kb-hostile")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n", to: dir + "/Content/" + String(repeating: "a", count: 240) + ".md")
        let r = try TestSupport.kb(["check"], cwd: dir, timeout: 60)
        #expect(r.status == 1)
        #expect(r.stderr.contains(":1:1: error: name 'aaaa") && r.stderr.contains("[bad-file-name]"), "\(r.stderr)")
    }

    /// `--output` never destroys sources or a folder kb did not build.
    @Test func outputThatWouldDestroyFilesIsRefused() throws {
        let dir = try TestSupport.tempDirectory("kb-output")
        defer { TestSupport.remove(dir) }
        let kb = dir + "/kb"
        try TestSupport.write("# A\n", to: kb + "/Content/a.md")
        try TestSupport.write("title: t\n", to: kb + "/kb.yml")
        try TestSupport.write("mine\n", to: dir + "/sibling/notes.txt")
        for output in ["..", ".", "Content", dir + "/sibling"] {
            let r = try TestSupport.kb(["build", "--output", output], cwd: kb, timeout: 60)
            #expect(r.status == 2, "--output \(output): \(r.stderr)")
            #expect(r.stderr.contains("error: refusing to"), "\(r.stderr)")
        }
        #expect(TestSupport.read(kb + "/Content/a.md") == "# A\n")
        #expect(TestSupport.read(kb + "/kb.yml") == "title: t\n")
        #expect(TestSupport.read(dir + "/sibling/notes.txt") == "mine\n")
        // Forced, the foreign folder is replaced: the user asked for it by name.
        let forced = try TestSupport.kb(["build", "--output", dir + "/sibling", "--force-output"], cwd: kb, timeout: 60)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/sibling/.kb-site"))
    }

    /// A mount point cannot be renamed: kb fills it in place, twice (the second build swaps its
    /// contents), and never fails with EBUSY.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aMountPointOutputIsFilledInPlace() throws {
        let dir = try TestSupport.tempDirectory("kb-mount")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n", to: dir + "/Content/a.md")
        try FileManager.default.createDirectory(atPath: dir + "/mnt", withIntermediateDirectories: true)
        let mount = try TestSupport.run("/bin/mount", ["-t", "tmpfs", "tmpfs", dir + "/mnt"])
        try #require(mount.status == 0, "cannot mount a tmpfs here: \(mount.stderr)")
        defer { _ = try? TestSupport.run("/bin/umount", [dir + "/mnt"]) }
        for round in 0..<2 {
            let r = try TestSupport.kb(["build", "--force", "--output", "mnt"], cwd: dir, timeout: 60)
            #expect(r.status == 0, "round \(round): \(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/mnt/index.html"))
            #expect(FileManager.default.fileExists(atPath: dir + "/mnt/.kb-site"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/mnt").filter { $0.hasPrefix(".kb-staging") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    /// A file named like a URL scheme still gets a relative link, never `href="javascript:…"`.
    @Test func fileNamesThatLookLikeSchemesStayRelative() throws {
        let dir = try TestSupport.tempDirectory("kb-scheme")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# JS\n", to: dir + "/Content/javascript:alert(1).md")
        try TestSupport.write("# Colon\n", to: dir + "/Content/http:colon.md")
        try TestSupport.write("# Home\n\n[one](javascript:alert(1).md)\n", to: dir + "/Content/home.md")
        let r = try TestSupport.kb(["build"], cwd: dir, timeout: 60)
        // A link written as `javascript:…` is refused at its position, even to an existing file.
        #expect(r.status == 1)
        #expect(r.stderr.contains("Content/home.md:3:7: error: link 'javascript:alert(1).md' uses a scheme kb does not allow"), "\(r.stderr)")
        try TestSupport.write("# Home\n\nNo links.\n", to: dir + "/Content/home.md")
        let ok = try TestSupport.kb(["build"], cwd: dir, timeout: 60)
        #expect(ok.status == 0, "\(ok.stderr)")
        var hrefs: [String] = []
        for page in SiteLinkChecker.pages(in: dir + "/Site") {
            let html = TestSupport.read(dir + "/Site/" + page)
            hrefs += html.matches(of: /href="([^"]*)"/).map { String($0.1) }
        }
        #expect(!hrefs.contains { $0.lowercased().hasPrefix("javascript:") || $0.lowercased().hasPrefix("http:colon") }, "\(hrefs.filter { $0.contains(":") })")
        #expect(hrefs.contains { $0.contains("javascript%3Aalert(1).html") }, "the page is still linked, percent-encoded")
    }

    /// An output folder inside the content folder is output, never input: no nesting, no growth.
    @Test func outputInsideContentIsNotReadBack() throws {
        let dir = try TestSupport.tempDirectory("kb-output")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n", to: dir + "/Content/a.md")
        var sizes: [Int] = []
        for _ in 0..<3 {
            let r = try TestSupport.kb(["build", "--force", "--output", "Content/site"], cwd: dir, timeout: 60)
            #expect(r.status == 0, "\(r.stderr)")
            sizes.append(SiteLinkChecker.pages(in: dir + "/Content/site").count)
        }
        #expect(sizes[0] == sizes[1] && sizes[1] == sizes[2], "\(sizes)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/Content/site/site"))
        let check = try TestSupport.kb(["check"], cwd: dir, timeout: 60)
        #expect(check.stdout.contains("1 articles checked"), "\(check.stdout)")
    }

    /// `kb search` refreshes its store; the next build must still write the site's search files anew.
    @Test func aSearchBetweenBuildsDoesNotLeaveTheSiteIndexStale() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(try TestSupport.kb(["build"], cwd: kb).status == 0)
        _ = try TestSupport.kb(["search", "lookup"], cwd: kb)
        let page = try #require(FileManager.default.enumerator(atPath: kb + "/Content")?.allObjects
            .compactMap { $0 as? String }.sorted().first { $0.hasSuffix(".md") && !$0.contains("_index") && !$0.contains(".zh.") })
        let text = TestSupport.read(kb + "/Content/" + page)
        try TestSupport.write(text + "\nzorblaxian\n", to: kb + "/Content/" + page)
        let found = try TestSupport.kb(["search", "zorblaxian", "--json"], cwd: kb)
        let doc = try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any]
        #expect((doc?["results"] as? [Any])?.isEmpty == false, "kb search does not find the new word: \(found.stdout)")
        #expect(try TestSupport.kb(["build"], cwd: kb).status == 0)
        let shards = (FileManager.default.enumerator(atPath: kb + "/Site/search")?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".js") }
            .filter { TestSupport.read(kb + "/Site/search/" + $0).contains("zorblaxian") }
        #expect(!shards.isEmpty, "the new word is in no search file of the site")
    }

    /// `kb search --lang` queries the existing store while its freshness is checked, like a search
    /// without it: a stale store's answer is still replaced, and a language the stale store lacks
    /// is looked for in the refreshed one before it is refused.
    @Test func aSearchInOneLanguageAnswersFromAFreshIndex() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let files = (FileManager.default.enumerator(atPath: kb + "/Content")?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".md") }.sorted()
        let pages = files.filter { !$0.contains("_index") }
        let zh = try #require(pages.first { $0.contains(".zh.") })
        let en = try #require(pages.first { !$0.contains(".zh.") })
        // Chinese only after the first search: the store holds English alone.
        let held = NSTemporaryDirectory() + "kb-held-\(UUID().uuidString).md"
        defer { try? FileManager.default.removeItem(atPath: held) }
        for page in files where page.contains(".zh.") && page != zh { try FileManager.default.removeItem(atPath: kb + "/Content/" + page) }
        try FileManager.default.moveItem(atPath: kb + "/Content/" + zh, toPath: held)
        #expect(try TestSupport.kb(["search", "--lang", "en", "lookup"], cwd: kb).status == 0)
        #expect(try TestSupport.kb(["search", "--lang", "zh", "lookup"], cwd: kb).stderr.contains("no 'zh' index"))

        try TestSupport.write(TestSupport.read(kb + "/Content/" + en) + "\nzorblaxian\n", to: kb + "/Content/" + en)
        try TestSupport.write(TestSupport.read(held) + "\n夸克斯巴\n", to: kb + "/Content/" + zh)
        // Chinese first: the store is stale and lacks it; the English query then finds the store
        // refreshed but must still see the new English word.
        for (lang, word) in [("zh", "夸克斯巴"), ("en", "zorblaxian")] {
            let r = try TestSupport.kb(["search", "--lang", lang, "--json", word], cwd: kb)
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            let ids = (doc?["results"] as? [[String: Any]] ?? []).compactMap { $0["lang"] as? String }
            #expect(ids.first == lang, "--lang \(lang) \(word): \(r.stdout.prefix(300)) \(r.stderr)")
        }
    }

    /// Two builds of one KB at once take turns on the build lock: both succeed, neither dies on a
    /// locked database.
    @Test func concurrentBuildsSerialise() async throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        async let a = Task.detached { try TestSupport.kb(["build", "--force", "--output", "one"], cwd: kb, timeout: 120) }.value
        async let b = Task.detached { try TestSupport.kb(["build", "--force", "--output", "two"], cwd: kb, timeout: 120) }.value
        let (ra, rb) = try await (a, b)
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stderr)")
        #expect(!(ra.stderr + rb.stderr).contains("database is locked"))
        #expect(FileManager.default.fileExists(atPath: kb + "/one/index.html") && FileManager.default.fileExists(atPath: kb + "/two/index.html"))
    }

    @Test func twoIdenticalBuildsAreByteIdentical() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(try TestSupport.kb(["build", "--force", "--output", "one"], cwd: kb).status == 0)
        #expect(try TestSupport.kb(["build", "--force", "--output", "two"], cwd: kb).status == 0)
        let files = (FileManager.default.enumerator(atPath: kb + "/one")?.allObjects as? [String] ?? []).sorted()
        #expect(files.count > 10)
        for f in files {
            let a = FileManager.default.contents(atPath: kb + "/one/" + f), b = FileManager.default.contents(atPath: kb + "/two/" + f)
            #expect(a == b, "\(f) differs")
        }
        let ps1 = try #require(FileManager.default.contents(atPath: kb + "/one/doctor.ps1"))
        #expect(Array(ps1.prefix(3)) == [0xEF, 0xBB, 0xBF], "doctor.ps1 starts with a UTF-8 BOM")
    }
}
