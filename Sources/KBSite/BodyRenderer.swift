import Foundation
import KBContent
import KBCore
import KBMarkdown

/// Renders an article's Markdown body for its page: links resolved through the graph to relative
/// `.html` URLs, executable blocks decorated with their role, the title heading not repeated.
public struct BodyRenderer: Sendable {
    public let graph: KnowledgeGraph
    public let layout: SiteLayout
    /// Drawings of ```dot / ```mermaid blocks; without one, diagrams stay code blocks.
    public let diagrams: Diagrams?

    public init(graph: KnowledgeGraph, diagrams: Diagrams? = nil) {
        self.graph = graph
        self.layout = SiteLayout(config: graph.config)
        self.diagrams = diagrams
    }

    /// What the rendered body depends on besides the file's bytes: where its links point.
    public func linkFingerprint(_ i: Int, page: String) -> String {
        var h = StableHash()
        for (link, target) in zip(graph.articles[i].links, graph.linkTargets[i]) {
            h.combine(link.url)
            h.combine(url(for: target, page: page, original: link.url) ?? "-")
        }
        return h.hex
    }

    func url(for target: KnowledgeGraph.LinkTarget, page: String, original: String) -> String? {
        switch target {
        case .external: return original
        case .broken: return nil
        case .asset(let path): return SiteLayout.relativeURL(from: page, to: path)
        case .article(let t, let anchor):
            return SiteLayout.relativeURL(from: page, to: layout.articlePath(graph.articles[t]), anchor: anchor)
        }
    }

    public func render(_ i: Int, document: MarkdownDocument, page: String) -> String {
        let a = graph.articles[i]
        var targets: [String: String] = [:]
        for (link, target) in zip(a.links, graph.linkTargets[i]) {
            if let u = url(for: target, page: page, original: link.url) { targets[link.url] = u }
        }
        var renderer = HTMLRenderer()
        renderer.allowRawHTML = graph.config.rawHTML
        renderer.implicitFigures = graph.config.compat != nil
        renderer.definitionLists = graph.config.compat != nil
        renderer.dropHTMLComments = graph.config.compat != nil
        renderer.resolveURL = { targets[$0] }
        let strings = UIStrings.table(a.lang)
        let counter = Locked(0)
        let diagrams = self.diagrams
        renderer.renderCodeBlock = { node in
            if let diagrams, let html = Self.diagram(node, diagrams: diagrams, number: counter.withLock { n in n += 1; return n }, strings: strings) { return html }
            return Self.decorate(node, strings: strings)
        }
        var doc = document
        if let first = doc.root.children.first, first.kind == .heading, first.level == 1,
           a.titleFromHeading || first.plainText.trimmingCharacters(in: .whitespaces) == a.title {
            doc.root.children.removeFirst()
        }
        return Self.unloadExternalImages(renderer.render(doc))
    }

    /// The site loads nothing from elsewhere: an image on another host becomes a link to it.
    static func unloadExternalImages(_ html: String) -> String {
        guard html.contains("<img src=\"http") || html.contains("<img src=\"//") else { return html }
        return html.replacing(/<img src="((?:https?:)?\/\/[^"]*)" alt="([^"]*)" loading="lazy">/) { m in
            "<a class=\"external-image\" href=\"\(m.1)\">\(m.2.isEmpty ? m.1 : m.2)</a>"
        }
    }

    /// A diagram block drawn at build time, with its source kept one click away.
    static func diagram(_ node: MarkdownNode, diagrams: Diagrams, number: Int, strings: [String: String]) -> String? {
        let language = node.info.split(separator: " ").first.map { $0.lowercased() } ?? ""
        guard Diagrams.dotLanguages.contains(language) || Diagrams.mermaidLanguages.contains(language),
              let dot = Diagrams.dot(language: language, code: node.literal),
              let svg = diagrams.inline(dot: dot, idPrefix: "d\(number)-", label: strings[.diagramLabel]) else { return nil }
        return "<figure class=\"diagram\">\n\(svg)\n<details class=\"diagram-source\"><summary>\(HTML.escape(language))</summary>\n"
            + HTML.codeBlock(language: language, code: node.literal) + "</details>\n</figure>\n"
    }

    /// An executable block as a figure with its badges; plain code stays a `<pre>`.
    static func decorate(_ node: MarkdownNode, strings: [String: String]) -> String? {
        var ignored: [Diagnostic] = []
        let block = InfoString.parse(node.info, code: node.literal, fenceLine: "",
                                     location: SourceLocation(path: "", line: node.line, column: node.column), foreign: true, diagnostics: &ignored)
        guard let role = block.role else {
            let title = ForeignInfo.title(node.info).map { "<div class=\"code-title\">\(HTML.escape($0))</div>" } ?? ""
            return "<div class=\"code\">" + title + HTML.codeBlock(language: block.language, code: node.literal) + "</div>\n"
        }
        var badges = "<span class=\"badge role role-\(role.rawValue)\">\(HTML.escape(strings[role.rawValue] ?? role.rawValue))</span>"
        if let id = block.id { badges += " <code class=\"block-id\">\(HTML.escape(id))</code>" }
        if let f = block.forID?.id { badges += " <span class=\"badge for\">→ \(HTML.escape(f))</span>" }
        if role != .output {
            for os in block.os { badges += " <span class=\"badge os\">\(HTML.escape(os))</span>" }
        }
        if role == .fix || block.effect != .read {
            badges += " <span class=\"badge effect effect-\(block.effect.rawValue)\">\(block.effect.rawValue)</span>"
        }
        if block.admin { badges += " <span class=\"badge admin\">\(HTML.escape(strings[.admin]))</span>" }
        let anchor = block.id.map { " id=\"block-\(HTML.escapeAttribute($0))\"" } ?? ""
        var out = "<figure class=\"block block-\(role.rawValue)\"\(anchor)>\n<figcaption>\(badges)</figcaption>\n"
        if block.effect == .destructive {
            out += "<p class=\"callout danger\" role=\"note\">\(HTML.escape(strings[.destructive]))</p>\n"
        }
        out += HTML.codeBlock(language: block.language, code: node.literal)
        return out + "</figure>\n"
    }
}

