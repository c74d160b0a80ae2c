import ArgumentParser
import Foundation
import KBBuild
import KBCluster
import KBContent
import KBCore

extension KB {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "Prometheus alerts and kb: the rule file over kb's check metrics, and which runbook answers each alert.",
            subcommands: [Rules.self, List.self],
            defaultSubcommand: List.self)

        struct Rules: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rules",
                abstract: "Write a Prometheus rule file: KBCheckFailing and KBDiagnosticsStale over kb doctor's metrics, plus the KB's *.rules.yml.",
                discussion: """
                Every node runs `kb doctor --format prometheus --output <textfile dir>/kb.prom` (see deploy/); node_exporter \
                exports the file and these rules alert on it, with runbook_url pointing into the site. The KB's own rule files \
                (*.rules.yml under the content folder) are checked and appended; their alerts get a runbook_url to \
                <base>/alerts/<Alert>.html when they have none. Check the result with `promtool check rules FILE`. \
                Exit 0 written, 2 on usage errors or an invalid rule file.
                """)

            @OptionGroup var global: GlobalOptions

            @Option(name: .long, help: "The site's public address, for runbook_url (default: base_url in kb.yml).")
            var baseURL: String?

            @Option(name: .customLong("for"), help: "How long a check must fail before KBCheckFailing fires (a Prometheus duration; 0s fires at once).")
            var failingFor = "15m"

            @Option(name: .long, help: "How old a node's kb results may get before KBDiagnosticsStale fires.")
            var staleAfter = "1h"

            @Option(name: .long, help: "The file name kb doctor writes in node_exporter's textfile directory.")
            var fileName = "kb.prom"

            @Option(name: .long, help: "Write the rule file here, atomically, instead of to standard output.")
            var output: String?

            func validate() throws {
                guard PromDuration(failingFor) != nil else { throw ValidationError("--for '\(failingFor)' is not a Prometheus duration such as 30s, 15m or 1h") }
                guard let stale = PromDuration(staleAfter), stale.seconds >= 1 else {
                    throw ValidationError("--stale-after '\(staleAfter)' is not a Prometheus duration of at least 1s, such as 1h")
                }
                guard !fileName.isEmpty, !fileName.contains("/") else { throw ValidationError("--file-name is a file name, not a path") }
                if let baseURL { try Self.checkBase(baseURL) }
            }

            static func checkBase(_ base: String) throws {
                guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                      url.host?.isEmpty == false, url.query == nil, url.fragment == nil else {
                    throw ValidationError("--base-url '\(base)' must be the site's absolute http(s) address, e.g. https://kb.example.org/")
                }
            }

            func run() async throws {
                let term = global.terminal
                let content: LoadedContent, graph: KnowledgeGraph
                (content, graph) = try global.loadKB(terminal: term)
                guard let base = baseURL ?? graph.config.baseURL else {
                    term.err("error: runbook_url needs the site's address: pass --base-url https://kb.example.org/ or set base_url in kb.yml")
                    throw ExitCode(ExitStatus.usage)
                }
                if baseURL == nil {
                    do { try Self.checkBase(base) } catch {
                        term.err("error: base_url in kb.yml: \(error)")
                        throw ExitCode(ExitStatus.usage)
                    }
                }
                var rules = AlertRules(baseURL: base)
                rules.failingFor = PromDuration(failingFor)!
                rules.staleAfter = PromDuration(staleAfter)!
                rules.fileName = fileName
                let contentDir = content.project.contentDirectory
                let declared = DeclaredRules.load(contentDirectory: contentDir, files: content.assets.map(\.relativePath),
                                                  displayPrefix: Project.displayPath(contentDir))
                term.report(declared.diagnostics)
                if declared.diagnostics.hasErrors { throw ExitCode(ExitStatus.usage) }
                let rendered: (text: String, diagnostics: [Diagnostic])
                do { rendered = try rules.render(graph: graph, declared: declared.rules, source: graph.config.title) } catch {
                    term.report(error.diagnostics)
                    throw ExitCode(ExitStatus.usage)
                }
                term.report(rendered.diagnostics)
                var text = rendered.text
                if global.json {
                    guard let json = AlertRules.json(fromYAML: text) else {
                        term.err("error: cannot convert the rule file to JSON")
                        throw ExitCode(ExitStatus.usage)
                    }
                    text = json
                }
                if let output {
                    do { try AtomicWrite.write(text, to: Project.absolute(output, from: FileManager.default.currentDirectoryPath)) } catch {
                        term.err("error: cannot write \(output): \(error)")
                        throw ExitCode(ExitStatus.usage)
                    }
                } else {
                    term.out(text, terminator: "")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "Every alert the KB has a runbook for, with its article and site URL.")

            @OptionGroup var global: GlobalOptions

            @Option(name: .long, help: "Language of the articles (default: the KB's).")
            var lang: String?

            struct Entry: Encodable {
                var alert: String
                var id: String
                var title: String
                var severity: String?
                var url: String
            }

            func run() async throws {
                let term = global.terminal
                let graph: KnowledgeGraph
                (_, graph) = try global.loadKB(terminal: term)
                let index = RunbookIndex(graph: graph, lang: lang)
                let entries = index.alerts.map { e in
                    let a = graph.articles[e.article]
                    return Entry(alert: e.alert, id: a.canonicalID, title: a.title, severity: a.severity?.rawValue, url: index.alertPath(e.alert))
                }
                if global.json {
                    term.out(jsonString(["alerts": entries]))
                    return
                }
                if entries.isEmpty {
                    term.out("No article names an alert (add `alerts: [AlertName]` to a runbook's front matter).")
                    return
                }
                let width = min(40, entries.map(\.alert.count).max() ?? 10)
                for e in entries {
                    let pad = String(repeating: " ", count: max(1, width - e.alert.count + 1))
                    term.out(term.bold(e.alert) + pad + e.id + (e.severity.map { term.dim(" (\($0))") } ?? "") + "  " + term.dim("Site/" + e.url))
                }
            }
        }
    }
}
