import Foundation
import KBContent
import KBCore
import KBSearch
import KBSite

/// The build's side of the search index: where its store lives, the fingerprint that says whether
/// it is current, and the site's addresses and languages handed to its one owner,
/// `SearchIndexer` (KBSearch), which builds and refreshes it.
public enum SearchIndexing {
    public static func storePath(_ project: Project) -> String { project.root + "/.build-kb/search.sqlite" }

    /// Changes whenever a Markdown file under the content folder, kb.yml or the index format
    /// changes. `kb search` computes it on every run: ContentFingerprint's walk is milliseconds.
    /// `markdown`: the content folder's `.markdown` fingerprint when the caller has it already.
    public static func fingerprint(_ project: Project, markdown: String? = nil) throws -> String {
        var h = StableHash()
        h.combine(SearchStore.formatVersion + ":" + String(SiteIndex.version))
        h.combine(SiteBuilder.version)
        h.combine(project.contentDirectory)
        h.combine(markdown ?? ContentFingerprint.folder(project.contentDirectory, files: .markdown))
        if let path = project.configPath, let bytes = try? LocalFileSystem().read(path) { h.combine(bytes: bytes) }
        return h.hex
    }

    /// Refreshes the store from `graph` (SearchIndexer, with the site's addresses and languages);
    /// `prepared`: search documents the render step made from its own parse, by article path;
    /// `staged`: the site being built, which takes the document files as they are made.
    @discardableResult
    public static func update(graph: KnowledgeGraph, project: Project, fingerprint: String, reuse: Bool = true,
                              site: Bool = true, prepared: [String: SearchDocument] = [:],
                              previous: SearchIndexer.Previous? = nil, staged: StagedDirectory? = nil) throws -> SearchIndexer.Output {
        let layout = SiteLayout(config: graph.config)
        return try SearchIndexer.update(graph: graph, contentDirectory: project.contentDirectory, storePath: storePath(project),
                                        languages: PageBuilder(graph: graph).languages, fingerprint: fingerprint, reuse: reuse, site: site,
                                        prepared: prepared, previous: previous, staged: staged, url: { layout.articlePath($0) })
    }

    /// Search documents of the articles whose Markdown tree the load holds (the ones it parsed),
    /// by path: the index takes them instead of reading and parsing those files again.
    public static func documents(_ content: LoadedContent, graph: KnowledgeGraph) -> [String: SearchDocument] {
        let layout = SiteLayout(config: graph.config)
        var out: [String: SearchDocument] = [:]
        for a in graph.articles where !a.isSectionIndex {
            guard let tree = content.sources[a.path]?.document else { continue }
            out[a.path] = SearchDocument.make(article: a, document: tree, url: layout.articlePath(a))
        }
        return out
    }

    /// The store for `kb search` inside a KB, rebuilt first when the content changed since.
    /// The existing store, to query at once, and a check that runs meanwhile on another thread:
    /// `isFresh()` waits for it and says whether the store matched the content. A stale answer is
    /// thrown away and asked again of `freshStore` — so a fresh index costs max(query, check), not
    /// their sum. nil when there is no usable store at all.
    public static func speculativeStore(_ project: Project) -> (store: SearchStore, isFresh: @Sendable () -> Bool)? {
        let path = storePath(project)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        // The walk starts before the store opens: it is the longer of the two.
        let check = FingerprintCheck(project: project)
        guard let store = try? SearchStore(path: path, readOnly: true),
              (try? store.meta("format")) == SearchStore.formatVersion, let stored = try? store.meta("fingerprint") else { return nil }
        return (store, { check.wait() == stored })
    }

    public static func freshStore(_ project: Project) throws -> (store: SearchStore, refreshed: Bool) {
        let fp = try fingerprint(project)
        let path = storePath(project)
        if FileManager.default.fileExists(atPath: path), let store = try? SearchStore(path: path, readOnly: true),
           (try? store.meta("format")) == SearchStore.formatVersion, (try? store.meta("fingerprint")) == fp {
            return (store, false)
        }
        let (loaded, graph) = try GraphLoader.load(content: project.contentDirectory)
        try update(graph: graph, project: project, fingerprint: fp, site: false, prepared: documents(loaded, graph: graph)).saved()
        return (try SearchStore(path: path), true)
    }
}

/// Computes a project's fingerprint on its own thread.
struct FingerprintCheck: Sendable {
    private let job: Background<String?>

    init(project: Project) {
        job = Background { try? SearchIndexing.fingerprint(project) }
    }

    /// nil when the fingerprint could not be computed (never equal to a stored one).
    func wait() -> String? { (try? job.wait()) ?? nil }
}
