import Foundation

/// Hugo's TOML front matter (`+++ … +++`) rewritten line for line as YAML, so one reader handles
/// both and positions stay right. Covers what front matter holds: `key = value` with strings,
/// numbers, booleans, dates and arrays, and `[table]` sections (one level). Anything else
/// (multi-line strings, arrays of tables) is dropped from the YAML and named in a comment.
enum TOMLFrontMatter {
    /// The text with its TOML front matter turned into YAML front matter; unchanged when it has none.
    static func yamlFrontMatter(_ text: String) -> String {
        guard text.hasPrefix("+++\n") else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "+++" }) else { return text }
        lines[0] = "---"
        lines[end] = "---"
        var table = ""
        var open = 0 // unclosed brackets of a value that spans lines
        for i in 1..<end {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if open > 0 {
                open += depth(line)
                lines[i] = Substring((table.isEmpty ? "  " : "    ") + line)
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { lines[i] = Substring(line.isEmpty ? "" : "#"); continue }
            if line.hasPrefix("[[") { lines[i] = "# (array of tables not read)"; table = "-"; continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                table = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                let parts = table.split(separator: ".")
                lines[i] = parts.count == 1 ? Substring(quoteKey(table) + ":") : "# (nested table not read)"
                if parts.count != 1 { table = "-" }
                continue
            }
            guard table != "-", let eq = line.firstIndex(of: "=") else { lines[i] = "#"; continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"\"\"") || value.hasPrefix("'''") { lines[i] = "# (multi-line string not read)"; continue }
            if value.hasPrefix("{") { value = value.replacingOccurrences(of: " = ", with: ": ") }
            let indent = table.isEmpty ? "" : "  "
            if value.hasPrefix("[") { open = max(0, depth(value)) }
            lines[i] = Substring(indent + quoteKey(key.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))) + ": " + value)
        }
        return lines.joined(separator: "\n")
    }

    /// Opening minus closing brackets outside strings.
    private static func depth(_ s: String) -> Int {
        var d = 0
        var quote: Character?
        for c in s {
            if let q = quote { if c == q { quote = nil } ; continue }
            if c == "\"" || c == "'" { quote = c } else if c == "[" { d += 1 } else if c == "]" { d -= 1 } else if c == "#" { break }
        }
        return d
    }

    private static func quoteKey(_ key: String) -> String {
        key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } ? key : "\"" + key.replacingOccurrences(of: "\"", with: "") + "\""
    }
}
