import Foundation
import GRDB
import KBContent
import KBCore
@testable import KBSearch
import KBSite
import KBTesting
import Testing
@testable import KBBuild

func inode(_ path: String) -> UInt64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
}

@Suite(.serialized) struct SiteBuilderTests {
    @Test func failedBuildLeavesThePreviousSiteByteForByte() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let site = kb + "/Site"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        let before = TestSupport.snapshot(site)
        #expect(before["net/dns-fails.html"] != nil)

        // A template error.
        try TestSupport.write("{{> _head}}\n{{#chrome}}\n<main>{{title}}</main>\n", to: kb + "/Templates/article.mustache")
        do {
            _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
            Issue.record("the build should fail")
        } catch let failure as BuildFailure {
            #expect(failure.step == "theme")
            #expect(failure.diagnostics.contains { $0.rule.id == "template" && $0.location?.path.hasSuffix("Templates/article.mustache") == true })
        }
        #expect(TestSupport.snapshot(site) == before)
        TestSupport.remove(kb + "/Templates")

        // A content error.
        try TestSupport.write("---\ntitle: Broken\ncauses: [nowhere]\n---\n", to: kb + "/Content/net/broken.md")
        do {
            _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
            Issue.record("the build should fail")
        } catch let failure as BuildFailure {
            #expect(failure.step == "resolve")
            #expect(failure.diagnostics.map(\.rule.id).contains("dangling-reference"))
        }
        #expect(TestSupport.snapshot(site) == before)
        // No staging folders left beside the site.
        #expect(try FileManager.default.contentsOfDirectory(atPath: kb).filter { $0.contains("kb-staging") }.isEmpty)
    }

    /// A build with no page keys to compare with (the first into a folder, or forced) plans every
    /// article page without its model: render models, keys and writes each in turn, so the models of
    /// a large KB are never all held at once. The next build compares with the keys render found.
    @Test func aFirstBuildPlansArticlePagesWithoutTheirModels() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let site = kb + "/Site"
        let options = BuildOptions(content: kb + "/Content", output: site)
        let project = try Project.discover(content: options.content)
        func plan() throws -> (SitePlan, KnowledgeGraph) {
            let cache = try BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: SiteBuilder.parserKey(project))
            let target = BuildTarget(options: options, project: project, output: site, cache: cache)
            var run = BuildRun()
            let content = try SiteBuilder.load(target, &run)
            let graph = try SiteBuilder.resolve(content, &run)
            return (SiteBuilder.plan(target, content: content, graph, theme: try Theme(overrides: kb + "/Templates"), &run), graph)
        }
        let (first, graph) = try plan()
        let modelledArticles = first.pages.filter { $0.article.map { !graph.articles[$0].isSectionIndex } ?? false }.map(\.path)
        #expect(modelledArticles.isEmpty)
        #expect(first.deferred.count >= 3 && first.deferred.allSatisfy { $0.article != nil })
        #expect(first.deferred.allSatisfy { first.keys[$0.path] == nil })

        let built = try SiteBuilder.build(options)
        #expect(built.stats.modelled == built.stats.pages && built.stats.rendered == built.stats.pages)
        // Render's keys were recorded: the next plan (nothing changed but a forced fingerprint) defers nothing.
        let cache = try BuildCache(path: project.root + "/.build-kb/cache.sqlite", parserKey: SiteBuilder.parserKey(project))
        let keys = try cache.pageKeys(output: site)
        #expect(first.deferred.allSatisfy { keys[$0.path] != nil })
        let again = try plan().0
        #expect(again.deferred.isEmpty)
        #expect(again.keys.count == again.count)
        for entry in first.deferred { #expect(again.keys[entry.path] == keys[entry.path], "\(entry.path)") }
    }

    /// `kb serve` rebuilds in one process: an article whose cached row did not change is decoded
    /// once, not at every rebuild; one whose row changed is decoded again.
    @Test func aServedRebuildDecodesAnUnchangedArticleOnce() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let probe = "net/kept-\(UUID().uuidString.prefix(8)).md"
        try TestSupport.write("---\ntitle: Kept probe\nkind: concept\n---\nThe probe's first words.\n", to: kb + "/Content/" + probe)
        let options = BuildOptions(content: kb + "/Content", output: kb + "/Site")
        _ = try SiteBuilder.build(options)
        BuildCache.keepDecodedArticles()
        func decodes() -> Int { BuildCache.decodes.withLock { $0[probe] ?? 0 } }
        for (n, other) in ["net/dns-fails.md", "net/resolver-down.md", "net/dns-fails.md"].enumerated() {
            try TestSupport.write(TestSupport.read(kb + "/Content/" + other) + "\nEdit \(n).\n", to: kb + "/Content/" + other)
            _ = try SiteBuilder.build(options)
            #expect(decodes() == 1, "after rebuild \(n): the probe's row decoded \(decodes()) times")
        }
        try TestSupport.write("---\ntitle: Kept probe, renamed\nkind: concept\n---\nThe probe's first words.\n", to: kb + "/Content/" + probe)
        _ = try SiteBuilder.build(options)
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: kb + "/Site2"))
        #expect(decodes() == 2, "a changed row is decoded again, once")
        #expect(TestSupport.read(kb + "/Site2/" + probe.replacingOccurrences(of: ".md", with: ".html")).contains("Kept probe, renamed"))
    }

    /// The plan's state is kept as a few columns of joined names: it comes back as it was, page
    /// entries without an article, unlisted ones and empty names included.
    @Test func aPlanStateComesBackAsItWasSaved() throws {
        var state = PlanState(structure: "s", paths: ["go/a.md", "go/b.zh.md", "名前 with spaces.md"], hashes: ["h1", "h2", "h3"])
        state.entries = [PageEntry(path: "go/a.html", article: 0, lang: "en", isListed: true),
                         PageEntry(path: "404.html", article: nil, lang: "en", isListed: false),
                         PageEntry(path: "zh/go/b.html", article: 1, lang: "zh", isListed: true)]
        var blank = state
        blank.entries[1].lang = ""
        var lone = PlanState(structure: "", paths: ["a.md"], hashes: [""])
        lone.entries = [PageEntry(path: "a.html", article: nil, lang: "", isListed: false)]
        for s in [state, blank, lone, PlanState(structure: "", paths: [], hashes: [])] {
            let back = try BinaryCodec.decode(PlanState.self, from: try BinaryCodec.encode(s))
            #expect(back.structure == s.structure && back.paths == s.paths && back.hashes == s.hashes && back.entries == s.entries)
        }
    }

    /// `kb serve` refreshes the search store it refreshed last: what each in-place refresh left in
    /// the store is kept in memory for the next one, and it is exactly what reading the store gives.
    @Test func aServedRebuildKeepsTheSearchStateItSaved() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let options = BuildOptions(content: kb + "/Content", output: kb + "/Site")
        _ = try SiteBuilder.build(options)
        SearchIndexer.keepStateBetweenRefreshes()
        let storePath = SearchIndexing.storePath(try Project.discover(content: options.content))
        for (n, edited) in ["net/dns-fails.md", "net/resolver-down.md", "net/dns-fails.md"].enumerated() {
            let path = kb + "/Content/" + edited
            try TestSupport.write(TestSupport.read(path) + "\nEdit \(n): \(["quokka", "wombat", "platypus"][n]) stub.\n", to: path)
            _ = try SiteBuilder.build(options)
            let kept = try #require(SearchIndexer.kept.withLock { $0.states[storePath] }, "edit \(n): nothing kept")
            let store = try SearchStore(path: storePath)
            #expect(kept.fingerprint == (try store.meta("fingerprint")))
            let stored = try store.stored()
            #expect(Set(kept.stored.keys) == Set(stored.keys))
            for (p, s) in stored {
                let k = try #require(kept.stored[p])
                #expect(k.lang == s.lang && k.n == s.n && k.digest == s.digest && k.doc == s.doc && k.terms == s.terms, "\(p)")
            }
            let files = try store.siteFiles()
            #expect(Set(kept.files.keys) == Set(files.keys))
            for (lang, f) in files {
                #expect(kept.files[lang]?.count == f.count && kept.files[lang]?.hashes == f.hashes, "\(lang)")
            }
            #expect(kept.averages == (try store.averages()))
        }
        // The kept state is used: the last edit's words are found in the store and on the site.
        let reader = try SearchStore(path: storePath).reader(lang: "en")
        let found = try Searcher.search(SearchQuery(text: "platypus", prefix: false), readers: [reader])
        #expect(found.map(\.document.path) == ["net/dns-fails.md"])
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: kb + "/Forced", force: true))
        #expect(TestSupport.snapshot(kb + "/Site/search") == TestSupport.snapshot(kb + "/Forced/search"))
    }

    /// A search file an in-place update would keep, removed from the current site by hand, is made
    /// again: the site still equals a forced build.
    @Test func aKeptSearchFileMissingFromTheSiteIsMadeAgain() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let site = kb + "/Site", forced = kb + "/Forced"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        // An English body edit leaves every Chinese search file as it is: kept, unless missing.
        let path = kb + "/Content/net/dns-fails.md"
        try TestSupport.write(TestSupport.read(path) + "\nOne more line.\n", to: path)
        let zhShard = site + "/search/zh/t0.js"
        try #require(FileManager.default.fileExists(atPath: zhShard))
        try FileManager.default.removeItem(atPath: zhShard)
        let stats = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site)).stats
        #expect(stats.searchUpdated?.contains("zh") == true, "\(String(describing: stats.searchUpdated))")
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: forced, force: true))
        let a = TestSupport.snapshot(site + "/search"), b = TestSupport.snapshot(forced + "/search")
        #expect(a["zh/t0.js"] != nil && a == b)
    }

    /// The search step of a full build writes each search document file and term shard into the
    /// staged site as it makes it (the refresh keeps none of their bytes: a few hundred megabytes
    /// at 100,000 articles); the site has the files a refresh holding them until `writeSite` writes.
    @Test func theSearchStepWritesDocumentFilesAndShardsAsItMakesThem() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let (_, graph) = try GraphLoader.load(content: kb + "/Content")
        let languages = PageBuilder(graph: graph).languages
        var sites: [[String: Data]] = []
        for (name, direct) in [("A", true), ("B", false)] {
            let out = kb + "/Site" + name
            let staged = try StagedDirectory(destination: out)
            var output = try SearchIndexer.update(graph: graph, contentDirectory: kb + "/Content", storePath: kb + "/store\(name).sqlite",
                                                  languages: languages, fingerprint: "fp", staged: direct ? staged : nil, url: { $0.path })
            let files = Array(output.documentFiles.joined())
            #expect(!files.isEmpty)
            #expect(files.allSatisfy { direct ? $0.data == nil && $0.written : $0.data != nil && !$0.written })
            try SearchIndexer.prepareSite(&output, previousSite: out, staged: direct ? staged : nil)
            let shards = (output.siteFiles ?? []).joined().filter { $0.path.hasPrefix("search/en/t") }
            #expect(direct ? shards.isEmpty : !shards.isEmpty)
            try SearchIndexer.writeSite(output, into: staged, previousSite: out)
            try output.saved()
            try staged.commit()
            staged.waitForCleanup()
            sites.append(TestSupport.snapshot(out))
        }
        #expect(sites[0].keys.contains("search/en/d/0.js") && sites[0] == sites[1])
    }

    @Test func rebuildsOnlyWhatChanged() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let site = kb + "/Site"
        let first = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        #expect(!first.upToDate)
        #expect(first.stats.rendered == first.stats.pages)
        // Every phase ran, in order, and reported its time.
        #expect(first.stats.steps.map { $0[0] } == SiteBuilder.stepNames)

        let second = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        #expect(second.upToDate)
        #expect(second.stats.steps.map { $0[0] } == ["fingerprint"])

        let conceptInode = inode(site + "/net/dns-concept.html")
        let causeInode = inode(site + "/net/resolver-down.html")
        // Retitle the cause: its page, the symptom that lists it, the fix that links it and the
        // section page change; an unrelated page does not.
        let path = kb + "/Content/net/resolver-down.md"
        try TestSupport.write(TestSupport.read(path).replacingOccurrences(of: "title: The local resolver is not running",
                                                                          with: "title: The resolver is down"), to: path)
        let third = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        #expect(!third.upToDate)
        #expect(third.stats.parsed == 1)
        #expect(third.stats.rendered >= 4)
        #expect(third.stats.rendered < third.stats.pages / 2)
        #expect(inode(site + "/net/dns-concept.html") == conceptInode)
        #expect(inode(site + "/net/resolver-down.html") != causeInode)
        #expect(TestSupport.read(site + "/net/dns-fails.html").contains("The resolver is down"))
        // The fix lists the cause under "referenced by".
        #expect(TestSupport.read(site + "/net/restart-resolver.html").contains("The resolver is down"))
        #expect(TestSupport.read(site + "/net/index.html").contains("The resolver is down"))

        // --force renders everything.
        let forced = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site, force: true))
        #expect(forced.stats.rendered == forced.stats.pages)
    }

    @Test func deletedFilesDisappearFromTheSite() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let site = kb + "/Site"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        #expect(FileManager.default.fileExists(atPath: site + "/plain.html"))
        TestSupport.remove(kb + "/Content/plain.md")
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        #expect(!FileManager.default.fileExists(atPath: site + "/plain.html"))
        #expect(!TestSupport.read(site + "/index.html").contains("plain.html"))
    }
}

@Suite(.serialized) struct PackedSourcesWriteTests {
    /// The pack takes an unchanged file's text from the previous site only when it holds the
    /// bytes the article was parsed from: a site built before an edit made into another output
    /// gets the edited text, not its own stale copy.
    @Test func aPackNeverKeepsAStaleText() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let a = kb + "/SiteA", b = kb + "/SiteB"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: a))
        let path = kb + "/Content/net/resolver-down.md"
        try TestSupport.write(TestSupport.read(path) + "\nA line with the word plumbobulate.\n", to: path)
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: b))
        // Site A again: the cache knows the edited file by size and time (site B's build parsed
        // it), so this build does not read it; A's old pack holds the old text.
        let again = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: a))
        #expect(again.stats.parsed == 0)
        for site in [a, b] {
            let packed = try PackedSources.open(site: site)
            #expect(packed.files["net/resolver-down.md"]?.contains("plumbobulate") == true, "\(site)")
            #expect(packed.files["net/resolver-down.md"] == TestSupport.read(path))
        }
    }

    /// The sources travel in parts: an edit rewrites the part that holds the edited file (and at
    /// most its neighbour, when the part's end moves), every other part is the previous site's
    /// file, and the site reads back every text as it is on disk.
    @Test func anEditRewritesOnlyThePartHoldingIt() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let filler = String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", count: 70)
        for n in 0..<600 {
            try TestSupport.write("---\ntitle: Page \(n)\n---\n\nPage \(n). \(filler)\n", to: kb + "/Content/bulk/p\(n).md")
        }
        let site = kb + "/Site"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        func parts() throws -> [String: UInt64] {
            let names = try FileManager.default.contentsOfDirectory(atPath: site + "/" + SiteBuilder.sourcesFolder)
            return Dictionary(uniqueKeysWithValues: names.map { ($0, inode(site + "/" + SiteBuilder.sourcesFolder + "/" + $0)) })
        }
        let before = try parts()
        #expect(before.count >= 4, "\(before.count) parts for 2.5 MB of sources")

        let edited = kb + "/Content/bulk/p300.md"
        try TestSupport.write(TestSupport.read(edited) + "\nOne more line.\n", to: edited)
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        let after = try parts()
        let rewritten = after.filter { before[$0.key] != $0.value }
        #expect(!rewritten.isEmpty && rewritten.count <= 2, "rewritten: \(rewritten.keys.sorted()) of \(after.count)")
        #expect(after.count - rewritten.count >= before.count - 2, "the other parts are the previous site's files")

        let packed = try PackedSources.open(site: site)
        #expect(packed.files["bulk/p300.md"] == TestSupport.read(edited))
        let pages = FileManager.default.enumerator(atPath: kb + "/Content")!.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") }
        #expect(Set(packed.files.keys) == Set(pages + ["kb.yml"]), "every page, and kb.yml")
        // A forced build writes the same parts under the same names.
        let forced = kb + "/Forced"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: forced, force: true))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: forced + "/" + SiteBuilder.sourcesFolder)) == Set(after.keys))
        #expect(TestSupport.read(forced + "/" + SiteBuilder.sourcesPack) == TestSupport.read(site + "/" + SiteBuilder.sourcesPack))
    }

    /// A site's list of parts names only files of its parts folder: a name that leads elsewhere, or
    /// a part that is gone, is a clear error, and nothing outside the site is read.
    @Test func aPartListThatLeadsOutOfTheSiteIsRefused() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let site = kb + "/Site"
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: site))
        let index = site + "/" + SiteBuilder.sourcesPack
        let good = TestSupport.read(index)
        #expect(PackReader.read(Data(good.utf8))?.parts.isEmpty == false)
        try TestSupport.write("secret", to: kb + "/secret.json")
        for bad in [#"{"files":{},"parts":["../../secret.json"]}"#, #"{"files":{},"parts":["0000000000000000000000000000000f.json"]}"#] {
            try TestSupport.write(bad, to: index)
            #expect(throws: DiagnosticError.self) { try PackedSources.open(site: site) }
            do { _ = try PackedSources.open(site: site) } catch let e as DiagnosticError {
                #expect(e.diagnostics.first?.message.contains("incomplete") == true, "\(e.diagnostics)")
            }
        }
        // A site built before parts (one file holding every text) still reads.
        try TestSupport.write(#"{"files":{"a.md":"---\ntitle: A\n---\n"}}"#, to: index)
        #expect(try PackedSources.open(site: site).files.keys.sorted() == ["a.md"])
    }

    /// PackWriter's output reads back, through PackReader and JSONDecoder alike, as the texts it
    /// was given: quotes, backslashes, every control character, CJK, astral characters, and
    /// invalid UTF-8 (packed as U+FFFD, as String(decoding:) reads it).
    @Test func packWriterRoundTrips() throws {
        var controls = ""
        for c in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(c))) }
        let texts: [(String, [UInt8])] = [
            ("b/x.md", Array("quote \" backslash \\ slash / tab\t end".utf8)),
            ("a/控制.md", Array(controls.utf8)),
            ("z.md", Array("中文 😀 \u{7F} \u{2028}".utf8)),
            ("bad.md", [0x61, 0xFF, 0xFE, 0x62]),
            ("empty.md", []),
        ]
        let data = PackWriter.pack(texts)
        let expected = Dictionary(uniqueKeysWithValues: texts.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) })
        #expect(PackReader.files(data) == expected)
        #expect(try JSONDecoder().decode([String: [String: String]].self, from: data)["files"] == expected)
        // Sorted by path, as the site's other JSON is.
        let order = ["a/控制.md", "b/x.md", "bad.md", "empty.md", "z.md"].map { "\"\($0)\":" }
        let text = String(decoding: data, as: UTF8.self)
        let positions = order.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }
}

@Suite(.serialized) struct EditRebuildTests {
    /// An edit that changes only what an article's own page shows (its body text, a command in a
    /// block, its translation's body) plans that page alone; one that changes what other pages show
    /// of it (a link they list as a backlink, its title) plans every page. After each edit the
    /// incremental site equals a forced full build of the same content, byte for byte.
    @Test func anEditPlansOnlyThePagesItCanChange() throws {
        let dir = try TestSupport.tempDirectory("kb-edit-plan")
        defer { TestSupport.remove(dir) }
        let fm = FileManager.default
        for item in ["Content", "kb.yml", "Templates"] {
            try fm.copyItem(atPath: TestSupport.packageRoot + "/" + item, toPath: dir + "/" + item)
        }
        let content = dir + "/Content", site = dir + "/Site", forced = dir + "/Forced"
        func build(_ output: String, force: Bool = false) throws -> BuildResult {
            try SiteBuilder.build(BuildOptions(content: content, output: output, force: force))
        }
        func edit(_ file: String, _ change: (String) -> String) throws {
            let path = content + "/go-windows/" + file
            let before = TestSupport.read(path)
            let after = change(before)
            try #require(after != before, "the edit of \(file) changed nothing")
            try TestSupport.write(after, to: path)
        }
        // Every term's postings and the typo vocabulary of the store `kb search` reads.
        func storeTerms() throws -> [String: String] {
            let store = try SearchStore(path: dir + "/.build-kb/search.sqlite", readOnly: true)
            var out: [String: String] = [:]
            for lang in try store.languages() {
                let reader = try store.reader(lang: lang)
                for term in try reader.terms(withPrefix: "") { out[lang + " " + term] = "\(try reader.postings(term).map { [$0.doc, $0.impact] })" }
                for length in 1...64 { out[lang + " vocabulary \(length)"] = try reader.vocabulary(length: length).sorted().joined(separator: " ") }
            }
            return out
        }
        func rebuildEqualsForced(_ what: Comment) throws -> BuildStats {
            let stats = try build(site).stats
            let incremental = try storeTerms()
            _ = try build(forced, force: true)
            let a = TestSupport.snapshot(site), b = TestSupport.snapshot(forced)
            let differing = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
            #expect(differing.isEmpty, "after \(what): \(differing.count) files differ: \(differing.prefix(8))")
            // The store, refreshed by writing only the terms the edit can change, equals a rebuilt one.
            let rebuilt = try storeTerms()
            let stale = Set(incremental.keys).union(rebuilt.keys).filter { incremental[$0] != rebuilt[$0] }.sorted()
            #expect(!rebuilt.isEmpty && stale.isEmpty, "after \(what): \(stale.count) store terms differ: \(stale.prefix(8))")
            return stats
        }
        let first = try build(site)
        #expect(first.stats.modelled == first.stats.pages)

        // Body text: the article's own page alone is modelled and rendered.
        try edit("go-command-not-found.md") { $0 + "\nOne more sentence about a missing go command, zorblaxed by an edit.\n" }
        var stats = try rebuildEqualsForced("a body edit")
        #expect(stats.parsed == 1)
        // The other language's search impacts are the store's as they are; this one's are updated
        // from the store's (only the terms the edit touched computed again) unless the edit moved
        // an average field length to another grid point — at least once in the edits below.
        #expect(stats.searchUpdated?.contains("zh") == true, "\(String(describing: stats.searchUpdated))")
        // The Chinese index did not change: its site files are the current site's, none made again.
        #expect((stats.searchFilesKept ?? 0) > 0, "\(String(describing: stats.searchFilesKept)) search files kept")
        var updatedOwn = stats.searchUpdated?.contains("en") == true
        #expect(stats.modelled < stats.pages / 4, "\(stats.modelled) of \(stats.pages) pages modelled")
        #expect(TestSupport.read(site + "/go-windows/go-command-not-found.html").contains("zorblaxed by an edit"))

        // A command inside a check block: the symptom pages list the block by id only.
        try edit("path-order-shadows-go.md") { text in
            guard let fence = text.range(of: "```powershell check id=path-order-single-go"),
                  let eol = text[fence.upperBound...].firstIndex(of: "\n") else { return text }
            return text.replacingCharacters(in: eol...eol, with: "\n# checked by the edit test\n")
        }
        stats = try rebuildEqualsForced("a command edit")
        updatedOwn = updatedOwn || stats.searchUpdated?.contains("en") == true
        #expect(stats.modelled < stats.pages / 4, "\(stats.modelled) of \(stats.pages) pages modelled")

        // The Chinese translation's body.
        try edit("go-command-not-found.zh.md") { $0 + "\n编辑测试追加的一句话。\n" }
        stats = try rebuildEqualsForced("a translation's body edit")
        #expect(stats.searchUpdated?.contains("en") == true, "\(String(describing: stats.searchUpdated))")
        #expect(updatedOwn, "no edit of an English page updated the English impacts from the store's")
        #expect(stats.modelled < stats.pages / 4, "\(stats.modelled) of \(stats.pages) pages modelled")

        // A new link: the target's page lists the source among the pages that link to it.
        try edit("go-bin-not-on-path.md") { $0 + "\nSee also [a truncated PATH](path-truncated-by-setx.md).\n" }
        stats = try rebuildEqualsForced("a link added")
        #expect(stats.modelled == stats.pages)
        #expect(TestSupport.read(site + "/go-windows/path-truncated-by-setx.html").contains("go-bin-not-on-path.html"))

        // A title: every page that lists the article shows it.
        try edit("go-bin-not-on-path.md") { $0.replacingOccurrences(of: "title: GOROOT\\bin or GOPATH\\bin is missing from PATH",
                                                                   with: "title: Go's bin folders are missing from PATH") }
        stats = try rebuildEqualsForced("a title change")
        #expect(stats.modelled == stats.pages)
        #expect(TestSupport.read(site + "/go-windows/go-command-not-found.html").contains("Go&#39;s bin folders are missing from PATH")
                || TestSupport.read(site + "/go-windows/go-command-not-found.html").contains("Go's bin folders are missing from PATH"))

        // A page removed from the output by hand is written again by the next edit's rebuild.
        try fm.removeItem(atPath: site + "/go-windows/goproxy-unreachable.html")
        // (The word only this page had goes: the store must drop it.)
        try edit("go-command-not-found.md") { $0.replacingOccurrences(of: "zorblaxed", with: "written") + "\nAnd a last sentence.\n" }
        stats = try rebuildEqualsForced("a page removed by hand")
        #expect(stats.modelled < stats.pages / 4)
    }

    /// A store written by another kb holds hashes of another form of the site's document files
    /// (`search/<lang>/d/<k>.js`). They are not trusted: the first rebuild makes those files and
    /// records their hashes, and the next edit writes only the file that holds the edited page.
    /// (Trusted, every rebuild wrote them all again, as their site copies never matched.)
    @Test func anUpgradedStoreGetsItsDocumentFilesRightOnce() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let content = kb + "/Content", site = kb + "/Site"
        _ = try SiteBuilder.build(BuildOptions(content: content, output: site))
        let queue = try DatabaseQueue(path: kb + "/.build-kb/search.sqlite")
        try queue.write { db in
            try #require(try Int.fetchOne(db, sql: "SELECT count(*) FROM files WHERE lang = 'en'") ?? 0 >= 3)
            try db.execute(sql: "UPDATE files SET hash = 'older'")
            try db.execute(sql: "UPDATE meta SET value = 'older' WHERE key = 'files-format'")
        }
        try queue.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: site + "/search/en/d").sorted()
        func inodes() -> [UInt64] { files.map { inode(site + "/search/en/d/" + $0) } }
        for edit in 1...2 {
            let before = inodes()
            try TestSupport.write(TestSupport.read(content + "/plain.md") + "\nEdit \(edit).\n", to: content + "/plain.md")
            _ = try SiteBuilder.build(BuildOptions(content: content, output: site))
            let written = zip(before, inodes()).filter { $0 != $1 }.count
            if edit == 2 { #expect(written == 1, "the second edit rewrote \(written) of \(files.count) document files") }
        }
        let forced = kb + "/Forced"
        _ = try SiteBuilder.build(BuildOptions(content: content, output: forced, force: true))
        for name in files { #expect(TestSupport.read(site + "/search/en/d/" + name) == TestSupport.read(forced + "/search/en/d/" + name), "\(name)") }
    }

    /// A document file known by the hash the store recorded is taken unread only from a site
    /// written from that store state: here the store was last refreshed by a build of another
    /// output, so the first site's copy of the edited page's file is stale and is made again.
    @Test func aSiteBuiltFromAnotherStoreStateHasItsDocumentFilesChecked() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let content = kb + "/Content", site = kb + "/Site", other = kb + "/Other", forced = kb + "/Forced"
        func append(_ file: String, _ line: String) throws {
            try TestSupport.write(TestSupport.read(content + "/" + file) + "\n" + line + "\n", to: content + "/" + file)
        }
        _ = try SiteBuilder.build(BuildOptions(content: content, output: site))
        try append("plain.md", "A sentence only the other output saw.")
        _ = try SiteBuilder.build(BuildOptions(content: content, output: other))
        try append("net/dns-concept.md", "A sentence for the first output.")
        _ = try SiteBuilder.build(BuildOptions(content: content, output: site))
        _ = try SiteBuilder.build(BuildOptions(content: content, output: forced, force: true))
        let files = try FileManager.default.contentsOfDirectory(atPath: forced + "/search/en/d").sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: site + "/search/en/d").sorted() == files)
        for name in files { #expect(TestSupport.read(site + "/search/en/d/" + name) == TestSupport.read(forced + "/search/en/d/" + name), "\(name)") }
    }
}
