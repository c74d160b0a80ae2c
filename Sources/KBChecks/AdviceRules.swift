import Foundation
import KBContent
import KBCore

/// Lint for dangerous advice in any code block: commands that "fix" a toolchain by breaking the
/// machine (truncating PATH, turning off antivirus, disabling checksum verification…). A `fix`
/// that must show one marks itself `effect=destructive`; the site then shows a warning. An
/// `example` whose own `output` shows the tool refusing the command (the rule's `refusal`)
/// demonstrates the refusal, not the advice, so the rule leaves it alone.
public struct AdviceRule: Sendable {
    public var id: String
    public var reason: String
    /// The article that explains the danger and the safe alternative.
    public var article: String
    public var pattern: String
    /// What the tool prints when it rejects the command, if it does.
    public var refusal: String? = nil

    /// Its entry in the rule catalogue: `advice/<id>`.
    public var rule: Rule { .advice(id, summary: reason) }

    public static let all: [AdviceRule] = [
        AdviceRule(id: "setx-path",
                   reason: "setx truncates values over 1024 characters, and setx PATH \"%PATH%;…\" copies the system PATH into the user PATH",
                   article: "path-truncated-by-setx",
                   pattern: #"(?i)\bsetx(\.exe)?\s+(/m\s+)?["']?path\b"#),
        AdviceRule(id: "defender-realtime-off",
                   reason: "turning off Defender real-time protection leaves the machine unprotected; use a scoped exclusion or report the false positive",
                   article: "defender-quarantines-go-build",
                   pattern: #"(?i)-DisableRealtimeMonitoring\s+(\$true|1|true)\b"#),
        AdviceRule(id: "firewall-off",
                   reason: "Windows Firewall allows outbound connections by default; turning it off fixes nothing and exposes the machine",
                   article: "go-get-timeout",
                   pattern: #"(?i)(netsh\s+advfirewall\s+set\s+\w+\s+state\s+off|Set-NetFirewallProfile\b[^\n]*-Enabled\s+(\$false|false|0)\b|systemctl\s+(stop|disable)\s+(ufw|firewalld)\b|\bufw\s+disable\b)"#),
        AdviceRule(id: "gosumdb-off",
                   reason: "GOSUMDB=off disables checksum verification for every module; scope private modules with GOPRIVATE or GONOSUMDB instead",
                   article: "private-modules-checked-against-public-sumdb",
                   pattern: #"(?i)\bGOSUMDB\s*=\s*["']?off\b|go\s+env\s+-w\s+GOSUMDB\s*=\s*["']?off\b|\$env:GOSUMDB\s*=\s*["']off["']"#),
        AdviceRule(id: "go-insecure-flag",
                   reason: "-insecure fetches modules over plain HTTP or without certificate checks (and is gone from modern Go); trust the proxy's CA instead",
                   article: "tls-interception-proxy",
                   pattern: #"(?i)(\bgo\s+(get|install|mod\s+download)\b[^\n]*\s-insecure\b|\bGOFLAGS\s*=\s*["']?[^\n"']*-insecure\b)"#,
                   refusal: "-insecure flag is no longer supported"),
        AdviceRule(id: "goinsecure-wildcard",
                   reason: "GOINSECURE=* turns off TLS verification for every module path; name the one host if you must",
                   article: "tls-interception-proxy",
                   pattern: #"(?i)\bGOINSECURE\s*=\s*["']?\*"#),
        AdviceRule(id: "chmod-777",
                   reason: "chmod -R 777 makes files writable by every user; fix ownership or the install location instead",
                   article: "gobin-under-program-files",
                   pattern: #"\bchmod\s+(-[a-zA-Z]*R[a-zA-Z]*\s+)(0?777|a\+rwx)\b"#),
        AdviceRule(id: "curl-pipe-shell",
                   reason: "piping a download straight into a shell runs code nobody has read; download, verify, then run",
                   article: "go-environment-health-check",
                   pattern: #"(?i)\b(curl|wget|iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b[^\n|]*\|\s*(sudo\s+)?(sh|bash|zsh|iex|Invoke-Expression)\b"#),
    ]

    /// Findings in one article's blocks, positioned at the matching line and column.
    public static func lint(_ article: Article, rules: [AdviceRule] = all) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let compiled = rules.compactMap { rule in (try? NSRegularExpression(pattern: rule.pattern)).map { (rule, $0) } }
        for block in article.blocks where block.role != .output {
            if block.role == .fix, block.effect == .destructive { continue }
            let shown = block.role == .example && block.id != nil
                ? article.blocks.filter { $0.role == .output && $0.forID?.id == block.id }.map(\.code) : []
            let lines = block.code.split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() {
                let text = String(line)
                let ns = text as NSString
                for (rule, regex) in compiled {
                    if let refusal = rule.refusal, shown.contains(where: { $0.contains(refusal) }) { continue }
                    guard let m = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { continue }
                    let column = (ns.substring(to: m.range.location) as String).count + 1
                    let loc = SourceLocation(path: block.location.path, line: block.location.line + 1 + n, column: column)
                    out.append(.error("dangerous advice: \(rule.reason) (see kb:\(rule.article)); a fix that must show this marks itself effect=destructive",
                                      rule: rule.rule, at: loc))
                }
            }
        }
        return out
    }
}
