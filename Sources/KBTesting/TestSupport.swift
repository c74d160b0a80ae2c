import Foundation
import KBCore

/// Helpers shared by the test targets: the package root, fixtures copied to temp folders,
/// running the built `kb` binary, golden files.
public enum TestSupport {
    /// The repository root, from this file's path.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // Sources/KBTesting/TestSupport.swift
        return url.path
    }()

    /// `../shared/corpora/tldr`, where the workplace keeps the corpus.
    public static var tldrCorpus: String? {
        let candidates = [ProcessInfo.processInfo.environment["KB_TLDR_CORPUS"],
                          packageRoot + "/../shared/corpora/tldr"].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/pages") }
    }

    /// A new empty temp folder; removed by the caller's `defer` via `remove`.
    public static func tempDirectory(_ label: String = "kb") throws -> String {
        let dir = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
    }

    public static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Copies `Tests/EndToEndTests/Fixtures/<name>` into a new temp folder and returns the copy.
    public static func fixture(_ name: String) throws -> String {
        let source = packageRoot + "/Tests/EndToEndTests/Fixtures/" + name
        let dir = try tempDirectory("kb-\(name)")
        let target = dir + "/" + name
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    public static func copy(_ source: String, into dir: String) throws -> String {
        let target = dir + "/" + URL(fileURLWithPath: source).lastPathComponent
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    public static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Every file under `dir` (relative path → bytes): to compare two sites or prove one unchanged.
    public static func snapshot(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = FileManager.default.contents(atPath: dir + "/" + rel)
            }
        }
        return out
    }

    public static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// The `kb` binary built by `swift build` (debug, else release), or `KB_BINARY`.
    public static var kbBinary: String {
        if let env = ProcessInfo.processInfo.environment["KB_BINARY"] { return env }
        for config in ["debug", "release"] {
            let path = packageRoot + "/.build/\(config)/kb"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot + "/.build/debug/kb"
    }

    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Killed because it ran past the `timeout` given to `run`: a hang.
        public var timedOut = false
    }

    /// Runs a program to completion through kb's own runner (Spawn), capturing both streams
    /// whole. Past `timeout` the program and all it started are killed: a hang is a finding, not a
    /// stuck suite. A program killed by a signal reports the supervising shell's 128 + signal.
    public static func run(_ executable: String, _ arguments: [String], cwd: String? = nil,
                           environment: [String: String]? = nil, timeout: Double? = nil) throws -> Run {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment ?? [:] { env[k] = v }
        let out = try Spawn.run(executable, arguments, environment: env, directory: cwd,
                                timeout: timeout ?? 24 * 3600, cap: Int.max)
        return Run(status: out.status ?? out.signal ?? -1, stdout: out.stdout, stderr: out.stderr, timedOut: out.timedOut)
    }

    public static func kb(_ arguments: [String], cwd: String? = nil, environment: [String: String]? = nil,
                          timeout: Double? = nil) throws -> Run {
        try run(kbBinary, arguments, cwd: cwd, environment: environment, timeout: timeout)
    }

    /// The first executable named one of `names` on PATH (or in /usr/bin).
    public static func which(_ names: String...) -> String? { Executable.find(names) }

    /// The `<main>…</main>` part of a page: what golden files compare.
    public static func mainElement(_ html: String) -> String {
        guard let start = html.range(of: "<main"), let end = html.range(of: "</main>", range: start.upperBound..<html.endIndex) else {
            return html
        }
        return String(html[start.lowerBound..<end.upperBound]) + "\n"
    }

    public enum GoldenResult: Equatable { case match, mismatch(String), recorded }

    /// Compares with the golden file; `KB_RECORD=1` re-records and reports `.recorded` (the caller
    /// fails the test so nobody records by accident).
    public static func golden(_ actual: String, name: String) throws -> GoldenResult {
        let path = packageRoot + "/Tests/EndToEndTests/Golden/" + name
        if ProcessInfo.processInfo.environment["KB_RECORD"] == "1" {
            try write(actual, to: path)
            return .recorded
        }
        let expected = read(path)
        if expected == actual { return .match }
        return .mismatch(firstDifference(expected, actual, name: name))
    }

    static func firstDifference(_ a: String, _ b: String, name: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? String(x[i]) : "<end>", r = i < y.count ? String(y[i]) : "<end>"
            if l != r { return "\(name):\(i + 1): expected\n  \(l)\nbut got\n  \(r)\n(KB_RECORD=1 re-records)" }
        }
        return "\(name): differs"
    }
}

/// Checks that every relative `href`/`src` in a built site points at a file that exists, and every
/// `#fragment` at an element id in that file: the site must work opened from disk.
extension TestSupport {
    /// A loopback TCP port that was free a moment ago (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

public enum SiteLinkChecker {
    public static func problems(in site: String, limit: Int = 20) -> [String] {
        let fm = FileManager.default
        let pages = pages(in: site)
        if pages.isEmpty { return ["no pages in \(site)"] }
        var idCache: [String: Set<String>] = [:]
        func ids(_ rel: String) -> Set<String> {
            if let cached = idCache[rel] { return cached }
            let html = TestSupport.read(site + "/" + rel)
            var out = Set<String>()
            for match in html.matches(of: /\sid="([^"]*)"/) { out.insert(String(match.1)) }
            idCache[rel] = out
            return out
        }
        var problems: [String] = []
        for page in pages {
            let html = TestSupport.read(site + "/" + page)
            let dir = (page as NSString).deletingLastPathComponent
            for match in html.matches(of: /\s(?:href|src)="([^"]*)"/) {
                let raw = String(match.1).replacingOccurrences(of: "&amp;", with: "&")
                if raw.isEmpty { problems.append("\(page): empty link"); continue }
                if raw.contains("://") || raw.hasPrefix("mailto:") { continue }
                let parts = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let pathPart = String(parts[0])
                let fragment = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
                var target = page
                if !pathPart.isEmpty {
                    let decoded = pathPart.removingPercentEncoding ?? pathPart
                    let joined = URL(fileURLWithPath: "/" + (dir.isEmpty ? "" : dir + "/") + decoded).standardizedFileURL.path
                    target = String(joined.dropFirst())
                    if pathPart.hasPrefix("/") { problems.append("\(page): absolute link \(raw)"); continue }
                    if !fm.fileExists(atPath: site + "/" + target) {
                        problems.append("\(page): broken link \(raw)")
                        if problems.count >= limit { return problems }
                        continue
                    }
                }
                if let fragment, !fragment.isEmpty, target.hasSuffix(".html"), !ids(target).contains(fragment) {
                    problems.append("\(page): no #\(fragment) in \(target)")
                }
                if problems.count >= limit { return problems }
            }
        }
        return problems
    }

    /// All `.html` files under `site`, relative.
    public static func pages(in site: String) -> [String] {
        var out: [String] = []
        let e = FileManager.default.enumerator(atPath: site)
        while let rel = e?.nextObject() as? String { if rel.hasSuffix(".html") { out.append(rel) } }
        return out.sorted()
    }
}
