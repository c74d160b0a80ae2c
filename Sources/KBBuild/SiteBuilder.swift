import Foundation
import KBChecks
import KBContent
import KBCore
import KBSearch
import KBSite

/// `kb build`: the whole pipeline, readable in one place. Each phase takes what the previous
/// one produced and returns what the next needs — no optional state, no phase looking at
/// another — and is timed under its name in `stats.steps`.
public enum SiteBuilder {
    public static let version = "0.1.0"

    /// The phases, in order (the names `kb build --json` reports).
    public static let stepNames = ["fingerprint", "load", "resolve", "theme", "plan", "diagrams", "render", "assets",
                                   "doctor-scripts", "feeds", "search", "commit"]

    /// A rebuild stages only its changed files when at most one page in this many changes.
    static let overlayShare = 10

    /// The site-root scripts every build writes; the "diagnose this" panels link them.
    static let doctorScripts = ["doctor.ps1", "doctor.sh"]

    public static func build(_ options: BuildOptions) throws -> BuildResult {
        let start = Date()
        var project = try Project.discover(content: options.content)
        if let base = options.baseURL { project.config.baseURL = base }
        if options.drafts { project.config.drafts = true }
        let output = Project.absolute(options.output ?? (project.root + "/Site"), from: FileManager.default.currentDirectoryPath)
        try OutputPolicy.check(output: output, protecting: [("content folder", project.contentDirectory), ("KB root", project.root)],
                               force: options.forceOutput)
        let lock = try BuildLock(kbRoot: project.root)
        defer { lock.release() }
        var run = BuildRun()
        var cache: BuildCache?
        do {
            cache = try BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: parserKey(project))
        } catch {
            // A broken cache only costs speed.
            run.diagnostics.append(.warning("build cache unavailable (\(error)); building everything", rule: .cache, at: nil))
        }
        let target = BuildTarget(options: options, project: project, output: output, cache: cache)

        let fingerprints = try run.step("fingerprint") { run in try fingerprint(target, &run) }
        if fingerprints.upToDate {
            run.stats.seconds = Date().timeIntervalSince(start)
            return BuildResult(outputDirectory: output, upToDate: true, diagnostics: run.diagnostics, stats: run.stats, graph: nil)
        }
        // The templates depend on no article: they are parsed beside the load and resolve steps.
        let templates = project.root + "/Templates"
        let parsedTheme = Background { try Theme(overrides: templates) }
        // An edit's rebuild reads what the search store holds while the content loads (its refresh
        // reuses nearly all of it). A larger one reads it at its search step instead, once render
        // has let its pages go: held from the start, it raised a 10k-article build's peak memory
        // by a quarter.
        let storePath = SearchIndexing.storePath(project)
        let prefetch = Locked<Background<SearchIndexer.Previous>?>(nil)
        defer { _ = try? prefetch.withLock({ $0 })?.wait() } // never left running when a phase fails
        var content = try run.step("load") { run in
            try load(target, &run, willParse: { reading, total in
                guard !options.force, reading * overlayShare <= total else { return }
                prefetch.withLock { $0 = Background { try SearchIndexer.Previous.read(storePath: storePath) } }
            })
        }
        let previousIndex = prefetch.withLock { $0 }
        let graph = try run.step("resolve") { run in try resolve(content, &run) }
        // A rebuild of a few articles refreshes the search index beside the page phases (it
        // parses those few itself); a large one waits for render's search documents instead.
        let loaded = content
        let early = !options.force && content.parsedCount * overlayShare <= content.articles.count
            ? Background { try searchIndex(target, graph: graph, markdown: fingerprints.markdown,
                                           documents: SearchIndexing.documents(loaded, graph: graph), previous: previousIndex) } : nil
        defer { _ = try? early?.wait().output?.saved() } // never left running when a later phase fails
        let theme = try run.step("theme") { _ in try parsedTheme.wait() }
        var pages = try run.step("plan") { run in plan(target, content: content, graph, theme: theme, &run) }
        let drawn = try run.step("diagrams") { run in diagrams(graph, plan: pages, cache: cache, &run) }
        let site = try run.step("render") { run in
            try render(target, content: content, graph: graph, theme: theme, plan: pages, diagrams: drawn, &run)
        }
        pages.keys.merge(site.deferredKeys) { a, _ in a }
        pages.releaseModels()
        try run.step("assets") { run in try assets(target, content: content, theme: theme, into: site.staged, &run) }
        // Render and the packed sources were the last to read the files' bytes: a full build held
        // every Markdown file through its search step.
        content.sources = [:]
        try run.step("doctor-scripts") { _ in try doctorScripts(graph, into: site.staged) }
        try run.step("feeds") { _ in
            for (path, text) in SiteFeeds.files(graph: graph, pages: pages.entries) { try site.staged.write(path, text) }
        }
        let searchFingerprint = try run.step("search") { run in
            let index = try early?.wait() ?? searchIndex(target, graph: graph, markdown: fingerprints.markdown, documents: site.searchDocuments,
                                                         previous: previousIndex, staged: site.staged)
            run.stats.searchUpdated = index.output?.updated
            run.stats.searchFilesKept = index.output?.keptFiles
            try writeSearch(index, target, graph: graph, documents: site.searchDocuments, into: site.staged)
            return index.fingerprint
        }
        try run.step("commit") { run in
            try commit(target, content: content, plan: pages, site: site, fingerprint: fingerprints.site,
                       searchFingerprint: searchFingerprint, run)
        }
        run.stats.seconds = Date().timeIntervalSince(start)
        // Freed off this thread, or by the process's exit (`kb build`): see `Teardown`.
        Teardown.shared.hand((content, graph, pages, drawn, site, early, previousIndex))
        return BuildResult(outputDirectory: output, upToDate: false, diagnostics: run.diagnostics, stats: run.stats, graph: graph)
    }

    static func parserKey(_ project: Project) -> String {
        var h = StableHash()
        h.combine(version)
        h.combine(String(describing: project.config.languages))
        h.combine(String(describing: project.config.languageFolders.sorted { $0.key < $1.key }.map { [$0.key, $0.value.lang, $0.value.of ?? ""] }))
        h.combine(project.config.defaultLanguage)
        h.combine("compat-1:\(project.config.compat?.rawValue ?? "-"):\(project.config.drafts)")
        return h.hex
    }

    // MARK: phases

    /// The whole input's fingerprint and the content folder's Markdown-only one (one walk).
    /// `upToDate`: nothing changed since the last successful build into the same folder; the
    /// diagnostics and counts of that build are restored and the build stops here.
    static func fingerprint(_ t: BuildTarget, _ run: inout BuildRun) throws -> (site: String, markdown: String, upToDate: Bool) {
        let fs = LocalFileSystem()
        var h = StableHash()
        h.combine(version)
        h.combine(t.output)
        h.combine(t.project.config.fingerprint)
        let content = ContentFingerprint.folder(t.project.contentDirectory)
        h.combine(content.all)
        let templates = t.project.root + "/Templates"
        if fs.isDirectory(templates) { h.combine(ContentFingerprint.folder(templates, files: .all)) }
        if let configPath = t.project.configPath, let bytes = try? fs.read(configPath) { h.combine(bytes: bytes) }
        let site = h.hex
        guard !t.options.force, let cache = t.cache,
              FileManager.default.fileExists(atPath: t.output + "/index.html"),
              try cache.meta("fingerprint:" + t.output) == site else { return (site, content.markdown, false) }
        if let saved = try cache.meta("diagnostics:" + t.output), let data = saved.data(using: .utf8) {
            run.diagnostics = (try? JSONDecoder().decode([Diagnostic].self, from: data)) ?? []
        }
        if let saved = try cache.meta("stats:" + t.output), let data = saved.data(using: .utf8),
           let stats = try? JSONDecoder().decode(BuildStats.self, from: data) {
            run.stats = stats
        }
        run.stats.steps = [] // this run's steps are appended as they run
        run.stats.parsed = 0
        run.stats.rendered = 0
        run.stats.modelled = 0
        run.stats.reused = run.stats.pages
        return (site, content.markdown, true)
    }

    static func load(_ t: BuildTarget, _ run: inout BuildRun, willParse: ((Int, Int) -> Void)? = nil) throws -> LoadedContent {
        let content = try ContentLoader().load(t.project, cache: t.options.force ? nil : t.cache, willParse: willParse)
        run.stats.articles = content.articles.count
        run.stats.parsed = content.parsedCount
        return content
    }

    static func resolve(_ content: LoadedContent, _ run: inout BuildRun) throws -> KnowledgeGraph {
        let graph = KnowledgeGraph(content: content)
        run.diagnostics += graph.diagnostics
        (run.stats.internalLinks, run.stats.resolvedLinks) = graph.internalLinkCounts
        if graph.diagnostics.hasErrors { throw DiagnosticError([]) }
        return graph
    }

    /// Every page with its model, and its render key: what the page's bytes depend on. An edit's
    /// rebuild makes no model for the page of an article that did not change (`unchangedArticles`):
    /// its key is the one the last build recorded.
    static func plan(_ t: BuildTarget, content: LoadedContent, _ graph: KnowledgeGraph, theme: Theme, _ run: inout BuildRun) -> SitePlan {
        let themeFP = theme.fingerprint
        let rawHTML = graph.config.rawHTML
        var structure = StableHash()
        for part in [version, themeFP, rawHTML ? "raw" : "escaped", graph.config.fingerprint, doctorScripts.joined(separator: "\n")] {
            structure.combine(part)
        }
        var state = PlanState(structure: structure.hex, paths: graph.articles.map(\.path), hashes: graph.articles.map(\.contentHash))
        let previousKeys = t.options.force ? nil : try? t.cache?.pageKeys(output: t.output)
        let builder = PageBuilder(graph: graph, doctorScripts: doctorScripts)
        var (pages, left): ([SitePage], [PageEntry]) = ([], [])
        if previousKeys != nil, let old = t.cache?.planState(output: t.output), let same = unchangedArticles(since: old, now: state, content: content) {
            let changed = same.indices.filter { !same[$0] }
            if !old.entries.isEmpty, !changed.contains(where: { graph.articles[$0].isSectionIndex }) {
                // The same pages as last time: only the changed articles' own pages get a model.
                pages = builder.articlePages(changed)
                let modelled = Set(pages.map(\.path))
                left = old.entries.filter { !modelled.contains($0.path) }
                if left.count + pages.count != old.entries.count { (pages, left) = ([], []) }
            } else {
                // A section's index changed: its section page is its own page, so listings are planned.
                (pages, left) = builder.pages(modelling: { !same[$0] })
            }
        }
        // A page the last build did not record (never the case when its state matches) is planned.
        // With no keys to compare with (a first or forced build), every page is written: render
        // models, keys and writes each article page in turn (`deferred`) instead of holding them all.
        var deferred: [PageEntry] = []
        if pages.isEmpty || !left.allSatisfy({ previousKeys?[$0.path] != nil }) {
            if previousKeys?.isEmpty ?? true {
                (pages, deferred) = builder.pages(modelling: { _ in false })
                left = []
            } else {
                (pages, left) = (builder.pages(), [])
            }
        }
        state.entries = pages.map(\.entry) + left + deferred
        run.stats.pages = pages.count + left.count + deferred.count
        run.stats.modelled = pages.count + deferred.count
        let keyer = PageKeyer(graph: graph, theme: themeFP, rawHTML: rawHTML)
        let keys: [String] = pages.parallelMap(keyer.key)
        // Sized once for every page (an edit's rebuild models one and keeps 7,600 keys on tldr).
        var byPath: [String: String] = [:]
        byPath.reserveCapacity(pages.count + left.count)
        for (page, key) in zip(pages, keys) where byPath[page.path] == nil { byPath[page.path] = key }
        for entry in left { byPath[entry.path] = previousKeys?[entry.path] }
        return SitePlan(pages: pages, left: left, deferred: deferred, keys: byPath, previousKeys: previousKeys, state: state)
    }

    /// A page's render key: what its bytes depend on (kb's version, the theme, the model, and an
    /// article's text and the pages its links point to).
    struct PageKeyer: Sendable {
        var graph: KnowledgeGraph
        var theme: String
        var rawHTML: Bool
        var body: BodyRenderer

        init(graph: KnowledgeGraph, theme: String, rawHTML: Bool) {
            self.graph = graph
            self.theme = theme
            self.rawHTML = rawHTML
            self.body = BodyRenderer(graph: graph)
        }

        func key(_ page: SitePage) -> String {
            var h = StableHash()
            h.combine(version)
            h.combine(theme)
            h.combine(rawHTML ? "raw" : "escaped")
            // The model's positional bytes (BinaryCodec): it is a fixed type, so they identify it,
            // at a fraction of HashingEncoder's cost (which names every key of every page).
            if let bytes = try? BinaryCodec.encode(page.model) { h.combine(bytes: bytes) } else { HashingEncoder.hash(page.model, into: &h) }
            if let i = page.article {
                h.combine(graph.articles[i].contentHash)
                h.combine(body.linkFingerprint(i, page: page.path))
            }
            return h.hex
        }
    }

    /// For each article (graph order), true when its page cannot differ from the last build into
    /// this output; nil when any page might (another structure, articles added, removed or
    /// renamed, or an article changed in what other pages show of it), or when more than one
    /// article in `overlayShare` changed (planning everything is then as cheap).
    static func unchangedArticles(since old: PlanState?, now: PlanState, content: LoadedContent) -> [Bool]? {
        guard let old, old.structure == now.structure, old.paths == now.paths, old.hashes.count == now.hashes.count else { return nil }
        var same = [Bool](repeating: true, count: now.hashes.count)
        var changed = 0
        for i in now.hashes.indices where old.hashes[i] != now.hashes[i] {
            // Only a version this load compared with the one the last build planned from.
            guard let r = content.reparsed[now.paths[i]], r.previousHash == old.hashes[i], r.sameShape else { return nil }
            same[i] = false
            changed += 1
        }
        return changed * overlayShare <= now.hashes.count ? same : nil
    }

    /// ```dot / ```mermaid blocks and the graph pages, drawn by Graphviz (kept in the cache).
    static func diagrams(_ graph: KnowledgeGraph, plan: SitePlan, cache: BuildCache?, _ run: inout BuildRun) -> Diagrams {
        let store = cache.map { cache in
            Diagrams.Cache(get: { try? cache.meta($0) }, set: { try? cache.setMeta($0, $1) })
        }
        let drawn = Diagrams.render(graph: graph, pages: plan.pages, graphviz: Graphviz.locate(), cache: store)
        run.diagnostics += drawn.diagnostics
        return drawn
    }

    /// Opens the staging folder and writes every page whose key changed; the others are taken
    /// from the current site. An article's text and tree come from the load when it read them
    /// (`LoadedContent.sources`), and a rendered article's search document is made here from that
    /// tree, so no phase reads or parses a file another one already did.
    static func render(_ t: BuildTarget, content: LoadedContent, graph: KnowledgeGraph, theme: Theme, plan: SitePlan,
                       diagrams: Diagrams, _ run: inout BuildRun) throws -> StagedSite {
        let stored = plan.previousKeys
        let previous = stored ?? [:]
        let changing = plan.pages.filter { previous[$0.path] != plan.keys[$0.path] }
        // A few changed pages of a large site: stage only those (StagedDirectory's overlay).
        let overlay = stored != nil && changing.count * overlayShare <= plan.count
        let staged = try StagedDirectory(destination: t.output, overlay: overlay)
        // Folders first, serially: the parallel writers below then never race to create them.
        let folders = Set((staged.overlay ? changing.map(\.path) : plan.pages.map(\.path) + plan.left.map(\.path))
            .map { ($0 as NSString).deletingLastPathComponent })
        for folder in folders.sorted() where !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: staged.path(folder), withIntermediateDirectories: true)
        }
        let body = BodyRenderer(graph: graph, diagrams: diagrams)
        let parser = ArticleParser(config: graph.config)
        let keys = plan.keys
        let layout = SiteLayout(config: graph.config)
        @Sendable func write(_ page: SitePage) -> Result<(rendered: Bool, search: SearchDocument?), Error> {
            write(page, key: keys[page.path])
        }
        @Sendable func write(_ page: SitePage, key: String?) -> Result<(rendered: Bool, search: SearchDocument?), Error> {
            do {
                if previous[page.path] == key, staged.reuse(page.path) { return .success((false, nil)) }
                var model = page.model
                var search: SearchDocument?
                if let i = page.article {
                    let a = graph.articles[i]
                    let document = try content.document(a, parser: parser)
                    model.body = body.render(i, document: document, page: page.path)
                    if !a.isSectionIndex { search = SearchDocument.make(article: a, document: document, url: layout.articlePath(a)) }
                }
                if let dot = model.diagramSource { model.diagram = diagrams.inline(dot: dot, idPrefix: "g-", label: model.title) }
                try staged.write(page.path, try theme.render(model))
                return .success((true, search))
            } catch {
                return .failure(error)
            }
        }
        var results = plan.pages.parallelMap(write)
        // Deferred article pages: modelled, keyed and written one at a time; only the key is kept.
        // (Their page maker holds each language's chrome, made from every article: none is made
        // for an edit's rebuild, which defers nothing.)
        var deferred: [(key: String, result: Result<(rendered: Bool, search: SearchDocument?), Error>)] = []
        if !plan.deferred.isEmpty {
            let makePage = PageBuilder(graph: graph, doctorScripts: doctorScripts).articlePageMaker()
            let keyer = PageKeyer(graph: graph, theme: theme.fingerprint, rawHTML: graph.config.rawHTML)
            deferred = plan.deferred.parallelMap { entry in
                guard let i = entry.article else { return ("", .failure(DiagnosticError(.error("page \(entry.path) was planned without its article", rule: .build, at: nil)))) }
                let page = makePage(i)
                let key = keyer.key(page)
                return (key, write(page, key: key))
            }
        }
        var deferredKeys: [String: String] = [:]
        for (entry, d) in zip(plan.deferred, deferred) { deferredKeys[entry.path] = d.key }
        results += deferred.map(\.result)
        // A page planned without its model is reused; one whose file is gone from the output is
        // modelled and written now.
        let kept = plan.left.parallelMap { staged.reuse($0.path) }
        let gone = zip(plan.left, kept).compactMap { $1 ? nil : $0.article }
        results += Array(repeating: .success((false, nil)), count: kept.count - gone.count)
        results += PageBuilder(graph: graph, doctorScripts: doctorScripts).articlePages(gone).map(write)
        var searchDocuments: [String: SearchDocument] = [:]
        for r in results {
            switch r {
            case .success(let done):
                if done.rendered { run.stats.rendered += 1 } else { run.stats.reused += 1 }
                if let doc = done.search { searchDocuments[doc.path] = doc }
            case .failure(let e): throw e
            }
        }
        return StagedSite(staged: staged, previousKeys: stored, searchDocuments: searchDocuments, deferredKeys: deferredKeys)
    }

    /// `doctor.sh` and `doctor.ps1`: the KB's checks, runnable with no kb installed.
    static func doctorScripts(_ graph: KnowledgeGraph, into staged: StagedDirectory) throws {
        let scripts = DoctorScripts(graph: graph, version: version)
        try staged.write("doctor.sh", scripts.shell())
        // UTF-8 with a BOM: Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page.
        try staged.write("doctor.ps1", "\u{FEFF}" + scripts.powershell())
    }

    /// The theme's files, the content folder's own files, and the KB's packed sources.
    static func assets(_ t: BuildTarget, content: LoadedContent, theme: Theme, into staged: StagedDirectory, _ run: inout BuildRun) throws {
        for (path, text) in theme.assets {
            try staged.write(path, text)
            run.stats.assets += 1
        }
        for asset in content.assets {
            let target = staged.path(asset.relativePath)
            let source = t.project.contentDirectory + "/" + asset.relativePath
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: source, toPath: target)
            } catch {
                let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
                throw DiagnosticError(.error("cannot copy this file into the site: \(reason)", rule: .io,
                                             at: SourceLocation(path: Project.displayPath(source), line: 1, column: 1)))
            }
            run.stats.assets += 1
        }
        try sources(t.project, content: content, previousSite: t.output, into: staged)
    }

    /// Where a built site keeps the JSON Schemas of front matter and kb.yml.
    public static let schemaFolder = "_kb/schema"

    /// The search index: `.build-kb/search.sqlite` for the CLI and `search/<lang>/*.js` for the site
    /// (SearchIndexer); unchanged content reuses the previous site's files. The proof that
    /// those files are current is what the last *committed* build of this output recorded, never
    /// the store's own fingerprint: `kb search` refreshes the store without touching the site, and
    /// a build killed after this step never commits. `searchIndex` refreshes the store (it may
    /// run beside the page phases); `writeSearch` puts the files into the staged site.
    struct SearchIndexResult: Sendable {
        var fingerprint: String
        var languages: [String]
        /// nil: the previous site's files are current (`writeSearch` reuses them).
        var output: SearchIndexer.Output?
    }

    /// `staged`: the site being built, when it exists (not beside the page phases): the index
    /// writes its document files and term shards into it as it makes them instead of holding them.
    static func searchIndex(_ t: BuildTarget, graph: KnowledgeGraph, markdown: String, documents: [String: SearchDocument],
                            previous: Background<SearchIndexer.Previous>?, staged: StagedDirectory? = nil) throws -> SearchIndexResult {
        let fp = try SearchIndexing.fingerprint(t.project, markdown: markdown)
        let languages = PageBuilder(graph: graph).languages
        if !t.options.force, let recorded = try? t.cache?.meta("search:" + t.output), recorded == fp,
           languages.allSatisfy({ FileManager.default.fileExists(atPath: t.output + "/search/" + $0 + "/meta.js") }) {
            return SearchIndexResult(fingerprint: fp, languages: languages, output: nil)
        }
        var output = try SearchIndexing.update(graph: graph, project: t.project, fingerprint: fp, reuse: !t.options.force,
                                               prepared: documents, previous: try? previous?.wait(), staged: staged)
        // The site's files are made and compared with the current site's here: beside the page
        // phases when this runs early (an edit's rebuild), and the staged site is not needed yet.
        let siteState = t.options.force ? nil : try? t.cache?.meta("search:" + t.output)
        do { try SearchIndexer.prepareSite(&output, previousSite: t.output, siteState: siteState, staged: staged) } catch {
            _ = try? output.saved() // the store's refresh is never left running
            throw error
        }
        return SearchIndexResult(fingerprint: fp, languages: languages, output: output)
    }

    /// Writes the search files into the staged site, or takes the current ones when they are current.
    static func writeSearch(_ index: SearchIndexResult, _ t: BuildTarget, graph: KnowledgeGraph, documents: [String: SearchDocument],
                            into staged: StagedDirectory) throws {
        let old = t.output + "/search"
        if index.output == nil, let files = FileManager.default.enumerator(atPath: old)?.allObjects as? [String] {
            var reused = true
            for f in files where f.hasSuffix(".js") { reused = reused && staged.reuse("search/" + f) }
            if reused { return }
        }
        let output = try index.output ?? SearchIndexing.update(graph: graph, project: t.project, fingerprint: index.fingerprint,
                                                                reuse: !t.options.force, prepared: documents)
        defer { _ = try? output.saved() } // never left running when writing the files fails
        try SearchIndexer.writeSite(output, into: staged, previousSite: t.output)
        try output.saved()
    }

    /// Swaps the staged site in, then records what the next build needs to reuse this one.
    static func commit(_ t: BuildTarget, content: LoadedContent, plan: SitePlan, site: StagedSite, fingerprint: String,
                       searchFingerprint: String, _ run: BuildRun) throws {
        try site.staged.commit()
        defer { site.staged.waitForCleanup() }
        guard let cache = t.cache else { return }
        try cache.saveArticles(content.articles, entries: content.entries)
        try cache.savePageKeys(plan.keys, output: t.output, previous: site.previousKeys)
        try cache.savePlanState(plan.state, output: t.output)
        let enc = JSONEncoder()
        try cache.setMeta("diagnostics:" + t.output, String(decoding: try enc.encode(run.diagnostics), as: UTF8.self))
        try cache.setMeta("stats:" + t.output, String(decoding: try enc.encode(run.stats), as: UTF8.self))
        try cache.setMeta("fingerprint:" + t.output, fingerprint)
        try cache.setMeta("search:" + t.output, searchFingerprint)
    }
}
