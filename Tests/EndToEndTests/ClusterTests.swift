import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KBTesting
import Testing

/// DESIGN §9 with the real engine: `kb runbook`, `kb alerts rules` under promtool, `kb doctor`'s
/// metrics under promtool, and Debian's prometheus, node_exporter and Alertmanager on loopback
/// ports firing KBCheckFailing from kb's rules, read back by `kb status` and delivered to `kb serve`.
/// scripts/setup.sh test installs the engine; nothing here installs anything.
@Suite(.serialized) struct ClusterTests {
    static let base = "https://kb.example.org/"

    /// A binary the test needs, or a failure that says how to get it.
    func tool(_ name: String, package: String) throws -> String {
        guard let path = TestSupport.which(name) else {
            Issue.record("\(name) not found: run scripts/setup.sh test (installs Debian's \(package))")
            throw CancellationError()
        }
        return path
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    // MARK: kb runbook

    @Test func everyAlertOfTheKBResolvesToItsRunbook() throws {
        let root = TestSupport.packageRoot
        let list = try TestSupport.kb(["alerts", "list", "--json"], cwd: root)
        #expect(list.status == 0, "\(list.stderr)")
        let alerts = try #require(try json(list.stdout)["alerts"] as? [[String: Any]])
        #expect(alerts.count >= 7)
        #expect(alerts.contains { $0["alert"] as? String == "KBCheckFailing" && $0["id"] as? String == "edge-cluster/kb-check-failing" })
        for entry in alerts {
            let alert = try #require(entry["alert"] as? String), id = try #require(entry["id"] as? String)
            #expect(entry["url"] as? String == "alerts/\(alert).html")
            for query in [alert, alert.lowercased(), alert.uppercased(),
                          "https://runbooks.prometheus-operator.dev/runbooks/edge/\(alert.lowercased())/",
                          "https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/master/runbook.md#alert-name-\(alert.lowercased())",
                          Self.base + "alerts/\(alert).html"] {
                let r = try TestSupport.kb(["runbook", query, "--json"], cwd: root)
                #expect(r.status == 0, "kb runbook \(query): \(r.stderr)")
                let results = try #require(try json(r.stdout)["results"] as? [[String: Any]])
                #expect(results.first?["canonicalID"] as? String == id, "kb runbook \(query)")
                #expect(results.first?["alertURL"] as? String == "alerts/\(alert).html")
            }
        }
        let zh = try TestSupport.kb(["runbook", "kbcheckfailing", "--lang", "zh", "--json"], cwd: root)
        #expect((try json(zh.stdout)["results"] as? [[String: Any]])?.first?["lang"] as? String == "zh")
    }

    @Test func runbookTextAndMisses() throws {
        let root = TestSupport.packageRoot
        let r = try TestSupport.kb(["runbook", "kbdiagnosticsstale"], cwd: root)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("KBDiagnosticsStale → KBDiagnosticsStale: a node's kb metrics stopped updating\n"))
        #expect(r.stdout.contains("  edge-cluster/kb-diagnostics-stale · runbook · warning\n"))
        #expect(r.stdout.contains("  first fix kb-diagnostics-restart-timer [sh, admin]:\n      timer=\"${KB_TIMER:-kb-doctor.timer}\"\n"))
        #expect(r.stdout.contains("  read: Site/alerts/KBDiagnosticsStale.html  kb show kb-diagnostics-stale"))

        let miss = try TestSupport.kb(["runbook", "KubeNodeNotRedy"], cwd: root)
        #expect(miss.status == 1)
        #expect(miss.stdout.isEmpty)
        #expect(miss.stderr == "error: no runbook for alert 'KubeNodeNotRedy'; did you mean 'KubeNodeNotReady'?\n")
        let missJSON = try TestSupport.kb(["runbook", "NoSuchAlert", "--json"], cwd: root)
        #expect(missJSON.status == 1)
        #expect((try json(missJSON.stdout)["results"] as? [Any])?.isEmpty == true)
    }

    @Test func aFolderOfUpstreamRunbooksAnswersByFileName() throws {
        let dir = try TestSupport.fixture("cluster")
        defer { TestSupport.remove((dir as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["runbook", "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping/", "--json"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let first = try #require((try json(r.stdout)["results"] as? [[String: Any]])?.first)
        #expect(first["canonicalID"] as? String == "upstream/kubernetes/KubePodCrashLooping")
        #expect(first["matched"] as? String == "file-name")
        let fix = try #require(first["fix"] as? [String: Any])
        #expect(fix["heading"] as? String == "Mitigation")
        #expect(fix["code"] as? String == "kubectl -n $NAMESPACE logs $POD --previous\n")
    }

    // MARK: rules and metrics under promtool

    @Test func rulesPassPromtoolAndTheirUnitTests() throws {
        let promtool = try tool("promtool", package: "prometheus")
        let dir = try TestSupport.fixture("cluster")
        let tmp = (dir as NSString).deletingLastPathComponent
        defer { TestSupport.remove(tmp) }
        let rules = tmp + "/kb.rules.yml"
        let r = try TestSupport.kb(["alerts", "rules", "--base-url", Self.base, "--for", "15m", "--stale-after", "1h", "--output", rules], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let check = try TestSupport.run(promtool, ["check", "rules", "--lint-fatal", rules])
        #expect(check.status == 0, "promtool check rules:\n\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 5 rules found"))
        // The unit tests in Tests/rules/ name their rule file kb.rules.yml beside them.
        let testsDir = TestSupport.packageRoot + "/Tests/rules"
        let tests = try FileManager.default.contentsOfDirectory(atPath: testsDir).filter { $0.hasSuffix(".test.yml") }.sorted()
        #expect(!tests.isEmpty)
        for t in tests {
            _ = try TestSupport.copy(testsDir + "/" + t, into: tmp)
            let run = try TestSupport.run(promtool, ["test", "rules", tmp + "/" + t])
            #expect(run.status == 0, "promtool test rules \(t):\n\(run.stdout)\(run.stderr)")
        }
        // JSON is YAML: the --json form is a rule file too.
        let j = try TestSupport.kb(["alerts", "rules", "--base-url", Self.base, "--json", "--output", tmp + "/kb.rules.json"], cwd: dir)
        #expect(j.status == 0, "\(j.stderr)")
        let checkJSON = try TestSupport.run(promtool, ["check", "rules", tmp + "/kb.rules.json"])
        #expect(checkJSON.status == 0, "\(checkJSON.stdout)\(checkJSON.stderr)")
    }

    @Test func rulesNeedABaseURLAndValidDeclaredRules() throws {
        let dir = try TestSupport.fixture("cluster")
        defer { TestSupport.remove((dir as NSString).deletingLastPathComponent) }
        let root = TestSupport.packageRoot
        let noBase = try TestSupport.kb(["alerts", "rules"], cwd: root)
        #expect(noBase.status == 2)
        #expect(noBase.stderr.contains("pass --base-url"))
        let badFor = try TestSupport.kb(["alerts", "rules", "--base-url", Self.base, "--for", "5 minutes"], cwd: root)
        #expect(badFor.status == 2)
        #expect(badFor.stderr.contains("--for '5 minutes' is not a Prometheus duration"))
        let repo = try TestSupport.kb(["alerts", "rules", "--base-url", Self.base], cwd: root)
        #expect(repo.status == 0, "\(repo.stderr)")
        #expect(repo.stdout.contains(#"runbook_url: "https://kb.example.org/{{ $labels.article }}.html""#))

        try TestSupport.write("groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up == 0\n        for: soon\n",
                              to: dir + "/Content/runbooks/broken.rules.yml")
        let bad = try TestSupport.kb(["alerts", "rules"], cwd: dir)
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("Content/runbooks/broken.rules.yml:6:14: error: 'for' must be a duration such as 5m or 1h [rules]"))
    }

    @Test func doctorMetricsPassPromtool() throws {
        let promtool = try tool("promtool", package: "prometheus")
        let dir = try TestSupport.fixture("cluster")
        let tmp = (dir as NSString).deletingLastPathComponent
        defer { TestSupport.remove(tmp) }
        let r = try TestSupport.kb(["doctor", "--format", "prometheus", "--output", tmp + "/kb.prom"], cwd: dir)
        #expect(r.status == 1, "one fixture check reports a problem: \(r.stderr)")
        let text = TestSupport.read(tmp + "/kb.prom")
        #expect(text.contains(#"kb_check_status{check="fixture-disk-check",article="node/disk-almost-full",severity="critical"} 1"#))
        #expect(text.contains(#"kb_check_status{check="fixture-clock-check",article="node/clock-in-sync",severity="warning"} 0"#))
        let check = try TestSupport.run("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", promtool, tmp + "/kb.prom"])
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "promtool check metrics:\n\(check.stdout)\(check.stderr)")
    }

    @Test func statusSaysWhenPrometheusIsUnreachable() throws {
        let port = try TestSupport.freePort()
        let r = try TestSupport.kb(["status", "--prometheus", "http://127.0.0.1:\(port)", "--timeout", "5"], cwd: TestSupport.packageRoot)
        #expect(r.status == 2)
        #expect(r.stderr == "error: cannot reach Prometheus at http://127.0.0.1:\(port)/api/v1/alerts: connection refused\n")
        let usage = try TestSupport.kb(["status", "--prometheus", "prometheus:9090"], cwd: TestSupport.packageRoot)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("'prometheus:9090' is not a Prometheus address"))
    }

    @Test func deployExamplesRunDoctorIntoTheTextfileDirectory() throws {
        let deploy = TestSupport.packageRoot + "/deploy"
        let service = TestSupport.read(deploy + "/systemd/kb-doctor.service")
        #expect(service.contains("ExecStart=/usr/local/bin/kb doctor --content ${KB_CONTENT} --format prometheus --output ${KB_TEXTFILE_DIR}/kb.prom"))
        #expect(service.contains("Environment=KB_TEXTFILE_DIR=/var/lib/prometheus/node-exporter"))
        #expect(service.contains("ReadWritePaths=/var/lib/prometheus/node-exporter"))
        // Problems found (exit 1) are a successful run.
        #expect(service.contains("SuccessExitStatus=1"))
        #expect(service.contains("Type=oneshot"))
        let timer = TestSupport.read(deploy + "/systemd/kb-doctor.timer")
        #expect(timer.contains("OnUnitActiveSec=15min"))
        #expect(timer.contains("WantedBy=timers.target"))
        let daemonSet = TestSupport.read(deploy + "/kubernetes/kb-doctor-daemonset.yaml")
        #expect(daemonSet.contains("kind: DaemonSet"))
        #expect(daemonSet.contains("kb doctor --content /kb/Content --format prometheus --output /textfile/kb.prom"))
        #expect(daemonSet.contains("mountPath: /textfile"))
        #expect(daemonSet.contains("path: /var/lib/node-exporter/textfile"))
        #expect(daemonSet.contains("--collector.textfile.directory=/var/lib/node-exporter/textfile"))
        // The scheduled command is one kb accepts.
        let dir = try TestSupport.fixture("cluster")
        defer { TestSupport.remove((dir as NSString).deletingLastPathComponent) }
        let r = try TestSupport.kb(["doctor", "--content", dir + "/Content", "--format", "prometheus", "--output", dir + "/kb.prom"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(TestSupport.read(dir + "/kb.prom").contains("kb_doctor_last_run_timestamp_seconds "))
    }

    // MARK: the real engine

    @Test(.timeLimit(.minutes(3))) func liveEngineFiresKBCheckFailingWithItsRunbook() async throws {
        let prometheus = try tool("prometheus", package: "prometheus")
        let nodeExporter = try tool("prometheus-node-exporter", package: "prometheus-node-exporter")
        let alertmanager = try tool("prometheus-alertmanager", package: "prometheus-alertmanager")
        let dir = try TestSupport.fixture("cluster")
        let tmp = (dir as NSString).deletingLastPathComponent
        var daemons: [Daemon] = []
        defer {
            for d in daemons.reversed() { d.stop() }
            TestSupport.remove(tmp)
        }
        func logs() -> String { daemons.map { "--- \($0.name):\n\($0.output.suffix(3000))" }.joined(separator: "\n") }

        // 1. kb doctor writes the textfile; node_exporter (textfile collector only) exports it.
        let textfiles = tmp + "/textfile"
        try FileManager.default.createDirectory(atPath: textfiles, withIntermediateDirectories: true)
        let doctor = try TestSupport.kb(["doctor", "--format", "prometheus", "--output", textfiles + "/kb.prom"], cwd: dir)
        #expect(doctor.status == 1, "\(doctor.stderr)")
        let nePort = try TestSupport.freePort()
        daemons.append(try Daemon("node_exporter", nodeExporter, [
            "--web.listen-address=127.0.0.1:\(nePort)", "--collector.disable-defaults", "--collector.textfile",
            "--collector.textfile.directory=\(textfiles)",
        ], dir: tmp))
        try await eventually("node_exporter exports kb_check_status", logs) {
            await Loopback.get("http://127.0.0.1:\(nePort)/metrics")?.body.contains(#"kb_check_status{article="node/disk-almost-full""#) == true
        }

        // 2. kb serve, to receive Alertmanager's webhook.
        let serve = try Daemon("kb serve", TestSupport.kbBinary, ["serve", "--port", "0", "--output", tmp + "/site"], dir: tmp, cwd: dir)
        daemons.append(serve)
        var kbPort = 0
        try await eventually("kb serve listens", logs, timeout: 90) {
            guard let m = serve.output.firstMatch(of: /at http:\/\/127\.0\.0\.1:(\d+)\//) else { return false }
            kbPort = Int(m.1) ?? 0
            return true
        }

        // 3. Alertmanager delivering to kb serve.
        let amPort = try TestSupport.freePort()
        try TestSupport.write("""
        route:
          receiver: kb
          group_by: [alertname, instance, check]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: kb
            webhook_configs:
              - url: http://127.0.0.1:\(kbPort)/hooks/alertmanager
                send_resolved: true

        """, to: tmp + "/alertmanager.yml")
        daemons.append(try Daemon("alertmanager", alertmanager, [
            "--config.file=\(tmp)/alertmanager.yml", "--storage.path=\(tmp)/am-data",
            "--web.listen-address=127.0.0.1:\(amPort)", "--cluster.listen-address=",
        ], dir: tmp))
        try await eventually("Alertmanager is ready", logs) {
            await Loopback.get("http://127.0.0.1:\(amPort)/-/ready")?.status == 200
        }

        // 4. Prometheus with kb's rules (a short `for:`), scraping node_exporter every second.
        let rules = try TestSupport.kb(["alerts", "rules", "--base-url", Self.base, "--for", "2s", "--output", tmp + "/kb.rules.yml"], cwd: dir)
        #expect(rules.status == 0, "\(rules.stderr)")
        let promPort = try TestSupport.freePort()
        try TestSupport.write("""
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: [kb.rules.yml]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:\(amPort)']
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ['127.0.0.1:\(nePort)']

        """, to: tmp + "/prometheus.yml")
        daemons.append(try Daemon("prometheus", prometheus, [
            "--config.file=\(tmp)/prometheus.yml", "--storage.tsdb.path=\(tmp)/prom-data",
            "--web.listen-address=127.0.0.1:\(promPort)", "--rules.alert.resend-delay=1s",
        ], dir: tmp))
        let promURL = "http://127.0.0.1:\(promPort)"

        // 5. kb status sees KBCheckFailing firing and joins it with the failing check's article.
        var report: [String: Any] = [:]
        try await eventually("Prometheus fires KBCheckFailing", logs, timeout: 90) {
            let r = try TestSupport.kb(["status", "--prometheus", promURL, "--json"], cwd: dir)
            guard r.status == 1, let j = try? json(r.stdout), let alerts = j["alerts"] as? [[String: Any]],
                  alerts.contains(where: { $0["alert"] as? String == "KBCheckFailing" }) else { return false }
            report = j
            return true
        }
        let alerts = try #require(report["alerts"] as? [[String: Any]])
        let failing = try #require(alerts.first { $0["alert"] as? String == "KBCheckFailing" })
        #expect(failing["state"] as? String == "firing")
        #expect(failing["severity"] as? String == "critical")
        let labels = try #require(failing["labels"] as? [String: String])
        #expect(labels["check"] == "fixture-disk-check")
        #expect(labels["article"] == "node/disk-almost-full")
        #expect(labels["instance"] == "127.0.0.1:\(nePort)")
        #expect(failing["runbook_url"] as? String == Self.base + "node/disk-almost-full.html")
        #expect(failing["since"] as? String != nil)
        let runbook = try #require(failing["runbook"] as? [String: Any])
        #expect(runbook["canonicalID"] as? String == "node/disk-almost-full")
        #expect((runbook["fix"] as? [String: Any])?["id"] as? String == "fixture-disk-fix")
        #expect((failing["alert_runbook"] as? [String: Any])?["canonicalID"] as? String == "runbooks/kb-check-failing")
        #expect(!alerts.contains { ($0["labels"] as? [String: String])?["check"] == "fixture-clock-check" })
        #expect(!alerts.contains { $0["alert"] as? String == "KBDiagnosticsStale" })
        // The KB's own rule file came along, with its runbook.
        let declared = try #require(alerts.first { $0["alert"] as? String == "FixtureAlwaysFiring" })
        #expect((declared["runbook"] as? [String: Any])?["canonicalID"] as? String == "runbooks/fixture-always-firing")
        #expect(declared["runbook_url"] as? String == Self.base + "alerts/FixtureAlwaysFiring.html")

        let text = try TestSupport.kb(["status", "--prometheus", promURL], cwd: dir)
        #expect(text.status == 1)
        for line in ["✗ KBCheckFailing  critical  firing since ",
                     #"    article="node/disk-almost-full" check="fixture-disk-check" instance="127.0.0.1:\#(nePort)" job="node""#,
                     "    runbook: The node's data disk is almost full (node/disk-almost-full)",
                     "    The data disk has less than 10% free; pods get evicted and etcd stops accepting writes.",
                     "    first fix fixture-disk-fix [sh, admin]:",
                     "        journalctl --vacuum-size=200M",
                     "    read: https://kb.example.org/node/disk-almost-full.html  kb show disk-almost-full",
                     "    about KBCheckFailing: https://kb.example.org/alerts/KBCheckFailing.html  kb show kb-check-failing",
                     "2 firing; 2 of 2 with a runbook"] {
            #expect(text.stdout.contains(line), "kb status lacks: \(line)\n\(text.stdout)")
        }

        // Something that is not Prometheus is refused with what it answered.
        let garbage = try TestSupport.kb(["status", "--prometheus", "http://127.0.0.1:\(nePort)"], cwd: dir)
        #expect(garbage.status == 2)
        #expect(garbage.stderr.contains("did not answer like the Prometheus alerts API"), "\(garbage.stderr)")

        // 6. Alertmanager delivered to kb serve: the live page links the runbooks.
        let kbURL = "http://127.0.0.1:\(kbPort)"
        try await eventually("Alertmanager delivers KBCheckFailing to kb serve", logs, timeout: 60) {
            let body = await Loopback.get(kbURL + "/_kb/firing.json")?.body ?? ""
            return body.contains("KBCheckFailing") && body.contains("FixtureAlwaysFiring")
        }
        let page = try #require(await Loopback.get(kbURL + "/firing.html"))
        #expect(page.status == 200)
        #expect(page.body.contains(#"Runbook: <a href="/node/disk-almost-full.html">The node&#39;s data disk is almost full</a>"#))
        #expect(page.body.contains(#"About this alert: <a href="/runbooks/kb-check-failing.html">"#))
        #expect(page.body.contains(#"<a href="/runbooks/fixture-always-firing.html">"#))
        #expect(await Loopback.get(kbURL + "/node/disk-almost-full.html")?.status == 200)

        // Malformed deliveries are 400s and the server keeps serving.
        for body in ["", "{", #"{"version":"3","status":"firing","alerts":[]}"#, #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{}}]}"#] {
            let r = await Loopback.post(kbURL + "/hooks/alertmanager", body: body)
            #expect(r?.status == 400, "\(body) → \(String(describing: r))")
        }
        #expect(await Loopback.get(kbURL + "/firing.html")?.status == 200)
    }

    /// Polls `condition` every half second until it holds, or records a failure with the logs.
    func eventually(_ what: String, _ logs: () -> String, timeout: Double = 30,
                    _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        // Once more after the deadline: a busy test pool may have resumed this task late.
        if try await condition() { return }
        Issue.record("timed out after \(Int(timeout)) s waiting until \(what)\n\(logs())")
        throw CancellationError()
    }
}

/// A server process for one test, its output in a file; `stop()` always ends it.
final class Daemon: @unchecked Sendable {
    let name: String
    let process = Process()
    let log: String

    init(_ name: String, _ executable: String, _ arguments: [String], dir: String, cwd: String? = nil) throws {
        self.name = name
        log = dir + "/" + name.replacingOccurrences(of: " ", with: "-") + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd ?? dir)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String { TestSupport.read(log) }

    /// SIGTERM, up to 10 s to exit, then SIGKILL.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Small HTTP requests over loopback for the tests (free ports: `TestSupport.freePort`).
enum Loopback {
    struct Answer: Sendable { var status: Int; var body: String }

    static func get(_ url: String) async -> Answer? { await request(URLRequest(url: URL(string: url)!)) }

    static func post(_ url: String, body: String) async -> Answer? {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = "POST"
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        r.httpBody = Data(body.utf8)
        return await request(r)
    }

    static func request(_ r: URLRequest) async -> Answer? {
        var r = r
        r.timeoutInterval = 5
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        guard let (data, response) = try? await session.data(for: r) else { return nil }
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }
}
