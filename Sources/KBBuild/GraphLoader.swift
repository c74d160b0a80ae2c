import Foundation
import KBContent
import KBCore

/// Loads and resolves a KB for the commands that only read it (check, show, graph), reusing the
/// build cache's parsed articles when it is there.
public enum GraphLoader {
    public static func load(content: String?) throws -> (LoadedContent, KnowledgeGraph) {
        let project = try Project.discover(content: content)
        let cache = try? BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: SiteBuilder.parserKey(project))
        let loaded = try ContentLoader().load(project, cache: cache)
        return (loaded, KnowledgeGraph(content: loaded))
    }
}
