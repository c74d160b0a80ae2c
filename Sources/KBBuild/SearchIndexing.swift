import Foundation
import KBContent
import KBCore
import KBSearch
import KBSite

/// Builds the search index from the resolved graph: the SQLite store that `kb search` and
/// `kb match` read, and the `.js` shards the site loads. Documents whose source is unchanged are
/// reused from the store (their Markdown is not parsed again); impacts are recomputed globally.
public enum SearchIndexing {
    public static func storePath(_ project: Project) -> String { project.root + "/.build-kb/search.sqlite" }

    /// Changes whenever a content file, kb.yml or the index format changes.
    public static func fingerprint(_ project: Project) throws -> String {
        var diags: [Diagnostic] = []
        var h = StableHash()
        h.combine(SearchStore.formatVersion)
        h.combine(SiteBuilder.version)
        h.combine(project.contentDirectory)
        for entry in try LocalFileSystem().walk(project.contentDirectory, diagnostics: &diags) where entry.relativePath.hasSuffix(".md") {
            h.combine(entry.relativePath)
            h.combine("\(entry.size):\(entry.modified)")
        }
        if let path = project.configPath, let bytes = try? LocalFileSystem().read(path) { h.combine(bytes: bytes) }
        return h.hex
    }

    /// One index per language of the site, documents in graph order.
    public static func build(graph: KnowledgeGraph, contentDirectory: String, previous: [String: SearchDocument]) -> [LanguageIndex] {
        let layout = SiteLayout(config: graph.config)
        let parser = ArticleParser(config: graph.config)
        let languages = PageBuilder(graph: graph).languages
        return languages.map { lang in
            let members = graph.articles.indices.filter { graph.articles[$0].lang == lang && !graph.articles[$0].isSectionIndex }
            let documents: [SearchDocument] = members.parallelMap { i in
                let a = graph.articles[i]
                let url = layout.articlePath(a)
                if let old = previous[a.path], old.contentHash == a.contentHash, old.url == url, old.lang == a.lang { return old }
                let bytes = (try? LocalFileSystem().read(contentDirectory + "/" + a.path)) ?? []
                let parsed = parser.parse(bytes: bytes, path: a.path, displayPath: a.displayPath)
                return SearchDocument.make(article: a, document: parsed.document, url: url)
            }
            let started = Date()
            let terms = documents.parallelMap { DocumentTerms($0) }
            let tokenized = Date()
            let index = LanguageIndex(lang: lang, documents: documents, terms: terms)
            if ProcessInfo.processInfo.environment["KB_SEARCH_TIMING"] != nil {
                FileHandle.standardError.write(Data("search: \(lang) tokenize \(String(format: "%.3f", tokenized.timeIntervalSince(started))) s, impacts \(String(format: "%.3f", Date().timeIntervalSince(tokenized))) s\n".utf8))
            }
            return index
        }
    }

    /// Writes the store; returns the indexes for the site.
    /// The new indexes, and the documents ("lang/n") that are exactly as they were at the same
    /// number: the site can reuse their files.
    @discardableResult
    public static func update(graph: KnowledgeGraph, project: Project, fingerprint: String) throws -> (indexes: [LanguageIndex], unchanged: Set<String>) {
        var t = Date()
        func lap(_ what: String) {
            if ProcessInfo.processInfo.environment["KB_SEARCH_TIMING"] != nil {
                FileHandle.standardError.write(Data("search: \(what) \(String(format: "%.3f", Date().timeIntervalSince(t))) s\n".utf8))
            }
            t = Date()
        }
        let store = try SearchStore(path: storePath(project))
        let placement = (try? store.previousPlacement()) ?? [:]
        let previous = placement.mapValues(\.doc)
        lap("previous")
        let indexes = build(graph: graph, contentDirectory: project.contentDirectory, previous: previous)
        lap("index")
        try store.save(indexes, fingerprint: fingerprint)
        lap("store")
        var unchanged = Set<String>()
        for index in indexes {
            for (n, d) in index.documents.enumerated() {
                if let old = placement[d.path], old.lang == index.lang, old.n == n, old.doc == d { unchanged.insert("\(index.lang)/\(n)") }
            }
        }
        return (indexes, unchanged)
    }

    /// The store for `kb search` inside a KB, rebuilt first when the content changed since.
    public static func freshStore(_ project: Project) throws -> (store: SearchStore, refreshed: Bool) {
        let fp = try fingerprint(project)
        let path = storePath(project)
        if FileManager.default.fileExists(atPath: path), let store = try? SearchStore(path: path),
           (try? store.meta("fingerprint")) == fp {
            return (store, false)
        }
        let (_, graph) = try GraphLoader.load(content: project.contentDirectory)
        try update(graph: graph, project: project, fingerprint: fp)
        return (try SearchStore(path: path), true)
    }
}
