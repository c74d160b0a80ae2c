import Foundation
import KBContent
import KBCore

/// Warns when a block claims a platform where a command it runs does not exist: an `sh` block
/// defaults to Linux and macOS, so `ionice` in it would be shown as "linux, macos". The table
/// holds well-known commands of one OS; kb.yml's `platform_commands` adds more.
public enum PlatformLint {
    public static let commands: [String: [String]] = [
        "linux": ["ionice", "systemctl", "journalctl", "apt-get", "apt", "dpkg", "dpkg-query", "yum", "dnf", "rpm", "zypper", "apk",
                  "ip", "ss", "lsblk", "findmnt", "blkid", "udevadm", "modprobe", "lsmod", "setpriv", "unshare", "nsenter",
                  "update-ca-certificates", "update-alternatives", "ldconfig", "iptables", "nft", "losetup", "chrt", "taskset",
                  "loginctl", "timedatectl", "hostnamectl", "resolvectl", "networkctl", "bwrap"],
        "macos": ["launchctl", "brew", "sw_vers", "defaults", "scutil", "pbcopy", "pbpaste", "diskutil", "xcode-select",
                  "softwareupdate", "mdfind", "ditto", "pkgutil", "networksetup", "dscl", "plutil", "xcrun"],
        "windows": ["reg", "setx", "where.exe", "winget", "choco", "scoop", "netsh", "sc.exe", "wmic", "certutil", "icacls",
                    "takeown", "cmd.exe", "powershell.exe", "msiexec", "bcdedit", "wsl", "wsl.exe", "schtasks"],
    ]

    /// Words that start a command: line start, after a pipe, `;`, `&&`, `||`, `(`, `$(`, a
    /// backtick, or a word that runs the next one (sudo, then, do, …).
    static let commandStart = try! NSRegularExpression(pattern:
        #"(?:^|[|;&(`]|\$\()\s*(?:(?:sudo|then|do|else|if|exec|xargs|watch|time|nice|env|command|!)\s+(?:-\S+\s+)*)*([A-Za-z][\w.+-]*)"#)

    static let defaultOnlyOn: [String: String] = {
        var onlyOn: [String: String] = [:]
        for (platform, list) in commands { for c in list { onlyOn[c] = platform } }
        return onlyOn
    }()

    public static func lint(_ article: Article, config: KBConfig) -> [Diagnostic] {
        var onlyOn = defaultOnlyOn
        for (platform, list) in config.platformCommands { for c in list { onlyOn[c] = platform } }
        var out: [Diagnostic] = []
        for block in article.blocks where block.role != .output && Block.shellLanguages.contains(block.language) {
            let claimed = Set(block.os)
            guard claimed.count > 1 else { continue }
            // A command is a word of the block: one that names none of the table's is not matched line by line.
            let words = block.code.split { !($0.isLetter || $0.isNumber || "_.+-".contains($0)) }
            guard words.contains(where: { onlyOn[String($0)] != nil }) else { continue }
            for (n, line) in block.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var text = String(line)
                if let hash = text.range(of: " #") ?? (text.hasPrefix("#") ? text.startIndex..<text.index(after: text.startIndex) : nil) {
                    text = String(text[..<hash.lowerBound]) // comments say anything
                }
                let ns = text as NSString
                var reported = Set<String>()
                for m in commandStart.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                    let word = ns.substring(with: m.range(at: 1))
                    guard let platform = onlyOn[word], claimed.contains(platform), !reported.contains(word) else { continue }
                    reported.insert(word)
                    let column = (ns.substring(to: m.range(at: 1).location) as String).count + 1
                    let others = claimed.subtracting([platform]).sorted().joined(separator: ", ")
                    out.append(.warning("'\(word)' exists only on \(platform), but this block also claims \(others) (its os= or the \(block.language) default); add os=\(platform)",
                                        rule: .platformCommand, at: SourceLocation(path: block.location.path, line: block.location.line + 1 + n, column: column)))
                }
            }
        }
        return out
    }
}
