import Foundation
import Hummingbird
import KBCore

/// The built site as Hummingbird's `FileMiddleware` reads it. Paths resolve inside the site only:
/// a symbolic link that leads out of it is not there (404). HTML pages are served with the reload
/// script added; the page is read once, with its attributes, so the length announced is the
/// length sent even when a rebuild replaces the file in between.
struct SiteFiles: FileProvider {
    struct Attributes: FileMiddlewareFileAttributes, Sendable {
        var isFolder: Bool
        var size: Int
        /// Down to the nanosecond: the ETag changes with every rewrite of a page, even within a second.
        var modificationDate: Date
    }

    /// One lookup of one request.
    final class Target: Sendable {
        let path: String
        /// The file's real path, once it is known to be inside the site.
        let resolved = Locked<String?>(nil)
        /// An HTML page with the reload script, as it will be sent.
        let page = Locked<ByteBuffer?>(nil)
        init(path: String) { self.path = path }
    }

    typealias FileAttributes = Attributes
    typealias FileIdentifier = Target

    /// The site folder as given, and its real path.
    let site: String
    let root: String
    let fileIO = FileIO()

    init(site: String) {
        self.site = site
        root = OutputPolicy.realPath(site)
    }

    func getFileIdentifier(_ path: String) -> Target? {
        Target(path: site + (path.hasPrefix("/") ? path : "/" + path))
    }

    func getAttributes(id: Target) async throws -> Attributes? {
        let root = self.root
        return await Blocking.run {
            let real = OutputPolicy.realPath(id.path)
            guard real == root || real.hasPrefix(root + "/"),
                  let attrs = try? FileManager.default.attributesOfItem(atPath: real) else { return nil }
            let isFolder = attrs[.type] as? FileAttributeType == .typeDirectory
            let modified = attrs[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
            id.resolved.withLock { $0 = real }
            if !isFolder, (real as NSString).pathExtension.lowercased() == "html" {
                guard let data = FileManager.default.contents(atPath: real) else { return nil }
                let page = ByteBuffer(bytes: ReloadScript.inject(into: data))
                id.page.withLock { $0 = page }
                return Attributes(isFolder: false, size: page.readableBytes, modificationDate: modified)
            }
            return Attributes(isFolder: isFolder, size: (attrs[.size] as? NSNumber)?.intValue ?? 0, modificationDate: modified)
        }
    }

    func loadFile(id: Target, context: some RequestContext) async throws -> ResponseBody {
        if let page = id.page.withLock({ $0 }) { return ResponseBody(byteBuffer: page) }
        guard let real = id.resolved.withLock({ $0 }) else { throw HTTPError(.notFound) }
        return try await fileIO.loadFile(path: real, context: context)
    }

    func loadFile(id: Target, range: ClosedRange<Int>, context: some RequestContext) async throws -> ResponseBody {
        if let page = id.page.withLock({ $0 }) {
            let lower = max(0, range.lowerBound), upper = min(range.upperBound, page.readableBytes - 1)
            guard lower <= upper, let slice = page.getSlice(at: page.readerIndex + lower, length: upper - lower + 1) else {
                return ResponseBody()
            }
            return ResponseBody(byteBuffer: slice)
        }
        guard let real = id.resolved.withLock({ $0 }) else { throw HTTPError(.notFound) }
        return try await fileIO.loadFile(path: real, range: range, context: context)
    }

    /// Text kb writes is UTF-8 and says so; scripts kb writes (doctor.sh, doctor.ps1) are shown,
    /// not downloaded. Every other type is Hummingbird's.
    static let mediaTypes: [String: MediaType] = {
        let utf8 = ("charset", "utf-8")
        return [
            "html": MediaType(type: .text, subType: "html", parameter: utf8),
            "css": MediaType(type: .text, subType: "css", parameter: utf8),
            "js": MediaType(type: .text, subType: "javascript", parameter: utf8),
            "txt": MediaType(type: .text, subType: "plain", parameter: utf8),
            "sh": MediaType(type: .text, subType: "plain", parameter: utf8),
            "ps1": MediaType(type: .text, subType: "plain", parameter: utf8),
            "xml": MediaType(type: .application, subType: "xml", parameter: utf8),
        ]
    }()
}

/// Refuses paths that must never reach a file: control bytes (NUL included) are a bad request;
/// `.`/`..` segments and hidden names (but `.well-known`) are not found.
struct SitePathGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let decoded = request.uri.path.removingPercentEncoding,
              !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return KB.Serve.response(.badRequest, type: "text/plain; charset=utf-8", Data("bad path\n".utf8))
        }
        if decoded.split(separator: "/").contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") && $0 != ".well-known" }) {
            throw HTTPError(.notFound)
        }
        return try await next(request, context)
    }
}

/// Every answer of the server carries the built pages' security headers and is revalidated
/// (`no-cache`) unless its route chose otherwise; whatever is not found gets the site's 404 page.
struct SiteResponses<Context: RequestContext>: RouterMiddleware {
    let site: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound {
                response = await notFound()
            } else {
                response = KB.Serve.response(error.status, type: "text/plain; charset=utf-8",
                                             Data((error.status.reasonPhrase.lowercased() + "\n").utf8))
            }
        }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-cache" }
        response.headers[.contentSecurityPolicy] = KB.Serve.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }

    /// 404.html links relative to the site root; served at any depth, they must start from "/".
    func notFound() async -> Response {
        let site = self.site
        let page: Data? = await Blocking.run {
            guard let data = FileManager.default.contents(atPath: site + "/404.html") else { return nil }
            let html = String(decoding: data, as: UTF8.self)
                .replacing(/(href|src|action)="(?!https?:|mailto:|#|\/)([^"]*)"/) { m in "\(m.1)=\"/\(m.2)\"" }
            return ReloadScript.inject(into: Data(html.utf8))
        }
        guard let page else { return KB.Serve.response(.notFound, type: "text/plain; charset=utf-8", Data("not found\n".utf8)) }
        return KB.Serve.response(.notFound, type: "text/html; charset=utf-8", page)
    }
}

/// File work of the server runs here, never on Swift's cooperative pool.
enum Blocking {
    static let queue = DispatchQueue(label: "kb.serve.files", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in queue.async { done.resume(returning: work()) } }
    }
}

/// The script every served page gets: it waits for the next rebuild, then reloads the page.
enum ReloadScript {
    static let tag = Array("<script src=\"/_kb/reload.js\"></script>\n".utf8)

    /// The page with the script tag before its last `</body>` (at the end when it has none),
    /// byte for byte otherwise.
    static func inject(into data: Data) -> Data {
        let bytes = [UInt8](data)
        let close = Array("</body>".utf8)
        var at = bytes.count
        if bytes.count >= close.count {
            var i = bytes.count - close.count
            while i >= 0 {
                if bytes[i] == UInt8(ascii: "<"), Array(bytes[i..<i + close.count]) == close { at = i; break }
                i -= 1
            }
        }
        return Data(bytes[..<at] + tag + bytes[at...])
    }

    static let source = """
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
