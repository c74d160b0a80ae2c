import Foundation
import KBTesting
import Testing

/// `kb new`: a scaffold of each kind passes `kb check` (strict, like the repo's KB) with nothing but
/// its own "fill this in" warnings; `--from` writes a translation skeleton with the original's ids,
/// error texts and blocks; existing paths and ids are refused.
@Suite(.serialized) struct NewTests {
    /// The repo's KB (strict: true) in a temp folder.
    static func copyKB() throws -> String {
        let dir = try TestSupport.tempDirectory("kb-new")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Content", toPath: dir + "/Content")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/kb.yml", toPath: dir + "/kb.yml")
        return dir
    }

    struct CheckReport: Decodable {
        struct Result: Decodable {
            var id: String
            var file: String?
            var line: Int?
            var severity: String?
            var message: String
        }
        struct Summary: Decodable { var errors: Int }
        var results: [Result]
        var summary: Summary
    }

    func check(_ kb: String) throws -> CheckReport {
        let run = try TestSupport.kb(["check", "--json"], cwd: kb)
        return try JSONDecoder().decode(CheckReport.self, from: Data(run.stdout.utf8))
    }

    /// The warnings a scaffold may leave: its own placeholders, and the graph's "add …" advice for
    /// lists that only the author can fill (a symptom's causes, a runbook's alerts).
    static let scaffoldRules: Set<String> = ["fill-in", "symptom-without-cause", "runbook-without-alert"]

    static func today() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }

    @Test func everyKindPassesKbCheckWithOnlyItsOwnWarnings() throws {
        let kb = try Self.copyKB()
        defer { TestSupport.remove(kb) }
        let before = try check(kb)
        #expect(before.summary.errors == 0)
        let kinds = ["symptom", "cause", "fix", "concept", "runbook", "reference"]
        for kind in kinds {
            let run = try TestSupport.kb(["new", kind, "scratch/new-\(kind)", "--title", "A new \(kind): “quoted” \\ text"], cwd: kb)
            #expect(run.status == 0, "\(kind): \(run.stderr)")
            #expect(run.stdout == "Content/scratch/new-\(kind).md\n")
            let text = TestSupport.read(kb + "/Content/scratch/new-\(kind).md")
            #expect(text.contains("\nkind: \(kind)\n") && text.contains("\nupdated: \(Self.today())\n"), "\(text)")
        }
        let zh = try TestSupport.kb(["new", "concept", "scratch/only-zh", "--lang", "zh", "--json"], cwd: kb)
        #expect(zh.status == 0, "\(zh.stderr)")
        #expect(zh.stdout.contains("\"path\" : \"Content/scratch/only-zh.zh.md\""), "\(zh.stdout)")
        let after = try check(kb)
        #expect(after.summary.errors == 0, "\(after.results.filter { $0.severity == "error" }.map(\.message))")
        let added = after.results.filter { $0.file?.contains("/scratch/") == true }
        for r in added {
            #expect(r.severity == "warning" && Self.scaffoldRules.contains(r.id), "\(r.file ?? ""):\(r.line ?? 0): \(r.id): \(r.message)")
        }
        for kind in kinds + ["only-zh"] {
            let name = kind == "only-zh" ? "only-zh.zh.md" : "new-\(kind).md"
            let mine = added.filter { $0.file?.hasSuffix("/" + name) == true }
            #expect(mine.contains { $0.id == "fill-in" && $0.message.hasPrefix("fill this in: ") }, "\(name) says what to fill in")
        }
        // Nothing else changed: the rest of the KB reports what it reported before.
        #expect(after.results.count - added.count == before.results.count)
        // Filled in, the warnings go: a cause with its placeholders replaced checks clean.
        let cause = kb + "/Content/scratch/new-cause.md"
        var text = TestSupport.read(cause)
        text = text.replacingOccurrences(of: #""FILL IN: one sentence, shown in search results""#, with: "One sentence.")
        text = text.replacingOccurrences(of: #""FILL IN: a URL or citation for each non-obvious fact""#, with: "https://example.org/source")
        text = text.replacingOccurrences(of: "# FILL IN: a read-only probe", with: "# a read-only probe")
        text = text.replacingOccurrences(of: "# FILL IN: the repair", with: "# the repair")
        text = text.replacingOccurrences(of: "FILL IN: ", with: "Written: ")
        try TestSupport.write(text, to: cause)
        let filled = try check(kb)
        #expect(!filled.results.contains { $0.file?.hasSuffix("/new-cause.md") == true }, "\(filled.results.filter { $0.file?.hasSuffix("/new-cause.md") == true }.map(\.message))")
    }

    @Test func refusesExistingPathsAndIdsAndBadInput() throws {
        let kb = try Self.copyKB()
        defer { TestSupport.remove(kb) }
        let original = TestSupport.read(kb + "/Content/go-windows/go-command-not-found.md")
        let cases: [([String], String)] = [
            (["new", "symptom", "go-windows/go-command-not-found"], "Content/go-windows/go-command-not-found.md:1:1: error: the id 'go-command-not-found' is already used"),
            (["new", "symptom", "other/go-command-not-found"], "Content/go-windows/go-command-not-found.md:1:1: error: the id 'go-command-not-found' is already used"),
            (["new", "causes", "sec/x"], "error: unknown kind 'causes'; did you mean 'cause'?"),
            (["new", "cause", "Sec/X Y"], "is not SECTION/SLUG"),
            (["new", "cause", "x"], "is not SECTION/SLUG"),
            (["new", "cause", "../escape/x"], "is not SECTION/SLUG"),
            (["new", "cause", "sec/x", "--lang", "fr"], "unknown language 'fr'"),
            (["new", "cause"], "give a kind and SECTION/SLUG"),
            (["new", "--from", "go-command-not-found", "--lang", "zh"], "Content/go-windows/go-command-not-found.zh.md:1:1: error: go-windows/go-command-not-found already exists in 'zh'"),
            (["new", "--from", "go-comand-not-found", "--lang", "zh"], "did you mean 'go-command-not-found'?"),
            (["new", "--from", "go-command-not-found"], "give its language with --lang"),
        ]
        for (args, message) in cases {
            let run = try TestSupport.kb(args, cwd: kb)
            #expect(run.status == 2, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(args): \(run.stderr)")
        }
        #expect(TestSupport.read(kb + "/Content/go-windows/go-command-not-found.md") == original, "nothing overwritten")
        #expect(!FileManager.default.fileExists(atPath: kb + "/Content/sec"), "nothing written on refusal")
        let outside = try TestSupport.tempDirectory("kb-new-none")
        defer { TestSupport.remove(outside) }
        #expect(try TestSupport.kb(["new", "cause", "sec/x"], cwd: outside).status == 2)
    }

    /// The front matter lines of these keys, and every fence line (language, role, ids).
    static func facts(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var inList = false
        for line in lines {
            if line.hasPrefix("```") { out.append(line); continue }
            if let m = line.firstMatch(of: /^([a-z_]+):/) {
                inList = ["errors", "causes", "fixes", "alerts", "kind", "platforms"].contains(String(m.1))
                if inList { out.append(line) }
            } else if inList, line.hasPrefix("  ") {
                out.append(line)
            }
        }
        return out
    }

    @Test func fromWritesATranslationSkeletonThatKeepsTheFacts() throws {
        let kb = try Self.copyKB()
        defer { TestSupport.remove(kb) }
        for id in ["go-command-not-found", "go111module-off", "kb-check-failing"] {
            let path = try #require(FileManager.default.subpathsOfDirectory(atPath: kb + "/Content").first { $0.hasSuffix("/\(id).zh.md") })
            try FileManager.default.removeItem(atPath: kb + "/Content/" + path)
            let run = try TestSupport.kb(["new", "--from", id, "--lang", "zh"], cwd: kb)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == "Content/\(path)\n")
            let original = TestSupport.read(kb + "/Content/" + path.replacingOccurrences(of: ".zh.md", with: ".md"))
            let skeleton = TestSupport.read(kb + "/Content/" + path)
            #expect(Self.facts(skeleton) == Self.facts(original), "\(id): front-matter facts and blocks kept")
            #expect(skeleton.contains("title: \"FILL IN: translate: "), "\(id)")
            #expect(skeleton.contains("\nupdated: \(Self.today())\n"))
        }
        let report = try check(kb)
        #expect(report.summary.errors == 0, "\(report.results.filter { $0.severity == "error" }.map(\.message))")
        let translated = report.results.filter { r in ["go-command-not-found", "go111module-off", "kb-check-failing"].contains { r.file?.hasSuffix("/\($0).zh.md") == true } }
        #expect(!translated.isEmpty)
        for r in translated {
            #expect(r.id == "fill-in", "\(r.file ?? ""):\(r.line ?? 0): \(r.id): \(r.message)")
        }
    }
}
