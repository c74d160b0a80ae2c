import Foundation

/// The part of Mermaid that troubleshooting articles use — flowcharts (`graph`/`flowchart` with a
/// direction, nodes with labels and shapes, edges with labels, subgraphs) — translated to DOT so
/// Graphviz draws it at build time. Anything else is reported, never guessed at.
public enum Mermaid {
    public struct Unsupported: Error, Equatable, CustomStringConvertible {
        /// 0-based line within the block, 1-based column.
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { message }
    }

    struct Node { var id: String; var label: String?; var shape: String? }
    struct Edge { var from: String; var to: String; var label: String?; var style: String; var head: Bool; var tail: Bool }

    static let shapes: [(open: String, close: String, dot: String)] = [
        ("([", "])", "box\", style=\"rounded"), ("[[", "]]", "box\", peripheries=\"2"), ("[(", ")]", "cylinder"),
        ("((", "))", "circle"), ("{{", "}}", "hexagon"), ("[/", "/]", "parallelogram"), ("[\\", "\\]", "parallelogram"),
        ("[/", "\\]", "trapezium"), ("[\\", "/]", "invtrapezium"),
        ("[", "]", "box"), ("(", ")", "box\", style=\"rounded"), ("{", "}", "diamond"), (">", "]", "cds"),
    ]

    static let ignoredStatements = ["classDef", "class", "style", "linkStyle", "click", "direction", "accTitle", "accDescr"]

    /// DOT for a Mermaid flowchart, or where and why it is not one kb can draw.
    public static func dot(_ source: String) -> Result<String, Unsupported> {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).replacingOccurrences(of: "\r", with: "") }
        var index = 0
        func skipBlank() { while index < lines.count, isBlank(lines[index]) { index += 1 } }
        skipBlank()
        guard index < lines.count else { return .failure(.init(line: 0, column: 1, message: "empty mermaid block")) }
        let header = lines[index].trimmingCharacters(in: .whitespaces)
        let words = header.split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
        guard let kind = words.first, kind == "graph" || kind == "flowchart" else {
            let what = words.first ?? header
            return .failure(.init(line: index, column: column(of: header, in: lines[index]),
                                  message: "mermaid '\(what)' diagrams are not drawn (only flowcharts: graph/flowchart TD|LR); it stays a code block"))
        }
        let directions = ["TD": "TB", "TB": "TB", "LR": "LR", "RL": "RL", "BT": "BT"]
        var rankdir = "TB"
        if words.count > 1 {
            guard let d = directions[words[1].uppercased()] else {
                return .failure(.init(line: index, column: column(of: words[1], in: lines[index]),
                                      message: "unknown flowchart direction '\(words[1])' (expected TD, TB, LR, RL or BT)"))
            }
            rankdir = d
        }
        index += 1

        var nodes: [String: Node] = [:]
        var order: [String] = []
        var edges: [Edge] = []
        // Subgraph stack: (id, title, member ids).
        var clusters: [(id: String, title: String, members: [String], children: [Int], line: Int, column: Int)] = []
        var stack: [Int] = []
        var topLevelClusters: [Int] = []

        func declare(_ n: Node) {
            if var existing = nodes[n.id] {
                if n.label != nil { existing.label = n.label; existing.shape = n.shape }
                nodes[n.id] = existing
            } else {
                nodes[n.id] = n
                order.append(n.id)
                if let top = stack.last { clusters[top].members.append(n.id) }
            }
        }

        while index < lines.count {
            let raw = lines[index]
            for (statement, offset) in statements(raw) {
                let text = statement.trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text.hasPrefix("%%") { continue }
                let col = offset + (statement.count - statement.drop(while: { $0 == " " || $0 == "\t" }).count) + 1
                let first = String(text.split(separator: " ").first ?? "")
                if first == "subgraph" {
                    var rest = String(text.dropFirst("subgraph".count)).trimmingCharacters(in: .whitespaces)
                    var id = "sg\(clusters.count)", title = rest
                    if let open = rest.firstIndex(of: "["), rest.hasSuffix("]") {
                        id = String(rest[..<open]).trimmingCharacters(in: .whitespaces)
                        title = unquote(String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]))
                    } else if !rest.contains(" "), !rest.isEmpty {
                        id = rest
                    }
                    rest = title
                    clusters.append((id, unquote(rest), [], [], index, col))
                    if let parent = stack.last { clusters[parent].children.append(clusters.count - 1) } else { topLevelClusters.append(clusters.count - 1) }
                    stack.append(clusters.count - 1)
                    continue
                }
                if text == "end" {
                    guard !stack.isEmpty else { return .failure(.init(line: index, column: col, message: "'end' without a subgraph")) }
                    stack.removeLast()
                    continue
                }
                if ignoredStatements.contains(first) { continue }
                switch parseChain(text) {
                case .failure(let e):
                    return .failure(.init(line: index, column: col + e.offset, message: e.message))
                case .success(let chain):
                    for group in chain.groups { for n in group { declare(n) } }
                    for (k, link) in chain.links.enumerated() {
                        for a in chain.groups[k] { for b in chain.groups[k + 1] {
                            edges.append(Edge(from: a.id, to: b.id, label: link.label, style: link.style, head: link.head, tail: link.tail))
                        } }
                    }
                }
            }
            index += 1
        }
        if !stack.isEmpty {
            let open = clusters[stack.last!]
            return .failure(.init(line: open.line, column: open.column, message: "subgraph '\(open.title)' is never closed with 'end'"))
        }
        if order.isEmpty { return .failure(.init(line: 0, column: 1, message: "flowchart has no nodes")) }

        var out = "digraph mermaid {\n"
        out += "  graph [rankdir=\(rankdir), fontname=\"Helvetica\", fontsize=12, nodesep=0.35, ranksep=0.45, pad=0.1]\n"
        out += "  node [shape=box, fontname=\"Helvetica\", fontsize=12, margin=\"0.14,0.06\", height=0.35]\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=11, arrowsize=0.7]\n"
        func emitNode(_ id: String, indent: String) -> String {
            let n = nodes[id]!
            let shape = n.shape ?? "box"
            return "\(indent)\(DOT.quote(id)) [label=\(DOT.quote(n.label ?? id)), shape=\"\(shape)\"]\n"
        }
        var placed = Set<String>()
        func emitCluster(_ c: Int, indent: String) -> String {
            var s = "\(indent)subgraph \(DOT.quote("cluster_\(c)")) {\n\(indent)  label=\(DOT.quote(clusters[c].title)); style=\"rounded\"\n"
            for id in clusters[c].members where placed.insert(id).inserted { s += emitNode(id, indent: indent + "  ") }
            for child in clusters[c].children { s += emitCluster(child, indent: indent + "  ") }
            return s + "\(indent)}\n"
        }
        for c in topLevelClusters { out += emitCluster(c, indent: "  ") }
        for id in order where !placed.contains(id) { out += emitNode(id, indent: "  ") }
        for e in edges {
            var attrs: [String] = []
            if let l = e.label, !l.isEmpty { attrs.append("label=\(DOT.quote(" " + l + " "))") }
            if e.style != "solid" { attrs.append("style=\"\(e.style)\"") }
            if !e.head && !e.tail { attrs.append("arrowhead=\"none\"") }
            if e.tail { attrs.append(e.head ? "dir=\"both\"" : "dir=\"back\"") }
            out += "  \(DOT.quote(e.from)) -> \(DOT.quote(e.to))" + (attrs.isEmpty ? "" : " [\(attrs.joined(separator: ", "))]") + "\n"
        }
        return .success(out + "}\n")
    }

    // MARK: statements

    static func isBlank(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.isEmpty || t.hasPrefix("%%")
    }

    static func column(of word: String, in line: String) -> Int {
        guard let r = line.range(of: word) else { return 1 }
        return line.distance(from: line.startIndex, to: r.lowerBound) + 1
    }

    /// A line split at `;` outside quotes and brackets, with each part's character offset.
    static func statements(_ line: String) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var current = "", start = 0, depth = 0, quoted = false
        for (i, c) in line.enumerated() {
            if c == "\"" { quoted.toggle() }
            if !quoted {
                if "[({".contains(c) { depth += 1 }
                if "])}".contains(c) { depth = max(0, depth - 1) }
                if c == ";" && depth == 0 {
                    out.append((current, start))
                    current = ""
                    start = i + 1
                    continue
                }
            }
            current.append(c)
        }
        out.append((current, start))
        return out
    }

    static func unquote(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { t = String(t.dropFirst().dropLast()) }
        if t.count >= 2, t.hasPrefix("`"), t.hasSuffix("`") { t = String(t.dropFirst().dropLast()) }
        return t.replacing(/<br\s*\/?>/, with: "\n").replacingOccurrences(of: "#quot;", with: "\"")
            .replacingOccurrences(of: "#amp;", with: "&").replacingOccurrences(of: "#lt;", with: "<").replacingOccurrences(of: "#gt;", with: ">")
    }

    struct Link { var label: String?; var style: String; var head: Bool; var tail: Bool }
    struct Chain { var groups: [[Node]]; var links: [Link] }
    struct ParseError: Error { var offset: Int; var message: String }

    /// `A[x] & B --> C -- label --> D`: node groups joined by links.
    static func parseChain(_ text: String) -> Result<Chain, ParseError> {
        let chars = Array(text)
        var pos = 0
        func skipSpaces() { while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" { pos += 1 } }
        func rest() -> String { String(chars[pos...]) }
        func isIDChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

        func node() -> Result<Node, ParseError> {
            skipSpaces()
            let start = pos
            while pos < chars.count, isIDChar(chars[pos]) { pos += 1 }
            // `-` inside an id (`my-node`) unless it starts a link.
            while pos + 1 < chars.count, chars[pos] == "-", isIDChar(chars[pos + 1]) {
                pos += 1
                while pos < chars.count, isIDChar(chars[pos]) { pos += 1 }
            }
            guard pos > start else {
                let found = pos < chars.count ? "'\(chars[pos])'" : "the end of the line"
                return .failure(.init(offset: pos, message: "expected a node id, found \(found)"))
            }
            var n = Node(id: String(chars[start..<pos]), label: nil, shape: nil)
            let after = rest()
            for shape in shapes where after.hasPrefix(shape.open) {
                // `>` opens an asymmetric node only right after the id.
                let labelStart = pos + shape.open.count
                var end = labelStart
                var label = ""
                if end < chars.count, chars[end] == "\"" {
                    guard let close = chars[(end + 1)...].firstIndex(of: "\"") else {
                        return .failure(.init(offset: end, message: "unterminated quoted label"))
                    }
                    label = String(chars[(end + 1)..<close])
                    end = close + 1
                    guard String(chars[end...]).hasPrefix(shape.close) else { continue }
                } else {
                    let tail = String(chars[end...])
                    guard let r = tail.range(of: shape.close) else { continue }
                    label = String(tail[..<r.lowerBound])
                    end += tail.distance(from: tail.startIndex, to: r.lowerBound)
                }
                pos = end + shape.close.count
                n.label = unquote(label)
                n.shape = shape.dot
                break
            }
            if rest().hasPrefix(":::") {
                pos += 3
                while pos < chars.count, isIDChar(chars[pos]) || chars[pos] == "-" { pos += 1 }
            }
            return .success(n)
        }

        func group() -> Result<[Node], ParseError> {
            var out: [Node] = []
            while true {
                switch node() {
                case .failure(let e): return .failure(e)
                case .success(let n): out.append(n)
                }
                skipSpaces()
                if pos < chars.count, chars[pos] == "&" { pos += 1; continue }
                return .success(out)
            }
        }

        func link() -> Result<Link?, ParseError> {
            skipSpaces()
            guard pos < chars.count else { return .success(nil) }
            let s = rest()
            // `-->|label|`, `---`, `-.->`, `==>`, `--o`, `<-->` …
            if let m = s.prefixMatch(of: /(<|o|x)?(-{2,}>|-{3,}|={2,}>|={3,}|-\.+->|-\.+-|--o|--x|==o|==x)\s*(?:\|([^|]*)\|)?/) {
                pos += s.distance(from: s.startIndex, to: m.range.upperBound)
                return .success(makeLink(String(m.2), tail: m.1 != nil, label: m.3.map(String.init)))
            }
            // `-- label -->`, `== label ==>`, `-. label .->`
            if let m = s.prefixMatch(of: /(<)?(--|==|-\.)\s+([^>|]*?)\s*(-{2,}>|-{3,}|={2,}>|={3,}|\.-+>|\.-+)/) {
                pos += s.distance(from: s.startIndex, to: m.range.upperBound)
                return .success(makeLink(String(m.2) + String(m.4), tail: m.1 != nil, label: String(m.3)))
            }
            return .failure(.init(offset: pos, message: "unsupported flowchart syntax '\(s.prefix(24))'"))
        }

        var groups: [[Node]] = []
        var links: [Link] = []
        switch group() {
        case .failure(let e): return .failure(e)
        case .success(let g): groups.append(g)
        }
        while true {
            switch link() {
            case .failure(let e): return .failure(e)
            case .success(nil): return .success(Chain(groups: groups, links: links))
            case .success(let l?):
                links.append(l)
                switch group() {
                case .failure(let e): return .failure(e)
                case .success(let g): groups.append(g)
                }
            }
        }
    }

    static func makeLink(_ arrow: String, tail: Bool, label: String?) -> Link {
        let style = arrow.contains(".") ? "dashed" : (arrow.contains("=") ? "bold" : "solid")
        let head = arrow.hasSuffix(">") || arrow.hasSuffix("o") || arrow.hasSuffix("x")
        return Link(label: label.map { unquote($0) }.flatMap { $0.isEmpty ? nil : $0 }, style: style, head: head, tail: tail)
    }
}
