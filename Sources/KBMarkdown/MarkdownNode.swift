import KBCore

/// An immutable Markdown tree node, built from cmark-gfm and owned by Swift (no C handles).
public struct MarkdownNode: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case document, blockQuote, list, item, codeBlock, htmlBlock, paragraph, heading
        case thematicBreak, table, tableRow, tableCell, footnoteDefinition
        case text, softBreak, lineBreak, code, htmlInline, emphasis, strong, strikethrough
        case link, image, footnoteReference
    }

    public var kind: Kind
    public var children: [MarkdownNode] = []
    /// Text of `text`, `code`, `codeBlock`, `htmlBlock`, `htmlInline`.
    public var literal: String = ""
    /// Heading level.
    public var level: Int = 0
    /// Link and image destination.
    public var url: String = ""
    public var title: String = ""
    /// A fenced code block's info string.
    public var info: String = ""
    public var ordered = false
    public var listStart = 1
    public var tight = false
    /// A task-list item's state; nil when the item is not a task.
    public var checked: Bool?
    /// Table column alignments: "", "left", "center", "right".
    public var alignments: [String] = []
    public var isHeaderRow = false
    /// 1-based position in the original file (front-matter lines counted), column in characters.
    public var line: Int = 0
    public var column: Int = 0

    public init(kind: Kind) { self.kind = kind }

    /// The node's text with markup removed: what a heading or link reads as.
    public var plainText: String {
        switch kind {
        case .text, .code: return literal
        case .softBreak, .lineBreak: return " "
        case .htmlInline: return ""
        default: return children.map(\.plainText).joined()
        }
    }

    /// Depth-first, pre-order visit of this node and all below it.
    public func forEach(_ body: (MarkdownNode) throws -> Void) rethrows {
        try body(self)
        for child in children { try child.forEach(body) }
    }
}

/// A parsed Markdown body.
public struct MarkdownDocument: Sendable, Hashable, Codable {
    public var root: MarkdownNode
    /// Where the Markdown nested deeper than `MarkdownParser.maxDepth` (kept as plain text there).
    public var tooDeep: Position?
    /// Where a table wider than `MarkdownParser.maxTableColumns` was refused (kept as text).
    public var tooWide: Position?
    public init(root: MarkdownNode) { self.root = root }

    public struct Position: Sendable, Hashable, Codable {
        public var line: Int
        public var column: Int
    }

    public struct Heading: Sendable, Hashable, Codable {
        public var level: Int
        public var text: String
        public var anchor: String
        public var line: Int
        public var column: Int
    }

    /// Headings in order with GitHub-compatible unique anchors; the HTML renderer uses the same.
    public var headings: [Heading] {
        var anchors = Slug.AnchorSet()
        var out: [Heading] = []
        root.forEach { node in
            guard node.kind == .heading else { return }
            let text = node.plainText
            out.append(Heading(level: node.level, text: text, anchor: anchors.unique(Slug.anchor(text)),
                               line: node.line, column: node.column))
        }
        return out
    }
}
