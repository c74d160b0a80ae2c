/// Renders a Markdown tree as terminal text: headings, lists, code and links readable without a
/// browser. Styling is injected so the caller decides about colour (TTY, NO_COLOR).
public struct TextRenderer {
    public struct Style {
        public var heading: (String) -> String = { $0 }
        public var code: (String) -> String = { $0 }
        public var emphasis: (String) -> String = { $0 }
        public var dim: (String) -> String = { $0 }
        public init() {}
    }

    public var style: Style
    public var skipFirstHeading = false

    public init(style: Style = Style()) { self.style = style }

    public func render(_ document: MarkdownDocument) -> String {
        var out: [String] = []
        var children = document.root.children
        if skipFirstHeading, let first = children.first, first.kind == .heading, first.level == 1 { children.removeFirst() }
        for child in children { block(child, indent: "", into: &out) }
        return out.joined(separator: "\n")
    }

    private func block(_ node: MarkdownNode, indent: String, into out: inout [String]) {
        switch node.kind {
        case .heading:
            out.append("")
            out.append(indent + style.heading(String(repeating: "#", count: node.level) + " " + node.plainText))
        case .paragraph:
            out.append(indent + inlines(node))
            out.append("")
        case .blockQuote:
            var inner: [String] = []
            for c in node.children { block(c, indent: "", into: &inner) }
            out += inner.map { indent + style.dim("│ ") + $0 }
        case .list:
            var n = node.listStart
            for item in node.children {
                var inner: [String] = []
                for c in item.children { block(c, indent: "", into: &inner) }
                while inner.last == "" { inner.removeLast() }
                let bullet = node.ordered ? "\(n). " : (item.checked.map { $0 ? "[x] " : "[ ] " } ?? "• ")
                n += 1
                for (k, line) in inner.enumerated() {
                    out.append(indent + (k == 0 ? bullet : String(repeating: " ", count: bullet.count)) + line)
                }
            }
            out.append("")
        case .codeBlock:
            if !node.info.isEmpty { out.append(indent + style.dim("┌─ " + node.info)) }
            for line in node.literal.split(separator: "\n", omittingEmptySubsequences: false).dropLast(node.literal.hasSuffix("\n") ? 1 : 0) {
                out.append(indent + style.dim("│ ") + style.code(String(line)))
            }
            out.append("")
        case .table:
            for row in node.children {
                out.append(indent + row.children.map { inlines($0) }.joined(separator: " │ "))
            }
            out.append("")
        case .thematicBreak:
            out.append(indent + style.dim("────────"))
        case .htmlBlock:
            out.append(indent + node.literal)
        default:
            out.append(indent + inlines(node))
        }
    }

    private func inlines(_ node: MarkdownNode) -> String {
        node.children.map { inline($0) }.joined()
    }

    private func inline(_ node: MarkdownNode) -> String {
        switch node.kind {
        case .text: return node.literal
        case .code: return style.code(node.literal)
        case .softBreak: return " "
        case .lineBreak: return "\n"
        case .emphasis, .strong: return style.emphasis(inlines(node))
        case .link:
            let text = inlines(node)
            return text == node.url ? text : text + style.dim(" (" + node.url + ")")
        case .image: return "[" + node.plainText + "]"
        case .htmlInline: return node.literal
        default: return inlines(node)
        }
    }
}
