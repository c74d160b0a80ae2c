import Foundation
import KBContent
import KBCore

/// Runs one block with its shell: sandboxed for CI (`kb check --run`), or in the user's real
/// environment for `kb doctor`.
public struct BlockRunner: Sendable {
    public enum Mode: Sendable { case sandboxed, live }

    public var mode: Mode
    public var outputCap: Int
    /// PATH used to find shells (and passed to sandboxed blocks).
    public var path: String

    public init(mode: Mode, outputCap: Int = Spawn.defaultCap, path: String? = nil) {
        self.mode = mode
        self.outputCap = outputCap
        self.path = path ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// Variables a sandboxed block keeps from the caller's environment; everything else is dropped.
    public static let allowedEnvironment = ["PATH", "USER", "LOGNAME", "SHELL", "TERM"]

    public enum Outcome: Sendable {
        case ran(RunOutput)
        /// Not runnable here: the reason (wrong OS, no shell).
        case skipped(String)
    }

    /// Why a block cannot run on this machine, or nil when it can.
    public func skipReason(_ block: Block) -> String? {
        if !block.os.isEmpty, !block.os.contains(Shell.currentOS) {
            return "for \(block.os.joined(separator: ", ")) only; this is \(Shell.currentOS)"
        }
        if case .missing(let why) = Shell.find(for: block.language, path: path) { return why }
        return nil
    }

    public func run(_ block: Block) -> Outcome {
        if let why = skipReason(block) { return .skipped(why) }
        guard case .found(let shell) = Shell.find(for: block.language, path: path) else { return .skipped("no shell") }
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "kb-run-\(UUID().uuidString.prefix(12))"
        defer { try? fm.removeItem(atPath: root) }
        do {
            for dir in ["", "/home", "/tmp", "/work"] { try fm.createDirectory(atPath: root + dir, withIntermediateDirectories: true) }
            let script = root + "/block." + shell.fileExtension
            try block.code.write(toFile: script, atomically: false, encoding: .utf8)
            var env: [String: String]
            let cwd: String?
            switch mode {
            case .sandboxed:
                let parent = ProcessInfo.processInfo.environment
                env = parent.filter { Self.allowedEnvironment.contains($0.key) }
                env["PATH"] = path
                env["HOME"] = root + "/home"
                env["TMPDIR"] = root + "/tmp"
                env["LC_ALL"] = "C"
                env["LANG"] = "C"
                env["TZ"] = "UTC"
                cwd = root + "/work"
            case .live:
                env = ProcessInfo.processInfo.environment
                cwd = nil
            }
            return .ran(try Spawn.run(shell.path, shell.arguments(script), environment: env, directory: cwd,
                                      timeout: block.timeout, cap: outputCap))
        } catch {
            return .skipped("could not start: \(error)")
        }
    }
}

/// Compares an example's output with its `output` block.
public enum Expectation {
    public static func matches(_ actual: String, expected: String, mode: MatchMode) -> Bool {
        let a = normalise(actual), e = normalise(expected)
        switch mode {
        case .exact:
            return a == e
        case .glob:
            return glob(e, a)
        case .regex:
            guard let re = try? NSRegularExpression(pattern: "^(?:" + e + ")$", options: [.dotMatchesLineSeparators]) else { return false }
            return re.firstMatch(in: a, range: NSRange(a.startIndex..., in: a)) != nil
        }
    }

    /// Trailing spaces and the final newline do not count.
    static func normalise(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
            .trimmingCharacters(in: .newlines)
    }

    /// `*` any run of characters (newlines included), `?` one character; everything else literal.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
