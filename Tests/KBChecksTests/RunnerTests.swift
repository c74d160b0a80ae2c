import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KBContent
import KBCore
import KBTesting
import Testing
@testable import KBChecks

/// Running (not exited, not a zombie): Spawn's own test of the same.
func processAlive(_ pid: Int32) -> Bool { !Spawn.isGone(pid) }

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
        // Spawn returns only once every process of the run is gone: no waiting here.
        #expect(!processAlive(child), "the background child survived the timeout")
    }

    @Test func childrenThatLeaveTheGroupWithSetsidAreKilledToo() throws {
        let dir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(dir) }
        // The shell exits once the inner one says (through a FIFO) that deep.pid is written.
        let script = "mkfifo \(dir)/ready; setsid sleep 300 & echo $! > \(dir)/escaped.pid; setsid sh -c 'sleep 300 & echo $! > \(dir)/deep.pid; echo > \(dir)/ready; wait' & read _ < \(dir)/ready; exit 0"
        let r = try Spawn.run("/bin/sh", ["-c", script], environment: ["PATH": "/usr/bin:/bin"], timeout: 10)
        #expect(r.status == 0)
        for name in ["escaped.pid", "deep.pid"] {
            let pid = Int32(TestSupport.read(dir + "/" + name).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(pid > 0, "\(name) not written")
            #expect(!processAlive(pid), "\(name): a process that called setsid outlived its run")
        }
    }

    /// A block that stops its parent stops the supervising shell, never kb: the run ends at its timeout.
    @Test func stoppingTheParentDoesNotHangTheRun() throws {
        let start = Date()
        let r = try Spawn.run("/bin/sh", ["-c", "kill -STOP $PPID; sleep 60"], environment: ["PATH": "/usr/bin:/bin"], timeout: 1)
        #expect(r.timedOut)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// Pipes are close-on-exec: a block running beside a long one gets its end of file at once.
    @Test func aParallelRunDoesNotInheritAnotherRunsPipes() throws {
        let slow = Thread { _ = try? Spawn.run("/bin/sh", ["-c", "sleep 4"], environment: ["PATH": "/usr/bin:/bin"], timeout: 10) }
        slow.start()
        let started = Date()
        var worst = 0.0
        while Date().timeIntervalSince(started) < 1 {
            let r = try Spawn.run("/bin/sh", ["-c", "echo hi"], environment: ["PATH": "/usr/bin:/bin"], timeout: 10)
            #expect(r.stdout == "hi\n")
            worst = max(worst, r.seconds)
        }
        #expect(worst < 2, "an echo waited \(worst) s for another run's child to close a pipe")
    }

    @Test func resourceLimitsApplyToTheBlock() throws {
        let limits = ResourceLimits(cpuSeconds: 7, addressSpace: 3 << 30, fileSize: 1 << 20, processes: 333)
        let r = try Spawn.run("/bin/sh", ["-c", "cat /proc/self/limits"], environment: ["PATH": "/usr/bin:/bin"], timeout: 10, limits: limits)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains { $0.hasPrefix("Max cpu time 7 7 seconds") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("Max file size 1048576 1048576 bytes") })
        #expect(lines.contains { $0.hasPrefix("Max address space 3221225472 3221225472 bytes") })
        #expect(lines.contains { $0.hasPrefix("Max processes 333 333 processes") })
        // Writing past the file-size limit fails.
        let big = try Spawn.run("/bin/sh", ["-c", "head -c 3000000 /dev/zero > big; echo status $?"], environment: ["PATH": "/usr/bin:/bin"],
                                directory: try TestSupport.tempDirectory(), timeout: 10, limits: limits)
        #expect(!big.stdout.contains("status 0"), "\(big.stdout) \(big.stderr)")
    }

    @Test func noDescriptorOfKBReachesTheBlock() throws {
        // Deliberately without O_CLOEXEC, and far above the descriptor `ls` opens for itself.
        let opened = open("/etc/hostname", O_RDONLY)
        let fd = fcntl(opened, F_DUPFD, 100)
        close(opened)
        defer { close(fd) }
        #expect(fd >= 100)
        let r = try Spawn.run("/bin/sh", ["-c", "ls /proc/self/fd"], environment: ["PATH": "/usr/bin:/bin"], timeout: 10)
        let fds = r.stdout.split(separator: "\n").compactMap { Int($0) }.sorted()
        // 0, 1, 2 and the one `ls` opens to list the folder.
        #expect(!fds.contains(Int(fd)), "kb's descriptor \(fd) leaked into the block: \(fds)")
        #expect(fds.filter { $0 > 2 }.count <= 1, "\(fds)")
    }

    @Test func strictSandboxHasNoNetworkAndAReadOnlySystem() throws {
        let bwrap = try #require(TestSupport.which("bwrap"), "bubblewrap is not installed (scripts/setup.sh test installs it)")
        _ = bwrap
        var runner = BlockRunner(mode: .sandboxed)
        runner.sandbox = .strict
        var diags: [Diagnostic] = []
        let block = InfoString.parse("sh example id=probe", code: "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; touch /etc/kb-strict-probe 2>/dev/null && echo wrote-etc; touch here && echo wrote-own\n",
                                     fenceLine: "```sh example id=probe", location: SourceLocation(path: "t.md", line: 1, column: 1), diagnostics: &diags)
        guard case .ran(let out) = runner.run(block) else { Issue.record("strict run did not run"); return }
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "lo", "\(out.stdout) \(out.stderr)")
        #expect(!lines.contains { $0.hasPrefix("eth") || $0.hasPrefix("en") || $0.hasPrefix("veth") })
        #expect(!lines.contains("wrote-etc"))
        #expect(lines.contains("wrote-own"))
        #expect(!FileManager.default.fileExists(atPath: "/etc/kb-strict-probe"))
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
        let d = Diagnostic.error("boom", rule: .shellcheck("SC2086"), at: SourceLocation(path: "x.md", line: 4, column: 2))
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
        let d = Diagnostic.warning("a, b: c", rule: .io, at: SourceLocation(path: "x.md", line: 4, column: 2))
        let out = Reports.github(results: results, diagnostics: [d])
        #expect(out == "::error file=b.md,line=9,col=1,title=kb check bad <check>::GO111MODULE=off\n::warning file=x.md,line=4,col=2,title=io::a, b: c\n")
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
