import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore

extension KB {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Render the knowledge base into a static site that works from disk.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "Output folder (default: Site/ beside Content/).")
        var output: String?

        @Option(name: .long, help: "Public URL of the site, for canonical links.")
        var baseURL: String?

        @Flag(name: .long, help: "Ignore the build cache and render every page.")
        var force = false

        @Flag(name: .long, help: "Replace the output folder even if it is not empty and kb did not build it.")
        var forceOutput = false

        @Flag(name: .long, help: "Publish pages marked draft: true in their front matter.")
        var drafts = false

        struct Report: Encodable {
            var ok: Bool
            var output: String
            var upToDate: Bool
            var stats: BuildStats
            var diagnostics: [Diagnostic]
        }

        /// Warnings grouped by rule (most frequent first) and how many internal links resolve.
        static func summary(_ diagnostics: [Diagnostic], stats: BuildStats) -> [String] {
            var lines: [String] = []
            let warnings = diagnostics.filter { $0.severity == .warning }
            if !warnings.isEmpty {
                let byRule = Dictionary(grouping: warnings, by: \.rule.id).map { ($0.key, $0.value.count) }
                    .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
                lines.append("\(warnings.count) warning\(warnings.count == 1 ? "" : "s"): "
                             + byRule.map { "\($0.1) \($0.0)" }.joined(separator: ", "))
            }
            if stats.internalLinks > 0 {
                let pct = Double(stats.resolvedLinks) * 100 / Double(stats.internalLinks)
                lines.append("\(stats.resolvedLinks) of \(stats.internalLinks) internal links resolve (\(String(format: "%.1f", pct)) %)")
            }
            return lines
        }

        func run() async throws {
            let term = global.terminal
            do {
                var options = BuildOptions(content: global.content, output: output, baseURL: baseURL, force: force, forceOutput: forceOutput)
                options.drafts = drafts
                // The process ends with the build: its state is freed by the exit, all at once.
                Teardown.shared.keepUntilExit()
                let context = try SiteBuilder.build(options)
                if global.json {
                    term.out(jsonString(Report(ok: true, output: context.outputDirectory, upToDate: context.upToDate,
                                               stats: context.stats, diagnostics: context.diagnostics)))
                } else {
                    term.report(context.diagnostics)
                    let s = context.stats
                    let what = context.upToDate
                        ? "Up to date: \(s.pages) pages"
                        : "Built \(s.pages) pages (\(s.rendered) rendered, \(s.reused) unchanged) from \(s.articles) articles (\(s.parsed) parsed)"
                    term.out("\(term.green("✓")) \(what) in \(String(format: "%.2f", s.seconds)) s → \(Project.displayPath(context.outputDirectory))")
                    for line in Self.summary(context.diagnostics, stats: s) { term.out(line) }
                }
            } catch let failure as BuildFailure {
                if global.json {
                    term.out(jsonString(Report(ok: false, output: output ?? "", upToDate: false, stats: BuildStats(),
                                               diagnostics: failure.diagnostics)))
                } else {
                    term.report(failure.diagnostics)
                    let n = failure.diagnostics.errorCount
                    term.err("\(term.red("✗")) build failed in step '\(failure.step)' with \(n) error\(n == 1 ? "" : "s"); the previous site is untouched")
                }
                throw ExitCode(failure.diagnostics.contains { $0.rule == .usage } ? ExitStatus.usage : ExitStatus.findings)
            } catch let error as DiagnosticError {
                term.report(error.diagnostics)
                throw ExitCode(ExitStatus.usage)
            }
        }
    }
}
