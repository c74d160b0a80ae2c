import ArgumentParser
import Foundation
import Hummingbird
import KBBuild
import KBContent
import KBCore

extension KB {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Preview the site: serve it, rebuild when Content/ or Templates/ change, reload open pages.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "The site folder to build into and serve (default: Site/ beside Content/).")
        var output: String?

        @Option(name: .long, help: "Address to listen on (loopback by default: the preview is for you).")
        var host = "127.0.0.1"

        @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
        var port = 8000

        @Option(name: .long, help: "Seconds between checks for changed files.")
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
            let options = BuildOptions(content: global.content, output: output)
            let found: Project?
            do { found = try Project.discover(content: global.content) } catch { found = nil; term.report(error.diagnostics) }
            guard let project = found else { throw ExitCode(ExitStatus.usage) }
            guard let first = Self.build(options, term: term) else { throw ExitCode(ExitStatus.findings) }
            let site = first.outputDirectory
            let state = ServeState()
            if let graph = first.graph ?? (try? GraphLoader.load(content: global.content).1) { await state.update(graph: graph) }
            let watched = [project.contentDirectory, project.root + "/Templates"] + (project.configPath.map { [$0] } ?? [])
            let reload = ReloadState()

            // Poll the sources; a change rebuilds (incrementally) and tells open pages to reload.
            let interval = self.interval
            let watcher = Task.detached {
                var last = Self.fingerprint(watched)
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                    let now = Self.fingerprint(watched)
                    guard now != last else { continue }
                    last = now
                    if let built = Self.build(options, term: term) {
                        if let graph = built.graph { await state.update(graph: graph) }
                        await reload.bump()
                    }
                }
            }
            defer { watcher.cancel() }

            let router = Router()
            router.add(middleware: HostCheck(allowed: Self.allowedHosts(bound: host, extra: allowHost)))
            router.get("/_kb/reload.js") { _, _ in
                Self.response(.ok, type: "text/javascript; charset=utf-8", Data(Self.reloadScript.utf8))
            }
            // Long poll: answers at once without `v`, else when the version moves on (or after 5 s:
            // short enough that a graceful stop never waits long on an open page).
            router.get("/_kb/wait") { request, _ in
                let since = request.uri.queryParameters.get("v").flatMap { Int($0) }
                var version = await reload.version
                if let since {
                    let deadline = Date().addingTimeInterval(5)
                    while version == since, Date() < deadline, !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: 100_000_000)
                        version = await reload.version
                    }
                }
                return Self.response(.ok, type: "text/plain; charset=utf-8", Data(String(version).utf8), noStore: true)
            }
            let token = webhookToken ?? ProcessInfo.processInfo.environment["KB_WEBHOOK_TOKEN"]
            Self.addAlertmanagerRoutes(to: router, state: state, token: token)
            // The site's real path, once: requests resolve against it without a realpath of their own root.
            let siteRoot = OutputPolicy.realPath(site)
            router.get("/") { request, _ in Self.file(request.uri.path, site: site, root: siteRoot) }
            router.get("**") { request, _ in Self.file(request.uri.path, site: site, root: siteRoot) }

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

        /// One build, reported like `kb build`; nil when it failed (the previous site stays).
        static func build(_ options: BuildOptions, term: Terminal) -> BuildResult? {
            do {
                let c = try SiteBuilder.build(options)
                term.report(c.diagnostics)
                let s = c.stats
                term.out(c.upToDate ? "Up to date: \(s.pages) pages"
                    : "Built \(s.pages) pages (\(s.rendered) rendered, \(s.reused) unchanged) in \(String(format: "%.2f", s.seconds)) s")
                return c
            } catch let failure as BuildFailure {
                term.report(failure.diagnostics)
                term.err("build failed in step '\(failure.step)'; still serving the previous site")
            } catch let error as DiagnosticError {
                term.report(error.diagnostics)
            } catch {
                term.err("build failed: \(error)")
            }
            return nil
        }

        /// Sizes and times of every watched file: cheap enough to take a few times a second.
        static func fingerprint(_ roots: [String]) -> String {
            var h = StableHash()
            for root in roots {
                h.combine(root)
                h.combine(LocalFileSystem().isDirectory(root) ? ContentFingerprint.folder(root, files: .all) : ContentFingerprint.file(root))
            }
            return h.hex
        }

        static let types: [String: String] = [
            "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
            "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
            "webp": "image/webp", "json": "application/json", "xml": "application/xml; charset=utf-8", "txt": "text/plain; charset=utf-8",
            "sh": "text/plain; charset=utf-8", "ps1": "text/plain; charset=utf-8", "ico": "image/x-icon", "pdf": "application/pdf",
        ]

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

        /// A file of the site; `.html` pages get the reload script. Paths cannot leave the site:
        /// no `..`, no hidden names, no control bytes (NUL included: 400), no symbolic link that
        /// resolves outside the site.
        static func file(_ rawPath: String, site: String, root: String) -> Response {
            guard let decoded = rawPath.removingPercentEncoding,
                  !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                return response(.badRequest, type: "text/plain; charset=utf-8", Data("bad path\n".utf8))
            }
            let parts = decoded.split(separator: "/").map(String.init)
            if parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") && $0 != ".well-known" }) {
                return notFound(site: site)
            }
            var path = site + "/" + parts.joined(separator: "/")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { path += "/index.html" }
            let real = OutputPolicy.realPath(path)
            guard real.hasPrefix(root + "/"), let data = FileManager.default.contents(atPath: real) else { return notFound(site: site) }
            let ext = (path as NSString).pathExtension.lowercased()
            if ext == "html" { return response(.ok, type: types["html"]!, inject(data)) }
            return response(.ok, type: types[ext] ?? "application/octet-stream", data)
        }

        /// 404.html links relative to the site root; served at any depth, they must start from "/".
        static func notFound(site: String) -> Response {
            guard let data = FileManager.default.contents(atPath: site + "/404.html") else {
                return response(.notFound, type: "text/plain; charset=utf-8", Data("not found\n".utf8))
            }
            let html = String(decoding: data, as: UTF8.self)
                .replacing(/(href|src|action)="(?!https?:|mailto:|#|\/)([^"]*)"/) { m in "\(m.1)=\"/\(m.2)\"" }
            return response(.notFound, type: types["html"]!, inject(Data(html.utf8)))
        }

        static func inject(_ data: Data) -> Data {
            var html = String(decoding: data, as: UTF8.self)
            let tag = "<script src=\"/_kb/reload.js\"></script>\n"
            if let r = html.range(of: "</body>", options: .backwards) { html.insert(contentsOf: tag, at: r.lowerBound) } else { html += tag }
            return Data(html.utf8)
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

        /// Injected only when served: waits for the next rebuild, then reloads the page.
        static let reloadScript = """
        // kb serve: reload this page after each rebuild (long poll; not part of the built site).
        (function () {
          "use strict";
          var version = null;
          function poll() {
            var x = new XMLHttpRequest();
            x.open("GET", "/_kb/wait" + (version === null ? "" : "?v=" + version));
            x.timeout = 40000;
            x.onload = function () {
              if (x.status !== 200) { window.setTimeout(poll, 1000); return; }
              var now = parseInt(x.responseText, 10);
              if (version !== null && now !== version) { window.location.reload(); return; }
              version = now;
              poll();
            };
            x.onerror = x.ontimeout = function () { window.setTimeout(poll, 1000); };
            x.send();
          }
          poll();
        })();

        """
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

/// Counts successful rebuilds; pages reload when it changes.
actor ReloadState {
    private(set) var version = 0
    func bump() { version += 1 }
}
