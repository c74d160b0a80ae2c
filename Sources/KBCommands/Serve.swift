import ArgumentParser
import Foundation
import Hummingbird
import KBBuild
import KBCluster
import KBContent
import KBCore

extension KB {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Preview the site: serve it, rebuild when Content/ or Templates/ change, reload open pages.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "The site folder to build into and serve (default: Site/ beside Content/).")
        var output: String?

        @Option(name: .long, help: "Address to listen on (loopback by default: the preview is for you).")
        var host = "127.0.0.1"

        @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
        var port = 8000

        @Option(name: .long, help: "Seconds between checks for changed files where the system does not report changes (Linux reports them at once).")
        var interval = 0.4

        @Option(name: .long, help: "Bearer token the Alertmanager webhook must send (also: KB_WEBHOOK_TOKEN).")
        var webhookToken: String?

        @Option(name: .long, parsing: .singleValue,
                help: "A Host header name to accept besides the bound address (repeatable); guards against DNS rebinding.")
        var allowHost: [String] = []

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            guard interval >= 0.05, interval <= 60 else { throw ValidationError("--interval must be between 0.05 and 60 seconds") }
        }

        func run() async throws {
            let term = global.terminal
            let found: Project?
            do { found = try Project.discover(content: global.content) } catch { found = nil; term.report(error.diagnostics) }
            guard let project = found else { throw ExitCode(ExitStatus.usage) }
            let preview = SitePreview(options: BuildOptions(content: global.content, output: output), project: project)
            guard let first = Self.report(await preview.build(), term: term) else { throw ExitCode(ExitStatus.findings) }
            let site = first.outputDirectory
            let board = FiringBoard()
            // A first build that found the site up to date resolved no graph: load it once for the firing page.
            if let graph = first.graph ?? (try? GraphLoader.load(content: global.content).1) { await board.update(graph: graph) }

            // Sources are watched and rebuilt on the builder's own thread; requests meanwhile get the last good site.
            let interval = self.interval
            let watcher = Task {
                await preview.watch(interval: interval) { result in
                    if let built = Self.report(result, term: term), let graph = built.graph { await board.update(graph: graph) }
                }
            }
            defer { watcher.cancel() }

            let router = Router()
            router.add(middleware: SiteResponses(site: site))
            router.add(middleware: HostCheck(allowed: Self.allowedHosts(bound: host, extra: allowHost)))
            router.add(middleware: SitePathGuard())
            router.add(middleware: FileMiddleware(fileProvider: SiteFiles(site: site), searchForIndexHtml: true)
                .withAdditionalMediaTypes(forFileExtensions: SiteFiles.mediaTypes))
            router.get("/_kb/reload.js") { _, _ in
                Self.response(.ok, type: "text/javascript; charset=utf-8", Data(ReloadScript.source.utf8))
            }
            // Long poll: answers at once without `v`, else as soon as the version moves on (or after 5 s:
            // short enough that a graceful stop never waits long on an open page).
            router.get("/_kb/wait") { request, _ in
                let since = request.uri.queryParameters.get("v").flatMap { Int($0) }
                let version = if let since { await preview.reload.wait(since: since, timeout: 5) } else { await preview.reload.version }
                return Self.response(.ok, type: "text/plain; charset=utf-8", Data(String(version).utf8), noStore: true)
            }
            let token = webhookToken ?? ProcessInfo.processInfo.environment["KB_WEBHOOK_TOKEN"]
            Self.addAlertmanagerRoutes(to: router, board: board, token: token)

            let host = self.host, port = self.port
            let app = Application(
                router: router,
                // A connection that sends nothing (or never finishes its headers) is closed.
                server: .http1(configuration: .init(idleTimeout: .seconds(10))),
                configuration: .init(address: .hostname(host, port: port), serverName: "kb"),
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? port
                    term.out("Serving \(Project.displayPath(site)) at http://\(host):\(bound)/ (rebuilds on changes; Ctrl+C stops)")
                }
            )
            try await app.runService()
        }

        /// A build reported like `kb build`; nil when it failed (the previous site stays).
        @discardableResult
        static func report(_ result: Result<BuildResult, Error>, term: Terminal) -> BuildResult? {
            switch result {
            case .success(let c):
                term.report(c.diagnostics)
                let s = c.stats
                term.out(c.upToDate ? "Up to date: \(s.pages) pages"
                    : "Built \(s.pages) pages (\(s.rendered) rendered, \(s.reused) unchanged) in \(String(format: "%.2f", s.seconds)) s")
                return c
            case .failure(let failure as BuildFailure):
                term.report(failure.diagnostics)
                term.err("build failed in step '\(failure.step)'; still serving the previous site")
            case .failure(let error as DiagnosticError):
                term.report(error.diagnostics)
            case .failure(let error):
                term.err("build failed: \(error)")
            }
            return nil
        }

        /// Host names the server answers to: the bound address and loopback names when bound to
        /// loopback; nil (any) when bound to every interface on purpose (0.0.0.0, ::).
        static func allowedHosts(bound: String, extra: [String]) -> Set<String>? {
            if bound == "0.0.0.0" || bound == "::" || bound == "[::]" { return nil }
            var names: Set<String> = [bound.lowercased()]
            if ["127.0.0.1", "localhost", "::1", "[::1]"].contains(bound.lowercased()) {
                names.formUnion(["127.0.0.1", "localhost", "[::1]", "::1"])
            }
            names.formUnion(extra.map { $0.lowercased() })
            return names
        }

        /// The built pages' own policy, sent as a header on every response (pages made by the
        /// server itself, such as /firing.html, included).
        static let contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

        static func response(_ status: HTTPResponse.Status, type: String, _ data: Data, noStore: Bool = false) -> Response {
            var headers: HTTPFields = [.contentType: type]
            headers[.cacheControl] = noStore ? "no-store" : "no-cache"
            headers[.contentSecurityPolicy] = contentSecurityPolicy
            headers[.xContentTypeOptions] = "nosniff"
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}

/// Answers only requests whose Host names this server (DNS rebinding: a foreign page that points
/// its own name at 127.0.0.1 sends its own Host).
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let allowed else { return try await next(request, context) }
        let host = (request.head.authority ?? "").lowercased()
        // Strip the port: "[::1]:8000" → "[::1]", "localhost:8000" → "localhost".
        var name = host
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") { name = String(host[...end]) }
        else if let colon = host.lastIndex(of: ":") { name = String(host[..<colon]) }
        guard allowed.contains(name) else {
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "unknown Host; start kb serve with --allow-host \(name.isEmpty ? "NAME" : name)\n")))
        }
        return try await next(request, context)
    }
}
