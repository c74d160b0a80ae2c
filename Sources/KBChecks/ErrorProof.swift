import Foundation
import KBContent
import KBCore

/// Which `errors:` texts a run on this machine can prove: a text is covered when an `output`
/// block of the same article (for an example that runs here) contains it, or matches it when it
/// is a regex; proven when that example also passed in this run. Texts marked `os: windows` can
/// only be produced on Windows and are counted apart.
public struct ErrorProof: Sendable, Encodable {
    public var proven = 0
    public var covered = 0
    public var windowsOnly = 0
    public var unproven = 0

    public init() {}

    /// `passed`: ids ("article#block") of examples that passed in this run; nil when nothing ran.
    public static func count(_ graph: KnowledgeGraph, os: String = Shell.currentOS, passed: Set<String>?) -> ErrorProof {
        var proof = ErrorProof()
        for a in graph.articles {
            let examples = Dictionary(a.blocks.filter { $0.role == .example && $0.id != nil }.map { ($0.id!, $0) }, uniquingKeysWith: { x, _ in x })
            let outputs: [(String, String)] = a.blocks.compactMap { b in
                guard b.role == .output, let id = b.forID?.id, let ex = examples[id], ex.os.contains(os) else { return nil }
                return (id, b.code)
            }
            for e in a.errors {
                if e.isWindowsOnly { proof.windowsOnly += 1; continue }
                let by = outputs.filter { _, text in
                    if e.isRegex { return (try? NSRegularExpression(pattern: e.text))?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }
                    return text.contains(e.text)
                }
                if by.isEmpty { proof.unproven += 1; continue }
                proof.covered += 1
                if let passed, by.contains(where: { passed.contains(a.canonicalID + "#" + $0.0) }) { proof.proven += 1 }
            }
        }
        return proof
    }
}
