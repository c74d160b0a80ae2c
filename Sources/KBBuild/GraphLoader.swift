import Foundation
import KBContent
import KBCore

/// Loads and resolves a KB for the commands that only read it (check, show, graph), reusing the
/// build cache's parsed articles when it is there.
public enum GraphLoader {
    public static func load(content: String?, site: String? = nil) throws -> (LoadedContent, KnowledgeGraph) {
        var content = content
        if let site {
            content = try SiteBuilder.unpackSources(site: Project.absolute(site, from: FileManager.default.currentDirectoryPath))
        }
        let project = try Project.discover(content: content)
        // A site is read, never written: no cache there.
        let cache = site != nil ? nil : try? BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: SiteBuilder.parserKey(project))
        let loaded = try ContentLoader().load(project, cache: cache)
        return (loaded, KnowledgeGraph(content: loaded))
    }
}
