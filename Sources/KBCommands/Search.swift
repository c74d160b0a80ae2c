import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore
import KBSearch

extension KB {
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Search the knowledge base: words or a pasted error, in any language.",
            discussion: """
                Ranks articles by their title, error texts, summary, headings, body and code (docs/search.md), \
                the same way the site's search box does. Inside a KB the index is refreshed first when the \
                content changed; with --site it reads a built site's index alone. Exit 0 with results, 1 with none.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "What to look for (words, an error message; quote it or pass several words).")
        var query: [String]

        @Option(name: .long, help: "A built site to search instead of a KB (its search/ folder).")
        var site: String?

        @Option(name: .long, help: "Only this language (default: the query's, else the KB's default).")
        var lang: String?

        @Option(name: .long, help: "Only this kind: symptom, cause, fix, concept, runbook, reference (repeatable).")
        var kind: [String] = []

        @Option(name: .long, help: "Only this platform: windows, linux, macos, kubernetes (repeatable).")
        var platform: [String] = []

        @Option(name: .long, help: "Only articles about this tool (repeatable).")
        var tool: [String] = []

        @Option(name: .long, help: "Only articles with this tag (repeatable).")
        var tag: [String] = []

        @Option(name: .long, help: "At most this many results.")
        var limit = 10

        @Flag(name: .long, help: "Say why each result ranks where it does (match level, coverage, score, terms).")
        var explain = false

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
            if query.joined().trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("give something to search for") }
            if let problem = Self.facetProblem(kind: kind, platform: platform) { throw ValidationError(problem) }
        }

        /// An unknown kind or platform, with the closest known one (`kb search` and `kb mcp`).
        static func facetProblem(kind: [String], platform: [String]) -> String? {
            for k in kind where ArticleKind(rawValue: k) == nil {
                let hint = Slug.closest(to: k, in: ArticleKind.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                return "unknown kind '\(k)'\(hint)"
            }
            for p in platform where Platform(rawValue: p) == nil {
                let hint = Slug.closest(to: p, in: Platform.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                return "unknown platform '\(p)'\(hint)"
            }
            return nil
        }

        struct Report: Encodable {
            var query: String
            /// The ranking key, best first (docs/search.md §Ranking).
            var order = "level, band, score"
            var results: [RankedResult]
        }

        func run() async throws {
            let term = global.terminal
            let text = query.joined(separator: " ")
            var source = try SearchSource.open(global: global, site: site, terminal: term)
            // The index being checked meanwhile has the language unless it is stale: only then wait.
            if let lang, !source.languages.contains(lang) { source = try source.validated(terminal: term).0 }
            if let lang, !source.languages.contains(lang) {
                term.err("error: no '\(lang)' index; languages: \(source.languages.joined(separator: ", ")) [usage]")
                throw ExitCode(ExitStatus.usage)
            }
            var filters: [Facet: [String]] = [.kind: kind, .platform: platform, .tool: tool, .tag: tag]
            filters[.lang] = lang.map { [$0] } ?? []
            let searchQuery = SearchQuery(text: text, filters: filters, limit: limit, prefix: true)
            var results = try Searcher.search(searchQuery, readers: source.ordered(for: text))
            let (checked, changed) = try source.validated(terminal: term)
            if changed {
                source = checked
                results = try Searcher.search(searchQuery, readers: source.ordered(for: text))
            }
            if global.json {
                term.out(jsonString(Report(query: text, results: results.map(RankedResult.init))))
            } else if results.isEmpty {
                term.err("no results for '\(text)'")
            } else {
                var lines: [String] = []
                for r in results {
                    let d = r.document
                    lines.append(term.bold(d.id) + "  " + d.title + "  " + term.dim("[\(d.kind)]" + (source.languages.count > 1 ? " (\(d.lang))" : "")))
                    let snippet = r.snippet.rendered { term.paint($0, "1;33") }
                    if !snippet.isEmpty { lines.append("    " + snippet) }
                    if explain { lines.append("    " + term.dim(RankedResult(r).explanation)) }
                    lines.append("    " + term.dim(source.location(of: d)))
                }
                term.out(lines.joined(separator: "\n"))
            }
            if results.isEmpty { throw ExitCode(ExitStatus.findings) }
        }
    }
}

/// Where `kb search` and `kb match` read the index: a KB's SQLite store (refreshed when stale),
/// or a built site's shards (`--site`, or the current folder when it is a site).
struct SearchSource {
    var readers: [IndexReader]
    var languages: [String] { readers.map(\.lang) }
    /// Folder the result URLs are relative to, for display.
    var siteDirectory: String?
    /// Set when the readers came from the existing index before its freshness was known.
    var isFresh: (@Sendable () -> Bool)?
    var project: Project?

    /// The same source with a fresh index: itself when the speculative index was fresh.
    func validated(terminal term: Terminal) throws -> (SearchSource, changed: Bool) {
        guard let isFresh, let project, !isFresh() else { return (self, false) }
        do {
            let (store, _) = try SearchIndexing.freshStore(project)
            return (SearchSource(readers: try store.languages().map { try store.reader(lang: $0) }, siteDirectory: nil), true)
        } catch let e as DiagnosticError {
            term.report(e.diagnostics)
            throw ExitCode(ExitStatus.usage)
        }
    }

    static func open(global: GlobalOptions, site: String?, terminal term: Terminal) throws -> SearchSource {
        func fromSite(_ dir: String) throws -> SearchSource {
            let langs = ShardReader.languages(site: dir)
            guard !langs.isEmpty else {
                term.err("error: \(dir) has no search index (search/<lang>/meta.js); rebuild it with kb build [usage]")
                throw ExitCode(ExitStatus.usage)
            }
            // The default language is the one at the site's root.
            let head = (try? String(contentsOfFile: dir + "/index.html", encoding: .utf8).prefix(400)) ?? ""
            let rootLang = head.firstMatch(of: /<html lang="([^"]+)"/).map { String($0.1) }
            let ordered = langs.sorted { ($0 == rootLang ? 0 : 1, $0) < ($1 == rootLang ? 0 : 1, $1) }
            return SearchSource(readers: try ordered.map { try ShardReader(site: dir, lang: $0) }, siteDirectory: dir)
        }
        if let site {
            let dir = Project.absolute(site, from: FileManager.default.currentDirectoryPath)
            guard FileManager.default.fileExists(atPath: dir) else {
                term.err("error: site folder not found: \(site) [usage]")
                throw ExitCode(ExitStatus.usage)
            }
            return try fromSite(dir)
        }
        let project: Project
        do {
            project = try Project.discover(content: global.content)
        } catch let e as DiagnosticError {
            // No KB here: a built site in this folder still answers.
            let cwd = FileManager.default.currentDirectoryPath
            if global.content == nil, !ShardReader.languages(site: cwd).isEmpty { return try fromSite(cwd) }
            term.report(e.diagnostics)
            throw ExitCode(ExitStatus.usage)
        }
        // Query the existing index while its freshness is checked (see `validated`).
        if let (store, isFresh) = SearchIndexing.speculativeStore(project),
           let readers = try? store.languages().map({ try store.reader(lang: $0) }) {
            return SearchSource(readers: readers, siteDirectory: nil, isFresh: isFresh, project: project)
        }
        do {
            let (store, _) = try SearchIndexing.freshStore(project)
            let readers: [IndexReader] = try store.languages().map { try store.reader(lang: $0) }
            return SearchSource(readers: readers, siteDirectory: nil)
        } catch let e as DiagnosticError {
            term.report(e.diagnostics)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// Readers in the order to try for this query (Searcher.languageOrder).
    func ordered(for query: String) -> [IndexReader] {
        Searcher.languageOrder(query: query, available: languages).compactMap { l in readers.first { $0.lang == l } }
    }

    func location(of d: SearchDocument) -> String {
        siteDirectory.map { Project.displayPath($0 + "/" + d.url) } ?? d.url
    }
}
