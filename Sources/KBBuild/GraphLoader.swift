import Foundation
import KBContent
import KBCore

/// Loads and resolves a KB for the commands that only read it (check, show, graph), reusing the
/// build cache's parsed articles when it is there.
public enum GraphLoader {
    public static func load(content: String?, site: String? = nil) throws -> (LoadedContent, KnowledgeGraph) {
        if let site {
            // A site is read in place from its packed sources, never written, and has no cache.
            let packed = try PackedSources.open(site: Project.absolute(site, from: FileManager.default.currentDirectoryPath))
            let project = try Project.discover(content: packed.root, fileSystem: packed)
            let loaded = try ContentLoader(fileSystem: packed).load(project)
            return (loaded, KnowledgeGraph(content: loaded))
        }
        let project = try Project.discover(content: content)
        let cache = try? BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: SiteBuilder.parserKey(project))
        let loaded = try ContentLoader().load(project, cache: cache)
        return (loaded, KnowledgeGraph(content: loaded))
    }

    /// `kb show --site`: the KB as far as article `id` needs it. Every article's identity comes
    /// from its path or front matter (ContentLoader's partial load); parsed in full are only the
    /// files with front matter, the article itself, the articles it names as causes and fixes, and
    /// those causes in its language. What `kb show` prints from this graph is what it prints after
    /// a full load: ids resolve the same way, and every article it shows is parsed.
    public static func load(site: String, article id: String, lang: String?) throws -> (LoadedContent, KnowledgeGraph) {
        let packed = try PackedSources.open(site: Project.absolute(site, from: FileManager.default.currentDirectoryPath))
        let project = try Project.discover(content: packed.root, fileSystem: packed)
        let loader = ContentLoader(fileSystem: packed)
        let bare = id.hasPrefix("kb:") ? String(id.dropFirst(3)) : id
        // Parsed at once: every article `id` may name; then whatever its page names, if any.
        var extra: Set<String> = []
        while true {
            let also = extra
            let loaded = try loader.load(project) { $0.canonicalID == bare || $0.shortID == bare || also.contains($0.path) }
            let graph = KnowledgeGraph(content: loaded)
            guard case .found(let i) = graph.resolve(id, lang: lang ?? graph.config.defaultLanguage) else { return (loaded, graph) }
            let a = graph.articles[i]
            var named = [i] + graph.causes[i] + graph.fixes[i]
            named += graph.causes[i].compactMap { graph.article(canonical: graph.articles[$0].canonicalID, lang: a.lang) }
            let unparsed = named.map { graph.articles[$0] }.filter { ContentLoader.isIdentityOnly($0) && !extra.contains($0.path) }
            if unparsed.isEmpty { return (loaded, graph) }
            extra.formUnion(unparsed.map(\.path))
        }
    }
}
