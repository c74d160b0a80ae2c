import ArgumentParser
import Foundation
import KBBuild
import KBChecks
import KBCluster
import KBContent
import KBCore
import KBSearch
import MCP

extension KB {
    struct Mcp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve the KB to AI assistants: a Model Context Protocol server over standard input and output.",
            discussion: """
                Tools: search, match, show, doctor (runs one symptom's read-only checks here; never a fix) and \
                runbook; every article is a resource kb://<id> (kb://<id>?lang=zh for a translation). Reads the KB \
                found from the current folder upward, --content, or a built site (--site). Register it with an \
                assistant as the command `kb mcp` (docs/mcp.md). Messages and logs go to standard error; standard \
                output carries the protocol only. Exits when the client closes standard input.
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup var siteOption: SiteOption

        func run() async throws {
            let library = try MCPLibrary(content: global.content, site: siteOption.site)
            let server = Server(
                name: "kb", version: SiteBuilder.version, title: "kb troubleshooting knowledge base",
                instructions: MCPLibrary.instructions,
                capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
            await library.register(on: server)
            try await server.start(transport: StdioTransport())
            await server.waitUntilCompleted()
        }
    }
}

/// A tool's input that cannot be used: the message goes back to the assistant as a tool error
/// (`isError: true`), so it can correct the call.
struct ToolInputError: Error {
    var message: String
}

/// What the MCP server answers from: the resolved graph (show, doctor, runbook, resources) and the
/// search index (search, match). One actor: index readers are used by one request at a time.
actor MCPLibrary {
    private var content: LoadedContent
    private var graph: KnowledgeGraph
    private var source: SearchSource
    private let options: GlobalOptions
    private let site: String?
    /// Errors and notes for the server's standard error (never standard output: the protocol's).
    private let term = Terminal(colour: false)

    /// The most a `match` log may hold: a pasted log, not a disk image.
    static let maxLogBytes = 8 << 20
    static let resourcePage = 500

    static let instructions = """
        kb is an offline troubleshooting knowledge base. For an error message or a log, call match (the whole \
        log) or search (a few words); then show an article by its id for its causes, checks and fixes. doctor \
        runs a symptom's read-only checks on this machine and says which cause is present; it never changes \
        anything. runbook answers a Prometheus alert name or runbook URL. Articles are also resources kb://<id>.
        """

    init(content: String?, site: String?) throws {
        var options = GlobalOptions()
        options.content = content
        self.options = options
        self.site = site
        (self.content, self.graph) = try options.loadKB(site: site, terminal: term)
        source = try SearchSource.open(global: options, site: site, terminal: term)
    }

    // MARK: registration

    nonisolated func register(on server: Server) async {
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: Self.tools) }
        await server.withMethodHandler(CallTool.self) { [self] params in
            guard let tool = Self.tools.first(where: { $0.name == params.name }) else {
                let hint = Slug.closest(to: params.name, in: Self.tools.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
                throw MCPError.invalidParams("unknown tool '\(params.name)'\(hint); kb's tools: \(Self.tools.map(\.name).joined(separator: ", "))")
            }
            do {
                let arguments = try ToolArguments(tool: tool, values: params.arguments ?? [:])
                return try await call(tool.name, arguments)
            } catch let e as ToolInputError {
                return .init(content: [.text(text: "\(tool.name): \(e.message)", annotations: nil, _meta: nil)], isError: true)
            }
        }
        await server.withMethodHandler(ListResources.self) { [self] params in try await listResources(cursor: params.cursor) }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            .init(templates: [Resource.Template(
                uriTemplate: "kb://{id}{?lang}", name: "article",
                title: "A kb article by id",
                description: "An article's Markdown with its front matter, by short id (go-command-not-found) or canonical id (go-windows/go-command-not-found); lang picks a translation.",
                mimeType: "text/markdown")])
        }
        await server.withMethodHandler(ReadResource.self) { [self] params in try await readResource(params.uri) }
    }

    // MARK: tools

    static let tools: [Tool] = {
        func schema(_ properties: [String: Value], required: [String]) -> Value {
            .object(["type": "object", "properties": .object(properties),
                     "required": .array(required.map(Value.string)), "additionalProperties": false])
        }
        let lang: Value = .object(["type": "string", "description": "Language code of the articles (en, zh, …); default: the query's, else the KB's default."])
        let readOnly = Tool.Annotations(readOnlyHint: true, openWorldHint: false)
        return [
            Tool(name: "search", title: "Search the KB",
                 description: "Ranked articles for words or an error message, in any language (the same ranking as `kb search --json`).",
                 inputSchema: schema([
                    "query": .object(["type": "string", "description": "Words or an error message."]),
                    "lang": lang,
                    "kind": .object(["type": "array", "items": .object(["type": "string", "enum": .array(ArticleKind.allCases.map { .string($0.rawValue) })]),
                                     "description": "Only these kinds."]),
                    "limit": .object(["type": "integer", "minimum": 1, "maximum": 50, "default": 10]),
                 ], required: ["query"]), annotations: readOnly),
            Tool(name: "match", title: "Match an error log",
                 description: "The articles an error log points at: known error texts first (with the lines that matched), then ranked search over the log's informative lines (`kb match --json`).",
                 inputSchema: schema([
                    "log": .object(["type": "string", "description": "The log text, as pasted (up to 8 MiB)."]),
                    "lang": lang,
                    "limit": .object(["type": "integer", "minimum": 1, "maximum": 50, "default": 5]),
                 ], required: ["log"]), annotations: readOnly),
            Tool(name: "show", title: "Show an article",
                 description: "An article's Markdown (with its front matter) and its typed facts: kind, error texts, causes, checks and fixes.",
                 inputSchema: schema([
                    "id": .object(["type": "string", "description": "Short id (go-command-not-found) or canonical id (go-windows/go-command-not-found)."]),
                    "lang": lang,
                 ], required: ["id"]), annotations: readOnly),
            Tool(name: "doctor", title: "Check this machine for a symptom",
                 description: "Runs the read-only checks of one symptom's causes on the machine kb runs on and returns each result, the causes found (most likely first) and their fixes to show the user. Never runs a fix.",
                 inputSchema: schema([
                    "symptom": .object(["type": "string", "description": "The symptom article's id."]),
                    "lang": lang,
                 ], required: ["symptom"]),
                 annotations: Tool.Annotations(readOnlyHint: true, idempotentHint: true, openWorldHint: false)),
            Tool(name: "runbook", title: "Runbook for an alert",
                 description: "The runbook article for a Prometheus alert, by name (any case) or runbook URL, with its first fix.",
                 inputSchema: schema([
                    "alert": .object(["type": "string", "description": "An alert name (KubeNodeNotReady) or a runbook URL."]),
                    "lang": lang,
                 ], required: ["alert"]), annotations: readOnly),
        ]
    }()

    private func call(_ name: String, _ args: ToolArguments) async throws -> CallTool.Result {
        switch name {
        case "search": return try search(args)
        case "match": return try match(args)
        case "show": return try show(args)
        case "doctor": return try await doctor(args)
        default: return try runbook(args)
        }
    }

    /// The JSON of `value` as text (for clients that read only text) and as structured content.
    private func result<T: Encodable>(_ value: T, text: String? = nil) throws -> CallTool.Result {
        let json = jsonString(value)
        let structured = try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        var content: [Tool.Content] = []
        if let text { content.append(.text(text: text, annotations: nil, _meta: nil)) }
        content.append(.text(text: json, annotations: nil, _meta: nil))
        return try CallTool.Result(content: content, structuredContent: structured)
    }

    private func language(_ args: ToolArguments, among available: [String]) throws -> String? {
        guard let lang = try args.string("lang") else { return nil }
        guard available.contains(lang) else {
            throw ToolInputError(message: "unknown language '\(lang)'; the KB has \(available.joined(separator: ", "))")
        }
        return lang
    }

    /// The index, refreshed when the KB changed since the last call (and the graph with it).
    private func freshSource() throws -> SearchSource {
        let (checked, changed) = try indexing { try source.validated(terminal: term) }
        if changed {
            source = checked
            (content, graph) = try indexing { try options.loadKB(site: site, terminal: term) }
        }
        return source
    }

    private func indexing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch is ExitCode {
            throw ToolInputError(message: "the KB has errors and could not be read again; kb mcp's standard error lists them (or run kb check)")
        }
    }

    private func search(_ args: ToolArguments) throws -> CallTool.Result {
        let text = try args.requiredString("query")
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ToolInputError(message: "'query' is empty: give words or an error message") }
        let kinds = try args.strings("kind")
        if let problem = KB.Search.facetProblem(kind: kinds, platform: []) { throw ToolInputError(message: problem) }
        let limit = try args.int("limit", default: 10, in: 1...50)
        let source = try freshSource()
        let lang = try language(args, among: source.languages)
        var filters: [Facet: [String]] = [.kind: kinds]
        filters[.lang] = lang.map { [$0] } ?? []
        let results = try Searcher.search(SearchQuery(text: text, filters: filters, limit: limit, prefix: true), readers: source.ordered(for: text))
        return try result(KB.Search.Report(query: text, results: results.map(RankedResult.init)))
    }

    private func match(_ args: ToolArguments) throws -> CallTool.Result {
        let log = try args.requiredString("log")
        guard log.utf8.count <= Self.maxLogBytes else {
            throw ToolInputError(message: "'log' is \(log.utf8.count) bytes; at most \(Self.maxLogBytes) (keep the lines around the error)")
        }
        let limit = try args.int("limit", default: 5, in: 1...50)
        let source = try freshSource()
        let lang = try language(args, among: source.languages)
        let outcome = try LogMatcher.articles(readers: source.readers, lang: lang, limit: limit) { $0.scan(text: log) }
        return try result(KB.Match.Report(query: "log (\(outcome.report.lineCount) lines)", results: outcome.articles))
    }

    /// The article a tool or resource names, or a message saying why none.
    private func article(_ id: String, lang: String?) throws(ToolInputError) -> Int {
        switch graph.resolve(id, lang: lang ?? graph.config.defaultLanguage) {
        case .found(let i): return i
        case .missing(let suggestion):
            throw ToolInputError(message: "no article '\(id)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
        case .ambiguous(let candidates):
            throw ToolInputError(message: "'\(id)' is ambiguous; use one of: \(candidates.joined(separator: ", "))")
        }
    }

    private func markdown(_ i: Int) throws -> String {
        let a = graph.articles[i]
        return String(decoding: try content.read(a.path), as: UTF8.self)
    }

    private func show(_ args: ToolArguments) throws -> CallTool.Result {
        let id = try args.requiredString("id")
        _ = try freshSource()
        let i = try article(id, lang: language(args, among: graph.config.languageCodes))
        let text = try markdown(i)
        return try result(KB.Show.report(graph, i, body: text), text: text)
    }

    private func doctor(_ args: ToolArguments) async throws -> CallTool.Result {
        let symptom = try args.requiredString("symptom")
        _ = try freshSource()
        let lang = try language(args, among: graph.config.languageCodes)
        let i = try article(symptom, lang: lang)
        guard graph.articles[i].kind == .symptom else {
            throw ToolInputError(message: "'\(symptom)' is a \(graph.articles[i].kind.rawValue), not a symptom; doctor takes a symptom's id")
        }
        let doctor = KBChecks.Doctor(graph: graph, lang: lang)
        let name = graph.articles[i].shortID
        let checks: [KBChecks.Doctor.Check]
        do { checks = try doctor.checks(.init(symptom: name)) } catch {
            throw ToolInputError(message: "\(error)")
        }
        // The checks block for up to their timeouts: off the actor and the cooperative pool.
        let report = await withCheckedContinuation { (done: CheckedContinuation<KBChecks.Doctor.Report, Never>) in
            DispatchQueue.global().async { done.resume(returning: doctor.run(checks, symptom: name)) }
        }
        let summary = checks.isEmpty ? "No check of this symptom runs on \(Shell.currentOS)." : nil
        return try result(KB.Doctor.Report(report, symptom: symptom), text: summary)
    }

    private func runbook(_ args: ToolArguments) throws -> CallTool.Result {
        let alert = try args.requiredString("alert")
        _ = try freshSource()
        let lang = try language(args, among: graph.config.languageCodes)
        let index = RunbookIndex(graph: graph, lang: lang)
        let ref = AlertReference.parse(alert)
        let results = index.resolve(ref).map { index.runbook($0) }
        guard !results.isEmpty else {
            let hint = index.suggestion(for: ref.name).map { "; did you mean '\($0)'?" } ?? ""
            throw ToolInputError(message: "no runbook for alert '\(ref.name)'\(hint)")
        }
        return try result(KB.Runbook.Report(query: alert, alert: ref.name, results: results))
    }

    // MARK: resources

    /// `kb://<short id>` when the short id is unique, else `kb://<canonical id>`; `?lang=` for
    /// every language but the default.
    private func uri(_ i: Int) -> String {
        let a = graph.articles[i]
        let unique = Set(graph.lookup(a.shortID).map { graph.articles[$0].canonicalID }).count == 1
        let id = unique ? a.shortID : a.canonicalID
        return "kb://" + id + (a.lang == graph.config.defaultLanguage ? "" : "?lang=" + a.lang)
    }

    private func listResources(cursor: String?) throws -> ListResources.Result {
        let start: Int
        if let cursor {
            guard let n = Int(cursor), n >= 0, n <= graph.articles.count else { throw MCPError.invalidParams("invalid cursor '\(cursor)'") }
            start = n
        } else {
            start = 0
        }
        let end = min(graph.articles.count, start + Self.resourcePage)
        let resources = (start..<end).map { i in
            let a = graph.articles[i]
            return Resource(name: a.canonicalID + (a.lang == graph.config.defaultLanguage ? "" : " (\(a.lang))"), uri: uri(i),
                            title: a.title, description: a.summary.isEmpty ? nil : a.summary, mimeType: "text/markdown")
        }
        return .init(resources: resources, nextCursor: end < graph.articles.count ? String(end) : nil)
    }

    private func readResource(_ uri: String) throws -> ReadResource.Result {
        guard uri.hasPrefix("kb://") else {
            throw MCPError.invalidParams("kb serves kb://<id> resources only, not '\(uri)'")
        }
        let rest = uri.dropFirst("kb://".count)
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let id = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        var lang: String?
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                guard kv.count == 2, kv[0] == "lang" else {
                    throw MCPError.invalidParams("unknown query '\(item)' in \(uri); kb://<id>?lang=<code> is the only one")
                }
                lang = kv[1]
            }
        }
        if let lang, !graph.config.languageCodes.contains(lang) {
            throw MCPError.invalidParams("unknown language '\(lang)' in \(uri); the KB has \(graph.config.languageCodes.joined(separator: ", "))")
        }
        guard !id.isEmpty else { throw MCPError.invalidParams("\(uri) names no article: kb://<id>") }
        _ = try? freshSource()
        let i: Int
        do { i = try article(id, lang: lang) } catch {
            // -32002: the specification's "resource not found".
            throw MCPError.serverError(code: -32002, message: "\(uri): \(error.message)")
        }
        return .init(contents: [.text(try markdown(i), uri: uri, mimeType: "text/markdown")])
    }
}

/// A tool call's arguments, checked against the tool's input schema: unknown names, wrong types
/// and out-of-range numbers are errors that name the argument.
struct ToolArguments {
    let values: [String: Value]

    init(tool: Tool, values: [String: Value]) throws(ToolInputError) {
        let known = tool.inputSchema.objectValue?["properties"]?.objectValue.map { Array($0.keys).sorted() } ?? []
        for key in values.keys.sorted() where !known.contains(key) {
            let hint = Slug.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw ToolInputError(message: "unknown argument '\(key)'\(hint); it takes \(known.joined(separator: ", "))")
        }
        self.values = values
    }

    func string(_ key: String) throws(ToolInputError) -> String? {
        guard let v = values[key], v != .null else { return nil }
        guard let s = v.stringValue else { throw ToolInputError(message: "'\(key)' must be a string") }
        return s
    }

    func requiredString(_ key: String) throws(ToolInputError) -> String {
        guard let s = try string(key) else { throw ToolInputError(message: "'\(key)' is required (a string)") }
        return s
    }

    /// A string or a list of strings.
    func strings(_ key: String) throws(ToolInputError) -> [String] {
        guard let v = values[key], v != .null else { return [] }
        if let s = v.stringValue { return [s] }
        guard let list = v.arrayValue else { throw ToolInputError(message: "'\(key)' must be a list of strings") }
        return try list.map { (item: Value) throws(ToolInputError) -> String in
            guard let s = item.stringValue else { throw ToolInputError(message: "'\(key)' must be a list of strings") }
            return s
        }
    }

    func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ToolInputError) -> Int {
        guard let v = values[key], v != .null else { return fallback }
        let n: Int
        if let i = v.intValue {
            n = i
        } else if let d = v.doubleValue, d.rounded() == d, abs(d) < 1e9 {
            n = Int(d)
        } else {
            throw ToolInputError(message: "'\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        guard range.contains(n) else { throw ToolInputError(message: "'\(key)' is \(n); it must be from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }
}
