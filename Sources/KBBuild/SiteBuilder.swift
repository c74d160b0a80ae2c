import Foundation
import KBChecks
import KBContent
import KBCore
import KBSearch
import KBSite

/// `kb build`: the whole pipeline, readable in one place.
public enum SiteBuilder {
    public static let version = "0.1.0"

    public static let steps: [BuildStep] = [
        BuildStep(name: "fingerprint", run: fingerprint),
        BuildStep(name: "load", run: load),
        BuildStep(name: "resolve", run: resolve),
        BuildStep(name: "theme", run: theme),
        BuildStep(name: "plan", run: plan),
        BuildStep(name: "diagrams", run: diagrams),
        BuildStep(name: "render", run: render),
        BuildStep(name: "assets", run: assets),
        BuildStep(name: "doctor-scripts", run: doctorScripts),
        BuildStep(name: "feeds", run: feeds),
        BuildStep(name: "search", run: search),
        BuildStep(name: "commit", run: commit),
    ]

    public static func build(_ options: BuildOptions) throws -> BuildContext {
        let start = Date()
        var project = try Project.discover(content: options.content)
        if let base = options.baseURL { project.config.baseURL = base }
        if options.drafts { project.config.drafts = true }
        let output = Project.absolute(options.output ?? (project.root + "/Site"), from: FileManager.default.currentDirectoryPath)
        try OutputPolicy.check(output: output, protecting: [("content folder", project.contentDirectory), ("KB root", project.root)],
                               force: options.forceOutput)
        let lock = try BuildLock(kbRoot: project.root)
        defer { lock.release() }
        var context = BuildContext(options: options, project: project, outputDirectory: output)
        do {
            context.cache = try BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: parserKey(project))
        } catch {
            // A broken cache only costs speed.
            context.diagnostics.append(.warning("build cache unavailable (\(error)); building everything", rule: .cache, at: nil))
        }
        for step in steps {
            let stepStart = Date()
            defer { context.stats.steps.append([step.name, String(format: "%.3f", Date().timeIntervalSince(stepStart))]) }
            do {
                try step.run(&context)
            } catch let error as DiagnosticError {
                throw BuildFailure(step: step.name, diagnostics: context.diagnostics + error.diagnostics)
            } catch let error as BuildFailure {
                throw error
            } catch {
                throw BuildFailure(step: step.name, diagnostics: context.diagnostics + [.error("\(error)", rule: .build, at: nil)])
            }
            if context.upToDate { break }
        }
        context.stats.seconds = Date().timeIntervalSince(start)
        return context
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

    // MARK: steps

    /// Nothing changed since the last successful build into the same folder: stop here.
    static func fingerprint(_ c: inout BuildContext) throws {
        let fs = LocalFileSystem()
        var h = StableHash()
        h.combine(version)
        h.combine(c.outputDirectory)
        h.combine(String(describing: c.project.config))
        let content = ContentFingerprint.folder(c.project.contentDirectory)
        c.markdownFingerprint = content.markdown
        h.combine(content.all)
        let templates = c.project.root + "/Templates"
        if fs.isDirectory(templates) { h.combine(ContentFingerprint.folder(templates, files: .all)) }
        if let configPath = c.project.configPath, let bytes = try? fs.read(configPath) { h.combine(bytes: bytes) }
        c.fingerprint = h.hex
        guard !c.options.force, let cache = c.cache,
              FileManager.default.fileExists(atPath: c.outputDirectory + "/index.html"),
              try cache.meta("fingerprint:" + c.outputDirectory) == c.fingerprint else { return }
        if let saved = try cache.meta("diagnostics:" + c.outputDirectory), let data = saved.data(using: .utf8) {
            c.diagnostics = (try? JSONDecoder().decode([Diagnostic].self, from: data)) ?? []
        }
        if let saved = try cache.meta("stats:" + c.outputDirectory), let data = saved.data(using: .utf8),
           let stats = try? JSONDecoder().decode(BuildStats.self, from: data) {
            c.stats = stats
        }
        c.stats.steps = [] // this run's steps are appended as they run
        c.stats.parsed = 0
        c.stats.rendered = 0
        c.stats.reused = c.stats.pages
        c.upToDate = true
    }

    static func load(_ c: inout BuildContext) throws {
        let content = try ContentLoader().load(c.project, cache: c.options.force ? nil : c.cache)
        c.stats.articles = content.articles.count
        c.stats.parsed = content.parsedCount
        c.content = content
    }

    static func resolve(_ c: inout BuildContext) throws {
        let graph = KnowledgeGraph(content: c.content!)
        c.diagnostics += graph.diagnostics
        (c.stats.internalLinks, c.stats.resolvedLinks) = graph.internalLinkCounts
        c.graph = graph
        if graph.diagnostics.hasErrors { throw DiagnosticError([]) }
    }

    static func theme(_ c: inout BuildContext) throws {
        c.theme = try Theme(overrides: c.project.root + "/Templates")
    }

    static func plan(_ c: inout BuildContext) throws {
        let graph = c.graph!
        // The "diagnose this" panels link the doctor scripts once a step writes them.
        let doctor = steps.contains { $0.name.hasPrefix("doctor") } ? ["doctor.ps1", "doctor.sh"] : []
        c.pages = PageBuilder(graph: graph, doctorScripts: doctor).pages()
        c.stats.pages = c.pages.count
        let body = BodyRenderer(graph: graph)
        let themeFP = c.theme!.fingerprint
        let rawHTML = graph.config.rawHTML
        let keys: [String] = c.pages.parallelMap { page in
            var h = StableHash()
            h.combine(version)
            h.combine(themeFP)
            h.combine(rawHTML ? "raw" : "escaped")
            HashingEncoder.hash(page.model, into: &h)
            if let i = page.article {
                h.combine(graph.articles[i].contentHash)
                h.combine(body.linkFingerprint(i, page: page.path))
            }
            return h.hex
        }
        c.pageKeys = Dictionary(zip(c.pages.map(\.path), keys), uniquingKeysWith: { a, _ in a })
    }

    static func render(_ c: inout BuildContext) throws {
        let staged = try StagedDirectory(destination: c.outputDirectory)
        c.staged = staged
        let previous = c.options.force ? [:] : ((try? c.cache?.pageKeys(output: c.outputDirectory)) ?? [:])
        // Folders first, serially: the parallel writers below then never race to create them.
        let folders = Set(c.pages.map { ($0.path as NSString).deletingLastPathComponent })
        for folder in folders.sorted() where !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: staged.path(folder), withIntermediateDirectories: true)
        }
        let graph = c.graph!
        let theme = c.theme!
        let diagrams = c.diagrams
        let body = BodyRenderer(graph: graph, diagrams: diagrams)
        let parser = ArticleParser(config: graph.config)
        let contentDir = c.project.contentDirectory
        let keys = c.pageKeys
        let results: [Result<Bool, Error>] = c.pages.parallelMap { page in
            do {
                if previous[page.path] == keys[page.path], staged.reuse(page.path) { return .success(false) }
                var model = page.model
                if let i = page.article {
                    let a = graph.articles[i]
                    let bytes = try LocalFileSystem().read(contentDir + "/" + a.path)
                    let parsed = parser.parse(bytes: bytes, path: a.path, displayPath: a.displayPath)
                    model.body = body.render(i, document: parsed.document, page: page.path)
                }
                if let dot = model.diagramSource { model.diagram = diagrams?.inline(dot: dot, idPrefix: "g-", label: model.title) }
                try staged.write(page.path, try theme.render(model))
                return .success(true)
            } catch {
                return .failure(error)
            }
        }
        for r in results {
            switch r {
            case .success(true): c.stats.rendered += 1
            case .success(false): c.stats.reused += 1
            case .failure(let e): throw e
            }
        }
    }

    /// ```dot / ```mermaid blocks and the graph pages, drawn by Graphviz (kept in the cache).
    static func diagrams(_ c: inout BuildContext) throws {
        let cache = c.cache.map { cache in
            Diagrams.Cache(get: { try? cache.meta($0) }, set: { try? cache.setMeta($0, $1) })
        }
        let drawn = Diagrams.render(graph: c.graph!, pages: c.pages, graphviz: Graphviz.locate(), cache: cache)
        c.diagnostics += drawn.diagnostics
        c.diagrams = drawn
    }

    /// sitemap.xml and the Atom feeds, when a base URL is configured.
    static func feeds(_ c: inout BuildContext) throws {
        for (path, text) in SiteFeeds.files(graph: c.graph!, pages: c.pages) { try c.staged!.write(path, text) }
    }

    /// `doctor.sh` and `doctor.ps1`: the KB's checks, runnable with no kb installed.
    static func doctorScripts(_ c: inout BuildContext) throws {
        let scripts = DoctorScripts(graph: c.graph!, version: version)
        try c.staged!.write("doctor.sh", scripts.shell())
        // UTF-8 with a BOM: Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page.
        try c.staged!.write("doctor.ps1", "\u{FEFF}" + scripts.powershell())
    }

    static func assets(_ c: inout BuildContext) throws {
        let staged = c.staged!
        for (path, text) in c.theme!.assets {
            try staged.write(path, text)
            c.stats.assets += 1
        }
        for asset in c.content!.assets {
            let target = staged.path(asset.relativePath)
            let source = c.project.contentDirectory + "/" + asset.relativePath
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: source, toPath: target)
            } catch {
                let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
                throw DiagnosticError(.error("cannot copy this file into the site: \(reason)", rule: .io,
                                             at: SourceLocation(path: Project.displayPath(source), line: 1, column: 1)))
            }
            c.stats.assets += 1
        }
        try sources(&c)
    }

    /// Where a built site keeps the JSON Schemas of front matter and kb.yml.
    public static let schemaFolder = "_kb/schema"

    /// The search index: `.build-kb/search.sqlite` for the CLI and `search/<lang>/*.js` for the site
    /// (SearchIndexer); unchanged content reuses the previous site's files. The proof that
    /// those files are current is what the last *committed* build of this output recorded, never
    /// the store's own fingerprint: `kb search` refreshes the store without touching the site, and
    /// a build killed after this step never commits.
    static func search(_ c: inout BuildContext) throws {
        let staged = c.staged!
        let fp = try SearchIndexing.fingerprint(c.project, markdown: c.markdownFingerprint)
        c.searchFingerprint = fp
        let languages = PageBuilder(graph: c.graph!).languages
        let old = c.outputDirectory + "/search"
        if !c.options.force, let recorded = try? c.cache?.meta("search:" + c.outputDirectory), recorded == fp,
           languages.allSatisfy({ FileManager.default.fileExists(atPath: old + "/" + $0 + "/meta.js") }),
           let files = FileManager.default.enumerator(atPath: old)?.allObjects as? [String] {
            var reused = true
            for f in files where f.hasSuffix(".js") { reused = reused && staged.reuse("search/" + f) }
            if reused { return }
        }
        let output = try SearchIndexing.update(graph: c.graph!, project: c.project, fingerprint: fp, reuse: !c.options.force)
        try SearchIndexer.writeSite(output, into: staged, previousSite: c.outputDirectory)
    }

    static func commit(_ c: inout BuildContext) throws {
        try c.staged!.commit()
        guard let cache = c.cache else { return }
        try cache.saveArticles(c.content!.articles, entries: c.content!.entries)
        try cache.savePageKeys(c.pageKeys, output: c.outputDirectory)
        let enc = JSONEncoder()
        try cache.setMeta("diagnostics:" + c.outputDirectory, String(decoding: try enc.encode(c.diagnostics), as: UTF8.self))
        try cache.setMeta("stats:" + c.outputDirectory, String(decoding: try enc.encode(c.stats), as: UTF8.self))
        try cache.setMeta("fingerprint:" + c.outputDirectory, c.fingerprint)
        try cache.setMeta("search:" + c.outputDirectory, c.searchFingerprint)
    }
}
