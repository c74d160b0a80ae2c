import Foundation
import KBContent
import KBCore

/// Lint for dangerous advice in any code block: commands that "fix" a toolchain by breaking the
/// machine (truncating PATH, turning off antivirus, disabling checksum verification…). A `fix`
/// that must show one marks itself `effect=destructive`; the site then shows a warning. An
/// `example` whose own `output` shows the tool refusing the command (the rule's `refusal`)
/// demonstrates the refusal, not the advice, so the rule leaves it alone. The article that
/// explains each rule's danger and the safe alternative is the KB's to name, in kb.yml's `advice:`.
public struct AdviceRule: Sendable {
    public var id: String
    public var reason: String
    public var pattern: String
    /// What the tool prints when it rejects the command, if it does.
    public var refusal: String? = nil
    /// Lowercase ASCII words of which a matching line holds at least one (every alternative of
    /// `pattern` has one): a block that holds none is not matched line by line. Empty: always match.
    public var needles: [String] = []

    /// Its entry in the rule catalogue: `advice/<id>`.
    public var rule: Rule { .advice(id, summary: reason) }

    public static let all: [AdviceRule] = [
        AdviceRule(id: "setx-path",
                   reason: "setx truncates values over 1024 characters, and setx PATH \"%PATH%;…\" copies the system PATH into the user PATH",
                   pattern: #"(?i)\bsetx(\.exe)?\s+(/m\s+)?["']?path\b"#, needles: ["setx"]),
        AdviceRule(id: "defender-realtime-off",
                   reason: "turning off Defender real-time protection leaves the machine unprotected; use a scoped exclusion or report the false positive",
                   pattern: #"(?i)-DisableRealtimeMonitoring\s+(\$true|1|true)\b"#, needles: ["disablerealtimemonitoring"]),
        AdviceRule(id: "firewall-off",
                   reason: "Windows Firewall allows outbound connections by default; turning it off fixes nothing and exposes the machine",
                   pattern: #"(?i)(netsh\s+advfirewall\s+set\s+\w+\s+state\s+off|Set-NetFirewallProfile\b[^\n]*-Enabled\s+(\$false|false|0)\b|systemctl\s+(stop|disable)\s+(ufw|firewalld)\b|\bufw\s+disable\b)"#, needles: ["advfirewall", "set-netfirewallprofile", "systemctl", "ufw"]),
        AdviceRule(id: "gosumdb-off",
                   reason: "GOSUMDB=off disables checksum verification for every module; scope private modules with GOPRIVATE or GONOSUMDB instead",
                   pattern: #"(?i)\bGOSUMDB\s*=\s*["']?off\b|go\s+env\s+-w\s+GOSUMDB\s*=\s*["']?off\b|\$env:GOSUMDB\s*=\s*["']off["']"#, needles: ["gosumdb"]),
        AdviceRule(id: "go-insecure-flag",
                   reason: "-insecure fetches modules over plain HTTP or without certificate checks (and is gone from modern Go); trust the proxy's CA instead",
                   pattern: #"(?i)(\bgo\s+(get|install|mod\s+download)\b[^\n]*\s-insecure\b|\bGOFLAGS\s*=\s*["']?[^\n"']*-insecure\b)"#,
                   refusal: "-insecure flag is no longer supported", needles: ["-insecure"]),
        AdviceRule(id: "goinsecure-wildcard",
                   reason: "GOINSECURE=* turns off TLS verification for every module path; name the one host if you must",
                   pattern: #"(?i)\bGOINSECURE\s*=\s*["']?\*"#, needles: ["goinsecure"]),
        AdviceRule(id: "chmod-777",
                   reason: "chmod -R 777 makes files writable by every user; fix ownership or the install location instead",
                   pattern: #"\bchmod\s+(-[a-zA-Z]*R[a-zA-Z]*\s+)(0?777|a\+rwx)\b"#, needles: ["chmod"]),
        AdviceRule(id: "curl-pipe-shell",
                   reason: "piping a download straight into a shell runs code nobody has read; download, verify, then run",
                   pattern: #"(?i)\b(curl|wget|iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b[^\n|]*\|\s*(sudo\s+)?(sh|bash|zsh|iex|Invoke-Expression)\b"#, needles: ["|"]),
    ]

    /// Findings in one article's blocks, positioned at the matching line and column; each names
    /// the article `config.advice` gives for its rule.
    public static func lint(_ article: Article, config: KBConfig = KBConfig(), rules: [AdviceRule]? = nil) -> [Diagnostic] {
        var out: [Diagnostic] = []
        // The table's own patterns are compiled once per process (a KB of 100,000 articles compiled
        // them 100,000 times); a caller's own list is compiled here.
        let compiled = rules.map(compile) ?? compiledTable
        for block in article.blocks where block.role != .output {
            if block.role == .fix, block.effect == .destructive { continue }
            let lowered = Array(block.code.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            let candidates = compiled.filter { rule, _ in
                rule.needles.isEmpty || rule.needles.contains { lowered.firstRange(of: Array($0.utf8)) != nil }
            }
            if candidates.isEmpty { continue }
            let shown = block.role == .example && block.id != nil
                ? article.blocks.filter { $0.role == .output && $0.forID?.id == block.id }.map(\.code) : []
            let lines = block.code.split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() {
                let text = String(line)
                let ns = text as NSString
                for (rule, regex) in candidates {
                    if let refusal = rule.refusal, shown.contains(where: { $0.contains(refusal) }) { continue }
                    guard let m = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { continue }
                    let column = (ns.substring(to: m.range.location) as String).count + 1
                    let loc = SourceLocation(path: block.location.path, line: block.location.line + 1 + n, column: column)
                    let see = config.advice[rule.id].map { " (see kb:\($0.id))" } ?? ""
                    out.append(.error("dangerous advice: \(rule.reason)\(see); a fix that must show this marks itself effect=destructive",
                                      rule: rule.rule, at: loc))
                }
            }
        }
        return out
    }

    static func compile(_ rules: [AdviceRule]) -> [(AdviceRule, NSRegularExpression)] {
        rules.compactMap { rule in (try? NSRegularExpression(pattern: rule.pattern)).map { (rule, $0) } }
    }
    nonisolated(unsafe) static let compiledTable = compile(all)

    /// kb.yml's `advice:` names rules of this table only.
    public static func configDiagnostics(_ config: KBConfig) -> [Diagnostic] {
        let names = all.map(\.id)
        return config.advice.sorted { $0.key < $1.key }.compactMap { name, ref in
            guard !names.contains(name) else { return nil }
            let hint = Slug.closest(to: name, in: names).map { "; did you mean '\($0)'?" } ?? ""
            return .error("unknown advice rule '\(name)' in advice:\(hint)", rule: .config, at: ref.location)
        }
    }
}

