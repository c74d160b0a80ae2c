import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore

extension KB {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint the knowledge base: schema, references, links and anchors, ids, translations, block attributes.",
            discussion: "Exit 0 when clean, 1 when anything is found (warnings too, unless --allow-warnings), 2 on usage errors.")

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Do not fail on warnings.")
        var allowWarnings = false

        struct Result: Encodable {
            var id: String
            var article: String
            var status: String
            var message: String
            var file: String
            var line: Int
            var column: Int
        }

        struct Summary: Encodable {
            var articles: Int
            var errors: Int
            var warnings: Int
        }

        struct Report: Encodable {
            var summary: Summary
            var results: [Result]
        }

        func run() async throws {
            let term = global.terminal
            let content: LoadedContent, graph: KnowledgeGraph
            do { (content, graph) = try GraphLoader.load(content: global.content) } catch let e as DiagnosticError {
                term.report(e.diagnostics)
                throw ExitCode(ExitStatus.usage)
            }
            let diagnostics = graph.diagnostics.sortedByLocation()
            let byPath = Dictionary(graph.articles.map { ($0.displayPath, $0.canonicalID) }, uniquingKeysWith: { a, _ in a })
            let summary = Summary(articles: content.articles.count, errors: diagnostics.errorCount, warnings: diagnostics.warningCount)
            if global.json {
                let results = diagnostics.map { d in
                    Result(id: d.rule, article: d.location.flatMap { byPath[$0.path] } ?? "", status: d.severity.rawValue,
                           message: d.message, file: d.location?.path ?? "", line: d.location?.line ?? 0, column: d.location?.column ?? 0)
                }
                term.out(jsonString(Report(summary: summary, results: results)))
            } else {
                term.report(diagnostics)
                let mark = summary.errors > 0 ? term.red("✗") : summary.warnings > 0 ? term.yellow("!") : term.green("✓")
                term.out("\(mark) \(summary.articles) articles checked: \(summary.errors) error\(summary.errors == 1 ? "" : "s"), \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")")
            }
            if summary.errors > 0 || (summary.warnings > 0 && !allowWarnings) { throw ExitCode(ExitStatus.findings) }
        }
    }
}
