import Foundation

/// Fence info strings written for other tools: `yaml title="mkdocs.yml" hl_lines="2 3"`,
/// `go {file="layouts/x.html" copy=true}`, `{ .sh .copy }`. kb reads only the language and a title.
public enum ForeignInfo {
    /// The language: the first word, or the first `.class` of an attribute list.
    static func language(_ words: [String]) -> String {
        guard let first = words.first else { return "" }
        if first.hasPrefix("{") {
            for w in words {
                let t = w.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
                if t.hasPrefix("."), t.count > 1 { return String(t.dropFirst()).lowercased() }
            }
            return ""
        }
        if let brace = first.firstIndex(of: "{") { return String(first[..<brace]).lowercased() }
        return first.lowercased()
    }

    /// `title="…"` or `file="…"` in the info string (quotes may hold spaces), for the code caption.
    public static func title(_ info: String) -> String? {
        for key in ["title=", "file="] {
            guard let r = info.range(of: key) else { continue }
            let before = info[..<r.lowerBound].last
            guard before == nil || before == " " || before == "{" else { continue }
            var rest = info[r.upperBound...]
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let end = rest.firstIndex(of: "\"") else { continue }
                let t = String(rest[..<end])
                return t.isEmpty ? nil : t
            }
            let t = rest.prefix { $0 != " " && $0 != "}" }
            return t.isEmpty ? nil : String(t)
        }
        return nil
    }
}
