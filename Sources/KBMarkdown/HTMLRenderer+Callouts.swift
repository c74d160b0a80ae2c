import Foundation
import KBCore

/// Callouts, content tabs and figures: blockquotes that start with `[!TYPE] Title` (GitHub alerts,
/// Obsidian callouts, and what kb's compat pass makes of MkDocs, Docusaurus and Hugo admonitions
/// and tabs) render as components, never as the raw marker.
extension HTMLRenderer {
    struct Callout {
        /// Lower-cased type as written (`note`, `warning`, `kb-tab`).
        var type: String
        /// `-` collapsed, `+` open, nil not collapsible.
        var fold: Character?
        var title: String
        var body: [MarkdownNode]
    }

    /// A heading with no text (only markup or a comment) still needs an id: "section", numbered.
    static func nonEmptyAnchor(_ anchor: String) -> String { anchor.isEmpty ? "section" : anchor }

    /// `<!-- … -->` and nothing else (blank lines around allowed).
    static func isComment(_ html: String) -> Bool {
        let t = html.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix("<!--"), t.hasSuffix("-->") else { return false }
        return t.dropFirst(4).dropLast(3).range(of: "-->") == nil
    }

    /// The type's colour family in the theme.
    static func calloutFamily(_ type: String) -> String {
        switch type {
        case "tip", "hint", "success", "check", "done", "important": return "tip"
        case "warning", "caution", "attention", "question", "help", "faq": return "warning"
        case "danger", "error", "failure", "fail", "missing", "bug": return "danger"
        case "example", "quote", "cite": return "example"
        default: return "note"
        }
    }

    static func callout(_ node: MarkdownNode) -> Callout? {
        guard node.kind == .blockQuote, let first = node.children.first, first.kind == .paragraph else { return nil }
        var lineNodes = 0
        var firstLine = ""
        for child in first.children {
            if child.kind == .softBreak || child.kind == .lineBreak { break }
            firstLine += child.plainText
            lineNodes += 1
            if firstLine.count > 300 { return nil }
        }
        guard firstLine.hasPrefix("[!"), let close = firstLine.firstIndex(of: "]") else { return nil }
        let type = firstLine[firstLine.index(firstLine.startIndex, offsetBy: 2)..<close]
        guard !type.isEmpty, type.count <= 32, type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var rest = firstLine[firstLine.index(after: close)...]
        var fold: Character?
        if let f = rest.first, f == "-" || f == "+" { fold = f; rest = rest.dropFirst() }
        let lower = type.lowercased()
        var title = rest.trimmingCharacters(in: .whitespaces)
        if title.isEmpty, lower != "kb-tab" { title = lower.prefix(1).uppercased() + lower.dropFirst() }
        var body = Array(node.children.dropFirst())
        var remaining = Array(first.children.dropFirst(lineNodes))
        if let b = remaining.first, b.kind == .softBreak || b.kind == .lineBreak { remaining.removeFirst() }
        if !remaining.isEmpty {
            var p = first
            p.children = remaining
            body.insert(p, at: 0)
        }
        return Callout(type: lower, fold: fold, title: title, body: body)
    }

    /// Renders a container's children, grouping consecutive content tabs into one tab set.
    func blocks(_ children: [MarkdownNode], into out: inout String, anchors: inout Slug.AnchorSet, tight: Bool) {
        var i = 0
        while i < children.count {
            let node = children[i]
            if node.kind == .blockQuote, let c = Self.callout(node) {
                if c.type == "kb-tab" {
                    var tabs = [c]
                    var j = i + 1
                    while j < children.count, children[j].kind == .blockQuote, let next = Self.callout(children[j]), next.type == "kb-tab" {
                        tabs.append(next)
                        j += 1
                    }
                    let group = "tabs-\(node.line)-\(node.column)"
                    out += "<div class=\"tabs\">\n"
                    for (n, tab) in tabs.enumerated() {
                        let id = "\(group)-\(n + 1)"
                        out += "<input type=\"radio\" class=\"tab-input\" name=\"\(group)\" id=\"\(id)\"\(n == 0 ? " checked" : "")>"
                        out += "<label class=\"tab-label\" for=\"\(id)\">\(HTML.escape(tab.title))</label>\n<div class=\"tab-panel\">\n"
                        blocks(tab.body, into: &out, anchors: &anchors, tight: false)
                        out += "</div>\n"
                    }
                    out += "</div>\n"
                    i = j
                    continue
                }
                let cls = "admonition admonition-\(Self.calloutFamily(c.type)) admonition-type-\(HTML.escapeAttribute(c.type))"
                if let fold = c.fold {
                    out += "<details class=\"\(cls)\"\(fold == "+" ? " open" : "")><summary class=\"admonition-title\">\(HTML.escape(c.title))</summary>\n"
                    blocks(c.body, into: &out, anchors: &anchors, tight: false)
                    out += "</details>\n"
                } else {
                    out += "<div class=\"\(cls)\" role=\"note\"><p class=\"admonition-title\">\(HTML.escape(c.title))</p>\n"
                    blocks(c.body, into: &out, anchors: &anchors, tight: false)
                    out += "</div>\n"
                }
                i += 1
                continue
            }
            if definitionLists, node.kind == .paragraph, let entries = Self.definitionList(node) {
                out += "<dl class=\"definitions\">\n"
                for entry in entries {
                    if entry.isTerm {
                        let text = entry.inlines.map(\.plainText).joined()
                        out += "<dt id=\"\(HTML.escapeAttribute(anchors.unique(Slug.anchor(text))))\">"
                        for child in entry.inlines { inline(child, into: &out) }
                        out += "</dt>\n"
                    } else {
                        out += "<dd>"
                        for child in entry.inlines { inline(child, into: &out) }
                        out += "</dd>\n"
                    }
                }
                out += "</dl>\n"
                i += 1
                continue
            }
            if implicitFigures, node.kind == .paragraph, node.children.count == 1, let image = node.children.first,
               image.kind == .image, !image.title.isEmpty, let src = HTML.safeURL(image.url).flatMap(resolveURL) {
                out += "<figure class=\"figure\"><img src=\"\(HTML.escapeAttribute(src))\" alt=\"\(HTML.escapeAttribute(image.plainText))\" loading=\"lazy\">"
                out += "<figcaption>\(HTML.escape(image.title))</figcaption></figure>\n"
                i += 1
                continue
            }
            block(node, into: &out, anchors: &anchors, tight: tight)
            i += 1
        }
    }
}

extension HTMLRenderer {
    struct DefinitionEntry {
        var isTerm: Bool
        var inlines: [MarkdownNode]
    }

    /// `Term` / `: definition` lines in one paragraph (PHP Markdown Extra, Goldmark, Python-Markdown
    /// definition lists), split at line breaks: nil when the paragraph is not one.
    static func definitionList(_ paragraph: MarkdownNode) -> [DefinitionEntry]? {
        var lines: [[MarkdownNode]] = [[]]
        for child in paragraph.children {
            if child.kind == .softBreak || child.kind == .lineBreak { lines.append([]) } else { lines[lines.count - 1].append(child) }
        }
        func isDefinition(_ line: [MarkdownNode]) -> Bool {
            guard let first = line.first, first.kind == .text else { return false }
            return first.literal.hasPrefix(": ") || first.literal.hasPrefix(":\t") || first.literal == ":"
        }
        guard lines.count >= 2, !isDefinition(lines[0]), isDefinition(lines[1]) else { return nil }
        var entries: [DefinitionEntry] = []
        for (n, line) in lines.enumerated() {
            if isDefinition(line) {
                var inlines = line
                inlines[0].literal = String(inlines[0].literal.dropFirst()).trimmingCharacters(in: .whitespaces)
                entries.append(DefinitionEntry(isTerm: false, inlines: inlines))
            } else if n + 1 < lines.count, isDefinition(lines[n + 1]) {
                entries.append(DefinitionEntry(isTerm: true, inlines: line))
            } else if var last = entries.popLast() {
                var soft = MarkdownNode(kind: .softBreak)
                soft.line = line.first?.line ?? 0
                last.inlines += [soft] + line
                entries.append(last)
            }
        }
        return entries
    }
}

extension MarkdownDocument {
    /// Heading anchors and, with `definitionLists`, the ids of definition terms, in document order
    /// with the same uniqueness numbering the HTML renderer gives them. Terms come back with level 0.
    public func anchors(definitionLists: Bool) -> [Heading] {
        guard definitionLists else { return headings }
        var set = Slug.AnchorSet()
        var out: [Heading] = []
        root.forEach { node in
            if node.kind == .heading {
                let explicit = node.explicitHeadingID
                let text = explicit?.text ?? node.plainText
                out.append(Heading(level: node.level, text: text, anchor: set.unique(HTMLRenderer.nonEmptyAnchor(explicit?.id ?? Slug.anchor(text))),
                                   line: node.line, column: node.column))
            } else if node.kind == .paragraph, let entries = HTMLRenderer.definitionList(node) {
                for e in entries where e.isTerm {
                    let text = e.inlines.map(\.plainText).joined()
                    out.append(Heading(level: 0, text: text, anchor: set.unique(Slug.anchor(text)), line: node.line, column: node.column))
                }
            }
        }
        return out
    }
}

extension MarkdownNode {
    /// A heading's text and explicit id when it ends in `{#id}` (Hugo, MkDocs attr_list, Pandoc,
    /// Docusaurus), also `{ #id .class }`.
    public var explicitHeadingID: (text: String, id: String)? {
        guard kind == .heading, let last = children.last, last.kind == .text else { return nil }
        let literal = last.literal.trimmingCharacters(in: .whitespaces)
        guard literal.hasSuffix("}"), let open = literal.lastIndex(of: "{") else { return nil }
        let inside = literal[literal.index(after: open)..<literal.index(before: literal.endIndex)]
        var id: String?
        for word in inside.split(separator: " ") {
            if word.hasPrefix("#"), word.count > 1 { id = String(word.dropFirst()); break }
            if word.hasPrefix("id=") {
                let value = word.dropFirst(3).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                if !value.isEmpty { id = value; break }
            }
        }
        guard let id else { return nil }
        let full = plainText.trimmingCharacters(in: .whitespaces)
        guard let fullOpen = full.lastIndex(of: "{") else { return nil }
        return (full[..<fullOpen].trimmingCharacters(in: .whitespaces), id)
    }

    /// The heading with a trailing `{#id}` removed from its text.
    var withoutExplicitID: MarkdownNode {
        guard explicitHeadingID != nil, var last = children.last, let open = last.literal.lastIndex(of: "{") else { return self }
        var copy = self
        last.literal = String(last.literal[..<open]).trimmingCharacters(in: .whitespaces)
        copy.children[copy.children.count - 1] = last
        return copy
    }
}
