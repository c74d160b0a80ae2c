import Foundation
import KBCore

/// `kb check --list-rules`: the rule catalogue (KBCore's `Rule.all`) with the members of the
/// advice family spelled out, as text, JSON or the Markdown of docs/rules.md.
public enum RuleListing {
    /// Every rule in catalogue order; each advice rule follows the `advice/*` family line.
    public static var rules: [Rule] {
        Rule.all.flatMap { $0 == Rule.adviceFamily ? [$0] + AdviceRule.all.map(\.rule) : [$0] }
    }

    public static func text() -> String {
        let width = rules.map(\.id.count).max() ?? 0
        return rules.map { r in
            r.id.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + r.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + r.summary
        }.joined(separator: "\n") + "\n"
    }

    public struct Entry: Encodable {
        public var id: String
        public var severity: String
        public var summary: String
    }

    public struct Document: Encodable {
        public var rules: [Entry]
    }

    public static var document: Document {
        Document(rules: rules.map { Entry(id: $0.id, severity: $0.severity.rawValue, summary: $0.summary) })
    }

    /// docs/rules.md, regenerated with `kb check --list-rules --markdown > docs/rules.md`.
    public static func markdown() -> String {
        var s = """
        # Rules

        <!-- Generated from the rule catalogue (Sources/KBCore/Rule.swift): kb check --list-rules --markdown > docs/rules.md -->

        Every finding of kb names its rule in brackets: `path:line:col: error: message [rule]`. The
        same id is the JSON `rule` of `kb build --json`, the `id` of a lint result of `kb check
        --json`, the SARIF `ruleId` and the GitHub annotation title. The severity is the default: a
        KB read leniently (foreign content, `compat:` without `strict: true`) reports some errors as
        warnings, and shellcheck's own errors in check, fix and example blocks are errors.

        | rule | severity | finds |
        |---|---|---|

        """
        for r in rules {
            s += "| `\(r.id)` | \(r.severity.rawValue) | \(r.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return s
    }
}
