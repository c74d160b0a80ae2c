import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore
import KBMarkdown

extension KB {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an article in the terminal: kind, summary, error texts, causes, checks, fixes and body.")

        @OptionGroup var global: GlobalOptions

        @OptionGroup var siteOption: SiteOption

        @Argument(help: "Short id (go-command-not-found) or canonical id (go-windows/go-command-not-found).")
        var id: String

        @Option(name: .long, help: "Language (default: the KB's default language).")
        var lang: String?

        struct Report: Encodable {
            var id: String
            var canonicalID: String
            var lang: String
            var title: String
            var kind: String
            var summary: String
            var file: String
            var errors: [String]
            var causes: [String]
            var fixes: [String]
            var checks: [String]
            var body: String
        }

        /// The typed facts of article `i` (`kb show --json`, and `kb mcp`'s show with the Markdown as body).
        static func report(_ graph: KnowledgeGraph, _ i: Int, body: String) -> Report {
            let a = graph.articles[i]
            let ids = { (list: [Int]) in list.map { graph.articles[$0].shortID } }
            return Report(id: a.shortID, canonicalID: a.canonicalID, lang: a.lang, title: a.title, kind: a.kind.rawValue,
                          summary: a.summary, file: a.displayPath, errors: a.errors.map(\.text),
                          causes: ids(graph.causes[i]), fixes: ids(graph.fixes[i]),
                          checks: a.checks.compactMap(\.id), body: body)
        }

        func run() async throws {
            let term = global.terminal
            let content: LoadedContent, graph: KnowledgeGraph
            if let site = siteOption.site {
                // Only this article (and what its page names) is parsed from the site's sources.
                do { (content, graph) = try GraphLoader.load(site: site, article: id, lang: lang) } catch let e as DiagnosticError {
                    term.report(e.diagnostics)
                    throw ExitCode(ExitStatus.usage)
                }
            } else {
                (content, graph) = try global.loadKB(terminal: term)
            }
            let wanted = lang ?? graph.config.defaultLanguage
            let i: Int
            switch graph.resolve(id, lang: wanted) {
            case .found(let n): i = n
            case .missing(let suggestion):
                let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
                term.err("error: no article '\(id)'\(hint)")
                throw ExitCode(ExitStatus.findings)
            case .ambiguous(let candidates):
                term.err("error: '\(id)' is ambiguous; use one of: \(candidates.joined(separator: ", "))")
                throw ExitCode(ExitStatus.usage)
            }
            let a = graph.articles[i]
            let parsed = ArticleParser(config: graph.config).parse(bytes: (try? content.read(a.path)) ?? [],
                                                                   path: a.path, displayPath: a.displayPath)
            var style = TextRenderer.Style()
            style.heading = term.bold
            style.code = term.cyan
            style.emphasis = term.bold
            style.dim = term.dim
            var renderer = TextRenderer(style: style)
            let firstHeading = parsed.document.root.children.first.flatMap { $0.kind == .heading && $0.level == 1 ? $0.plainText : nil }
            renderer.skipFirstHeading = a.titleFromHeading || firstHeading?.trimmingCharacters(in: .whitespaces) == a.title
            let body = renderer.render(parsed.document)

            if global.json {
                term.out(jsonString(Self.report(graph, i, body: body)))
                return
            }
            var lines: [String] = []
            lines.append(term.bold(a.title) + "  " + term.dim("[\(a.kind.rawValue)] \(a.canonicalID) (\(a.lang))"))
            if !a.summary.isEmpty { lines.append(a.summary) }
            if !a.platforms.isEmpty { lines.append(term.dim("platforms: ") + a.platforms.map(\.rawValue).joined(separator: ", ")) }
            if !a.errors.isEmpty {
                lines.append("")
                lines.append(term.bold("Error texts"))
                lines += a.errors.map { "  " + term.yellow($0.text) }
            }
            if !graph.causes[i].isEmpty {
                lines.append("")
                lines.append(term.bold("Likely causes"))
                for c in graph.causes[i] {
                    let cause = graph.articles[graph.article(canonical: graph.articles[c].canonicalID, lang: a.lang) ?? c]
                    lines.append("  • \(cause.title) " + term.dim("(kb show \(cause.shortID))"))
                    for check in cause.checks { lines.append("      " + term.dim("check ") + (check.id ?? "") + term.dim(" [\(check.os.joined(separator: ","))]")) }
                }
            }
            let fixes = graph.fixes[i].map { graph.articles[$0] }
            if !fixes.isEmpty || !a.fixBlocks.isEmpty {
                lines.append("")
                lines.append(term.bold("Fixes"))
                lines += fixes.map { "  • \($0.title) " + term.dim("(kb show \($0.shortID))") }
                lines += a.fixBlocks.map { "  • " + ($0.id ?? "") + term.dim(" [\($0.os.joined(separator: ","))]") }
            }
            lines.append("")
            lines.append(body)
            lines.append(term.dim("file: \(a.displayPath)"))
            term.out(lines.joined(separator: "\n"))
        }
    }
}
