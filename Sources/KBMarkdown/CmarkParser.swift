import CCmarkGFM
import KBCore

/// The only place that touches cmark-gfm: parse, convert the C tree into `MarkdownNode`s, free it.
public enum MarkdownParser {
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// cmark-gfm keeps the table of characters that start an inline in one global array: each
    /// parser's inline pass adds its extensions' characters to it and removes them when done
    /// (github/cmark-gfm#176, #221). Two inline passes at once then race: one finishing removes
    /// `w` and `:` while the other still scans, and `www.example.com` stays text on one build
    /// and becomes a link on the next. Inline passes (`cmark_parser_finish`) take turns;
    /// block parsing and the conversion to `MarkdownNode`s still run in parallel.
    private static let inlinePass = Locked(())

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
        let wideTable = neutralizeWideTables(&bytes)
        let deepLine = neutralizeDeepContainers(&bytes)
        bytes.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                cmark_parser_feed(parser, $0, buf.count)
            }
        }
        guard let doc = inlinePass.withLock({ _ in cmark_parser_finish(parser) }) else { return MarkdownDocument(root: MarkdownNode(kind: .document)) }
        defer { cmark_node_free(doc) }
        var state = Conversion(lines: LineIndex(text), lineOffset: lineOffset)
        var document = MarkdownDocument(root: convert(doc, depth: 0, state: &state))
        document.tooDeep = deepLine.map { MarkdownDocument.Position(line: $0 + lineOffset, column: 1) } ?? state.tooDeep
        document.tooWide = wideTable.map { MarkdownDocument.Position(line: $0 + lineOffset, column: 1) }
        return document
    }

    /// Widest table kb renders. cmark-gfm's table extension grows fast with the column count
    /// (a 14 KB row of 2,000 columns took gigabytes), so wider delimiter rows are defused before
    /// parsing (their pipes become colons, so no table forms) and reported.
    public static let maxTableColumns = 128

    /// cmark appends each child after walking up its ancestors, so one line opening tens of
    /// thousands of containers (`- - - - …`, `> > > …`) costs minutes in cmark itself. Markers
    /// past `maxDepth` on a line become spaces before parsing (no container opens), and the line
    /// is reported. Returns the first such line (1-based).
    static func neutralizeDeepContainers(_ bytes: inout [UInt8]) -> Int? {
        var first: Int?
        var line = 1, i = 0
        let space = UInt8(ascii: " ")
        while i < bytes.count {
            var depth = 0
            var j = i
            scan: while j < bytes.count {
                while j < bytes.count, bytes[j] == space || bytes[j] == 9 { j += 1 }
                guard j < bytes.count else { break }
                let c = bytes[j]
                var markerEnd = j
                if c == UInt8(ascii: ">") {
                    markerEnd = j + 1
                } else if (c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || c == UInt8(ascii: "+")),
                          j + 1 < bytes.count, bytes[j + 1] == space || bytes[j + 1] == 9 {
                    markerEnd = j + 1
                } else if c >= 48, c <= 57 {
                    var k = j
                    while k < bytes.count, k - j < 9, bytes[k] >= 48, bytes[k] <= 57 { k += 1 }
                    guard k < bytes.count, bytes[k] == UInt8(ascii: ".") || bytes[k] == UInt8(ascii: ")"),
                          k + 1 < bytes.count, bytes[k + 1] == space || bytes[k + 1] == 9 else { break scan }
                    markerEnd = k + 1
                } else {
                    break scan
                }
                depth += 1
                if depth > maxDepth {
                    if first == nil { first = line }
                    for k in j..<markerEnd { bytes[k] = space }
                }
                j = markerEnd
            }
            while j < bytes.count, bytes[j] != 10 { j += 1 }
            i = j + 1
            line += 1
        }
        return first
    }

    /// Returns the (1-based) line of the first delimiter row with too many columns, after
    /// rewriting every such row so that cmark sees no table.
    static func neutralizeWideTables(_ bytes: inout [UInt8]) -> Int? {
        var first: Int?
        var line = 1, start = 0
        var i = 0
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == 10 {
                var pipes = 0, dashes = 0, other = false
                for k in start..<i {
                    switch bytes[k] {
                    case UInt8(ascii: "|"): pipes += 1
                    case UInt8(ascii: "-"): dashes += 1
                    case UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\t"), 13: break
                    default: other = true
                    }
                    if other { break }
                }
                if !other, dashes > 0, pipes > maxTableColumns {
                    if first == nil { first = line }
                    for k in start..<i where bytes[k] == UInt8(ascii: "|") { bytes[k] = UInt8(ascii: ":") }
                }
                line += 1
                start = i + 1
            }
            i += 1
        }
        return first
    }

    /// Deeper Markdown than this (lists in lists, quotes in quotes, emphasis in links…) is kept
    /// as plain text, so every recursive walk over the tree — rendering, hashing, encoding,
    /// even freeing it — stays far from the stack's end. Real documents nest a handful of levels.
    public static let maxDepth = 64

    private struct Conversion {
        var lines: LineIndex
        let lineOffset: Int
        /// Where the first over-deep node starts (line, column), reported by the article parser.
        var tooDeep: MarkdownDocument.Position?
    }

    private static func string(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    private static func convert(_ node: OpaquePointer, depth: Int, state: inout Conversion) -> MarkdownNode {
        let typeString = string(cmark_node_get_type_string(node))
        var out = MarkdownNode(kind: kind(of: node, typeString: typeString))
        let line = Int(cmark_node_get_start_line(node))
        let byteColumn = Int(cmark_node_get_start_column(node))
        if line > 0 {
            out.line = line + state.lineOffset
            out.column = state.lines.characterColumn(line: line, byteColumn: byteColumn)
        }
        if depth >= maxDepth {
            if state.tooDeep == nil { state.tooDeep = MarkdownDocument.Position(line: out.line, column: out.column) }
            var flat = MarkdownNode(kind: .text)
            flat.literal = flattenedText(node)
            flat.line = out.line
            flat.column = out.column
            return flat
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
            out.children.append(convert(c, depth: depth + 1, state: &state))
            child = cmark_node_next(c)
        }
        // Inline nodes often carry no position: inherit the enclosing block's.
        if out.line == 0, let first = out.children.first(where: { $0.line > 0 }) {
            out.line = first.line
            out.column = first.column
        }
        return out
    }

    /// The text under `node`, walked with cmark's own iterator (no recursion).
    private static func flattenedText(_ node: OpaquePointer) -> String {
        guard let iter = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iter) }
        var parts: [String] = []
        while true {
            let event = cmark_iter_next(iter)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let n = cmark_iter_get_node(iter) else { continue }
            switch cmark_node_get_type(n) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK: parts.append(string(cmark_node_get_literal(n)))
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_PARAGRAPH: parts.append(" ")
            default: break
            }
        }
        return parts.joined()
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

/// Maps cmark's byte columns to character columns in O(1) per lookup: ASCII lines map directly;
/// other lines get a byte → character table once (a line of 100,000 code spans stays linear).
struct LineIndex {
    private let starts: [Int]
    private let utf8: [UInt8]
    private let ascii: [Bool]
    private var tables: [Int: [Int32]] = [:]

    init(_ text: String) {
        utf8 = Array(text.utf8)
        var s = [0]
        var a: [Bool] = []
        var lineASCII = true
        for (i, b) in utf8.enumerated() {
            if b == 10 { s.append(i + 1); a.append(lineASCII); lineASCII = true } else if b >= 0x80 { lineASCII = false }
        }
        a.append(lineASCII)
        starts = s
        ascii = a
    }

    mutating func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= starts.count, byteColumn > 1 else { return max(byteColumn, 1) }
        if ascii[line - 1] { return byteColumn }
        let start = starts[line - 1]
        if tables[line] == nil {
            let end = line < starts.count ? starts[line] : utf8.count
            // table[k] = characters that start before byte k of the line.
            var table = [Int32](repeating: 0, count: end - start + 1)
            var count: Int32 = 0
            for i in start..<end {
                table[i - start] = count
                if utf8[i] & 0xC0 != 0x80 { count += 1 }
            }
            table[end - start] = count
            tables[line] = table
        }
        let table = tables[line]!
        let offset = min(byteColumn - 1, table.count - 1)
        return Int(table[offset]) + 1
    }
}
