import ArgumentParser
import Foundation
import KBBuild
import KBChecks
import KBContent
import KBCore

extension KB {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Diagnose this machine: run the KB's checks for this OS and show each problem with its cause and fix.",
            discussion: "Runs check blocks in your real environment, in parallel; never runs a fix. Exit 0 when no problem is found, 1 when one is, 2 on usage errors.")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, prometheus }

        @OptionGroup var global: GlobalOptions

        @OptionGroup var siteOption: SiteOption

        @Option(name: .long, help: "Only the checks of this symptom's causes; ranks the causes found.")
        var symptom: String?

        @Option(name: .long, help: "Only the checks of this article (repeatable).")
        var article: [String] = []

        @Option(name: .long, help: "Only the checks of articles with this tag (repeatable).")
        var tag: [String] = []

        @Option(name: .long, help: "Language of the articles to read (default: the KB's).")
        var lang: String?

        @Option(name: .long, help: "text, json, junit or prometheus (node_exporter textfile format).")
        var format: Format = .text

        @Option(name: .long, help: "Write the report to this file, atomically (for node_exporter's textfile directory).")
        var output: String?

        @Option(name: .long, help: "Checks run at once.")
        var jobs: Int = 8

        struct Summary: Encodable {
            var checks: Int
            var ok: Int
            var problems: Int
            var unknown: Int
            /// Checks that need a component this machine does not have (`needs=`).
            var notApplicable: Int

            init(_ r: [CheckResult]) {
                (checks, ok) = (r.count, r.filter { $0.status == .ok }.count)
                (problems, unknown) = (r.filter { $0.status == .problem }.count, r.filter { $0.status == .unknown }.count)
                notApplicable = r.filter { $0.status == .notApplicable }.count
            }
        }

        struct Report: Encodable {
            var summary: Summary
            var results: [CheckResult]
            var findings: [KBChecks.Doctor.Finding]
            var causes: [[String: String]]?

            /// `kb doctor --json`, and what `kb mcp`'s doctor returns.
            init(_ report: KBChecks.Doctor.Report, symptom: String?) {
                (summary, results, findings) = (Summary(report.results), report.results, report.findings)
                causes = symptom == nil ? nil : report.rankedCauses.map { ["id": $0.cause, "title": $0.title, "status": $0.status.rawValue] }
            }
        }

        func run() async throws {
            let term = global.terminal
            let graph: KnowledgeGraph
            (_, graph) = try global.loadKB(site: siteOption.site, terminal: term)
            var doctor = KBChecks.Doctor(graph: graph, lang: lang)
            doctor.jobs = max(1, jobs)
            let checks: [KBChecks.Doctor.Check]
            do {
                checks = try doctor.checks(.init(symptom: symptom, articles: article, tags: tag))
            } catch {
                term.err("error: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
            let interactive = format == .text && output == nil && !global.json && isatty(STDERR_FILENO) == 1
            var progress: (@Sendable (Int, Int) -> Void)?
            if interactive {
                progress = { (done: Int, total: Int) -> Void in
                    let line = "\r\u{1B}[2K  checking… \(done)/\(total)"
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            let report: KBChecks.Doctor.Report = doctor.run(checks, symptom: symptom, progress: progress)
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            let r: [CheckResult] = report.results
            let summary = Summary(r)
            let text: String
            switch global.json ? .json : format {
            case .json:
                text = jsonString(Report(report, symptom: symptom)) + "\n"
            case .junit:
                text = Reports.junit(suite: "kb doctor", results: r)
            case .prometheus:
                text = Reports.prometheus(results: r, severities: doctor.severities(checks), timestamp: Date().timeIntervalSince1970)
            case .text:
                text = render(report, summary: summary, term: term, graph: graph)
            }
            if let output {
                do { try AtomicWrite.write(text, to: Project.absolute(output, from: FileManager.default.currentDirectoryPath)) } catch {
                    term.err("error: cannot write \(output): \(error)")
                    throw ExitCode(ExitStatus.usage)
                }
            } else {
                term.out(text, terminator: "")
            }
            if summary.problems > 0 { throw ExitCode(ExitStatus.findings) }
        }

        /// flutter-doctor style: one line per check, and under each problem its cause, fix and article.
        func render(_ report: KBChecks.Doctor.Report, summary: Summary, term: Terminal, graph: KnowledgeGraph) -> String {
            var lines: [String] = []
            let width = min(40, report.results.map(\.id.count).max() ?? 10)
            let findings = Dictionary(report.findings.map { ($0.check, $0) }, uniquingKeysWith: { a, _ in a })
            lines.append(term.bold("kb doctor") + term.dim(" — \(summary.checks) checks for \(Shell.currentOS)" + (symptom.map { ", symptom \($0)" } ?? "")))
            // Checks for components this machine does not have are summed up, not listed: a
            // workstation without a cluster sees no wall of lines it cannot act on.
            for r in report.results where r.status != .notApplicable {
                let mark = r.status == .ok ? term.green("✓") : r.status == .problem ? term.red("✗") : term.yellow("?")
                let pad = String(repeating: " ", count: max(1, width - r.id.count + 1))
                lines.append(" \(mark) \(r.id)\(pad)\(term.dim(r.message))")
                guard let f = findings[r.id] else { continue }
                if let cause = f.causeTitle, let id = f.cause {
                    lines.append("     cause: \(cause) " + term.dim("(kb show \(id))"))
                }
                for step in f.fixes {
                    lines.append("     fix \(step.id)" + term.dim(" [\(step.language)\(step.admin ? ", admin" : "")\(step.effect == "destructive" ? ", destructive" : "")]") + ":")
                    for codeLine in step.code.split(separator: "\n", omittingEmptySubsequences: false).dropLast(step.code.hasSuffix("\n") ? 1 : 0) {
                        lines.append("         " + term.cyan(String(codeLine)))
                    }
                }
                for fa in f.fixArticles { lines.append("     fix: " + term.dim("kb show \(fa)")) }
                lines.append("     read: " + term.dim("Site/\(f.sitePath)") + "  " + term.dim(f.show))
            }
            if !report.rankedCauses.isEmpty {
                lines.append("")
                lines.append(term.bold("Causes, most likely first:"))
                for (n, c) in report.rankedCauses.enumerated() {
                    let mark = c.status == .problem ? term.red("found") : c.status == .ok ? term.green("ruled out")
                        : c.status == .notApplicable ? term.dim("not applicable here") : term.yellow("not checked")
                    lines.append(" \(n + 1). \(c.title) — \(mark) " + term.dim("(kb show \(c.cause))"))
                }
            }
            lines.append("")
            var tail = "\(summary.problems) problem\(summary.problems == 1 ? "" : "s"), \(summary.ok) ok, \(summary.unknown) could not check"
            if summary.notApplicable > 0 {
                let needs = Set(report.results.filter { $0.status == .notApplicable }.flatMap { r in
                    graph.articles.first { $0.canonicalID == r.article }?.blocks.first { $0.id == r.id }?.needs ?? []
                }).sorted()
                tail += ", \(summary.notApplicable) not applicable here" + (needs.isEmpty ? "" : " (they need \(needs.joined(separator: ", ")))")
            }
            lines.append(tail)
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
