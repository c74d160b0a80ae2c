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
}
