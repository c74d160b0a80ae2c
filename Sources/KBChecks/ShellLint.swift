import Foundation
import KBContent
import KBCore

/// Real linters for embedded shell: shellcheck for sh/bash, PowerShell's own parser through
/// `pwsh` where it exists. What cannot be linted here is reported, never passed silently.
public struct ShellLint: Sendable {
    public var shellcheck: String?
    public var pwsh: String?

    public init(path: String? = ProcessInfo.processInfo.environment["PATH"]) {
        shellcheck = Executable.find("shellcheck", path: path)
        pwsh = Executable.find("pwsh", path: path)
    }

    public enum Verdict: Sendable {
        case findings([Diagnostic])
        case notLinted(String)
        case notApplicable
    }

    public func lint(_ block: Block) -> Verdict {
        switch block.language {
        case "sh", "bash", "shell":
            guard let shellcheck else { return .notLinted("shellcheck is not installed") }
            return shellcheckFindings(block, shellcheck)
        case "powershell", "pwsh", "ps1":
            guard let pwsh else { return .notLinted("pwsh is not installed (PowerShell's parser)") }
            return pwshFindings(block, pwsh)
        case "zsh":
            return .notLinted("no linter for zsh")
        case "cmd", "bat":
            return .notLinted("no linter for cmd")
        default:
            return .notApplicable
        }
    }

    /// Lints many blocks, running shellcheck once per batch of files instead of once per block.
    public func lintAll(_ blocks: [Block]) -> [Verdict] {
        var verdicts = [Verdict?](repeating: nil, count: blocks.count)
        var batches: [String: [Int]] = [:]
        for (i, b) in blocks.enumerated() {
            if shellcheck != nil, ["sh", "bash", "shell"].contains(b.language) {
                batches[b.language == "bash" ? "bash" : "sh", default: []].append(i)
            } else {
                verdicts[i] = lint(b)
            }
        }
        let dir = NSTemporaryDirectory() + "kb-lint-\(UUID().uuidString.prefix(12))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (dialect, indices) in batches {
            for start in stride(from: 0, to: indices.count, by: 200) {
                let chunk = Array(indices[start..<min(start + 200, indices.count)])
                var files: [String] = []
                for i in chunk {
                    let f = dir + "/b\(i).sh"
                    try? Self.neutralizingPlaceholders(blocks[i].code).write(toFile: f, atomically: false, encoding: .utf8)
                    files.append(f)
                }
                guard let out = try? Spawn.run(shellcheck!, ["-s", dialect, "-f", "json1", "-S", "warning"] + files,
                                               environment: ["PATH": "/usr/bin:/bin"], timeout: 120, cap: 64 << 20),
                      let doc = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any],
                      let comments = doc["comments"] as? [[String: Any]] else {
                    for i in chunk { verdicts[i] = .notLinted("shellcheck gave no report") }
                    continue
                }
                var found: [Int: [Diagnostic]] = [:]
                for c in comments {
                    guard let file = c["file"] as? String,
                          let i = Int(file.split(separator: "/").last!.dropFirst().dropLast(3)) else { continue }
                    found[i, default: []].append(Self.diagnostic(c, blocks[i]))
                }
                for i in chunk { verdicts[i] = .findings(found[i] ?? []) }
            }
        }
        return verdicts.map { $0 ?? .notApplicable }
    }

    static func diagnostic(_ c: [String: Any], _ block: Block) -> Diagnostic {
        let line = (c["line"] as? Int) ?? 1, column = (c["column"] as? Int) ?? 1
        let code = (c["code"] as? Int).map { "SC\($0)" } ?? "shellcheck"
        let level = c["level"] as? String ?? "warning"
        let loc = SourceLocation(path: block.location.path, line: block.location.line + line, column: column)
        let message = "\(c["message"] as? String ?? "") (shellcheck \(code))"
        // Plain (role-less) code is documentation, never run: its findings are warnings.
        return Diagnostic(level == "error" && block.role != nil ? .error : .warning, message, rule: .shellcheck(code), at: loc)
    }

    private func write(_ code: String, ext: String) throws -> String {
        let path = NSTemporaryDirectory() + "kb-lint-\(UUID().uuidString.prefix(12)).\(ext)"
        try code.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    private func shellcheckFindings(_ block: Block, _ tool: String) -> Verdict {
        guard let file = try? write(Self.neutralizingPlaceholders(block.code), ext: "sh") else { return .notLinted("cannot write a temp file") }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let dialect = block.language == "bash" ? "bash" : "sh"
        guard let out = try? Spawn.run(tool, ["-s", dialect, "-f", "json1", "-S", "warning", file],
                                       environment: ["PATH": "/usr/bin:/bin"], timeout: 30) else {
            return .notLinted("shellcheck did not run")
        }
        guard let data = out.stdout.data(using: .utf8),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let comments = doc["comments"] as? [[String: Any]] else {
            return .notLinted("shellcheck gave no report: \(out.stderr.prefix(200))")
        }
        return .findings(comments.map { Self.diagnostic($0, block) })
    }

    private func pwshFindings(_ block: Block, _ tool: String) -> Verdict {
        guard let file = try? write(block.code, ext: "ps1") else { return .notLinted("cannot write a temp file") }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let script = "$t=$null;$e=$null;[void][System.Management.Automation.Language.Parser]::ParseFile('\(file)',[ref]$t,[ref]$e);"
            + "foreach($x in $e){\"$($x.Extent.StartLineNumber):$($x.Extent.StartColumnNumber):$($x.Message)\"}"
        guard let out = try? Spawn.run(tool, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script],
                                       environment: ProcessInfo.processInfo.environment, timeout: 60), out.status == 0 else {
            return .notLinted("pwsh did not run")
        }
        let diags: [Diagnostic] = out.stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 2)
            guard parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) else { return nil }
            return .error("PowerShell does not parse this: \(parts[2])", rule: .pwshParse,
                          at: SourceLocation(path: block.location.path, line: block.location.line + l, column: c))
        }
        return .findings(diags)
    }
}
