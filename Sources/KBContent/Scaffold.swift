import Foundation

/// The text of a new article (`kb new`): the front matter and sections the writing guide asks of
/// its kind, with `FILL IN:` wherever the author must write (each one a warning of `kb check`).
/// Pure: values in, Markdown out.
public enum Scaffold {
    /// A YAML double-quoted scalar.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += String(format: "\\x%02X", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    static let fill = Placeholder.marker

    /// A new article of `kind` whose short id is `slug`.
    public static func article(kind: ArticleKind, slug: String, title: String?, today: String) -> String {
        var fm: [String] = ["---"]
        fm.append("title: " + quoted(title ?? "\(fill) the title: what the reader sees or asks"))
        fm.append("kind: \(kind.rawValue)")
        fm.append("summary: " + quoted("\(fill) one sentence, shown in search results"))
        fm.append("platforms: []  # windows, linux, macos, kubernetes")
        fm.append("tools: []")
        fm.append("tags: []")
        switch kind {
        case .symptom:
            fm.append("errors:")
            fm.append("  - " + quoted("\(fill) the exact error text, copied from the terminal (one item per wording)"))
            fm.append("causes: []  # the ids of the cause articles, most likely first")
        case .cause:
            fm.append("fixes: []  # fix articles this cause shares with others, if any")
        case .runbook:
            fm.append("alerts: []  # the Prometheus alert names this runbook answers")
            fm.append("severity: warning  # \(fill) critical, warning or info, as the alert's own label")
        case .fix, .concept, .reference:
            break
        }
        fm.append("see_also: []")
        fm.append("sources:")
        fm.append("  - " + quoted("\(fill) a URL or citation for each non-obvious fact"))
        fm.append("updated: \(today)")
        fm.append("---")

        var body: [String] = [""]
        func section(_ heading: String, _ what: String) {
            body += ["## \(heading)", "", "\(fill) \(what)", ""]
        }
        let check = """
            ```sh check id=\(slug)-check timeout=10s
            # \(fill) a read-only probe that prints one short line; exit 0 when healthy, 1 when this problem is present
            exit 2
            ```
            """
        let fix = { (target: String?) in
            """
            ```sh fix id=\(slug)-fix\(target.map { " for=" + $0 } ?? "") effect=mutates admin=false
            # \(fill) the repair, one command per step, as the reader types it
            ```
            """
        }
        switch kind {
        case .symptom:
            section("What you see", "the texts and behaviour, briefly, and when they appear.")
            section("Likely causes, most likely first", "a list of links to the cause articles (kb:cause-id), each also under causes:.")
            section("Telling them apart", "the quickest observation that separates the causes.")
        case .cause, .runbook:
            section("What you see", "the texts and behaviour, briefly.")
            section("Why", "the mechanism, with its source.")
            body += ["## How to check", "", check, ""]
            body += ["## How to fix", "", fix("\(slug)-check"), ""]
            section("How to confirm", "what to run afterwards and what it prints.")
        case .fix:
            section("When to use it", "the causes this procedure repairs, as links.")
            body += ["## Steps", "", fix(nil), ""]
            section("How to confirm", "what to run afterwards and what it prints.")
        case .concept:
            section("In short", "the idea in two or three sentences.")
            section("How it works", "the mechanism, with its sources.")
            section("What it means in practice", "the consequences a reader meets, with links to the articles about them.")
        case .reference:
            section("Contents", "the table or list this page gathers, with links.")
        }
        return (fm + body).joined(separator: "\n")
    }

    /// A translation skeleton of `original` (an article's text) into `lang`: its front matter and
    /// every code block kept as they are (same ids, error texts, causes, checks and fixes), title,
    /// summary, headings and prose replaced by `FILL IN: translate …` lines that quote the original.
    public static func translation(of original: String, lang: String, today: String) -> String {
        let lines = original.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var i = 0
        // Front matter: keys kept, except the texts to translate and the date.
        if lines.first == "---", let end = lines.dropFirst().firstIndex(where: { $0 == "---" || $0 == "..." }) {
            out.append("---")
            var j = 1
            var sawUpdated = false
            while j < end {
                let line = lines[j]
                let key = line.firstMatch(of: /^([A-Za-z_][A-Za-z0-9_-]*):(.*)$/)
                if let key, ["title", "summary", "lang", "updated"].contains(String(key.1)) {
                    // Skip the value's continuation lines (block scalars, folded text).
                    var k = j + 1
                    while k < end, lines[k].hasPrefix(" ") || lines[k].isEmpty { k += 1 }
                    var value = ([String(key.2)] + lines[(j + 1)..<k]).joined(separator: " ")
                        .trimmingCharacters(in: CharacterSet(charactersIn: " >|-\"'"))
                    if value.hasPrefix(fill) { value = value.dropFirst(fill.count).trimmingCharacters(in: .whitespaces) }
                    switch key.1 {
                    case "title", "summary": out.append("\(key.1): " + quoted("\(fill) translate: \(value)"))
                    case "lang": out.append("lang: \(lang)")
                    default: out.append("updated: \(today)"); sawUpdated = true
                    }
                    j = k
                    continue
                }
                out.append(line)
                j += 1
            }
            if !sawUpdated { out.append("updated: \(today)") }
            out.append("---")
            i = end + 1
        }
        // Body: code blocks verbatim; headings and paragraphs become placeholders.
        var paragraph: [String] = []
        func flush() {
            guard !paragraph.isEmpty else { return }
            var text = paragraph.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if text.hasPrefix(fill) { text = text.dropFirst(fill.count).trimmingCharacters(in: .whitespaces) }
            out.append("\(fill) translate: \(text.count > 100 ? String(text.prefix(97)) + "…" : text)")
            paragraph = []
        }
        var fence: String?
        while i < lines.count {
            let line = lines[i]
            i += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                out.append(line)
                if trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == open.first }) { fence = nil }
                continue
            }
            if let m = trimmed.firstMatch(of: /^(`{3,}|~{3,})/) {
                flush()
                fence = String(m.1)
                out.append(line)
                continue
            }
            if trimmed.isEmpty {
                flush()
                out.append("")
            } else if let h = trimmed.firstMatch(of: /^(#{1,6})\s+(.*)$/) {
                flush()
                out.append("\(h.1) \(fill) translate: \(h.2)")
            } else {
                paragraph.append(trimmed)
            }
        }
        flush()
        return out.joined(separator: "\n")
    }
}
