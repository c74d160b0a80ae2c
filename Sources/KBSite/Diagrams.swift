import Foundation
import KBContent
import KBCore

/// Every diagram of a build drawn once, before pages render: ```` ```dot ```` and
/// ```` ```mermaid ```` blocks and the global graph. Results are keyed by their DOT source, so a
/// cache can keep them between builds; failures become warnings at the block.
public struct Diagrams: Sendable {
    /// DOT source hash → Graphviz SVG.
    public private(set) var svgs: [String: String] = [:]
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var drawn = 0
    public private(set) var reused = 0

    /// Keeps drawings between builds (the build cache).
    public struct Cache: Sendable {
        public var get: @Sendable (String) -> String?
        public var set: @Sendable (String, String) -> Void
        public init(get: @escaping @Sendable (String) -> String?, set: @escaping @Sendable (String, String) -> Void) {
            self.get = get
            self.set = set
        }
    }

    public init() {}

    public static let dotLanguages: Set<String> = ["dot", "graphviz"]
    public static let mermaidLanguages: Set<String> = ["mermaid"]

    public static func key(_ dot: String) -> String { "diagram:" + StableHash.of(dot) }

    /// The DOT to draw for a code block, nil when the block is no diagram or cannot be one.
    public static func dot(language: String, code: String) -> String? {
        if dotLanguages.contains(language) { return code }
        if mermaidLanguages.contains(language), case .success(let dot) = Mermaid.dot(code) { return dot }
        return nil
    }

    public static func render(graph: KnowledgeGraph, pages: [SitePage], graphviz: Graphviz?, cache: Cache?) -> Diagrams {
        var result = Diagrams()
        // (DOT, where it came from) in a stable order; nil location: a generated page.
        var wanted: [(String, SourceLocation?)] = []
        for a in graph.articles {
            for b in a.blocks {
                if dotLanguages.contains(b.language) {
                    wanted.append((b.code, b.location))
                } else if mermaidLanguages.contains(b.language) {
                    switch Mermaid.dot(b.code) {
                    case .success(let dot): wanted.append((dot, b.location))
                    case .failure(let e):
                        var at = b.location
                        at.line += 1 + e.line
                        at.column = max(1, b.location.column - 1 + e.column)
                        result.diagnostics.append(.warning(e.message, rule: .diagram, at: at))
                    }
                }
            }
        }
        for p in pages { if let dot = p.model.diagramSource { wanted.append((dot, nil)) } }
        if wanted.isEmpty { return result }

        var todo: [(String, SourceLocation?)] = []
        var queued = Set<String>()
        for (dot, at) in wanted {
            let k = key(dot)
            if result.svgs[k] != nil || queued.contains(k) { continue }
            if let hit = cache?.get(k) {
                result.svgs[k] = hit
                result.reused += 1
            } else {
                queued.insert(k)
                todo.append((dot, at))
            }
        }
        guard !todo.isEmpty else { return result }
        guard let graphviz else {
            let at = todo.compactMap(\.1).first
            result.diagnostics.append(.warning("Graphviz 'dot' is not installed: \(todo.count) diagram(s) stay code blocks (Debian: apt-get install graphviz)",
                                               rule: .diagram, at: at))
            return result
        }
        // Each drawing is a process: run them side by side even when there are few.
        let sources = todo.map(\.0)
        let drawings = concurrentMap(sources, jobs: max(2, ProcessInfo.processInfo.activeProcessorCount)) { graphviz.svg($0) }
        for ((dot, at), drawing) in zip(todo, drawings) {
            switch drawing {
            case .success(let svg):
                result.svgs[key(dot)] = svg
                result.drawn += 1
                cache?.set(key(dot), svg)
            case .failure(let f):
                result.diagnostics.append(.warning("diagram not drawn: \(f)", rule: .diagram, at: at))
            }
        }
        return result
    }

    /// The drawing of `dot`, ready to put in a page.
    public func inline(dot: String, idPrefix: String, label: String) -> String? {
        svgs[Self.key(dot)].map { InlineSVG.prepare($0, idPrefix: idPrefix, label: label) }
    }
}

