import KBContent

/// The order the source generator gave pages and sections: MkDocs `nav` positions first, then
/// front-matter weights (`weight`, `sidebar_position`, `nav_order`), then kb's own order.
struct NavigationOrder: Sendable {
    private var navPosition: [String: Int] = [:]
    private var sectionRank: [String: Double] = [:]

    init(graph: KnowledgeGraph) {
        for (n, path) in graph.config.navOrder.enumerated() where navPosition[path] == nil { navPosition[path] = n }
        let articles = graph.articles
        // Through indices: `for a in graph.articles` copied every article once per language.
        for i in articles.indices where articles[i].lang == graph.config.defaultLanguage {
            guard let r = rank(articles[i]) else { continue }
            let isIndex = articles[i].isSectionIndex
            // A section ranks by its index page, else by its first-ranked page.
            let section = isIndex ? articles[i].canonicalID : articles[i].section
            if isIndex || navPosition[articles[i].path] != nil {
                var parts = section.split(separator: "/").map(String.init)
                while !parts.isEmpty {
                    let key = parts.joined(separator: "/")
                    if isIndex, key == section { sectionRank[key] = r } else if sectionRank[key].map({ r < $0 }) ?? true { sectionRank[key] = r }
                    parts.removeLast()
                    if isIndex { break }
                }
            }
        }
    }

    func rank(_ a: Article) -> Double? {
        navPosition[a.path].map(Double.init) ?? a.order
    }

    /// Sorts article indices: ranked ones first by rank, the rest keep their order.
    func sorted(_ indices: [Int], in graph: KnowledgeGraph) -> [Int] {
        indices.enumerated().sorted { x, y in
            let rx = rank(graph.articles[x.element]), ry = rank(graph.articles[y.element])
            switch (rx, ry) {
            case let (a?, b?) where a != b: return a < b
            case (_?, nil): return true
            case (nil, _?): return false
            default: return x.offset < y.offset
            }
        }.map(\.element)
    }

    /// Sorts section paths: ranked ones first among their siblings, then by name.
    func sortedSections(_ sections: [String]) -> [String] {
        sections.sorted { a, b in
            let ra = sectionRank[a] ?? .infinity, rb = sectionRank[b] ?? .infinity
            return ra != rb ? ra < rb : a < b
        }
    }
}
