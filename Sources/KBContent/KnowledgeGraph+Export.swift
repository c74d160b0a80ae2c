import Foundation
import KBCore

/// The graph as nodes and typed edges (DESIGN §5), for `kb graph` and the site's graph page.
public struct GraphExport: Sendable, Codable {
    public struct Node: Sendable, Codable, Hashable {
        public var id: String
        public var type: String
        public var label: String
        public var kind: String?
        public var lang: String?
    }
    public struct Edge: Sendable, Codable, Hashable {
        public var from: String
        public var to: String
        public var type: String
    }
    public var nodes: [Node] = []
    public var edges: [Edge] = []
}

extension KnowledgeGraph {
    public static func nodeID(_ a: Article) -> String { "\(a.lang):\(a.canonicalID)" }

    /// Nodes: articles, checks, fix blocks, error signatures, entities. `lang` limits to one language.
    public func export(lang: String? = nil) -> GraphExport {
        var out = GraphExport()
        var seen = Set<String>()
        func node(_ id: String, _ type: String, _ label: String, kind: String? = nil, lang: String? = nil) {
            if seen.insert(id).inserted { out.nodes.append(.init(id: id, type: type, label: label, kind: kind, lang: lang)) }
        }
        func edge(_ from: String, _ to: String, _ type: String) { out.edges.append(.init(from: from, to: to, type: type)) }
        for (i, a) in articles.enumerated() where lang == nil || a.lang == lang {
            let me = Self.nodeID(a)
            node(me, "article", a.title, kind: a.kind.rawValue, lang: a.lang)
            for t in causes[i] { edge(me, Self.nodeID(articles[t]), "causedBy") }
            for t in fixes[i] { edge(me, Self.nodeID(articles[t]), "fixedBy") }
            for t in seeAlso[i] { edge(me, Self.nodeID(articles[t]), "seeAlso") }
            for t in requires[i] { edge(me, Self.nodeID(articles[t]), "requires") }
            for t in links[i] { edge(me, Self.nodeID(articles[t]), "linksTo") }
            for t in translations[i] where articles[t].lang == config.defaultLanguage { edge(me, Self.nodeID(articles[t]), "translationOf") }
            for (n, e) in a.errors.enumerated() {
                let id = "error:\(me)#\(n + 1)"
                node(id, "error", e.text, lang: a.lang)
                edge(id, me, "identifies")
            }
            for block in a.blocks {
                guard let bid = block.id else { continue }
                switch block.role {
                case .check?:
                    let id = "check:\(a.lang):\(bid)"
                    node(id, "check", bid, lang: a.lang)
                    edge(me, id, "has")
                    if let cause = detectedCause(of: block, in: i) { edge(id, Self.nodeID(articles[cause]), "detects") }
                case .fix?:
                    let id = "fix:\(a.lang):\(bid)"
                    node(id, "fix", bid, lang: a.lang)
                    if a.kind == .cause { edge(me, id, "fixedBy") } else { edge(me, id, "has") }
                    if let f = block.forID?.id { edge(id, "check:\(a.lang):\(f)", "repairs") }
                default: break
                }
            }
            let facets: [(String, [String], String)] = [
                ("platform", a.platforms.map(\.rawValue), "mentions"), ("tool", a.tools, "mentions"),
                ("env", a.env, "mentions"), ("component", a.components, "mentions"), ("tag", a.tags, "mentions"),
                ("alert", a.alerts, "runbookFor"),
            ]
            for (type, values, rel) in facets {
                for v in values {
                    node("\(type):\(v)", type, v)
                    edge(me, "\(type):\(v)", rel)
                }
            }
        }
        return out
    }
}

extension GraphExport {
    public func json() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    public func dot() -> String {
        func q(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: " ") + "\""
        }
        let shapes = ["article": "box", "check": "diamond", "fix": "component", "error": "note"]
        var s = "digraph kb {\n  rankdir=LR;\n  node [fontname=\"sans-serif\", fontsize=10];\n"
        for n in nodes {
            let shape = shapes[n.type] ?? "ellipse"
            s += "  \(q(n.id)) [label=\(q(String(n.label.prefix(60)))), shape=\(shape)\(n.kind.map { ", class=\(q($0))" } ?? "")];\n"
        }
        for e in edges { s += "  \(q(e.from)) -> \(q(e.to)) [label=\(q(e.type))];\n" }
        return s + "}\n"
    }

    public func graphML() -> String {
        func x(_ s: String) -> String { HTML.escape(s) }
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key id="type" for="node" attr.name="type" attr.type="string"/>
          <key id="label" for="node" attr.name="label" attr.type="string"/>
          <key id="kind" for="node" attr.name="kind" attr.type="string"/>
          <key id="lang" for="node" attr.name="lang" attr.type="string"/>
          <key id="rel" for="edge" attr.name="type" attr.type="string"/>
          <graph id="kb" edgedefault="directed">

        """
        for n in nodes {
            s += "    <node id=\"\(x(n.id))\"><data key=\"type\">\(x(n.type))</data><data key=\"label\">\(x(n.label))</data>"
            if let k = n.kind { s += "<data key=\"kind\">\(x(k))</data>" }
            if let l = n.lang { s += "<data key=\"lang\">\(x(l))</data>" }
            s += "</node>\n"
        }
        for (i, e) in edges.enumerated() {
            s += "    <edge id=\"e\(i)\" source=\"\(x(e.from))\" target=\"\(x(e.to))\"><data key=\"rel\">\(x(e.type))</data></edge>\n"
        }
        return s + "  </graph>\n</graphml>\n"
    }
}
