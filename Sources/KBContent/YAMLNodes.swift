import Foundation
import KBCore
import Yams

/// Typed reads of Yams nodes that report problems at the node's position in the file.
struct YAMLNodes {
    var path: String
    /// Lines before the YAML text in the file (the opening `---`).
    var lineOffset: Int

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(path: path, line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
    }

    func string(_ node: Node, _ key: String, _ diags: inout [Diagnostic]) -> String? {
        if case .scalar(let s) = node { return s.string }
        diags.append(.error("'\(key)' must be a single value", rule: .frontMatterType, at: location(node)))
        return nil
    }

    /// A list of scalars; one scalar is refused so that `tags: a, b` does not pass as one tag.
    func strings(_ node: Node, _ key: String, _ diags: inout [Diagnostic]) -> [(String, SourceLocation)] {
        guard case .sequence(let seq) = node else {
            diags.append(.error("'\(key)' must be a list, e.g. \(key): [a, b]", rule: .frontMatterType, at: location(node)))
            return []
        }
        var out: [(String, SourceLocation)] = []
        for item in seq {
            if case .scalar(let s) = item {
                out.append((s.string, location(item)))
            } else {
                diags.append(.error("each item of '\(key)' must be a single value", rule: .frontMatterType, at: location(item)))
            }
        }
        return out
    }
}
