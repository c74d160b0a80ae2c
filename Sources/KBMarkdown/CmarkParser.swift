import CCmarkGFM
import KBCore

/// The only place that touches cmark-gfm: parse, convert the C tree into `MarkdownNode`s, free it.
public enum MarkdownParser {
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// Parses `text` (LF line ends). `lineOffset` is added to every line so positions count the
    /// front matter that was cut off before parsing.
    public static func parse(_ text: String, lineOffset: Int = 0) -> MarkdownDocument {
        _ = registered
        // Raw HTML is kept in the tree (UNSAFE) and escaped or passed by our own renderer.
        let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { return MarkdownDocument(root: MarkdownNode(kind: .document)) }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                cmark_parser_feed(parser, $0, buf.count)
            }
        }
        guard let doc = cmark_parser_finish(parser) else { return MarkdownDocument(root: MarkdownNode(kind: .document)) }
        defer { cmark_node_free(doc) }
        let lines = LineIndex(text)
        return MarkdownDocument(root: convert(doc, lines: lines, lineOffset: lineOffset))
    }

    private static func string(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    private static func convert(_ node: OpaquePointer, lines: LineIndex, lineOffset: Int) -> MarkdownNode {
        let typeString = string(cmark_node_get_type_string(node))
        var out = MarkdownNode(kind: kind(of: node, typeString: typeString))
        let line = Int(cmark_node_get_start_line(node))
        let byteColumn = Int(cmark_node_get_start_column(node))
        if line > 0 {
            out.line = line + lineOffset
            out.column = lines.characterColumn(line: line, byteColumn: byteColumn)
        }
        switch out.kind {
        case .text, .code, .htmlBlock, .htmlInline:
            out.literal = string(cmark_node_get_literal(node))
        case .codeBlock:
            out.literal = string(cmark_node_get_literal(node))
            out.info = string(cmark_node_get_fence_info(node))
        case .heading:
            out.level = Int(cmark_node_get_heading_level(node))
        case .link, .image:
            out.url = string(cmark_node_get_url(node))
            out.title = string(cmark_node_get_title(node))
        case .list:
            out.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
            out.listStart = Int(cmark_node_get_list_start(node))
            out.tight = cmark_node_get_list_tight(node) != 0
        case .item:
            if typeString == "tasklist" { out.checked = cmark_gfm_extensions_get_tasklist_item_checked(node) }
        case .table:
            let columns = Int(cmark_gfm_extensions_get_table_columns(node))
            if let a = cmark_gfm_extensions_get_table_alignments(node) {
                out.alignments = (0..<columns).map { i in
                    switch a[i] {
                    case UInt8(ascii: "l"): return "left"
                    case UInt8(ascii: "c"): return "center"
                    case UInt8(ascii: "r"): return "right"
                    default: return ""
                    }
                }
            }
        case .tableRow:
            out.isHeaderRow = cmark_gfm_extensions_get_table_row_is_header(node) != 0
        default:
            break
        }
        var child = cmark_node_first_child(node)
        while let c = child {
            out.children.append(convert(c, lines: lines, lineOffset: lineOffset))
            child = cmark_node_next(c)
        }
        // Inline nodes often carry no position: inherit the enclosing block's.
        if out.line == 0, let first = out.children.first(where: { $0.line > 0 }) {
            out.line = first.line
            out.column = first.column
        }
        return out
    }

    private static func kind(of node: OpaquePointer, typeString: String) -> MarkdownNode.Kind {
        switch typeString {
        case "table": return .table
        case "table_header", "table_row": return .tableRow
        case "table_cell": return .tableCell
        case "strikethrough": return .strikethrough
        default: break
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_DOCUMENT: return .document
        case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
        case CMARK_NODE_LIST: return .list
        case CMARK_NODE_ITEM: return .item
        case CMARK_NODE_CODE_BLOCK: return .codeBlock
        case CMARK_NODE_HTML_BLOCK: return .htmlBlock
        case CMARK_NODE_PARAGRAPH: return .paragraph
        case CMARK_NODE_HEADING: return .heading
        case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
        case CMARK_NODE_FOOTNOTE_DEFINITION: return .footnoteDefinition
        case CMARK_NODE_TEXT: return .text
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE: return .code
        case CMARK_NODE_HTML_INLINE: return .htmlInline
        case CMARK_NODE_EMPH: return .emphasis
        case CMARK_NODE_STRONG: return .strong
        case CMARK_NODE_LINK: return .link
        case CMARK_NODE_IMAGE: return .image
        case CMARK_NODE_FOOTNOTE_REFERENCE: return .footnoteReference
        default: return .paragraph // custom nodes render as their children
        }
    }
}

/// Maps cmark's byte columns to character columns.
struct LineIndex {
    private let starts: [Int]
    private let utf8: [UInt8]

    init(_ text: String) {
        utf8 = Array(text.utf8)
        var s = [0]
        for (i, b) in utf8.enumerated() where b == 10 { s.append(i + 1) }
        starts = s
    }

    func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= starts.count, byteColumn > 1 else { return max(byteColumn, 1) }
        let start = starts[line - 1]
        let end = min(start + byteColumn - 1, utf8.count)
        // Count scalars that start before the byte: every byte that is not a continuation byte.
        var count = 0
        for i in start..<end where utf8[i] & 0xC0 != 0x80 { count += 1 }
        return count + 1
    }
}
