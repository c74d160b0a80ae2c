import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore

/// Output to the user: colour only on a TTY and never with NO_COLOR; diagnostics on stderr.
struct Terminal: Sendable {
    let useColour: Bool

    init(colour wanted: Bool) {
        useColour = wanted && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    func paint(_ s: String, _ code: String) -> String { useColour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { paint(s, "1") }
    func dim(_ s: String) -> String { paint(s, "2") }
    func red(_ s: String) -> String { paint(s, "31") }
    func yellow(_ s: String) -> String { paint(s, "33") }
    func green(_ s: String) -> String { paint(s, "32") }
    func cyan(_ s: String) -> String { paint(s, "36") }

    func out(_ s: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((s + terminator).utf8))
    }

    func err(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    /// `path:line:col: error: message [rule]`, coloured by severity on a TTY.
    func format(_ d: Diagnostic) -> String {
        let loc = d.location.map { "\($0): " } ?? ""
        let sev: String
        switch d.severity {
        case .error: sev = red("error")
        case .warning: sev = yellow("warning")
        case .note: sev = cyan("note")
        }
        return "\(bold(loc))\(sev): \(d.message) \(dim("[\(d.rule.id)]"))"
    }

    func report(_ diagnostics: [Diagnostic]) {
        for d in diagnostics.sortedByLocation() { err(format(d)) }
    }
}

/// Exit codes shared by every command (DESIGN §6).
enum ExitStatus {
    static let ok: Int32 = 0
    static let findings: Int32 = 1
    static let usage: Int32 = 2
}

func jsonString<T: Encodable>(_ value: T) -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? enc.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
}

extension GlobalOptions {
    /// The KB (or a built site's sources) loaded and resolved; unreadable input is reported and
    /// exits 2, the same way in every command.
    func loadKB(site: String? = nil, terminal term: Terminal) throws -> (LoadedContent, KnowledgeGraph) {
        do { return try GraphLoader.load(content: content, site: site) } catch let e as DiagnosticError {
            term.report(e.diagnostics)
            throw ExitCode(ExitStatus.usage)
        }
    }
}
