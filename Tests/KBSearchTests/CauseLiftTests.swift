import Foundation
import KBTesting
import Testing
import KBContent
import KBCore
@testable import KBSearch

/// A pasted error with the user's own words about its cause (docs/search.md §Ranking, step 5):
/// the cause those words point at joins the symptom's tier ahead of it; the pasted error alone,
/// with a truncated copy of another of its error texts, with one neutral word or behind a prompt
/// still finds the symptom. In memory, in the SQLite store, through the site's files and in
/// search.js alike.
@Suite struct CauseLiftTests {
    static let cmdError = "'go' is not recognized as an internal or external command, operable program or batch file."
    static let psError = "The term 'go' is not recognized as the name of a cmdlet, function, script file, or operable program."
    static let zshError = "zsh: command not found: go"
    static let zhError = "无法将“go”项识别为 cmdlet、函数、脚本文件或可运行程序的名称"

    static func symptom(_ id: String, title: String, errors: [String], body: String, causes: [String], lang: String = "en") -> SearchDocument {
        var d = doc(id, title: title, kind: "symptom", errors: errors, body: body, lang: lang)
        d.causes = causes
        d.errorWords = SearchDocument.errorWords(errors)
        return d
    }

    static let docs: [SearchDocument] = [
        doc("stale-env", title: "The terminal still has the old environment: a new cmd window works", kind: "cause",
            summary: "A cmd window opened before the install keeps the old PATH; a new window works. The term is not recognized as the name of a cmdlet there.",
            body: """
            PowerShell says the term 'go' is not recognized as the name of a cmdlet. \
            A cmd window or PowerShell opened before the installer ran keeps the old PATH: a new window works, the old one \
            does not. PowerShell then says the term is not recognized as the name of a cmdlet. Open a new terminal.
            """),
        doc("bin-not-on-path", title: "Go's bin folder is not on PATH (see go env GOPATH)", kind: "cause",
            summary: "Check with go version and go env GOPATH: the bin folder is missing from PATH.",
            body: "The installer did not add the bin folder to PATH. Check with go version after adding it; go version prints the version."),
        doc("truncated", title: "setx truncated PATH: git and the api tools of the main branch are lost", kind: "cause",
            body: "setx cuts PATH at 1024 characters, so the folders added last (git, the api tools of the main branch) are lost."),
        symptom("go-not-found", title: "go is not recognized as a command", errors: [cmdError, psError, zshError],
                body: "The shell cannot find go.exe on PATH.", causes: ["stale-env", "bin-not-on-path", "kb:s/truncated", "missing"]),
        doc("git-basics", title: "Git basics", body: "git commit, git push, the main branch; please ask for help in the forum."),
        doc("modules", title: "Go modules", body: "go run needs a go.mod; go build and go test too."),
        doc("stale-env-zh", title: "新开的窗口可以用，旧窗口不行：终端仍在使用旧的环境变量", kind: "cause", body: "新开的窗口可以用，旧窗口不行：安装之前打开的窗口保留旧的环境变量，重新打开终端。", lang: "zh"),
        doc("bin-zh", title: "Go 的 bin 目录不在 PATH 中", kind: "cause", body: "安装程序没有把 bin 目录加入 PATH。", lang: "zh"),
        symptom("go-not-found-zh", title: "无法识别 go 命令", errors: [zhError], body: "终端找不到 go.exe。", causes: ["stale-env-zh", "bin-zh"],
                lang: "zh"),
    ]

    static let en = docs.filter { $0.lang == "en" }
    static let zh = docs.filter { $0.lang == "zh" }

    /// Query → the page that must come first.
    static let cases: [(query: String, lang: String, top: String)] = [
        // The user's words name the cause.
        (#"C:\Users\mo>go version "# + cmdError + " (but in a new cmd window it works)", "en", "stale-env"),
        (#"PS C:\Users\xu> go version go : "# + zhError + "。 新开的窗口可以用，这个旧窗口不行", "zh", "stale-env-zh"),
        // The pasted error alone.
        (cmdError, "en", "go-not-found"),
        (zhError, "zh", "go-not-found-zh"),
        // The command before the error is no word of the user's, though a cause page says it often.
        ("go version " + cmdError, "en", "go-not-found"),
        ("go env GOPATH " + cmdError, "en", "go-not-found"),
        // Nor is one word after it (`version`): one word says nothing about a cause.
        (cmdError + " go version", "en", "go-not-found"),
        // Nor the words of a path, module path or address after it.
        (cmdError + #" C:\new\cmd\window works.exe"#, "en", "go-not-found"),
        // A truncated copy of the symptom's other error text is no word of the user's.
        (cmdError + " The term 'go' is not recognized as the name of a cmdlet", "en", "go-not-found"),
        // Nor an oh-my-zsh prompt, here of a second attempt after the first error.
        (zshError + " ➜  api git:(main) go version " + zshError, "en", "go-not-found"),
        (zshError + " ➜  api git:(main) ✗ go version " + zshError, "en", "go-not-found"),
    ]

    /// The index of `docs` three ways: in memory, saved in a SQLite store and written as a site.
    static func readers(_ docs: [SearchDocument], lang: String, _ dir: String) throws -> [(String, IndexReader)] {
        let idx = index(docs)
        let store = try SearchStore(path: dir + "/search.sqlite")
        try store.save([idx], terms: [docs.map(DocumentTerms.init)],
                       digests: [idx.documents.map { StableHash.of(bytes: StoreCodec.encode($0)) }], files: [["f"]], fingerprint: "fp")
        for (path, data) in try SiteIndex.files(for: idx) { try AtomicWrite.write(data, to: dir + "/site/" + path) }
        return [("memory", idx), ("store", try store.reader(lang: lang)), ("site", try ShardReader(site: dir + "/site", lang: lang))]
    }

    @Test func causesResolveToDocumentNumbersOfTheirLanguage() throws {
        let idx = index(Self.en)
        let n = try #require(idx.documents.firstIndex { $0.id == "go-not-found" })
        // Short id, canonical id with `kb:`; an unknown id is left out.
        #expect(idx.documents[n].causeDocs == [0, 1, 2])
        #expect(idx.documents[n].errorWords.contains("cmdlet") && idx.documents[n].errorWords.contains("zsh"))
        let dir = try TestSupport.tempDirectory("kb-lift-files")
        defer { TestSupport.remove(dir) }
        let site = try ShardReader(site: try Self.site(Self.en, dir), lang: "en")
        #expect(try site.document(n).causeDocs == [0, 1, 2])
        #expect(try site.document(n).errorWords == idx.documents[n].errorWords)
        #expect(try site.document(0).causeDocs.isEmpty && site.document(0).errorWords.isEmpty)
    }

    static func site(_ docs: [SearchDocument], _ dir: String) throws -> String {
        for (path, data) in try SiteIndex.files(for: index(docs)) { try AtomicWrite.write(data, to: dir + "/site/" + path) }
        return dir + "/site"
    }

    @Test func theUsersOwnWordsLiftTheCauseTheyName() throws {
        let dir = try TestSupport.tempDirectory("kb-lift")
        defer { TestSupport.remove(dir) }
        let readers = ["en": try Self.readers(Self.en, lang: "en", dir + "/en"), "zh": try Self.readers(Self.zh, lang: "zh", dir + "/zh")]
        for c in Self.cases {
            let all = try #require(readers[c.lang])
            let memory = all[0].1
            let hits = try Ranker.rank(SearchQuery(text: c.query), in: memory)
            let first = try hits.first.map { try memory.document($0.doc).id }
            #expect(first == c.top, "\(c.query): \(hits.prefix(3).map { (try? memory.document($0.doc).id) ?? "?" })")
            if let h = hits.first { #expect(h.lifted == (c.top.hasPrefix("stale")) && h.tier > 0, "\(c.query): \(h.level)") }
            for (name, reader) in all.dropFirst() {
                let other = try Ranker.rank(SearchQuery(text: c.query), in: reader)
                #expect(other == hits, "\(c.query) \(name)")
            }
        }
    }

    /// A long paste with a symptom's error text in it: finding the pasted runs stays linear.
    @Test func aLongPasteAfterTheErrorIsReadOnce() throws {
        let idx = index(Self.en)
        let paste = Self.cmdError + " " + String(repeating: "a/", count: 50_000)
        let clock = ContinuousClock()
        let took = try clock.measure { _ = try Ranker.rank(SearchQuery(text: paste, prefix: false), in: idx) }
        #expect(Ranker.pastedRuns(ParsedQuery(paste, prefix: false)).dropFirst(15).allSatisfy { $0 })
        #expect(took < .seconds(10), "\(took)")
    }

    @Test(.enabled(if: SiteIndexLayoutTests.chromium != nil, "Chromium is not installed (scripts/setup.sh installs it)"))
    func searchJSLiftsTheSameCauses() throws {
        let dir = try TestSupport.tempDirectory("kb-lift-js")
        defer { TestSupport.remove(dir) }
        for lang in ["en", "zh"] {
            let docs = lang == "en" ? Self.en : Self.zh
            let site = try Self.site(docs, dir + "/" + lang)
            let idx = index(docs)
            let queries = Self.cases.filter { $0.lang == lang }.map(\.query)
            let out = try SiteIndexLayoutTests.searchInChromium(site: site, lang: lang, queries: queries)
            let browser = try #require(out["hits"] as? [Any])
            for (q, got) in zip(queries, browser) {
                let expected = try Ranker.rank(SearchQuery(text: q), in: idx).map { [$0.doc, $0.tier] }
                #expect((got as? [[Int]]) ?? [] == expected, "\(q)")
            }
        }
    }
}


/// The numbers a symptom's causes resolve to are part of its store row and of its document file:
/// when a cause moves to another number and the symptom does not, an incremental build rewrites
/// them (the file is not taken by its stored hash), equal to a forced build's.
@Suite struct CauseNumbersTests {
    static func page(_ title: String, kind: String, extra: String = "") -> String {
        "---\ntitle: \(title)\nkind: \(kind)\nsummary: \(title).\n\(extra)---\n\nBody of \(title.lowercased()).\n"
    }

    @Test func aCauseThatMovesIsRewrittenInItsSymptomsFiles() throws {
        let dir = try TestSupport.tempDirectory("kb-lift-moves")
        defer { TestSupport.remove(dir) }
        let kb = dir + "/kb"
        try TestSupport.write("title: Lift\n", to: kb + "/kb.yml")
        // Documents 0–7: seven fillers and the symptom (in the file of document 7); the cause is document 8.
        for i in 1...7 { try TestSupport.write(Self.page("Filler \(i)", kind: "concept"), to: kb + "/Content/a/f\(i).md") }
        try TestSupport.write(Self.page("Go is not recognized", kind: "symptom",
                                        extra: "errors:\n  - \"'go' is not recognized as an internal or external command\"\ncauses: [z-cause]\n"),
                              to: kb + "/Content/a/s.md")
        try TestSupport.write(Self.page("The terminal has the old environment", kind: "cause"), to: kb + "/Content/b/z-cause.md")
        func build(_ output: String, _ extra: [String] = []) throws {
            let r = try TestSupport.kb(["build", "--content", kb + "/Content", "--output", output] + extra, cwd: kb)
            try #require(r.status == 0, "\(r.stderr.prefix(2000))")
        }
        func causes(_ site: String) throws -> String? {
            let text = TestSupport.read(site + "/search/en/d/\(7 / SiteIndex.documentsPerFile).js")
            return text.firstMatch(of: /"c":\[([0-9,]*)\]/).map { String($0.1) }
        }
        try build(dir + "/site")
        #expect(try causes(dir + "/site") == "8")
        // A page between the symptom and its cause: the cause becomes document 9, the symptom stays 7.
        try TestSupport.write(Self.page("Middle", kind: "concept"), to: kb + "/Content/b/m.md")
        try build(dir + "/site")
        try build(dir + "/forced", ["--force"])
        #expect(try causes(dir + "/site") == "9")
        let a = TestSupport.snapshot(dir + "/site").filter { $0.key.hasPrefix("search/") }
        let b = TestSupport.snapshot(dir + "/forced").filter { $0.key.hasPrefix("search/") }
        let differing = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
        #expect(differing.isEmpty, "\(differing)")
    }
}
