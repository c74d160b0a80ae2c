import Foundation
import KBCore

public enum BlockRole: String, Sendable, Codable, CaseIterable {
    case check, fix, example, output
}

public enum BlockEffect: String, Sendable, Codable, CaseIterable {
    case read, mutates, destructive
}

public enum CIMode: String, Sendable, Codable, CaseIterable {
    case run, lint, skip
}

public enum MatchMode: String, Sendable, Codable, CaseIterable {
    case exact, glob, regex
}

/// A fenced code block with its parsed info string.
public struct Block: Sendable, Hashable, Codable {
    public var language: String
    public var role: BlockRole?
    public var id: String?
    public var os: [String]
    /// Seconds.
    public var timeout: Double
    public var forID: Ref?
    public var detects: Ref?
    public var effect: BlockEffect
    public var admin: Bool
    public var ci: CIMode?
    public var match: MatchMode
    public var code: String
    /// The fence line.
    public var location: SourceLocation
    /// Attributes as written, in order, for display.
    public var attributes: [[String]]
    /// Resource limits a run may ask for (`cpu=`, `memory=`, `filesize=`, `processes=`); nil: kb's defaults.
    public var cpuSeconds: Int? = nil
    public var memoryBytes: Int? = nil
    public var fileSizeBytes: Int? = nil
    public var processes: Int? = nil
    /// Components the block runs against (`needs=etcd,kubernetes`): run only where they are there.
    public var needs: [String] = []

    public static let shellLanguages: Set<String> = ["sh", "bash", "zsh", "shell", "powershell", "pwsh", "ps1", "cmd", "bat"]

    /// `os` when the block does not say: from the language.
    public static func defaultOS(for language: String) -> [String] {
        switch language {
        case "powershell", "ps1", "cmd", "bat": return ["windows"]
        case "sh", "bash", "zsh", "shell": return ["linux", "macos"]
        case "pwsh": return ["windows", "linux", "macos"]
        default: return []
        }
    }
}

/// Parses a fence info string `lang role key=value …`, reporting each bad part at its column.
public enum InfoString {
    static let keys = ["id", "os", "timeout", "for", "detects", "effect", "admin", "ci", "match", "cpu", "memory", "filesize", "processes", "needs"]
    static let osNames = ["windows", "linux", "macos"]

    /// - Parameters:
    ///   - fenceLine: the text of the fence line, to find each attribute's column.
    ///   - location: the fence's position (its first character).
    ///   - foreign: content written for another generator (compat mode): on a block without a kb
    ///     role, attributes kb does not know (`title="…"`, `hl_lines`, `{file=…}`) are accepted.
    public static func parse(_ info: String, code: String, fenceLine: String, location: SourceLocation,
                             foreign: Bool = false, diagnostics: inout [Diagnostic]) -> Block {
        let words = info.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let language = ForeignInfo.language(words)
        var block = Block(language: language, role: nil, id: nil, os: Block.defaultOS(for: language),
                          timeout: 10, forID: nil, detects: nil, effect: .read, admin: false, ci: nil,
                          match: .exact, code: code, location: location, attributes: [])
        diagnostics += diagramLimits(language: language, code: code, location: location)
        guard words.count >= 2 else { return block }

        func at(_ word: String) -> SourceLocation {
            // Column of the word on the fence line, in characters.
            var loc = location
            if let range = fenceLine.range(of: word) {
                loc.column = fenceLine.distance(from: fenceLine.startIndex, to: range.lowerBound) + 1
            }
            return loc
        }

        var rest = Array(words.dropFirst())
        if let role = BlockRole(rawValue: rest[0]) {
            block.role = role
            rest.removeFirst()
        } else if !rest[0].contains("=") {
            if let guess = Slug.closest(to: rest[0], in: BlockRole.allCases.map(\.rawValue)) {
                diagnostics.append(.error("unknown block role '\(rest[0])'; did you mean '\(guess)'?",
                                          rule: .blockRole, at: at(rest[0])))
            }
            return block // another tool's info string: plain code
        } else {
            // Attributes without a role still matter (e.g. ci=skip on plain code).
        }
        if block.role == .fix { block.effect = .mutates }

        var seen = Set<String>()
        for word in rest {
            guard let eq = word.firstIndex(of: "=") else {
                if block.role == nil, foreign { continue } // another tool's attribute (`linenums`, `{.class}`): plain code
                diagnostics.append(.error("expected key=value, found '\(word)'", rule: .blockAttribute, at: at(word)))
                continue
            }
            let key = String(word[..<eq]), value = String(word[word.index(after: eq)...])
            let loc = at(word)
            block.attributes.append([key, value])
            guard keys.contains(key) else {
                if block.role == nil, foreign { continue } // only kb's role words give a block kb semantics
                let hint = Slug.closest(to: key, in: keys).map { "; did you mean '\($0)'?" } ?? ""
                diagnostics.append(.error("unknown block attribute '\(key)'\(hint)", rule: .blockAttribute, at: loc))
                continue
            }
            if !seen.insert(key).inserted {
                diagnostics.append(.error("attribute '\(key)' given twice", rule: .blockAttribute, at: loc))
            }
            if value.isEmpty {
                diagnostics.append(.error("attribute '\(key)' has no value", rule: .blockAttribute, at: loc))
                continue
            }
            func bad(_ expected: String) {
                diagnostics.append(.error("bad value '\(value)' for '\(key)': expected \(expected)", rule: .blockAttribute, at: loc))
            }
            switch key {
            case "id":
                if Slug.isValidID(value) { block.id = value } else { bad("a slug like 'go-on-path' ([a-z0-9][a-z0-9-]*)") }
            case "os":
                let list = value.split(separator: ",").map(String.init)
                if let wrong = list.first(where: { !osNames.contains($0) }) {
                    let hint = Slug.closest(to: wrong, in: osNames).map { " (did you mean '\($0)'?)" } ?? ""
                    bad("a comma list of windows, linux, macos\(hint)")
                } else { block.os = list }
            case "timeout":
                if let seconds = parseDuration(value) { block.timeout = seconds } else { bad("a duration from 1ms to 1h, such as 500ms, 10s or 2m") }
            case "for":
                block.forID = Ref(id: value, location: loc)
            case "detects":
                block.detects = Ref(id: value, location: loc)
            case "effect":
                if let e = BlockEffect(rawValue: value) { block.effect = e } else { bad("read, mutates or destructive") }
            case "admin":
                if value == "true" || value == "false" { block.admin = value == "true" } else { bad("true or false") }
            case "ci":
                if let c = CIMode(rawValue: value) { block.ci = c } else { bad("run, lint or skip") }
            case "match":
                if let m = MatchMode(rawValue: value) { block.match = m } else { bad("exact, glob or regex") }
            case "cpu":
                if let seconds = parseDuration(value), seconds >= 1 { block.cpuSeconds = Int(seconds.rounded(.up)) } else { bad("CPU time from 1s to 1h, such as 30s or 5m") }
            case "memory":
                if let bytes = parseSize(value), (16 << 20...64 << 30).contains(bytes) { block.memoryBytes = bytes } else { bad("an address-space size from 16m to 64g, such as 512m or 4g") }
            case "filesize":
                if let bytes = parseSize(value), (1 << 10...16 << 30).contains(bytes) { block.fileSizeBytes = bytes } else { bad("a file size from 1k to 16g, such as 10m") }
            case "needs":
                let list = value.split(separator: ",").map(String.init)
                if list.allSatisfy(Slug.isValidID) { block.needs = list } else { bad("a comma list of component names such as etcd or kubernetes") }
            case "processes":
                if value.count <= 6, let n = Int(value), (1...100_000).contains(n) { block.processes = n } else { bad("a number of processes from 1 to 100000") }
            default: break
            }
        }

        let fenceLoc = location
        switch block.role {
        case .check?, .fix?, .example?:
            if block.id == nil, !seen.contains("id") {
                diagnostics.append(.error("a \(block.role!.rawValue) block needs id=…", rule: .blockAttribute, at: fenceLoc))
            }
            if !Block.shellLanguages.contains(language) {
                diagnostics.append(.error("a \(block.role!.rawValue) block must be in a shell language (sh, bash, zsh, powershell, pwsh, cmd), not '\(language)'",
                                          rule: .blockAttribute, at: fenceLoc))
            }
        case .output?:
            if block.forID == nil {
                diagnostics.append(.error("an output block needs for=<example id>", rule: .blockAttribute, at: fenceLoc))
            }
        case nil: break
        }
        if block.role == .check, block.effect != .read {
            diagnostics.append(.error("a check must be read-only (effect=read)", rule: .blockAttribute, at: fenceLoc))
        }
        return block
    }

    /// Diagram blocks are drawn by Graphviz at build time: a huge one would take minutes.
    public static let maxDiagramStatements = 1_500
    public static let maxDiagramBytes = 128 * 1024
    static let diagramLanguages: Set<String> = ["dot", "graphviz", "mermaid"]

    /// Size caps for ```dot/```mermaid blocks, and links inside them that could run script
    /// (`URL="javascript:…"`): both errors at the block.
    static func diagramLimits(language: String, code: String, location: SourceLocation) -> [Diagnostic] {
        guard diagramLanguages.contains(language) else { return [] }
        if code.utf8.count > maxDiagramBytes {
            return [.error("diagram larger than \(maxDiagramBytes / 1024) KiB; split it", rule: .diagramTooLarge, at: location)]
        }
        var statements = 0
        var bytes = code.utf8.makeIterator()
        var prev: UInt8 = 0
        while let b = bytes.next() {
            // Statements end at newlines and semicolons; every edge operator adds one more.
            if b == 10 || b == 59 || (prev == 45 && (b == 62 || b == 45)) { statements += 1 }
            prev = b
        }
        if statements > maxDiagramStatements {
            return [.error("diagram has about \(statements) statements (at most \(maxDiagramStatements)); split it",
                           rule: .diagramTooLarge, at: location)]
        }
        var out: [Diagnostic] = []
        for (n, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lower = line.lowercased()
            for attribute in ["url", "href"] {
                var rest = lower[...]
                while let r = rest.range(of: attribute) {
                    var after = rest[r.upperBound...].drop { $0 == " " }
                    rest = rest[r.upperBound...]
                    guard after.first == "=" else { continue }
                    after = after.dropFirst().drop { $0 == " " || $0 == "\"" || $0 == "<" }
                    let target = String(after.prefix { $0 != "\"" && $0 != ">" && $0 != "," && $0 != "]" && $0 != " " })
                    if !URLPolicy.isSafeLink(target) {
                        var at = location
                        at.line += 1 + n
                        at.column = 1
                        out.append(.error("diagram link '\(target)' has a scheme kb does not allow (http, https, mailto or relative only)",
                                          rule: .unsafeURL, at: at))
                    }
                }
            }
        }
        return out
    }

    /// `512k`, `64m`, `4g` or plain bytes: decimal digits only, at most 12 of them.
    public static func parseSize(_ s: String) -> Int? {
        let units: [(String, Int)] = [("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30)]
        var number = Substring(s.lowercased()), factor = 1
        for (suffix, f) in units where number.hasSuffix(suffix) {
            number = number.dropLast()
            factor = f
            break
        }
        guard !number.isEmpty, number.count <= 12, number.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(number) else { return nil }
        let (product, overflow) = v.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }

    /// The longest `timeout=` a block may ask for.
    public static let maxTimeout: Double = 3600

    /// `500ms`, `10s`, `2m`, `1h` or plain seconds: decimal digits only (no exponent, inf or nan),
    /// from 1 ms to `maxTimeout`.
    public static func parseDuration(_ s: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(s), factor = 1.0
        for (suffix, f) in units where s.hasSuffix(suffix) {
            number = s.dropLast(suffix.count)
            factor = f
            break
        }
        guard !number.isEmpty, number.count <= 12, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let v = Double(number) else { return nil }
        let seconds = v * factor
        guard seconds >= 0.001, seconds <= maxTimeout else { return nil }
        return seconds
    }
}
