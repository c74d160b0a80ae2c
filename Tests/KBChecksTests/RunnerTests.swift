import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KBContent
import KBCore
import KBTesting
import Testing
@testable import KBChecks

func processAlive(_ pid: Int32) -> Bool {
    // kill(pid, 0) succeeds for zombies too: look at the state in /proc.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    return state != "Z" && state != "X"
}

@Suite struct SpawnTests {
    @Test func keepsTheExitStatusAndBothStreams() throws {
        let r = try Spawn.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 7"], environment: ["PATH": "/usr/bin:/bin"], timeout: 10)
        #expect(r.status == 7)
        #expect(r.stdout == "out\n")
        #expect(r.stderr == "err\n")
        #expect(!r.timedOut)
    }

    @Test func timeoutKillsTheWholeProcessGroup() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        let script = "sleep 60 & echo $! > \(dir)/child.pid; sleep 60"
        let start = Date()
        let r = try Spawn.run("/bin/sh", ["-c", script], environment: ["PATH": "/usr/bin:/bin"], timeout: 1)
        #expect(r.timedOut)
        #expect(r.status == nil)
        #expect(Date().timeIntervalSince(start) < 5)
        let child = Int32(TestSupport.read(dir + "/child.pid").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(child > 0)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!processAlive(child), "the background child survived the timeout")
    }

    @Test func capsOutput() throws {
        let r = try Spawn.run("/bin/sh", ["-c", "head -c 100000 /dev/zero | tr '\\0' x"], environment: ["PATH": "/usr/bin:/bin"], timeout: 10, cap: 1000)
        #expect(r.stdout.count == 1000)
        #expect(r.truncated == 99000)
        #expect(r.status == 0)
    }

    @Test func runsInTheGivenFolder() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        let r = try Spawn.run("/bin/pwd", [], environment: [:], directory: dir, timeout: 5)
        #expect(r.stdout.trimmingCharacters(in: .newlines) == dir)
    }
}

@Suite struct ExpectationTests {
    @Test func modes() {
        #expect(Expectation.matches("hello  \n", expected: "hello", mode: .exact))
        #expect(!Expectation.matches("hello", expected: "hellO", mode: .exact))
        #expect(Expectation.matches("https://proxy.golang.org,direct\n", expected: "https://proxy.golang.org*", mode: .glob))
        #expect(Expectation.matches("go version go1.19.8 linux/amd64", expected: "go version go1.?*", mode: .glob))
        #expect(!Expectation.matches("direct", expected: "https://*", mode: .glob))
        #expect(Expectation.matches("line1\nline2", expected: "line1*", mode: .glob))
        #expect(Expectation.matches("go1.22.1", expected: #"go1\.\d+(\.\d+)?"#, mode: .regex))
        #expect(!Expectation.matches("go1.22.1 extra", expected: #"go1\.\d+(\.\d+)?"#, mode: .regex))
        #expect(!Expectation.matches("x", expected: "([", mode: .regex))
    }
}

@Suite struct BlockRunnerTests {
    func block(_ code: String, language: String = "sh", role: BlockRole = .example, timeout: Double = 10) -> Block {
        var d: [Diagnostic] = []
        return InfoString.parse("\(language) \(role.rawValue) id=b timeout=\(Int(timeout))s", code: code, fenceLine: "",
                                location: SourceLocation(path: "a.md", line: 1, column: 1), diagnostics: &d)
    }

    @Test func sandboxScrubsTheEnvironmentAndUsesTempHome() throws {
        setenv("KB_SECRET_TOKEN", "leak", 1)
        defer { unsetenv("KB_SECRET_TOKEN") }
        let realHome = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let marker = "kb-test-\(UUID().uuidString)"
        let code = "echo \"token=${KB_SECRET_TOKEN:-none} lc=$LC_ALL tz=$TZ\"; echo x > \"$HOME/\(marker)\"; pwd; echo \"$HOME\""
        guard case .ran(let out) = BlockRunner(mode: .sandboxed).run(block(code)) else {
            Issue.record("did not run")
            return
        }
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "token=none lc=C tz=UTC")
        #expect(lines[1] != FileManager.default.currentDirectoryPath)
        #expect(lines[2] != realHome)
        #expect(!FileManager.default.fileExists(atPath: realHome + "/" + marker))
        #expect(!FileManager.default.fileExists(atPath: lines[2]), "the sandbox is removed afterwards")
    }

    @Test func liveModeSeesTheRealEnvironment() {
        setenv("KB_LIVE_VAR", "seen", 1)
        defer { unsetenv("KB_LIVE_VAR") }
        guard case .ran(let out) = BlockRunner(mode: .live).run(block("echo $KB_LIVE_VAR", role: .check)) else {
            Issue.record("did not run")
            return
        }
        #expect(out.stdout == "seen\n")
    }

    @Test func blocksForOtherSystemsOrMissingShellsAreSkippedWithAReason() {
        guard case .skipped(let why) = BlockRunner(mode: .sandboxed).run(block("Get-Command go", language: "powershell")) else {
            Issue.record("a Windows block ran on Linux")
            return
        }
        #expect(why.contains("windows"))
        guard case .skipped(let why2) = BlockRunner(mode: .sandboxed, path: "/nonexistent").run(block("Get-Command go", language: "pwsh")) else {
            Issue.record("pwsh ran without pwsh")
            return
        }
        #expect(why2.contains("pwsh"))
    }
}

@Suite struct OutputUpdaterTests {
    @Test func rewritesOnlyTheDriftedBlockAndKeepsLineEnds() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        let original = "---\r\ntitle: T\r\n---\r\n\r\n```sh example id=e\r\necho new\r\n```\r\n\r\n```text output for=e\r\nold\r\nlines\r\n```\r\n\r\nAfter.\r\n"
        let path = dir + "/a.md"
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let article = ArticleParser(config: KBConfig()).parse(bytes: Array(original.utf8), path: "a.md", displayPath: "a.md").article
        let output = article.blocks.first { $0.role == .output }!
        let files = try OutputUpdater.apply([(output, "new\n")]) { _ in path }
        #expect(files == ["a.md"])
        let updated = TestSupport.read(path)
        #expect(updated == original.replacingOccurrences(of: "old\r\nlines\r\n", with: "new\r\n"))
    }
}

@Suite struct ReportTests {
    let results = [
        CheckResult(id: "ok-check", article: "s/a", kind: "check", status: .ok, message: "fine", file: "a.md", line: 3),
        CheckResult(id: "bad <check>", article: "s/b", kind: "check", status: .problem, message: "GO111MODULE=off", file: "b.md", line: 9, seconds: 0.25),
        CheckResult(id: "skip", article: "s/c", kind: "check", status: .unknown, message: "no pwsh", file: "c.md", line: 1),
    ]

    @Test func junitIsWellFormedAndCounts() throws {
        let xml = Reports.junit(suite: "kb doctor", results: results)
        let doc = try XMLDocumentParser.parse(xml)
        #expect(doc.contains("tests=\"3\" failures=\"1\" skipped=\"1\""))
        #expect(xml.contains("name=\"check bad &lt;check&gt;\""))
    }

    @Test func sarifHasRegions() throws {
        let d = Diagnostic.error("boom", rule: "shellcheck/SC2086", at: SourceLocation(path: "x.md", line: 4, column: 2))
        let json = Reports.sarif(results: results, diagnostics: [d], version: "1")
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(doc?["version"] as? String == "2.1.0")
        let run = (doc?["runs"] as? [[String: Any]])?.first
        let res = run?["results"] as? [[String: Any]] ?? []
        #expect(res.count == 2)
        let region = ((res.last?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region == ["startLine": 4, "startColumn": 2])
    }

    @Test func githubAnnotations() {
        let d = Diagnostic.warning("a, b: c", rule: "r", at: SourceLocation(path: "x.md", line: 4, column: 2))
        let out = Reports.github(results: results, diagnostics: [d])
        #expect(out == "::error file=b.md,line=9,col=1,title=kb check bad <check>::GO111MODULE=off\n::warning file=x.md,line=4,col=2,title=r::a, b: c\n")
    }

    @Test func prometheusTextfile() {
        let text = Reports.prometheus(results: results, severities: ["bad <check>": "critical"], timestamp: 1700000000)
        #expect(text.contains("kb_check_status{check=\"ok-check\",article=\"s/a\",severity=\"warning\"} 0\n"))
        #expect(text.contains("kb_check_status{check=\"bad <check>\",article=\"s/b\",severity=\"critical\"} 1\n"))
        #expect(text.contains("kb_check_status{check=\"skip\",article=\"s/c\",severity=\"warning\"} 2\n"))
        #expect(text.contains("kb_check_duration_seconds{check=\"bad <check>\",article=\"s/b\",severity=\"critical\"} 0.250\n"))
        #expect(text.hasSuffix("kb_doctor_last_run_timestamp_seconds 1700000000.000\n"))
    }
}

/// Minimal well-formedness check without FoundationXML's platform differences.
enum XMLDocumentParser {
    final class Delegate: NSObject, XMLParserDelegate {}
    static func parse(_ xml: String) throws -> String {
        let parser = XMLParser(data: Data(xml.utf8))
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return xml
    }
}
