import Foundation
import KBCore

/// Renders a `MarkdownDocument` to HTML. Pure: links and code blocks go through hooks so the site
/// can rewrite `.md` links and decorate executable blocks.
public struct HTMLRenderer {
    /// Raw HTML in Markdown is escaped unless the KB opts in.
    public var allowRawHTML = false
    /// Rewrites a link or image destination; return nil to drop the link (text is kept).
    public var resolveURL: (String) -> String? = { $0 }
    /// Renders a fenced code block itself; nil falls back to a plain `<pre><code>`.
    public var renderCodeBlock: (MarkdownNode) -> String? = { _ in nil }
    /// A paragraph holding only a titled image renders as a figure with the title as caption.
    public var implicitFigures = false
    /// `Term` + `: definition` paragraphs render as definition lists whose terms carry ids.
    public var definitionLists = false
    /// HTML comments (`<!-- … -->`) render as nothing instead of escaped text.
    public var dropHTMLComments = false

    public init() {}

    public func render(_ document: MarkdownDocument) -> String {
        var out = ""
        out.reserveCapacity(4096)
        var anchors = Slug.AnchorSet()
        blocks(document.root.children, into: &out, anchors: &anchors, tight: false)
        return out
    }

    func block(_ node: MarkdownNode, into out: inout String, anchors: inout Slug.AnchorSet, tight: Bool) {
        switch node.kind {
        case .paragraph:
            if tight {
                for child in node.children { inline(child, into: &out) }
            } else {
                out += "<p>"
                for child in node.children { inline(child, into: &out) }
                out += "</p>\n"
            }
        case .heading:
            let level = min(max(node.level, 1), 6)
            let explicit = node.explicitHeadingID
            let anchor = anchors.unique(Self.nonEmptyAnchor(explicit?.id ?? Slug.anchor(node.plainText)))
            out += "<h\(level) id=\"\(HTML.escapeAttribute(anchor))\">"
            for child in (explicit == nil ? node : node.withoutExplicitID).children { inline(child, into: &out) }
            out += "<a class=\"anchor\" href=\"#\(HTML.escapeAttribute(anchor))\" aria-label=\"Link to this section\">#</a>"
            out += "</h\(level)>\n"
        case .blockQuote:
            out += "<blockquote>\n"
            blocks(node.children, into: &out, anchors: &anchors, tight: false)
            out += "</blockquote>\n"
        case .list:
            let tag = node.ordered ? "ol" : "ul"
            let isTaskList = node.children.contains { $0.checked != nil }
            var attrs = ""
            if node.ordered, node.listStart != 1 { attrs += " start=\"\(node.listStart)\"" }
            if isTaskList { attrs += " class=\"task-list\"" }
            out += "<\(tag)\(attrs)>\n"
            for item in node.children { block(item, into: &out, anchors: &anchors, tight: node.tight) }
            out += "</\(tag)>\n"
        case .item:
            out += "<li>"
            if let checked = node.checked {
                out += "<input type=\"checkbox\" disabled\(checked ? " checked" : "") aria-label=\"\(checked ? "done" : "to do")\"> "
            }
            blocks(node.children, into: &out, anchors: &anchors, tight: tight)
            out += "</li>\n"
        case .codeBlock:
            if let custom = renderCodeBlock(node) {
                out += custom
            } else {
                out += HTML.codeBlock(language: node.info.split(separator: " ").first.map(String.init) ?? "", code: node.literal)
            }
        case .htmlBlock:
            if dropHTMLComments, Self.isComment(node.literal) { break }
            if allowRawHTML { out += node.literal } else { out += "<pre class=\"raw-html\">\(HTML.escape(node.literal))</pre>\n" }
        case .thematicBreak:
            out += "<hr>\n"
        case .table:
            out += "<div class=\"table-wrap\"><table>\n"
            let header = node.children.filter(\.isHeaderRow)
            let body = node.children.filter { !$0.isHeaderRow }
            if !header.isEmpty {
                out += "<thead>\n"
                for row in header { tableRow(row, cellTag: "th", alignments: node.alignments, into: &out) }
                out += "</thead>\n"
            }
            if !body.isEmpty {
                out += "<tbody>\n"
                for row in body { tableRow(row, cellTag: "td", alignments: node.alignments, into: &out) }
                out += "</tbody>\n"
            }
            out += "</table></div>\n"
        case .footnoteDefinition:
            out += "<div class=\"footnote\">"
            for child in node.children { block(child, into: &out, anchors: &anchors, tight: false) }
            out += "</div>\n"
        default:
            // An inline where a block was expected: render it inline rather than lose it.
            inline(node, into: &out)
        }
    }

    private func tableRow(_ row: MarkdownNode, cellTag: String, alignments: [String], into out: inout String) {
        out += "<tr>"
        for (i, cell) in row.children.enumerated() {
            let align = i < alignments.count ? alignments[i] : ""
            out += align.isEmpty ? "<\(cellTag)>" : "<\(cellTag) class=\"align-\(align)\">"
            for child in cell.children { inline(child, into: &out) }
            out += "</\(cellTag)>"
        }
        out += "</tr>\n"
    }

    func inline(_ node: MarkdownNode, into out: inout String) {
        switch node.kind {
        case .text: out += HTML.escape(node.literal)
        case .softBreak: out += "\n"
        case .lineBreak: out += "<br>\n"
        case .code: out += "<code>\(HTML.escape(node.literal))</code>"
        case .htmlInline:
            if dropHTMLComments, Self.isComment(node.literal) { break }
            out += allowRawHTML ? node.literal : HTML.escape(node.literal)
        case .emphasis: wrap("em", node, into: &out)
        case .strong: wrap("strong", node, into: &out)
        case .strikethrough: wrap("del", node, into: &out)
        case .link:
            if let href = HTML.safeURL(node.url).flatMap(resolveURL) {
                let title = node.title.isEmpty ? "" : " title=\"\(HTML.escapeAttribute(node.title))\""
                out += "<a href=\"\(HTML.escapeAttribute(href))\"\(title)>"
                for child in node.children { inline(child, into: &out) }
                out += "</a>"
            } else {
                for child in node.children { inline(child, into: &out) }
            }
        case .image:
            let alt = HTML.escapeAttribute(node.plainText)
            if let src = HTML.safeURL(node.url).flatMap(resolveURL) {
                out += "<img src=\"\(HTML.escapeAttribute(src))\" alt=\"\(alt)\" loading=\"lazy\">"
            } else {
                out += alt
            }
        case .footnoteReference:
            out += "<sup class=\"footnote-ref\">\(HTML.escape(node.literal))</sup>"
        default:
            var anchors = Slug.AnchorSet()
            block(node, into: &out, anchors: &anchors, tight: false)
        }
    }

    private func wrap(_ tag: String, _ node: MarkdownNode, into out: inout String) {
        out += "<\(tag)>"
        for child in node.children { inline(child, into: &out) }
        out += "</\(tag)>"
    }
}
