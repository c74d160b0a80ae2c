import Foundation
import KBTesting
import Testing

/// The etcd runbook proven against a real etcd (Debian's etcd-server, on loopback): fill it past
/// a small quota until writes fail, then its check blocks must report the problem, its fix block
/// — the one written in the article, not a copy — must run, and the checks must pass again.
@Suite struct EtcdRunbookTests {
    static let article = "Content/edge-cluster/etcd-database-space-exceeded.md"

    /// The code of the block with `id` as written in the article.
    static func block(_ id: String, in path: String) throws -> String {
        let lines = TestSupport.read(path).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("```") && $0.contains(" id=\(id)") }),
              let end = lines[(start + 1)...].firstIndex(where: { $0.hasPrefix("```") }) else {
            throw POSIXError(.ENOENT)
        }
        return lines[(start + 1)..<end].joined(separator: "\n") + "\n"
    }

    /// `kb doctor` on the article's checks: id → status.
    static func doctor(_ env: [String: String]) throws -> [String: String] {
        let r = try TestSupport.kb(["doctor", "--article", "etcd-database-space-exceeded", "--format", "json"],
                                   cwd: TestSupport.packageRoot, environment: env, timeout: 120)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let results = doc?["results"] as? [[String: Any]] ?? []
        return Dictionary(results.map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    @Test func spaceExceededRunbookIsProvenOnARealEtcd() async throws {
        let etcd = try #require(TestSupport.which("etcd"), "etcd is not installed (scripts/setup.sh test installs etcd-server)")
        let etcdctl = try #require(TestSupport.which("etcdctl"), "etcdctl is not installed (scripts/setup.sh test installs etcd-client)")
        let tmp = try TestSupport.tempDirectory("kb-etcd")
        defer { TestSupport.remove(tmp) }
        let (client, peer) = (try TestSupport.freePort(), try TestSupport.freePort())
        let quota = 4 * 1024 * 1024
        let daemon = try Daemon("etcd", etcd, [
            "--name", "kb", "--data-dir", tmp + "/data",
            "--listen-client-urls", "http://127.0.0.1:\(client)", "--advertise-client-urls", "http://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "kb=http://127.0.0.1:\(peer)", "--quota-backend-bytes", String(quota),
        ], dir: tmp)
        defer { daemon.stop() }
        let env = ["ETCDCTL_API": "3", "ETCDCTL_ENDPOINTS": "http://127.0.0.1:\(client)", "ETCD_QUOTA_BYTES": String(quota)]
        let deadline = Date().addingTimeInterval(30)
        while try TestSupport.run(etcdctl, ["--dial-timeout=1s", "endpoint", "health"], environment: env).status != 0 {
            guard Date() < deadline else { Issue.record("etcd did not start:\n\(daemon.output)"); return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }

        // Healthy first.
        let before = try Self.doctor(env)
        #expect(before["etcd-db-space-alarm"] == "ok", "\(before)")
        #expect(before["etcd-db-space-usage"] == "ok", "\(before)")

        // Overwrite one key with 100 KB values until etcd refuses: old revisions fill the quota.
        let fill = try TestSupport.run("/bin/sh", ["-c", """
            i=0
            while [ $i -lt 400 ]; do
              head -c 75000 /dev/urandom | base64 -w0 > value
              if ! "\(etcdctl)" put big "$(cat value)" > /dev/null 2> err; then cat err; exit 0; fi
              i=$((i + 1))
            done
            echo "never refused"
            """], cwd: tmp, environment: env, timeout: 300)
        #expect(fill.stdout.contains("database space exceeded"), "\(fill.stdout) \(fill.stderr)")

        let full = try Self.doctor(env)
        #expect(full["etcd-db-space-alarm"] == "problem", "\(full)")
        #expect(full["etcd-db-space-usage"] == "problem", "\(full)")

        // The runbook's fix, as written: compact, defragment every member, disarm the alarm.
        let fix = try Self.block("etcd-db-space-compact-defrag", in: TestSupport.packageRoot + "/" + Self.article)
        let ran = try TestSupport.run("/bin/sh", ["-c", fix], cwd: tmp, environment: env, timeout: 120)
        #expect(ran.status == 0, "\(ran.stdout)\n\(ran.stderr)")

        let after = try Self.doctor(env)
        #expect(after["etcd-db-space-alarm"] == "ok", "\(after)")
        #expect(after["etcd-db-space-usage"] == "ok", "\(after)")
        // Writes are accepted again.
        #expect(try TestSupport.run(etcdctl, ["put", "after", "ok"], environment: env).status == 0)
    }

    /// A developer workstation without etcd sees "not applicable", not "could not check".
    @Test func doctorSaysNotApplicableWithoutTheComponent() throws {
        // A PATH with the shell but no etcdctl, and no ETCDCTL_ENDPOINTS.
        let bin = try TestSupport.tempDirectory("kb-nopath")
        defer { TestSupport.remove(bin) }
        for tool in ["sh", "grep", "awk", "sed", "cat", "head", "cut", "tr", "printf"] {
            if let p = TestSupport.which(tool) { try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: p) }
        }
        let r = try TestSupport.kb(["doctor", "--article", "etcd-database-space-exceeded", "--format", "json"], cwd: TestSupport.packageRoot,
                                   environment: ["PATH": bin, "ETCDCTL_ENDPOINTS": "", "KB_PROVIDE": ""], timeout: 60)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let results = doc?["results"] as? [[String: Any]] ?? []
        #expect(!results.isEmpty, "\(r.stdout) \(r.stderr)")
        #expect(results.allSatisfy { $0["status"] as? String == "not-applicable" }, "\(results)")
        #expect((doc?["summary"] as? [String: Int])?["notApplicable"] == results.count)
        let text = try TestSupport.kb(["doctor", "--article", "etcd-database-space-exceeded"], cwd: TestSupport.packageRoot,
                                      environment: ["PATH": bin, "ETCDCTL_ENDPOINTS": "", "KB_PROVIDE": ""], timeout: 60)
        #expect(!text.stdout.contains(" ? "), "\(text.stdout)")
        #expect(text.stdout.contains("not applicable here (they need etcd)"), "\(text.stdout)")
    }
}

/// doctor.sh (no kb installed) gives the same verdicts as `kb doctor` for checks that need a component.
@Suite struct DoctorScriptNeedsTests {
    @Test func doctorShAgreesWithKbDoctorOnMissingAndProvidedComponents() throws {
        let dir = try TestSupport.tempDirectory("kb-needs")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("""
        ---
        title: Widget
        kind: cause
        summary: The widget is down.
        ---

        ```sh check id=widget-up needs=widget-service-xyz os=linux
        exit 1
        ```

        ```sh check id=plain-ok os=linux
        exit 0
        ```

        ```sh fix id=widget-restart for=widget-up os=linux
        echo restart
        ```
        """, to: dir + "/Content/widget.md")
        #expect(try TestSupport.kb(["build"], cwd: dir, timeout: 60).status == 0)
        let sh = try #require(TestSupport.which("sh"))
        for provide in ["", "widget-service-xyz"] {
            let env = ["KB_PROVIDE": provide]
            let kb = try TestSupport.kb(["doctor", "--format", "json"], cwd: dir, environment: env, timeout: 60)
            let script = try TestSupport.run(sh, [dir + "/Site/doctor.sh", "--json"], cwd: dir, environment: env, timeout: 60)
            func statuses(_ json: String) throws -> [String: String] {
                let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                let results = doc?["results"] as? [[String: Any]] ?? []
                return Dictionary(results.map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
            }
            let a = try statuses(kb.stdout), b = try statuses(script.stdout)
            #expect(a == b, "KB_PROVIDE=\(provide): kb doctor \(a) vs doctor.sh \(b)")
            #expect(a["widget-up"] == (provide.isEmpty ? "not-applicable" : "problem"), "\(a)")
            #expect(a["plain-ok"] == "ok")
        }
    }
}
