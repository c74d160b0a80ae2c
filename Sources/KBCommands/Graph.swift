import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore

extension KB {
    struct Graph: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Export the knowledge graph: articles, checks, fixes, error texts and entities with typed edges.")

        enum Format: String, ExpressibleByArgument, CaseIterable { case json, dot, graphml }

        @OptionGroup var global: GlobalOptions

        @OptionGroup var siteOption: SiteOption

        @Option(name: .long, help: "json, dot or graphml.")
        var format: Format = .json

        @Option(name: .long, help: "Only this language's articles.")
        var lang: String?

        func run() async throws {
            let term = global.terminal
            let graph: KnowledgeGraph
            (_, graph) = try global.loadKB(site: siteOption.site, terminal: term)
            let export = graph.export(lang: lang)
            switch global.json ? .json : format {
            case .json: term.out(export.json())
            case .dot: term.out(export.dot())
            case .graphml: term.out(export.graphML())
            }
            if graph.diagnostics.hasErrors {
                term.err("\(graph.diagnostics.errorCount) errors in the KB: run kb check; unresolved references are missing from the graph")
                throw ExitCode(ExitStatus.findings)
            }
        }
    }
}
