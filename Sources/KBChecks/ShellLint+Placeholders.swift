import Foundation

extension ShellLint {
    /// Documentation snippets hold placeholders the reader replaces: `<pod-name>`, `…`. To
    /// shellcheck they are redirections and stray bytes; they become plain words of the same length
    /// (`_pod_name_`, `_`) so lines and columns still match. Upper-case `$YOUR_VALUE` needs nothing:
    /// shellcheck takes upper-case names for environment variables.
    static func neutralizingPlaceholders(_ code: String) -> String {
        guard code.contains("<") || code.contains("…") else { return code }
        var out = ""
        out.reserveCapacity(code.utf8.count)
        let chars = Array(code)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "…" { out.append("_"); i += 1; continue }
            if c == "<", i + 1 < chars.count, chars[i + 1].isLetter, i == 0 || chars[i - 1] != "<" {
                var j = i + 1
                while j < chars.count, j - i < 64, chars[j].isLetter || chars[j].isNumber || "-_.:".contains(chars[j]) { j += 1 }
                if j < chars.count, chars[j] == ">" {
                    out += "_" + String(chars[(i + 1)..<j]).map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "_"
                    i = j + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
