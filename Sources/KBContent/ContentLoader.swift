import Foundation
import KBCore
import KBMarkdown

/// Reuses parse results across builds (the build cache implements it).
public protocol ParseCache: Sendable {
    /// An article parsed from this exact file (same path, size and modification time).
    func article(for entry: FileEntry) -> Article?
    /// An article parsed from a file with these exact bytes at this path.
    func article(path: String, contentHash: String) -> Article?
    /// The article last stored for this path, whatever its bytes were (nil: none).
    func previousArticle(path: String) -> Article?
    /// Whether `article(for:)` has an article for this file to decode (its path, size and
    /// modification time match), asked before decoding any.
    func holds(_ entry: FileEntry) -> Bool
}

extension ParseCache {
    public func previousArticle(path: String) -> Article? { nil }
    public func holds(_ entry: FileEntry) -> Bool { article(for: entry) != nil }
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
    /// Where the files were read: the disk, or a built site's packed sources (`--site`). Read an
    /// article's text again through this, never through the disk directly.
    public var fileSystem: FileSystem
    /// The Markdown files this load read, by path relative to the content folder: later phases
    /// take their bytes and tree from here instead of reading and parsing them again. Files that
    /// came from the cache by size and modification time are not here (nothing read them).
    public var sources: [String: SourceFile] = [:]
    /// For an edit's rebuild (the trees kept, `treeShare`): each file parsed again whose previous
    /// version the cache held, with that version's content hash and whether the two have the same
    /// `Article.sharedShape` (then no page but its own can differ).
    public var reparsed: [String: Reparsed] = [:]

    public struct Reparsed: Sendable {
        public var previousHash: String
        public var sameShape: Bool
    }

    /// The load keeps the Markdown trees it parsed only when it parsed at most one file in this
    /// many (an edit's rebuild): later phases then parse nothing again. A large load lets them
    /// go and render parses its pages again: holding every tree of tldr's 7,603 pages raised a
    /// full build's peak memory by half (150 → 227 MB) to save 0.1 s of its 6 s (measured with
    /// this constant set to 1, which keeps every tree: `/usr/bin/time -v kb build` on tldr).
    public static let treeShare = 10

    /// A file as the load read it.
    public struct SourceFile: Sendable {
        public var bytes: [UInt8]
        /// The Markdown tree the load's parse made; nil when the article came from the cache or
        /// the load parsed too many files to keep their trees (`treeShare`).
        public var document: MarkdownDocument?
    }

    /// The bytes of the file at `relativePath` (relative to the content folder), from where it was
    /// loaded: the bytes this load read, else the file.
    public func read(_ relativePath: String) throws -> [UInt8] {
        if let held = sources[relativePath] { return held.bytes }
        return try fileSystem.read(project.contentDirectory + "/" + relativePath)
    }

    /// The Markdown tree of article `a` as its parse made it: the load's own, else parsed now.
    public func document(_ a: Article, parser: ArticleParser) throws -> MarkdownDocument {
        if let tree = sources[a.path]?.document { return tree }
        return parser.document(bytes: try read(a.path), displayPath: a.displayPath)
    }
}

public struct ContentLoader: Sendable {
    /// Longest file or folder name (bytes) that still fits a site file name (`.html` added).
    public static let maxNameBytes = 200

    /// Names that cannot become a safe site file or a safe word in a generated script are refused
    /// here, positioned, so `kb check` reports them before a build fails on them; so are other
    /// files (assets) that cannot be read.
    static func acceptable(_ entry: FileEntry, root: String, fs: FileSystem, diagnostics: inout [Diagnostic]) -> Bool {
        let full = root + "/" + entry.relativePath
        // Computed only for a message: the display path asks for the current folder.
        var at: SourceLocation { SourceLocation(path: Project.displayPath(full), line: 1, column: 1) }
        // Control characters (a newline ends a line of a generated script) and bidirectional
        // overrides (they make a name read as another one: "Trojan Source").
        // (Bytes first: only a name with a control or non-ASCII byte is read scalar by scalar.)
        let utf8 = entry.relativePath.utf8
        if utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }), entry.relativePath.unicodeScalars.contains(where: TerminalText.isHostile) {
            let shown = TerminalText.escape(entry.relativePath)
            diagnostics.append(.error("file name has a control or bidirectional-override character (\(shown)); rename it", rule: .badFileName,
                                      at: SourceLocation(path: Project.displayPath(root) + "/" + shown, line: 1, column: 1)))
            return false
        }
        var run = 0, longest = 0
        for b in utf8 {
            run = b == UInt8(ascii: "/") ? 0 : run + 1
            longest = max(longest, run)
        }
        if longest > maxNameBytes, let long = entry.relativePath.split(separator: "/").first(where: { $0.utf8.count > maxNameBytes }) {
            diagnostics.append(.error("name '\(long.prefix(40))…' is \(long.utf8.count) bytes long (at most \(maxNameBytes)); shorten it",
                                      rule: .badFileName, at: at))
            return false
        }
        // Only other files are opened to see: a Markdown page that cannot be read is reported,
        // positioned, by the parse that reads it, and one the cache answers for is not read at
        // all (opening all 7,600 of tldr's pages was a third of an edit's walk).
        guard fs is LocalFileSystem, !entry.relativePath.hasSuffix(".md") else { return true }
        let fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            diagnostics.append(.error("cannot read this file: \(String(cString: strerror(errno)))", rule: .io, at: at))
            return false
        }
        close(fd)
        return true
    }

    public var fileSystem: FileSystem
    public init(fileSystem: FileSystem = LocalFileSystem()) { self.fileSystem = fileSystem }

    /// Every article of the content folder, in the knowledge graph's order (`KnowledgeGraph.order`).
    /// `willParse`: told, once the cache has answered by size and modification time, how many of
    /// the Markdown files must be read (at most; some may still match by content) and how many
    /// there are, before any is parsed.
    public func load(_ project: Project, cache: ParseCache? = nil, willParse: ((_ reading: Int, _ of: Int) -> Void)? = nil) throws -> LoadedContent {
        try load(project, cache: cache, parsing: nil, willParse: willParse)
    }

    /// Like `load`, but parses only the files with front matter and those whose path-decided
    /// article `parse` accepts: any other article carries what its path decides (canonical and
    /// short id, language, section; its file name as title) and nothing of its body, exactly what
    /// parsing an empty file at that path gives (`isIdentityOnly`). Front matter is the only other
    /// source of an id, a language or a draft flag, so ids and references resolve exactly as after
    /// a full load: enough for a command that shows one article. In a compat mode (foreign front
    /// matter, other index names) every file is parsed.
    public func load(_ project: Project, parsing wanted: @escaping @Sendable (Article) -> Bool) throws -> LoadedContent {
        try load(project, cache: nil, parsing: wanted)
    }

    /// The content hash of an article `load(_:parsing:)` did not parse.
    public static let identityOnlyHash = StableHash.of(bytes: [])

    /// True for an article with nothing but what its path decides (an unparsed or empty file).
    public static func isIdentityOnly(_ a: Article) -> Bool { a.contentHash == identityOnlyHash }

    /// Only the articles whose canonical or short id `wanted` accepts, parsed in full. A file with
    /// no front matter is judged by what its path decides, without being parsed; one with front
    /// matter (which may set the id) is parsed and then judged. Every article that has an id
    /// `wanted` accepts is there, so those ids resolve as they do in the whole KB (a missing one
    /// has no suggestion here: ask a full or partial load). In a compat mode every file is parsed.
    ///
    /// `names` holds the last path segment of every id `wanted` accepts: the path of a file without
    /// front matter that `wanted` accepts contains one of them (its short id is its file name, the
    /// last segment of its canonical id its file or folder name), so other paths are not looked at.
    public func load(_ project: Project, names: Set<String>,
                     only wanted: @escaping @Sendable (_ canonicalID: String, _ shortID: String) -> Bool) throws -> LoadedContent {
        var diags: [Diagnostic] = []
        let entries = try fileSystem.walk(project.contentDirectory, diagnostics: &diags)
            .filter { $0.relativePath != "kb.yml" }
            .filter { Self.acceptable($0, root: project.contentDirectory, fs: fileSystem, diagnostics: &diags) }
        let parser = ArticleParser(config: project.config)
        let fs = fileSystem
        let root = project.contentDirectory
        let plain = project.config.compat == nil
        let found: [Article?] = entries.filter { $0.relativePath.hasSuffix(".md") }.parallelMap { entry in
            let full = root + "/" + entry.relativePath
            let bytes = try? fs.read(full)
            if plain {
                let path = Array(entry.relativePath.utf8)
                let named = names.contains { n in Self.bytes(path, contain: Array(n.utf8)) }
                if !named || !{ let ident = parser.identity(ofPath: entry.relativePath); return wanted(ident.canonical, ident.slug) }() {
                    // Skipped unparsed only when its front matter cannot name another id.
                    guard let bytes, Self.mayHaveFrontMatter(bytes) else { return nil }
                }
            }
            let display = Project.displayPath(full)
            guard let bytes else {
                var a = parser.parse(bytes: [], path: entry.relativePath, displayPath: display).article
                a.diagnostics.append(.error(Self.unreadable(full), rule: .io, at: a.location))
                return wanted(a.canonicalID, a.shortID) ? a : nil
            }
            let a = parser.parse(bytes: bytes, path: entry.relativePath, displayPath: display).article
            return wanted(a.canonicalID, a.shortID) ? a : nil
        }
        let articles = found.compactMap { $0 }.filter { !$0.draft || project.config.drafts }
        return LoadedContent(project: project, articles: articles, assets: entries.filter { !$0.relativePath.hasSuffix(".md") },
                             entries: entries, diagnostics: diags, parsedCount: articles.count, fileSystem: fileSystem)
    }

    func load(_ project: Project, cache: ParseCache?, parsing wanted: (@Sendable (Article) -> Bool)?,
              willParse: ((Int, Int) -> Void)? = nil) throws -> LoadedContent {
        var diags: [Diagnostic] = []
        let entries = try fileSystem.walk(project.contentDirectory, diagnostics: &diags)
            .filter { $0.relativePath != "kb.yml" }
            .filter { Self.acceptable($0, root: project.contentDirectory, fs: fileSystem, diagnostics: &diags) }
        let markdown = entries.filter { $0.relativePath.hasSuffix(".md") }
        let assets = entries.filter { !$0.relativePath.hasSuffix(".md") }
        let parser = ArticleParser(config: project.config)
        let fs = fileSystem
        let root = project.contentDirectory
        let lazy = project.config.compat == nil ? wanted : nil
        // Cache answers by size and modification time first: they decide whether this load keeps
        // the trees it parses (LoadedContent.treeShare). How many files are read is known before
        // any cached article is decoded: `willParse` (an edit's rebuild starts reading the search
        // store on another thread) runs beside the decoding.
        let held = cache.map { cache in markdown.map { cache.holds($0) } } ?? markdown.map { _ in false }
        let reading = held.lazy.filter { !$0 }.count
        willParse?(reading, markdown.count)
        let known: [Article?] = cache.map { cache in
            Array(markdown.indices).parallelMap { held[$0] ? cache.article(for: markdown[$0]) : nil }
        } ?? markdown.map { _ in nil }
        let keepTrees = reading * LoadedContent.treeShare <= markdown.count
        typealias Loaded = (article: Article, parsed: Bool, source: LoadedContent.SourceFile?, reparsed: LoadedContent.Reparsed?)
        let results: [Loaded] = Array(markdown.enumerated()).parallelMap { n, entry in
            let full = root + "/" + entry.relativePath
            let display = Project.displayPath(full)
            if let hit = known[n] { return (hit.relocated(to: display), false, nil, nil) }
            guard let bytes = try? fs.read(full) else {
                var a = parser.parse(bytes: [], path: entry.relativePath, displayPath: display).article
                a.diagnostics.append(.error(Self.unreadable(full), rule: .io, at: a.location))
                return (a, true, nil, nil)
            }
            if let lazy, !Self.mayHaveFrontMatter(bytes) {
                let identity = Self.identityOnly(parser, path: entry.relativePath, displayPath: display)
                if !lazy(identity) { return (identity, false, nil, nil) }
            }
            if let hit = cache?.article(path: entry.relativePath, contentHash: StableHash.of(bytes: bytes)) {
                return (hit.relocated(to: display), false, .init(bytes: bytes, document: nil), nil)
            }
            let parsed = parser.parse(bytes: bytes, path: entry.relativePath, displayPath: display)
            // An edit's rebuild compares the new version with the one the cache held (a large
            // load would decode a second article per file for nothing: it plans every page).
            let reparsed = keepTrees ? cache?.previousArticle(path: entry.relativePath).map {
                LoadedContent.Reparsed(previousHash: $0.contentHash, sameShape: $0.sharedShape == parsed.article.sharedShape)
            } : nil
            return (parsed.article, true, .init(bytes: bytes, document: keepTrees ? parsed.document : nil), reparsed)
        }
        // Drafts are left out unless the build asks for them (`--drafts`). In the graph's order,
        // which KnowledgeGraph then shares as it is instead of sorting a copy.
        let shown = results.indices.filter { !results[$0].article.draft || project.config.drafts }
        let published = KnowledgeGraph.order(shown.count, config: project.config) {
            (results[shown[$0]].article.canonicalID, results[shown[$0]].article.lang, results[shown[$0]].article.path)
        }.map { results[shown[$0]].article }
        var sources: [String: LoadedContent.SourceFile] = [:]
        sources.reserveCapacity(results.count)
        var reparsed: [String: LoadedContent.Reparsed] = [:]
        var parsedCount = 0
        for i in results.indices {
            if let s = results[i].source { sources[results[i].article.path] = s }
            if let p = results[i].reparsed { reparsed[results[i].article.path] = p }
            if results[i].parsed { parsedCount += 1 }
        }
        return LoadedContent(project: project, articles: published, assets: assets, entries: entries,
                             diagnostics: diags, parsedCount: parsedCount, fileSystem: fileSystem,
                             sources: sources, reparsed: reparsed)
    }

    /// Why the file at `path` could not be read, for the message (asked again: the failed read
    /// does not say).
    static func unreadable(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd < 0 else {
            close(fd)
            return "cannot read this file"
        }
        return "cannot read this file: \(String(cString: strerror(errno)))"
    }

    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// False only when the file surely has no front matter: it does not start with `---`, `+++`
    /// or a byte-order mark.
    static func mayHaveFrontMatter(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == 0xEF
    }

    /// The article of a file with no front matter, as far as its path decides it: what
    /// `ArticleParser.parse` makes of an empty file at that path (its title is the file name, its
    /// body unread), without parsing anything.
    static func identityOnly(_ parser: ArticleParser, path: String, displayPath: String) -> Article {
        var a = parser.pathArticle(path: path, displayPath: displayPath, contentHash: identityOnlyHash)
        a.title = a.shortID
        return a
    }
}
