import ArgumentParser
import Foundation
import KBBuild
import KBCluster
import KBContent
import KBCore

extension KB {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "What is firing now: alerts from the Prometheus API, each with its runbook, summary and first fix.",
            discussion: """
            Reads GET <prometheus>/api/v1/alerts. An alert from kb's own rules (KBCheckFailing) leads to the article \
            holding the failing check; other alerts to the article naming them in `alerts:`, else to their runbook_url. \
            Exit 0 when nothing is firing, 1 when something is, 2 when Prometheus is unreachable or answers something \
            that is not its API, or on usage errors.
            """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup var siteOption: SiteOption

        @Option(name: .long, help: "Prometheus' address, e.g. http://prometheus:9090 (a path prefix is kept).")
        var prometheus: String

        @Option(name: .long, help: "Seconds to wait for Prometheus.")
        var timeout: Double = 10

        @Flag(name: .long, help: "Also show pending alerts (their `for:` has not elapsed yet).")
        var pending = false

        @Option(name: .long, help: "The site's address, for full runbook links (default: base_url in kb.yml, else Site/ paths).")
        var baseURL: String?

        @Option(name: .long, help: "Language of the runbooks (default: the KB's).")
        var lang: String?

        func validate() throws {
            guard timeout > 0, timeout <= 300 else { throw ValidationError("--timeout must be between 0 and 300 seconds") }
            do { _ = try PrometheusAPI(prometheus) } catch { throw ValidationError(error.description) }
        }

        struct Report: Encodable {
            struct Summary: Encodable {
                var firing: Int
                var pending: Int
                var withRunbook: Int
                enum CodingKeys: String, CodingKey { case firing, pending, withRunbook = "with_runbook" }
            }
            var prometheus: String
            var summary: Summary
            var alerts: [AlertStatus]
        }

        func run() async throws {
            let term = global.terminal
            let graph: KnowledgeGraph
            (_, graph) = try global.loadKB(site: siteOption.site, terminal: term)
            let api = try PrometheusAPI(prometheus, timeout: timeout)
            let raw: [PrometheusAlert]
            do { raw = try await api.alerts() } catch {
                term.err("error: \(error.description)")
                throw ExitCode(ExitStatus.usage)
            }
            let index = RunbookIndex(graph: graph, lang: lang)
            let shown = raw.filter { $0.state == "firing" || (pending && $0.state == "pending") }
                .sorted { ($0.state != "firing" ? 1 : 0, $0.activeAt ?? .distantFuture, $0.name) < ($1.state != "firing" ? 1 : 0, $1.activeAt ?? .distantFuture, $1.name) }
            let statuses = shown.map(index.status)
            let summary = Report.Summary(firing: shown.filter { $0.state == "firing" }.count, pending: raw.filter { $0.state == "pending" }.count,
                                         withRunbook: statuses.filter { $0.runbook != nil }.count)
            if global.json {
                term.out(jsonString(Report(prometheus: api.base.absoluteString, summary: summary, alerts: statuses)))
            } else {
                term.out(render(statuses, summary: summary, api: api, base: baseURL ?? graph.config.baseURL, term: term), terminator: "")
            }
            if !statuses.isEmpty { throw ExitCode(ExitStatus.findings) }
        }

        func render(_ alerts: [AlertStatus], summary: Report.Summary, api: PrometheusAPI, base: String?, term: Terminal) -> String {
            let now = Date()
            func link(_ path: String) -> String {
                guard let base else { return "Site/" + path }
                return (base.hasSuffix("/") ? base : base + "/") + path
            }
            var lines = [term.bold("kb status") + term.dim(" — \(api.base.absoluteString)")]
            if alerts.isEmpty {
                lines.append("Nothing is firing" + (summary.pending > 0 && !pending ? " (\(summary.pending) pending; --pending shows them)" : "") + ".")
                return lines.joined(separator: "\n") + "\n"
            }
            for a in alerts {
                lines.append("")
                // Everything Prometheus sends is escaped: remote text must not drive the terminal.
                let safe = TerminalText.escape
                var head = (a.state == "firing" ? term.red("✗") : term.yellow("…")) + " " + term.bold(safe(a.alert))
                if let sev = a.severity.map(safe) { head += "  " + (sev == "critical" ? term.red(sev) : sev == "warning" ? term.yellow(sev) : sev) }
                head += "  " + safe(a.state)
                if let since = a.since.flatMap(Timestamp.parse) {
                    head += " since \(Timestamp.format(since))" + term.dim(" (\(Timestamp.age(now.timeIntervalSince(since))))")
                }
                lines.append(head)
                let labels = a.labels.filter { $0.key != "severity" }.sorted { $0.key < $1.key }.map { "\(safe($0.key))=\"\(safe($0.value))\"" }
                if !labels.isEmpty { lines.append("    " + term.dim(labels.joined(separator: " "))) }
                if let m = a.message { lines.append("    " + safe(m)) }
                guard let r = a.runbook else {
                    lines.append("    " + term.yellow("no runbook in this KB") + (a.runbookURL.map { term.dim(" — runbook_url: \(safe($0))") } ?? ""))
                    continue
                }
                lines.append("    runbook: " + term.bold(r.title) + term.dim(" (\(r.canonicalID))"))
                if !r.summary.isEmpty { lines.append("    " + r.summary) }
                if let fix = r.fix { lines += Runbook.fixLines(fix, term: term).map { "  " + $0 } }
                lines.append("    read: " + term.dim(link(r.url)) + "  " + term.dim(r.show))
                if let own = a.alertRunbook {
                    lines.append("    about \(a.alert): " + term.dim(link(own.alertURL ?? own.url)) + "  " + term.dim(own.show))
                }
            }
            lines.append("")
            var tail = "\(summary.firing) firing"
            if pending { tail += ", \(summary.pending) pending" }
            tail += "; \(summary.withRunbook) of \(alerts.count) with a runbook"
            lines.append(tail)
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
