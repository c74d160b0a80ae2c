import ArgumentParser
import Foundation
import KBBuild
import KBChecks
import KBCluster
import KBContent
import KBCore
import KBSite

extension KB {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Lint the knowledge base, and with --run prove its commands: run examples and checks in a sandbox.",
            discussion: """
            Lints schema, references, links and anchors, ids, translations, block attributes, dangerous advice, and every \
            sh/bash block with shellcheck (PowerShell with pwsh's parser where pwsh exists). With --run, executes example \
            blocks whose shell exists here (temp cwd, HOME and TMPDIR, scrubbed environment, LC_ALL=C, TZ=UTC, timeout \
            kills the process group) and compares them with their output blocks; check blocks must exit 0 or 1.
            Exit 0 when clean, 1 when anything is found (warnings too, unless --allow-warnings), 2 on usage errors.
            """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif, github }

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Run example and check blocks (sandboxed), not only lint.")
        var run = false

        @Flag(name: .long, help: "With --run: rewrite output blocks whose example now prints something else.")
        var update = false

        @Option(name: .long, help: "With --run: standard (own session, limits, scrubbed env) or strict (also no network, read-only file system; Linux). See docs/checks.md.")
        var sandbox: BlockRunner.Sandbox = .standard

        @Option(name: .long, parsing: .singleValue,
                help: "With --run: a component that is there for blocks marked needs=… (repeatable; also KB_PROVIDE=a,b); its variables (ETCD* for etcd) reach the sandbox.")
        var provide: [String] = []

        @Option(name: .long, help: "Blocks run at once (default: the number of cores).")
        var jobs: Int?

        @Option(name: .long, help: "text, json, junit, sarif or github.")
        var format: Format = .text

        @Flag(name: .long, help: "Do not fail on warnings.")
        var allowWarnings = false

        @Flag(name: .long, help: "Name every block that could not be linted, not only the first few per reason.")
        var verbose = false

        @Flag(name: .long, help: "Print every rule kb reports (id, default severity, what it finds) and exit; with --json as JSON.")
        var listRules = false

        @Flag(name: .long, help: "With --list-rules: print docs/rules.md.")
        var markdown = false

        struct Summary: Encodable {
            var articles: Int
            var errors: Int
            var warnings: Int
            var run: Int
            var passed: Int
            var failed: Int
            var skipped: Int
            var linted: Int
            var notLinted: Int
            /// `errors:` texts: proven by an example that ran and passed here, covered by an
            /// example (not run), Windows-only, neither.
            var errorTextsProven: Int
            var errorTextsCovered: Int
            var errorTextsWindowsOnly: Int
            var errorTextsUnproven: Int
        }

        struct Report: Encodable {
            var summary: Summary
            var results: [CheckResult]
        }

        func validate() throws {
            if update && !run { throw ValidationError("--update needs --run") }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            if markdown && !listRules { throw ValidationError("--markdown needs --list-rules") }
        }

        func run() async throws {
            let term = global.terminal
            if listRules {
                if markdown { term.out(RuleListing.markdown(), terminator: "") }
                else if global.json || format == .json { term.out(jsonString(RuleListing.document)) }
                else { term.out(RuleListing.text(), terminator: "") }
                return
            }
            let content: LoadedContent, graph: KnowledgeGraph
            (content, graph) = try global.loadKB(terminal: term)
            var engine = CheckEngine()
            engine.runBlocks = run
            engine.runner.sandbox = sandbox
            engine.runner.components.provided.formUnion(provide)
            if let jobs { engine.jobs = jobs }
            let blocks = engine.run(graph)
            // Prometheus rule files the KB declares (`*.rules.yml` under the content folder).
            let contentDir = content.project.contentDirectory
            let declaredRules = DeclaredRules.load(contentDirectory: contentDir, files: content.assets.map(\.relativePath),
                                                   displayPrefix: Project.displayPath(contentDir)).diagnostics
            // The KB's own theme overrides: a template that does not parse or includes itself fails here, not at build.
            var themeDiagnostics: [Diagnostic] = []
            do { _ = try Theme(overrides: content.project.root + "/Templates") } catch let e as DiagnosticError { themeDiagnostics = e.diagnostics }
            var diagnostics = (graph.diagnostics + AdviceRule.configDiagnostics(graph.config)
                + graph.articles.parallelMap { AdviceRule.lint($0, config: graph.config) + PlatformLint.lint($0, config: graph.config) }.flatMap { $0 }
                + blocks.lintDiagnostics
                + declaredRules + themeDiagnostics).sortedByLocation()
            var results = blocks.results

            if update, !blocks.drift.isEmpty {
                let root = content.project.contentDirectory
                let byDisplay = Dictionary(graph.articles.map { ($0.displayPath, root + "/" + $0.path) }, uniquingKeysWith: { a, _ in a })
                let files = try OutputUpdater.apply(blocks.drift.map { ($0.output, $0.actual) }) { byDisplay[$0] ?? $0 }
                for d in blocks.drift {
                    results[d.result].status = .passed
                    results[d.result].message = "output block updated"
                }
                diagnostics.append(contentsOf: files.map { .note("updated output blocks", rule: .updated, at: SourceLocation(path: $0, line: 1, column: 1)) })
            }

            let findings = diagnostics.filter { $0.severity != .note }
            let s = blocks.summary
            let failed = results.filter { $0.status == .failed }.count
            let proof = ErrorProof.count(graph, passed: run ? Set(results.filter { $0.status == .passed && $0.kind == "example" }.map { $0.article + "#" + $0.id }) : nil)
            let summary = Summary(articles: content.articles.count, errors: findings.errorCount + failed, warnings: findings.warningCount,
                                  run: s.run, passed: results.filter { $0.status == .passed }.count, failed: failed, skipped: s.skipped,
                                  linted: s.linted, notLinted: s.notLinted,
                                  errorTextsProven: proof.proven, errorTextsCovered: proof.covered,
                                  errorTextsWindowsOnly: proof.windowsOnly, errorTextsUnproven: proof.unproven)
            let byPath = Dictionary(graph.articles.map { ($0.displayPath, $0.canonicalID) }, uniquingKeysWith: { a, _ in a })
            let lintResults = findings.map { d in
                CheckResult(id: d.rule.id, article: d.location.flatMap { byPath[$0.path] } ?? "", kind: "lint",
                            status: .failed, message: d.message, file: d.location?.path ?? "", line: d.location?.line ?? 0,
                            column: d.location?.column ?? 0, severity: d.severity.rawValue)
            }
            switch global.json ? .json : format {
            case .json:
                term.out(jsonString(Report(summary: summary, results: lintResults + results)))
            case .junit:
                term.out(Reports.junit(suite: "kb check", results: results, diagnostics: findings))
            case .sarif:
                term.out(Reports.sarif(results: results, diagnostics: findings, version: SiteBuilder.version))
            case .github:
                term.out(Reports.github(results: results, diagnostics: findings), terminator: "")
            case .text:
                term.report(findings)
                for r in results where r.status == .failed {
                    term.err("\(term.bold(r.location + ":")) \(term.red("error")): \(r.kind) \(r.id): \(r.message)")
                    if let out = r.output { term.err(out.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")) }
                }
                // What was not run or not linted is named, never passed silently.
                for r in results where r.status == .skipped {
                    term.out(term.dim("skipped \(r.kind) \(r.id) at \(r.location): \(r.message)"))
                }
                // Blocks that could not be linted: counted by reason and named (all with --verbose).
                let notes = diagnostics.filter { $0.severity == .note }
                var reasons: [String] = []
                var byReason: [String: [Diagnostic]] = [:]
                for d in notes {
                    if byReason[d.message] == nil { reasons.append(d.message) }
                    byReason[d.message, default: []].append(d)
                }
                for reason in reasons {
                    let list = byReason[reason]!
                    let shown = verbose ? list : Array(list.prefix(3))
                    let more = list.count > shown.count ? " and \(list.count - shown.count) more (--verbose lists them)" : ""
                    term.out(term.dim("\(list.count) block\(list.count == 1 ? "" : "s") \(reason): " + shown.compactMap { $0.location?.description }.joined(separator: ", ") + more))
                }
                let mark = summary.errors > 0 ? term.red("✗") : summary.warnings > 0 ? term.yellow("!") : term.green("✓")
                var line = "\(mark) \(summary.articles) articles checked: \(summary.errors) error\(summary.errors == 1 ? "" : "s"), \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")"
                line += "; blocks: \(s.linted) linted, \(s.notLinted) not linted"
                if run { line += ", \(summary.run) run (\(summary.passed) passed, \(summary.failed) failed), \(summary.skipped) skipped" }
                let p = proof
                if p.covered + p.windowsOnly + p.unproven > 0 {
                    line += "; error texts: " + (run ? "\(p.proven) proven by a run here" : "\(p.covered) with an example (--run proves them)")
                        + ", \(p.windowsOnly) Windows-only, \(p.unproven) unproven"
                }
                term.out(line)
            }
            if summary.errors > 0 || (summary.warnings > 0 && !allowWarnings) { throw ExitCode(ExitStatus.findings) }
        }
    }
}

extension BlockRunner.Sandbox: ExpressibleByArgument {}
