import Foundation
import KBCluster
import KBContent
import KBCore
import Testing
import Yams

@Suite struct AlertRulesTests {
    let graph = ClusterFixtures.graph(ClusterFixtures.runbooks)

    func rules(_ yaml: String) throws -> [[String: Any]] {
        let doc = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let groups = try #require(doc["groups"] as? [[String: Any]])
        return groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
    }

    @Test func kbRulesCarryRunbookURLsIntoTheSite() throws {
        var r = AlertRules(baseURL: "https://kb.example.org/docs")
        r.failingFor = PromDuration("10m")!
        r.staleAfter = PromDuration("2h")!
        let out = try r.render(graph: graph)
        #expect(out.diagnostics.isEmpty)
        #expect(out.text.hasPrefix("# Prometheus alerting rules"))
        let all = try rules(out.text)
        let failing = try #require(all.first { $0["alert"] as? String == "KBCheckFailing" })
        #expect(failing["expr"] as? String == "kb_check_status == 1")
        #expect(failing["for"] as? String == "10m")
        let annotations = try #require(failing["annotations"] as? [String: String])
        #expect(annotations["runbook_url"] == "https://kb.example.org/docs/{{ $labels.article }}.html")
        #expect(annotations["summary"]?.contains("{{ $labels.check }}") == true)
        // The metric's own severity label passes through: the rule must not override it.
        #expect(failing["labels"] == nil)

        let stale = all.filter { $0["alert"] as? String == "KBDiagnosticsStale" }
        #expect(stale.count == 2)
        let age = try #require(stale.first?["expr"] as? String)
        #expect(age.contains("kb_doctor_last_run_timestamp_seconds"))
        #expect(age.contains(#"node_textfile_mtime_seconds{file=~"(.*/)?kb\\.prom"}"#))
        #expect(age.contains("> 7200"))
        #expect((stale[1]["for"] as? String) == "2h")
        #expect((stale[0]["annotations"] as? [String: String])?["runbook_url"] == "https://kb.example.org/docs/alerts/KBDiagnosticsStale.html")
    }

    @Test func zeroForFiresAtOnce() throws {
        var r = AlertRules(baseURL: "https://kb.example.org/")
        r.failingFor = PromDuration("0s")!
        let failing = try rules(try r.render(graph: graph).text).first { $0["alert"] as? String == "KBCheckFailing" }
        #expect(failing?["for"] == nil)
    }

    @Test func declaredRulesGetARunbookURLAndAreChecked() throws {
        let text = """
        groups:
          - name: edge
            interval: 30s
            rules:
              - alert: etcdHighFsyncDurations
                expr: histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m])) > 0.5
                for: 10m
                labels:
                  severity: warning
              - alert: KubeNodeNotReady
                expr: kube_node_status_condition{condition="Ready",status="true"} == 0
                annotations:
                  runbook_url: https://runbooks.example.org/KubeNodeNotReady
              - record: node:up:sum
                expr: sum(up)
        """
        let (parsed, diags) = DeclaredRules.parse(text, path: "Content/edge/edge.rules.yml")
        #expect(diags.isEmpty)
        let declared = try #require(parsed)
        let out = try AlertRules(baseURL: "https://kb.example.org/").render(graph: graph, declared: [declared])
        // KubeNodeNotReady has no runbook in this KB: a warning where the rule is written.
        #expect(out.diagnostics.map(\.description) == [
            "Content/edge/edge.rules.yml:10:9: warning: alert 'KubeNodeNotReady' has no runbook in this KB: add it to an article's alerts: [rules-runbook]",
        ])
        let doc = try #require(try Yams.load(yaml: out.text) as? [String: Any])
        let groups = try #require(doc["groups"] as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == ["kb", "edge"])
        #expect(groups[1]["interval"] as? String == "30s")
        let all = try rules(out.text)
        let fsync = try #require(all.first { $0["alert"] as? String == "etcdHighFsyncDurations" })
        #expect((fsync["annotations"] as? [String: String])?["runbook_url"] == "https://kb.example.org/alerts/etcdHighFsyncDurations.html")
        let notReady = try #require(all.first { $0["alert"] as? String == "KubeNodeNotReady" })
        #expect((notReady["annotations"] as? [String: String])?["runbook_url"] == "https://runbooks.example.org/KubeNodeNotReady")
        #expect(all.contains { $0["record"] as? String == "node:up:sum" && $0["annotations"] == nil })
    }

    @Test func declaredRuleMistakesPointAtTheLine() {
        let text = """
        groups:
          - name: kb
            rules:
              - alert: Bad Name
                expr: up == 0
                fro: 5m
              - alert: NoExpr
              - record: x
                expr: sum(up)
                for: 5m
              - alert: BadFor
                expr: up == 0
                for: 5 minutes
        """
        let (parsed, diags) = DeclaredRules.parse(text, path: "r.rules.yml")
        #expect(parsed == nil)
        #expect(diags.map(\.description) == [
            "r.rules.yml:4:16: error: 'Bad Name' is not a valid alert name [rules]",
            "r.rules.yml:6:9: error: unknown key 'fro' in a rule; did you mean 'for'? [rules]",
            "r.rules.yml:7:9: error: rule 'NoExpr' needs 'expr' [rules]",
            "r.rules.yml:10:14: error: 'for' is only for alerting rules [rules]",
            "r.rules.yml:13:14: error: 'for' must be a duration such as 5m or 1h [rules]",
        ])
        let (_, yamlDiags) = DeclaredRules.parse("groups:\n  - name: [\n", path: "y.rules.yml")
        #expect(yamlDiags.first?.rule.id == "yaml")
        #expect(yamlDiags.first?.location?.line == 3)
    }

    @Test func aGroupNamedLikeKbsOwnIsRefused() throws {
        let (parsed, _) = DeclaredRules.parse("groups:\n  - name: kb\n    rules: []\n", path: "a.rules.yml")
        let declared = try #require(parsed)
        #expect(throws: DiagnosticError.self) { try AlertRules(baseURL: "https://x.org/").render(graph: graph, declared: [declared]) }
        do {
            _ = try AlertRules(baseURL: "https://x.org/").render(graph: graph, declared: [declared])
        } catch {
            #expect(error.diagnostics.first?.description == "a.rules.yml:2:11: error: rule group 'kb' is already defined by kb itself [rules]")
        }
    }

    @Test func durations() {
        #expect(PromDuration("1h30m")?.seconds == 5400)
        #expect(PromDuration("2d")?.seconds == 172800)
        #expect(PromDuration("500ms")?.seconds == 0.5)
        #expect(PromDuration("0s")?.seconds == 0)
        for bad in ["", "10", "1m1h", "1.5h", "5 m", "1hh", "-1m"] { #expect(PromDuration(bad) == nil, "\(bad)") }
    }

    @Test func ruleFilesAreFoundByName() {
        #expect(DeclaredRules.isRuleFile("edge/etcd.rules.yml"))
        #expect(DeclaredRules.isRuleFile("x.RULES.yaml"))
        #expect(!DeclaredRules.isRuleFile("edge/rules.yml.bak"))
        #expect(!DeclaredRules.isRuleFile("kb.yml"))
    }
}
