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

    /// `kb show --site`: the KB as far as article `id` needs it. Loaded are only the articles
    /// that carry `id`, the ids its causes and fixes name, and those causes' translations
    /// (ContentLoader's `only` load): each of those ids resolves as in the whole KB, since every
    /// article that carries it is there, and every article `kb show` prints is parsed. An id that
    /// names nothing needs every article's id for its suggestion: then every identity is loaded,
    /// and only files with front matter are parsed.
    public static func load(site: String, article id: String, lang: String?) throws -> (LoadedContent, KnowledgeGraph) {
        let packed = try PackedSources.open(site: Project.absolute(site, from: FileManager.default.currentDirectoryPath))
        let project = try Project.discover(content: packed.root, fileSystem: packed)
        let loader = ContentLoader(fileSystem: packed)
        func bare(_ s: String) -> String { s.hasPrefix("kb:") ? String(s.dropFirst(3)) : s }
        var ids: Set<String> = [bare(id)]
        while true {
            let wanted = ids
            let names = Set(wanted.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
            let loaded = try loader.load(project, names: names, only: { wanted.contains($0) || wanted.contains($1) })
            let graph = KnowledgeGraph(content: loaded)
            switch graph.resolve(id, lang: lang ?? graph.config.defaultLanguage) {
            case .missing:
                let everyID = try loader.load(project, parsing: { _ in false })
                return (everyID, KnowledgeGraph(content: everyID))
            case .ambiguous:
                return (loaded, graph)
            case .found(let i):
                let a = graph.articles[i]
                var named = Set((a.causes + a.fixes).map { bare($0.id) })
                named.formUnion(graph.causes[i].map { graph.articles[$0].canonicalID })
                if named.isSubset(of: ids) { return (loaded, graph) }
                ids.formUnion(named)
            }
        }
    }
}
