import Foundation
import KBTesting
import Testing

/// `kb serve` as an attacker meets it: foreign Host headers, NUL bytes in paths, symbolic links out
/// of the site, cross-site form posts to the webhook, a missing token, and a CSP on every page.
@Suite struct ServeSecurityTests {
    /// One raw HTTP/1.1 exchange on loopback: the status code and the whole answer.
    static func raw(_ port: Int, _ request: String) throws -> (status: Int, text: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            data += buf[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        let status = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, text)
    }

    /// Seconds until the server closes a connection that sent half a request head and then nothing.
    static func secondsUntilClosed(_ port: Int, sending partial: String) throws -> Double {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var tv = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let start = Date()
        _ = partial.withCString { send(fd, $0, strlen($0), 0) }
        var buf = [UInt8](repeating: 0, count: 1024)
        while recv(fd, &buf, buf.count, 0) > 0 {}
        return Date().timeIntervalSince(start)
    }

    static func get(_ port: Int, _ path: String, host: String = "127.0.0.1") throws -> (status: Int, text: String) {
        try raw(port, "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
    }

    /// `kb serve --port 0 EXTRA…` in `kb`, and the port it announced (up to 90 s on a busy pool).
    static func serve(_ extra: [String], kb: String, tmp: String) async throws -> (Daemon, Int) {
        let serve = try Daemon("kb serve", TestSupport.kbBinary, ["serve", "--port", "0"] + extra, dir: tmp, cwd: kb)
        var port = 0
        let deadline = Date().addingTimeInterval(90)
        // Look once more after the deadline: a busy test pool may resume this task late.
        while true {
            if let m = serve.output.firstMatch(of: /at http:\/\/127\.0\.0\.1:(\d+)\//) { port = Int(m.1) ?? 0; break }
            if Date() > deadline { break }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        if port == 0 { serve.stop() }
        try #require(port > 0, "kb serve did not start:\n\(serve.output)")
        return (serve, port)
    }

    static func post(_ port: Int, type: String, auth: String? = nil, body: String) throws -> (status: Int, text: String) {
        var head = "POST /hooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
        if let auth { head += "Authorization: \(auth)\r\n" }
        return try raw(port, head + "\r\n" + body)
    }

    @Test func serveRefusesWhatAnAttackerSends() async throws {
        let kb = try TestSupport.fixture("basic")
        let tmp = (kb as NSString).deletingLastPathComponent
        defer { TestSupport.remove(tmp) }
        let (serve, port) = try await Self.serve(["--webhook-token", "s3cret"], kb: kb, tmp: tmp)
        defer { serve.stop() }

        let home = try Self.get(port, "/")
        #expect(home.status == 200)
        #expect(home.text.lowercased().contains("content-security-policy: default-src 'self'"))
        // DNS rebinding: a foreign name pointed at 127.0.0.1 sends its own Host.
        #expect(try Self.get(port, "/", host: "evil.example").status == 421)
        #expect(try Self.get(port, "/", host: "localhost:\(port)").status == 200)
        // NUL and other control bytes in a path: 400, never a file.
        #expect(try Self.get(port, "/index.html%00.png").status == 400)
        #expect(try Self.get(port, "/index.html%0a").status == 400)
        // A symbolic link inside the site that leads out of it is not followed.
        try FileManager.default.createSymbolicLink(atPath: kb + "/Site/passwd.txt", withDestinationPath: "/etc/passwd")
        let leak = try Self.get(port, "/passwd.txt")
        #expect(leak.status == 404)
        #expect(!leak.text.contains("root:"))
        // The server's own page carries the policy too.
        let firing = try Self.get(port, "/firing.html")
        #expect(firing.status == 200)
        #expect(firing.text.lowercased().contains("content-security-policy:"))
        // The webhook: JSON only (a cross-site form post cannot send it), and the token.
        let payload = #"{"version":"4","status":"firing","alerts":[]}"#
        #expect(try Self.post(port, type: "text/plain", auth: "Bearer s3cret", body: payload).status == 415)
        #expect(try Self.post(port, type: "application/x-www-form-urlencoded", auth: "Bearer s3cret", body: payload).status == 415)
        #expect(try Self.post(port, type: "application/json", body: payload).status == 401)
        #expect(try Self.post(port, type: "application/json", auth: "Bearer wrong!", body: payload).status == 401)
        // A client that never finishes its request head is disconnected (it was kept > 75 s).
        let held = try Self.secondsUntilClosed(port, sending: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        #expect(held < 30, "an unfinished request head kept the connection open \(held) s")
        let ok = try Self.post(port, type: "application/json", auth: "Bearer s3cret", body: payload)
        #expect(ok.status == 200 || ok.status == 400, "\(ok.text)")
        #expect(ok.status != 401 && ok.status != 415)
    }
}
