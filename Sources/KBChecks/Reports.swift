import Foundation
import KBCore

/// Machine-readable reports for CI systems: JUnit XML, SARIF 2.1.0, GitHub workflow annotations,
/// and the node_exporter textfile format.
public enum Reports {
    static func xml(_ s: String) -> String { HTML.escapeXML(s) }

    /// One JUnit test case per result; lint findings as a failed case each.
    public static func junit(suite: String, results: [CheckResult], diagnostics: [Diagnostic] = []) -> String {
        let failures = results.filter { $0.status == .failed || $0.status == .problem }.count + diagnostics.errorCount
        let skipped = results.filter { $0.status == .skipped || $0.status == .unknown || $0.status == .notApplicable }.count
        let total = results.count + diagnostics.filter { $0.severity != .note }.count
        let time = results.reduce(0) { $0 + $1.seconds }
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<testsuites name=\"kb\" tests=\"\(total)\" failures=\"\(failures)\" skipped=\"\(skipped)\" time=\"\(String(format: "%.3f", time))\">\n"
        s += "  <testsuite name=\"\(xml(suite))\" tests=\"\(total)\" failures=\"\(failures)\" skipped=\"\(skipped)\" time=\"\(String(format: "%.3f", time))\">\n"
        for r in results {
            s += "    <testcase classname=\"\(xml(r.article))\" name=\"\(xml(r.kind + " " + r.id))\" file=\"\(xml(r.file))\" line=\"\(r.line)\" time=\"\(String(format: "%.3f", r.seconds))\""
            switch r.status {
            case .failed, .problem:
                s += ">\n      <failure message=\"\(xml(r.message))\">\(xml(r.location + ": " + r.message + (r.output.map { "\n" + $0 } ?? "")))</failure>\n    </testcase>\n"
            case .skipped, .unknown, .notApplicable:
                s += ">\n      <skipped message=\"\(xml(r.message))\"/>\n    </testcase>\n"
            default:
                s += "/>\n"
            }
        }
        for d in diagnostics where d.severity != .note {
            let loc = d.location
            s += "    <testcase classname=\"lint\" name=\"\(xml(d.rule.id))\" file=\"\(xml(loc?.path ?? ""))\" line=\"\(loc?.line ?? 0)\">"
            if d.severity == .error {
                s += "\n      <failure message=\"\(xml(d.message))\">\(xml(d.description))</failure>\n    </testcase>\n"
            } else {
                s += "\n      <system-out>\(xml(d.description))</system-out>\n    </testcase>\n"
            }
        }
        return s + "  </testsuite>\n</testsuites>\n"
    }

    /// SARIF 2.1.0 with one result per failure or finding, each with a file/line region.
    public static func sarif(results: [CheckResult], diagnostics: [Diagnostic], version: String) -> String {
        var rules: [String: [String: Any]] = [:]
        var out: [[String: Any]] = []
        func add(rule: String, level: String, message: String, file: String, line: Int, column: Int) {
            rules[rule] = ["id": rule, "shortDescription": ["text": rule]]
            out.append([
                "ruleId": rule, "level": level, "message": ["text": message],
                "locations": [["physicalLocation": [
                    "artifactLocation": ["uri": file],
                    "region": ["startLine": max(1, line), "startColumn": max(1, column)],
                ]]],
            ])
        }
        for r in results where r.status == .failed || r.status == .problem {
            add(rule: Rule.blockFailed(kind: r.kind).id, level: "error", message: "\(r.id): \(r.message)", file: r.file, line: r.line, column: r.column)
        }
        for d in diagnostics where d.severity != .note {
            add(rule: d.rule.id, level: d.severity == .error ? "error" : "warning", message: d.message,
                file: d.location?.path ?? "", line: d.location?.line ?? 1, column: d.location?.column ?? 1)
        }
        let doc: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "kb", "version": version, "informationUri": "https://example.invalid/kb",
                                    "rules": rules.keys.sorted().map { rules[$0]! }]],
                "results": out,
            ]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
    public static func github(results: [CheckResult], diagnostics: [Diagnostic]) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        func prop(_ s: String) -> String { esc(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
        var lines: [String] = []
        for r in results where r.status == .failed || r.status == .problem {
            lines.append("::error file=\(prop(r.file)),line=\(r.line),col=\(r.column),title=\(prop("kb \(r.kind) \(r.id)"))::\(esc(r.message))")
        }
        for d in diagnostics where d.severity != .note {
            let loc = d.location
            lines.append("::\(d.severity == .error ? "error" : "warning") file=\(prop(loc?.path ?? "")),line=\(loc?.line ?? 1),col=\(loc?.column ?? 1),title=\(prop(d.rule.id))::\(esc(d.message))")
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// Prometheus label value escaping.
    static func label(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// node_exporter textfile collector format for `kb doctor`: one series per check.
    /// `kb_check_status` is 0 ok, 1 problem present, 2 could not check.
    public static func prometheus(results: [CheckResult], severities: [String: String], timestamp: Double) -> String {
        var s = "# HELP kb_check_status Result of a kb check on this node: 0 ok, 1 problem present, 2 could not check.\n"
        s += "# TYPE kb_check_status gauge\n"
        // A check whose component is not on this node says nothing about it: no series.
        let results = results.filter { $0.status != .notApplicable }
        for r in results {
            let value = r.status == .ok ? 0 : r.status == .problem ? 1 : 2
            s += "kb_check_status{check=\"\(label(r.id))\",article=\"\(label(r.article))\",severity=\"\(label(severities[r.id] ?? "warning"))\"} \(value)\n"
        }
        s += "# HELP kb_check_duration_seconds How long the check took.\n# TYPE kb_check_duration_seconds gauge\n"
        for r in results {
            s += "kb_check_duration_seconds{check=\"\(label(r.id))\",article=\"\(label(r.article))\",severity=\"\(label(severities[r.id] ?? "warning"))\"} \(String(format: "%.3f", r.seconds))\n"
        }
        s += "# HELP kb_doctor_last_run_timestamp_seconds When kb doctor last finished on this node.\n# TYPE kb_doctor_last_run_timestamp_seconds gauge\n"
        s += "kb_doctor_last_run_timestamp_seconds \(String(format: "%.3f", timestamp))\n"
        return s
    }
}
