import Foundation
import KBContent
import KBCore
import Yams

/// A Prometheus rule file the KB holds (`*.rules.yml` under the content folder), checked enough to
/// point at the line of a mistake; promtool checks the PromQL. Not Sendable: Yams nodes are not.
public struct DeclaredRules {
    public var path: String
    public var groups: [Group]

    public struct Group {
        public var name: String
        public var location: SourceLocation
        public var rules: [Rule]
        /// `interval`, `limit`, `query_offset`, … as written.
        public var extra: [(String, Node)]
    }

    public struct Rule {
        public var node: Node
        public var alert: String?
        public var location: SourceLocation
        public var hasRunbookURL: Bool
    }

    /// Content files that are rule files.
    public static func isRuleFile(_ relativePath: String) -> Bool {
        let name = relativePath.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        return name.hasSuffix(".rules.yml") || name.hasSuffix(".rules.yaml")
    }

    public static let maxFileSize = 1024 * 1024

    /// Reads every rule file among `files` (paths relative to `contentDirectory`), sorted by path.
    public static func load(contentDirectory: String, files: [String], displayPrefix: String,
                            fileSystem fs: FileSystem = LocalFileSystem()) -> (rules: [DeclaredRules], diagnostics: [Diagnostic]) {
        var out: [DeclaredRules] = []
        var diagnostics: [Diagnostic] = []
        for rel in files.filter(isRuleFile).sorted() {
            let shown = displayPrefix.isEmpty ? rel : displayPrefix + "/" + rel
            let at = SourceLocation(path: shown, line: 1, column: 1)
            guard let bytes = try? fs.read(contentDirectory + "/" + rel) else {
                diagnostics.append(.error("cannot read the rule file", rule: .io, at: at))
                continue
            }
            guard bytes.count <= maxFileSize else {
                diagnostics.append(.error("rule file is larger than 1 MiB", rule: .fileTooLarge, at: at))
                continue
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                diagnostics.append(.error("rule file is not UTF-8", rule: .invalidUTF8, at: at))
                continue
            }
            let (parsed, d) = parse(text, path: shown)
            diagnostics += d
            if let parsed { out.append(parsed) }
        }
        return (out, diagnostics)
    }

    static let groupKeys = ["name", "interval", "limit", "query_offset", "labels", "rules"]
    static let ruleKeys = ["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"]

    public static func parse(_ text: String, path: String) -> (DeclaredRules?, [Diagnostic]) {
        var diags: [Diagnostic] = []
        func loc(_ n: Node?) -> SourceLocation {
            SourceLocation(path: path, line: n?.mark?.line ?? 1, column: n?.mark?.column ?? 1)
        }
        func err(_ message: String, _ n: Node?) { diags.append(.error(message, rule: .rules, at: loc(n))) }
        let root: Node?
        switch SafeYAML.compose(text, path: path) {
        case .success(let n): root = n
        case .failure(let d): return (nil, [d])
        }
        guard let root, case .mapping(let top) = root else {
            err("a rule file is a mapping with 'groups:'", root)
            return (nil, diags)
        }
        for (k, _) in top where k.string != "groups" {
            err("unknown key '\(k.string ?? "")' in a rule file: expected 'groups'", k)
        }
        guard let groupsNode = top["groups"], case .sequence(let groupList) = groupsNode else {
            err("'groups' must be a list of rule groups", top["groups"] ?? root)
            return (nil, diags)
        }
        var groups: [Group] = []
        for g in groupList {
            guard case .mapping(let gm) = g else { err("a rule group is a mapping with 'name' and 'rules'", g); continue }
            for (k, _) in gm where !groupKeys.contains(k.string ?? "") {
                let hint = Slug.closest(to: k.string ?? "", in: groupKeys).map { "; did you mean '\($0)'?" } ?? ""
                err("unknown key '\(k.string ?? "")' in a rule group\(hint)", k)
            }
            guard let name = gm["name"]?.scalar?.string, !name.isEmpty else { err("a rule group needs 'name'", g); continue }
            if let iv = gm["interval"], PromDuration(iv.scalar?.string ?? "") == nil { err("'interval' must be a duration such as 30s or 1m", iv) }
            guard let rulesNode = gm["rules"], case .sequence(let ruleList) = rulesNode else {
                err("rule group '\(name)' needs 'rules:' as a list", gm["rules"] ?? g)
                continue
            }
            var rules: [Rule] = []
            for r in ruleList {
                guard case .mapping(let rm) = r else { err("a rule is a mapping with 'alert' or 'record' and 'expr'", r); continue }
                for (k, _) in rm where !ruleKeys.contains(k.string ?? "") {
                    let hint = Slug.closest(to: k.string ?? "", in: ruleKeys).map { "; did you mean '\($0)'?" } ?? ""
                    err("unknown key '\(k.string ?? "")' in a rule\(hint)", k)
                }
                let alert = rm["alert"]?.scalar?.string, record = rm["record"]?.scalar?.string
                if (alert == nil) == (record == nil) { err("a rule needs exactly one of 'alert' or 'record'", r); continue }
                if let a = rm["alert"], !isName(alert ?? "", colon: false) { err("'\(alert ?? "")' is not a valid alert name", a) }
                if let rec = rm["record"], !isName(record ?? "", colon: true) { err("'\(record ?? "")' is not a valid metric name", rec) }
                guard let expr = rm["expr"]?.scalar?.string, !expr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    err("rule '\(alert ?? record ?? "")' needs 'expr'", rm["expr"] ?? r)
                    continue
                }
                for key in ["for", "keep_firing_for"] {
                    if let d = rm[key] {
                        if record != nil { err("'\(key)' is only for alerting rules", d) }
                        if PromDuration(d.scalar?.string ?? "") == nil { err("'\(key)' must be a duration such as 5m or 1h", d) }
                    }
                }
                for key in ["labels", "annotations"] {
                    guard let m = rm[key] else { continue }
                    guard case .mapping(let mm) = m else { err("'\(key)' must be a mapping of names to values", m); continue }
                    for (k, v) in mm {
                        if !isName(k.string ?? "", colon: false) { err("'\(k.string ?? "")' is not a valid \(key == "labels" ? "label" : "annotation") name", k) }
                        if v.scalar == nil { err("the value of '\(k.string ?? "")' must be a single value", v) }
                    }
                    if key == "annotations", record != nil { err("'annotations' are only for alerting rules", m) }
                }
                let hasURL = rm["annotations"]?.mapping?["runbook_url"] != nil
                rules.append(Rule(node: r, alert: alert, location: loc(r), hasRunbookURL: hasURL))
            }
            let extra = gm.compactMap { (k, v) -> (String, Node)? in
                guard let key = k.string, key != "name", key != "rules" else { return nil }
                return (key, v)
            }
            groups.append(Group(name: name, location: loc(gm["name"]), rules: rules, extra: extra))
        }
        diags = diags.sortedByLocation()
        if diags.hasErrors { return (nil, diags) }
        return (DeclaredRules(path: path, groups: groups), diags)
    }

    /// Prometheus names: `[a-zA-Z_][a-zA-Z0-9_]*` (metric names may also hold `:`).
    static func isName(_ s: String, colon: Bool) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (colon && c == ":") }
        return letter(first) && s.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }
}
