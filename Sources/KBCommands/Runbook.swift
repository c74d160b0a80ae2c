import ArgumentParser
import Foundation
import KBBuild
import KBCluster
import KBContent
import KBCore

extension KB {
    struct Runbook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "runbook",
            abstract: "The runbook for a Prometheus alert: by name (any case) or by a runbook URL.",
            discussion: """
            ALERT is an alert name (KubeNodeNotReady, kubenodenotready) or a runbook URL of the upstream shapes \
            (…/runbooks/<component>/<Alert>, …#alert-name-<lower>, <site>/alerts/<Alert>.html). Articles name their \
            alerts in `alerts:`; in a plain folder of upstream runbooks, the file named after the alert answers. \
            Exit 0 when found, 1 when no article answers, 2 on usage errors.
            """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup var siteOption: SiteOption

        @Argument(help: "An alert name or runbook URL.")
        var alert: String

        @Option(name: .long, help: "Language of the article (default: the KB's).")
        var lang: String?

        struct Report: Encodable {
            var query: String
            var alert: String
            var results: [KBCluster.Runbook]
        }

        func run() async throws {
            let term = global.terminal
            let graph: KnowledgeGraph
            (_, graph) = try global.loadKB(site: siteOption.site, terminal: term)
            if let lang, !graph.config.languageCodes.contains(lang) {
                term.err("error: unknown language '\(lang)'; the KB has \(graph.config.languageCodes.joined(separator: ", "))")
                throw ExitCode(ExitStatus.usage)
            }
            let index = RunbookIndex(graph: graph, lang: lang)
            let ref = AlertReference.parse(alert)
            let results = index.resolve(ref).map { index.runbook($0) }
            if global.json {
                term.out(jsonString(Report(query: alert, alert: ref.name, results: results)))
            } else if results.isEmpty {
                let hint = index.suggestion(for: ref.name).map { "; did you mean '\($0)'?" } ?? ""
                term.err("error: no runbook for alert '\(ref.name)'\(hint)")
            } else {
                term.out(Self.render(results, alert: results[0].alerts.first { $0.lowercased() == ref.name.lowercased() } ?? ref.name, term: term))
            }
            if results.isEmpty { throw ExitCode(ExitStatus.findings) }
        }

        static func render(_ results: [KBCluster.Runbook], alert: String, term: Terminal) -> String {
            var lines: [String] = []
            for (n, r) in results.enumerated() {
                if n > 0 { lines.append("") }
                lines.append(term.bold(alert) + " → " + term.bold(r.title))
                let facts = [r.canonicalID, r.kind, r.severity].compactMap { $0 }.joined(separator: " · ")
                lines.append("  " + term.dim(facts + (r.matched == "file-name" ? " · file named after the alert" : "")))
                if !r.summary.isEmpty { lines.append("  " + r.summary) }
                if let fix = r.fix { lines += fixLines(fix, term: term) }
                lines.append("  read: " + term.dim("Site/" + (r.alertURL ?? r.url)) + "  " + term.dim(r.show))
            }
            return lines.joined(separator: "\n")
        }

        static func fixLines(_ fix: KBCluster.Runbook.Fix, term: Terminal) -> [String] {
            var head = "  first fix"
            if let id = fix.id { head += " " + id }
            if let h = fix.heading { head += " (" + h + ")" }
            var tags = [fix.language].compactMap { $0 }
            if fix.admin == true { tags.append("admin") }
            if fix.effect == "destructive" { tags.append("destructive") }
            if !tags.isEmpty { head += term.dim(" [" + tags.joined(separator: ", ") + "]") }
            if let t = fix.title { head += " from " + t + term.dim(" (Site/\(fix.url ?? ""))") }
            var lines = [head + (fix.code == nil ? "" : ":")]
            if let code = fix.code {
                let body = code.hasSuffix("\n") ? String(code.dropLast()) : code
                for l in body.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("      " + term.cyan(String(l))) }
            }
            return lines
        }
    }
}
