import Foundation
import KBCore
import Yams

/// The one way kb reads YAML (front matter, kb.yml, rule files): bounded before Yams sees it, so a
/// few hundred hostile bytes cannot expand into gigabytes (alias bombs) or overflow the stack
/// (deep nesting), and every problem is a positioned diagnostic.
public enum SafeYAML {
    /// Caps, each reported at the position where it is exceeded.
    public static let maxBytes = 256 * 1024
    public static let maxDepth = 64
    public static let maxAliases = 32
    /// Nodes after alias expansion: far above any real front matter or rule file.
    public static let maxExpandedNodes = 200_000

    /// Composes `text` (whose first line is line `lineOffset + 1` of `path`).
    public static func compose(_ text: String, path: String, lineOffset: Int = 0) -> Result<Node?, Diagnostic> {
        if let problem = scan(text) {
            return .failure(.error(problem.message, rule: .yamlLimit,
                                   at: SourceLocation(path: path, line: problem.line + lineOffset, column: problem.column)))
        }
        let node: Node?
        // No implicit tags: kb reads every scalar through its text (`Node.bool`, `.int` construct
        // from it), and the default resolver compiles seven ICU regular expressions at first use,
        // ≈ 1.5 ms of every `kb` start that reads kb.yml.
        do { node = try Yams.compose(yaml: text, .basic) } catch {
            return .failure(diagnostic(for: error, path: path, lineOffset: lineOffset))
        }
        if let node, !withinExpansionBudget(node) {
            return .failure(.error("YAML expands to more than \(maxExpandedNodes) nodes through its aliases; kb refuses it",
                                   rule: .yamlLimit, at: SourceLocation(path: path, line: (node.mark?.line ?? 1) + lineOffset, column: 1)))
        }
        return .success(node)
    }

    struct Problem { var message: String; var line: Int; var column: Int }

    /// One linear pass over the text: size, nesting (indentation, `- ` runs and flow brackets) and
    /// the number of aliases, outside quoted strings and comments.
    static func scan(_ text: String) -> Problem? {
        if text.utf8.count > maxBytes {
            return Problem(message: "YAML is larger than \(maxBytes / 1024) KiB", line: 1, column: 1)
        }
        var indents: [Int] = []
        var flow = 0, aliases = 0
        var lineNo = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let chars = Array(line.unicodeScalars)
            var i = 0
            while i < chars.count, chars[i] == " " { i += 1 }
            if i == chars.count || chars[i] == "#" { continue }
            if flow == 0 {
                while let last = indents.last, last >= i { indents.removeLast() }
                indents.append(i)
                // `- - - x` nests one level per dash.
                var j = i
                while j + 1 < chars.count, chars[j] == "-", chars[j + 1] == " " {
                    indents.append(j + 2)
                    j += 2
                    while j < chars.count, chars[j] == " " { j += 1 }
                }
            }
            var quote: Unicode.Scalar?
            var prev: Unicode.Scalar = " "
            var k = i
            while k < chars.count {
                let c = chars[k]
                if let q = quote {
                    if c == q { quote = nil }
                    else if c == "\\", q == "\"" { k += 1 }
                } else {
                    switch c {
                    case "\"", "'" where prev == " " || prev == "[" || prev == "{" || prev == "," || prev == ":":
                        quote = c
                    case "#" where prev == " ":
                        k = chars.count
                        continue
                    case "[", "{": flow += 1
                    case "]", "}": flow = max(0, flow - 1)
                    case "*" where (prev == " " || prev == "[" || prev == "{" || prev == ",")
                        && k + 1 < chars.count && !" ,[]{}".unicodeScalars.contains(chars[k + 1]):
                        aliases += 1
                        if aliases > maxAliases {
                            return Problem(message: "YAML uses more than \(maxAliases) aliases (*name); kb caps them", line: lineNo, column: k + 1)
                        }
                    default: break
                    }
                }
                if indents.count + flow > maxDepth {
                    return Problem(message: "YAML nested more than \(maxDepth) levels deep", line: lineNo, column: k + 1)
                }
                prev = c
                k += 1
            }
            if indents.count + flow > maxDepth {
                return Problem(message: "YAML nested more than \(maxDepth) levels deep", line: lineNo, column: i + 1)
            }
        }
        return nil
    }

    /// Counts nodes with aliases expanded, iteratively, stopping at the budget.
    static func withinExpansionBudget(_ root: Node) -> Bool {
        var stack = [root]
        var count = 0
        while let node = stack.popLast() {
            count += 1
            if count > maxExpandedNodes { return false }
            switch node {
            case .scalar, .alias: break
            case .sequence(let s): stack.append(contentsOf: s)
            case .mapping(let m):
                for (k, v) in m { stack.append(k); stack.append(v) }
            }
        }
        return true
    }

    /// A Yams error as a positioned diagnostic.
    public static func diagnostic(for error: Error, path: String, lineOffset: Int) -> Diagnostic {
        if let y = error as? YamlError {
            switch y {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
                let ctx = context.map { "\($0.text) " } ?? ""
                return .error("invalid YAML: \(ctx)\(problem)", rule: .yaml,
                              at: SourceLocation(path: path, line: mark.line + lineOffset, column: mark.column))
            case let .duplicatedKeysInMapping(duplicates, context):
                let mark = context.mark
                return .error("key given twice: \(duplicates.joined(separator: ", "))", rule: .yaml,
                              at: SourceLocation(path: path, line: mark.line + lineOffset, column: mark.column))
            default: break
            }
        }
        return .error("invalid YAML: \(error)", rule: .yaml, at: SourceLocation(path: path, line: 1 + lineOffset, column: 1))
    }
}
