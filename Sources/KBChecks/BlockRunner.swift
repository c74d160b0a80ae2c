import Foundation
import KBContent
import KBCore

/// Runs one block with its shell: sandboxed for CI (`kb check --run`), or in the user's real
/// environment for `kb doctor`.
public struct BlockRunner: Sendable {
    public enum Mode: Sendable { case sandboxed, live }

    /// How much a sandboxed run is kept apart (docs/checks.md says what each level promises).
    /// `standard`: temp cwd/HOME/TMPDIR, scrubbed environment, own session, every descendant
    /// killed, no inherited descriptor, resource limits. `strict` adds, on Linux, no network and a
    /// read-only view of the file system except the run's own folder (bubblewrap, else unshare).
    public enum Sandbox: String, Sendable, CaseIterable { case standard, strict }

    public var mode: Mode
    public var sandbox: Sandbox = .standard
    /// Components provided for `needs=` blocks (`--provide`, `KB_PROVIDE`).
    public var components = Components()
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
        /// Needs a component this machine does not have (doctor: not applicable).
        case notApplicable(String)
    }

    /// Why a block cannot run on this machine, or nil when it can.
    public func skipReason(_ block: Block) -> String? {
        if !block.os.isEmpty, !block.os.contains(Shell.currentOS) {
            return "for \(block.os.joined(separator: ", ")) only; this is \(Shell.currentOS)"
        }
        if case .missing(let why) = Shell.find(for: block.language, path: path) { return why }
        return nil
    }

    /// The components `block` needs that are not here, with the sentence that says so.
    public func missingComponents(_ block: Block) -> String? {
        let missing = components.missing(block.needs, live: mode == .live, path: path)
        guard !missing.isEmpty else { return nil }
        let names = missing.joined(separator: ", ")
        return mode == .live
            ? "needs \(names), which is not on this machine (" + missing.map(Components.hint).joined(separator: "; ") + ")"
            : "needs \(names): not provided here (kb check --run --provide \(missing.joined(separator: ",")), with its variables set)"
    }

    public func run(_ block: Block) -> Outcome {
        if let why = skipReason(block) { return .skipped(why) }
        if let why = missingComponents(block) { return mode == .live ? .notApplicable(why) : .skipped(why) }
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
                env.merge(components.environment(for: block.needs, from: parent)) { _, component in component }
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
            var limits: ResourceLimits?
            if mode == .sandboxed {
                var l = ResourceLimits.sandboxDefaults(timeout: block.timeout)
                if let v = block.cpuSeconds { l.cpuSeconds = v }
                if let v = block.memoryBytes { l.addressSpace = v }
                if let v = block.fileSizeBytes { l.fileSize = v }
                if let v = block.processes { l.processes = v }
                limits = l
            }
            var wrapper: [String] = []
            if mode == .sandboxed, sandbox == .strict {
                switch Self.strictWrapper(root: root, path: path) {
                case .success(let w): wrapper = w
                case .failure(let why): return .skipped("--sandbox=strict is not available here: \(why)")
                }
            }
            return .ran(try Spawn.run(shell.path, shell.arguments(script), environment: env, directory: cwd,
                                      timeout: block.timeout, cap: outputCap, limits: limits, wrapper: wrapper))
        } catch {
            return .skipped("could not start: \(error)")
        }
    }
}

extension BlockRunner {
    struct Unavailable: Error, CustomStringConvertible { var description: String }

    /// The command that puts a run in the strict sandbox: bubblewrap (Debian `bubblewrap`) with
    /// the whole file system read-only but the run's folder, its own /dev, /proc and /tmp, no
    /// network; else util-linux `unshare` with new network and mount namespaces (no network,
    /// writes still possible where the user may write).
    static func strictWrapper(root: String, path: String) -> Result<[String], Unavailable> {
        #if os(Linux)
        if let bwrap = Executable.find("bwrap", path: path) {
            return .success([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                             "--bind", root, root, "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session", "--"])
        }
        if let unshare = Executable.find("unshare", path: path) {
            var args = [unshare, "--net", "--mount", "--fork", "--kill-child"]
            if getuid() != 0 { args.append("--map-root-user") }
            return .success(args + ["--"])
        }
        return .failure(Unavailable(description: "neither bwrap (Debian: bubblewrap) nor unshare is installed"))
        #else
        return .failure(Unavailable(description: "only on Linux"))
        #endif
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
