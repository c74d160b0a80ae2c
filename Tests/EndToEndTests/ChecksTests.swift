import Foundation
import KBTesting
import Testing

/// `kb check --run` and `kb doctor` on fixture KBs written for each behaviour.
@Suite(.serialized) struct ChecksTests {
    /// A KB in a temp folder with these files under Content/.
    func kb(_ files: [String: String]) throws -> String {
        let dir = try TestSupport.tempDirectory("kb-checks")
        for (path, text) in files { try TestSupport.write(text, to: dir + "/Content/" + path) }
        return dir
    }

    @Test func driftedOutputFailsAndUpdateRewritesOnlyThatBlock() throws {
        let page = """
        ---
        title: Drift
        ---

        Intro stays.

        ```sh example id=greet
        printf 'hello\\nworld\\n'
        ```

        ```text output for=greet
        goodbye
        ```

        ```sh example id=same
        echo same
        ```

        ```text output for=same match=glob
        sa*
        ```

        Outro stays.
        """
        let dir = try kb(["drift.md": page])
        defer { TestSupport.remove(dir) }
        let git = try #require(TestSupport.which("git"))
        _ = try TestSupport.run(git, ["init", "-q"], cwd: dir)
        _ = try TestSupport.run(git, ["-c", "user.email=t@t", "-c", "user.name=t", "add", "."], cwd: dir)
        _ = try TestSupport.run(git, ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"], cwd: dir)

        let r = try TestSupport.kb(["check", "--run"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Content/drift.md:7:1: error: example greet: output differs from the output block at line 11 (match=exact)"))
        #expect(r.stderr.contains("- goodbye"))
        #expect(r.stderr.contains("+ hello"))

        let u = try TestSupport.kb(["check", "--run", "--update"], cwd: dir)
        #expect(u.status == 0, "\(u.stderr)")
        let diff = try TestSupport.run(git, ["diff", "--unified=0", "--no-color"], cwd: dir).stdout
        let changed = diff.split(separator: "\n").filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }
        #expect(changed == ["-goodbye", "+hello", "+world"])
        #expect(try TestSupport.kb(["check", "--run"], cwd: dir).status == 0)
    }

    @Test func aHangingCheckAndItsChildAreKilledAtTheTimeout() throws {
        let pidDir = try TestSupport.tempDirectory()
        defer { TestSupport.remove(pidDir) }
        let page = """
        ---
        title: Hang
        kind: cause
        ---

        ```sh check id=hangs timeout=1s
        sleep 120 &
        echo $! > \(pidDir)/child.pid
        sleep 120
        ```
        """
        let dir = try kb(["hang.md": page])
        defer { TestSupport.remove(dir) }
        let start = Date()
        let r = try TestSupport.kb(["check", "--run", "--allow-warnings"], cwd: dir)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Content/hang.md:6:1: error: check hangs: timed out after 1s (process group killed)"))
        let child = Int32(TestSupport.read(pidDir + "/child.pid").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(child > 0)
        #expect(kill(child, 0) != 0 || TestSupport.read("/proc/\(child)/stat").contains(") Z"), "the forked child outlived the timeout")
    }

    @Test func examplesWritingToHomeLeaveTheRealHomeAlone() throws {
        let marker = "kb-e2e-\(UUID().uuidString)"
        let page = """
        ---
        title: Home
        ---

        ```sh example id=writes-home
        echo data > "$HOME/\(marker)"
        cat "$HOME/\(marker)"
        ```

        ```text output for=writes-home
        data
        ```
        """
        let dir = try kb(["home.md": page])
        defer { TestSupport.remove(dir) }
        let home = try TestSupport.tempDirectory("kb-realhome")
        defer { TestSupport.remove(home) }
        let r = try TestSupport.kb(["check", "--run"], cwd: dir, environment: ["HOME": home])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 run (1 passed, 0 failed)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: home).isEmpty)
    }

    @Test func exit127IsCouldNotCheckAndPowerShellIsSkippedByName() throws {
        let page = """
        ---
        title: Broken probe
        kind: cause
        sources: [x]
        ---

        ```sh check id=missing-tool
        no-such-tool-kb-test --version
        ```

        ```powershell check id=win-only
        if (-not (Get-Command go -ErrorAction SilentlyContinue)) { exit 1 }
        ```

        ```pwsh check id=pwsh-probe os=linux
        exit 0
        ```
        """
        let dir = try kb(["probe.md": page])
        defer { TestSupport.remove(dir) }
        let r = try TestSupport.kb(["check", "--run", "--allow-warnings"], cwd: dir, environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Content/probe.md:7:1: error: check missing-tool: exit 127: a check exits 0 or 1; anything else means it could not check"))
        #expect(r.stdout.contains("skipped check win-only at Content/probe.md:11:1: for windows only; this is linux"))
        #expect(r.stdout.contains("skipped check pwsh-probe at Content/probe.md:15:1: no pwsh on PATH"))
        #expect(r.stdout.contains("2 blocks not linted: pwsh is not installed (PowerShell's parser): Content/probe.md:11:1, Content/probe.md:15:1"))
        #expect(r.stdout.contains("2 skipped"))

        let doctor = try TestSupport.kb(["doctor", "--format", "json"], cwd: dir, environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        #expect(doctor.status == 0, "could-not-check is not a problem found")
        let doc = try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any]
        let results = doc?["results"] as? [[String: Any]] ?? []
        #expect(results.first { $0["id"] as? String == "missing-tool" }?["status"] as? String == "unknown")
        #expect(results.contains { $0["id"] as? String == "win-only" } == false, "Windows checks are not run on Linux")
    }

    @Test func doctorFindsGO111ModuleOffWithItsFixAndIsCleanAfterUnset() throws {
        let go = try #require(TestSupport.which("go"), "Go is not installed (scripts/test.sh installs golang-go)")
        let goenv = try TestSupport.tempDirectory("kb-goenv")
        defer { TestSupport.remove(goenv) }
        let env = ["GOENV": goenv + "/env", "GO111MODULE": ""]
        _ = try TestSupport.run(go, ["env", "-w", "GO111MODULE=off"], environment: env)
        let bad = try TestSupport.kb(["doctor", "--symptom", "modules-disabled-go111module-off"], cwd: TestSupport.packageRoot, environment: env)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("✗ go111module-not-off-sh"))
        #expect(bad.stdout.contains("cause: GO111MODULE is set to off (kb show go111module-off)"))
        #expect(bad.stdout.contains("go env -u GO111MODULE"))
        #expect(bad.stdout.contains("read: Site/go-windows/go111module-off.html"))
        _ = try TestSupport.run(go, ["env", "-u", "GO111MODULE"], environment: env)
        let good = try TestSupport.kb(["doctor", "--symptom", "modules-disabled-go111module-off"], cwd: TestSupport.packageRoot, environment: env)
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout.contains("✓ go111module-not-off-sh"))
    }

    @Test func doctorShAgreesWithKbDoctor() throws {
        let dir = try TestSupport.tempDirectory("kb-doctorsh")
        defer { TestSupport.remove(dir) }
        let site = dir + "/site"
        let build = try TestSupport.kb(["build", "--output", site], cwd: TestSupport.packageRoot)
        #expect(build.status == 0, "\(build.stderr)")
        let script = try TestSupport.run("/bin/sh", [site + "/doctor.sh", "--json"])
        let kbJSON = try TestSupport.kb(["doctor", "--format", "json"], cwd: TestSupport.packageRoot)
        func statuses(_ json: String) throws -> [String: String] {
            let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let results = doc?["results"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: results.map { ($0["id"] as! String, $0["status"] as! String) })
        }
        let fromScript = try statuses(script.stdout)
        let fromKB = try statuses(kbJSON.stdout)
        #expect(!fromKB.isEmpty)
        #expect(fromScript == fromKB)
        #expect(script.status == kbJSON.status)
        let ps1 = TestSupport.read(site + "/doctor.ps1")
        #expect(ps1.contains("Invoke-KbCheck -Id 'gobin-path-win'"))
        #expect(!ps1.contains("?:"))
        let shellcheck = try #require(TestSupport.which("shellcheck"), "shellcheck is not installed (scripts/setup.sh test installs it)")
        let lint = try TestSupport.run(shellcheck, ["-s", "sh", "-S", "warning", site + "/doctor.sh"])
        #expect(lint.status == 0, "\(lint.stdout)")
    }

    @Test func checkLintsDeclaredPrometheusRuleFiles() throws {
        let dir = try kb([
            "page.md": "---\ntitle: P\n---\n",
            "ops/broken.rules.yml": "groups:\n  - name: x\n    rules:\n      - alert: Bad Name\n        expr: up == 0\n        fr: 5m\n",
        ])
        defer { TestSupport.remove(dir) }
        let r = try TestSupport.kb(["check"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Content/ops/broken.rules.yml:4:16: error: 'Bad Name' is not a valid alert name [rules]"))
        #expect(r.stderr.contains("Content/ops/broken.rules.yml:6:9: error: unknown key 'fr' in a rule; did you mean 'for'? [rules]"))
    }
}
