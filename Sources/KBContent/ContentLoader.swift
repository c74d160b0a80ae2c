import Foundation
import KBCore

/// Reuses parse results across builds (the build cache implements it).
public protocol ParseCache: Sendable {
    /// An article parsed from this exact file (same path, size and modification time).
    func article(for entry: FileEntry) -> Article?
    /// An article parsed from a file with these exact bytes at this path.
    func article(path: String, contentHash: String) -> Article?
}

/// Everything loaded from a content folder.
public struct LoadedContent: Sendable {
    public var project: Project
    public var articles: [Article]
    /// Non-Markdown files (images, downloads), relative paths, copied to the site as they are.
    public var assets: [FileEntry]
    public var entries: [FileEntry]
    /// Problems not tied to one article (folder walk, symlinks).
    public var diagnostics: [Diagnostic]
    /// How many articles were parsed now (the rest came from the cache).
    public var parsedCount: Int
}

public struct ContentLoader: Sendable {
    public var fileSystem: FileSystem
    public init(fileSystem: FileSystem = LocalFileSystem()) { self.fileSystem = fileSystem }

    public func load(_ project: Project, cache: ParseCache? = nil) throws -> LoadedContent {
        var diags: [Diagnostic] = []
        let entries = try fileSystem.walk(project.contentDirectory, diagnostics: &diags)
            .filter { $0.relativePath != "kb.yml" }
        let markdown = entries.filter { $0.relativePath.hasSuffix(".md") }
        let assets = entries.filter { !$0.relativePath.hasSuffix(".md") }
        let parser = ArticleParser(config: project.config)
        let fs = fileSystem
        let root = project.contentDirectory
        let results: [(Article, Bool)] = markdown.parallelMap { entry in
            let full = root + "/" + entry.relativePath
            let display = Project.displayPath(full)
            if let hit = cache?.article(for: entry) { return (hit.relocated(to: display), false) }
            guard let bytes = try? fs.read(full) else {
                var a = parser.parse(bytes: [], path: entry.relativePath, displayPath: display).article
                a.diagnostics.append(.error("cannot read file", rule: "io", at: a.location))
                return (a, true)
            }
            if let hit = cache?.article(path: entry.relativePath, contentHash: StableHash.of(bytes: bytes)) {
                return (hit.relocated(to: display), false)
            }
            return (parser.parse(bytes: bytes, path: entry.relativePath, displayPath: display).article, true)
        }
        // Drafts are left out unless the build asks for them (`--drafts`).
        let published = results.map(\.0).filter { !$0.draft || project.config.drafts }
        return LoadedContent(project: project, articles: published, assets: assets, entries: entries,
                             diagnostics: diags, parsedCount: results.filter(\.1).count)
    }
}
