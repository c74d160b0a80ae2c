import Foundation
import KBContent

/// The knowledge graph of one language as DOT: symptoms → causes → fixes (and prerequisites),
/// one cluster per section, each box a link to its article, coloured by kind through CSS classes.
struct GraphDiagram {
    enum EdgeKind: String { case cause, fix, requires
        var labelKey: String {
            switch self {
            case .cause: return "causes"
            case .fix: return "fixes"
            case .requires: return "requires"
            }
        }
    }
    struct Edge: Hashable { var from: Int; var to: Int; var kind: EdgeKind }

    /// Past this the drawing is unreadable and slow to lay out; the page then lists instead.
    static let maxNodes = 400

    let graph: KnowledgeGraph
    let layout: SiteLayout
    let lang: String
    let page: String
    let nodes: [Int]
    let edges: [Edge]

    init(graph: KnowledgeGraph, layout: SiteLayout, lang: String, page: String) {
        self.graph = graph
        self.layout = layout
        self.lang = lang
        self.page = page
        func local(_ t: Int) -> Int? {
            if graph.articles[t].lang == lang { return t }
            return graph.article(canonical: graph.articles[t].canonicalID, lang: lang)
        }
        var edges: [Edge] = []
        var seen = Set<Edge>()
        for (i, a) in graph.articles.enumerated() where a.lang == lang && !a.isSectionIndex {
            let typed: [(EdgeKind, [Int])] = [(.cause, graph.causes[i]), (.fix, graph.fixes[i]), (.requires, graph.requires[i])]
            for (kind, targets) in typed {
                for t in targets {
                    guard let to = local(t), to != i else { continue }
                    let e = Edge(from: i, to: to, kind: kind)
                    if seen.insert(e).inserted { edges.append(e) }
                }
            }
        }
        var ids = Set<Int>()
        for e in edges { ids.insert(e.from); ids.insert(e.to) }
        let order = ids.sorted { (graph.articles[$0].section, graph.articles[$0].title) < (graph.articles[$1].section, graph.articles[$1].title) }
        if order.count > Self.maxNodes {
            self.nodes = []
            self.edges = []
        } else {
            self.nodes = order
            self.edges = edges
        }
    }

    /// nil when there is nothing to draw.
    func dot() -> String? {
        guard !edges.isEmpty else { return nil }
        var out = "digraph kb {\n"
        out += "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=13, nodesep=0.12, ranksep=0.55, pad=0.15, newrank=true]\n"
        out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"white\", fontname=\"Helvetica\", fontsize=11, margin=\"0.12,0.05\", height=0.3]\n"
        out += "  edge [arrowsize=0.6]\n"
        var bySection: [String: [Int]] = [:]
        for i in nodes { bySection[graph.articles[i].section, default: []].append(i) }
        let chrome = ChromeBuilder(graph: graph, layout: layout, lang: lang)
        for (n, section) in bySection.keys.sorted().enumerated() {
            let members = bySection[section]!
            let indent: String
            if section.isEmpty {
                indent = "  "
            } else {
                out += "  subgraph \"cluster_\(n)\" {\n    label=\(DOT.quote(chrome.sectionTitle(section))); style=\"rounded\"; class=\"section\"\n"
                indent = "    "
            }
            for i in members {
                let a = graph.articles[i]
                let url = SiteLayout.relativeURL(from: page, to: layout.articlePath(a))
                out += "\(indent)n\(i) [label=\(DOT.quote(DOT.wrap(a.title, width: 30))), URL=\(DOT.quote(url)), "
                out += "tooltip=\(DOT.quote(a.summary.isEmpty ? a.title : a.summary)), class=\"kind-\(a.kind.rawValue)\"]\n"
            }
            if !section.isEmpty { out += "  }\n" }
        }
        for e in edges {
            out += "  n\(e.from) -> n\(e.to) [class=\"edge-\(e.kind.rawValue)\"\(e.kind == .requires ? ", style=\"dashed\"" : "")]\n"
        }
        return out + "}\n"
    }
}
