import Foundation
import KBTesting
import Testing

/// `kb serve`'s files through Hummingbird's FileMiddleware: the injected reload script and the
/// announced length agree, revalidation answers 304 until a rebuild rewrites the page, folders
/// redirect to their index, kb's scripts are shown as UTF-8 text.
@Suite struct ServeFilesTests {
    static func header(_ name: String, in answer: String) -> String? {
        let head = answer.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    static func body(_ answer: String) -> String {
        answer.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }

    static func get(_ port: Int, _ path: String, headers: String = "") throws -> (status: Int, text: String) {
        try ServeSecurityTests.raw(port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Connection: close\r\n\r\n")
    }

    @Test func pagesAssetsAndRevalidation() async throws {
        let kb = try TestSupport.fixture("basic")
        let tmp = (kb as NSString).deletingLastPathComponent
        defer { TestSupport.remove(tmp) }
        let (serve, port) = try await ServeSecurityTests.serve([], kb: kb, tmp: tmp)
        defer { serve.stop() }

        let page = try Self.get(port, "/net/dns-fails.html")
        #expect(page.status == 200)
        let body = Self.body(page.text)
        #expect(body.hasSuffix("<script src=\"/_kb/reload.js\"></script>\n</body>\n</html>\n"))
        #expect(Self.header("content-length", in: page.text) == String(body.utf8.count), "the length sent is the length announced")
        #expect(Self.header("content-type", in: page.text) == "text/html; charset=utf-8")
        #expect(Self.header("cache-control", in: page.text) == "no-cache")
        #expect(Self.header("x-content-type-options", in: page.text) == "nosniff")
        let etag = try #require(Self.header("etag", in: page.text))
        #expect(try Self.get(port, "/net/dns-fails.html", headers: "If-None-Match: \(etag)\r\n").status == 304)
        let part = try Self.get(port, "/net/dns-fails.html", headers: "Range: bytes=0-9\r\n")
        #expect(part.status == 206 && Self.body(part.text) == String(body.prefix(10)))

        let folder = try Self.get(port, "/net")
        #expect([301, 308].contains(folder.status) && Self.header("location", in: folder.text) == "/net/")
        #expect(try Self.get(port, "/net/").status == 200)
        let script = try Self.get(port, "/doctor.sh")
        #expect(script.status == 200 && Self.header("content-type", in: script.text) == "text/plain; charset=utf-8")
        let head = try ServeSecurityTests.raw(port, "HEAD /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(head.status == 200 && Self.body(head.text).isEmpty)
        let hidden = try Self.get(port, "/.kb-site")
        #expect(hidden.status == 404 && Self.body(hidden.text).contains("href=\"/assets/kb.css\""), "hidden names get the 404 page")

        // A rebuild rewrites the page: the long poll answers, the old ETag no longer matches.
        let version = Self.body(try Self.get(port, "/_kb/wait").text)
        let path = kb + "/Content/net/dns-fails.md"
        try TestSupport.write(TestSupport.read(path) + "\nServed after an edit.\n", to: path)
        var next = version
        for _ in 0..<12 where next == version { next = Self.body(try Self.get(port, "/_kb/wait?v=" + version).text) }
        #expect(next != version, "the rebuild did not happen:\n\(serve.output)")
        let again = try Self.get(port, "/net/dns-fails.html", headers: "If-None-Match: \(etag)\r\n")
        #expect(again.status == 200 && Self.body(again.text).contains("Served after an edit."))
    }
}
