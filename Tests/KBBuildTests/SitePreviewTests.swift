import Foundation
import KBContent
import KBCore
import KBTesting
import Testing
@testable import KBBuild

/// A site's packed sources as a file system: what the loader sees of them.
@Suite struct PackedSourcesTests {
    @Test func walksReadsAndRefusesPathsOutsideThePack() throws {
        let packed = PackedSources(root: "/site/_kb/content.json", files: [
            "kb.yml": "title: T\n",
            "b/two.md": "# Two\n",
            "a.md": "# A\n",
            "common/..md": "# dot\n",
            ".hidden/x.md": "# hidden\n",
            "../escape.md": "# out\n",
            "/abs.md": "# abs\n",
        ])
        var diags: [Diagnostic] = []
        let walked = try packed.walk(packed.root, diagnostics: &diags).map(\.relativePath)
        // Sorted like a walk of the disk; hidden folders skipped, `..md` pages kept; nothing outside.
        #expect(walked == ["a.md", "b/two.md", "common/..md", "kb.yml"])
        #expect(diags.isEmpty)
        #expect(try packed.read(packed.root + "/b/two.md") == Array("# Two\n".utf8))
        #expect(throws: DiagnosticError.self) { try packed.read(packed.root + "/../escape.md") }
        #expect(throws: DiagnosticError.self) { try packed.read("/abs.md") }
        #expect(packed.isDirectory(packed.root) && packed.isDirectory(packed.root + "/b"))
        #expect(!packed.isDirectory(packed.root + "/a.md") && packed.exists(packed.root + "/a.md"))
        #expect(!packed.exists("/site/_kb"), "nothing above the pack exists")
        #expect(try packed.walk(packed.root + "/b", diagnostics: &diags).map(\.relativePath) == ["two.md"])
    }

    @Test func aSiteLoadsFromItsPackAsTheKBLoadsFromDisk() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        _ = try SiteBuilder.build(BuildOptions(content: kb + "/Content", output: kb + "/Site"))
        let (disk, diskGraph) = try GraphLoader.load(content: kb + "/Content")
        let (packed, packedGraph) = try GraphLoader.load(content: nil, site: kb + "/Site")
        #expect(packed.fileSystem is PackedSources)
        #expect(packedGraph.articles.map(\.canonicalID) == diskGraph.articles.map(\.canonicalID))
        #expect(packedGraph.articles.map(\.contentHash) == diskGraph.articles.map(\.contentHash))
        #expect(packedGraph.causes == diskGraph.causes && packedGraph.fixes == diskGraph.fixes)
        #expect(packedGraph.config.title == diskGraph.config.title)
        let i = try #require(packedGraph.articles.firstIndex { $0.shortID == "dns-fails" })
        #expect(try packed.read(packedGraph.articles[i].path) == disk.read(diskGraph.articles[i].path))
    }
}

/// `kb serve`'s engine: the reload signal and the watcher.
@Suite struct SitePreviewTests {
    @Test func aWaitingPageWakesWhenTheVersionMovesOn() async throws {
        let signal = ReloadSignal()
        async let woken = signal.wait(since: 0, timeout: 60)
        // Wake only once the waiter is registered: bump until it returns.
        let bumper = Task { while !Task.isCancelled { await signal.bump(); try? await Task.sleep(nanoseconds: 50_000_000) } }
        let version = await woken
        bumper.cancel()
        #expect(version >= 1)
        #expect(await signal.wait(since: 0, timeout: 60) >= 1, "an old version answers at once")
        let current = await signal.version
        #expect(await signal.wait(since: current, timeout: 0.05) == current, "no change: the current version once the time is up")
    }

    @Test func aSaveInANewFolderIsSeen() async throws {
        let dir = try TestSupport.tempDirectory("kb-watch")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n", to: dir + "/Content/a.md")
        let watcher = ChangeWatcher(paths: [dir + "/Content"], ignoring: dir + "/Site", interval: 0.05)
        defer { watcher.stop() }
        var changes = watcher.changes.makeAsyncIterator()
        // Whatever the watcher's start-up saw is drained by the first real change below.
        let edit = Task {
            // Next to an editor's swap file and a write into the output folder (not changes).
            while !Task.isCancelled {
                try TestSupport.write("swap", to: dir + "/Content/.a.md.swp")
                try TestSupport.write("<p>site</p>", to: dir + "/Site/index.html")
                try TestSupport.write("# A\n\nEdited \(Date()).\n", to: dir + "/Content/sub/a.md")
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        defer { edit.cancel() }
        let first: Void? = await changes.next()
        #expect(first != nil, "a saved Markdown file is seen")
        edit.cancel()
    }

    /// Links to folders are not followed: two links back to the watched folder would otherwise
    /// make the watch list grow as 2^depth and the watcher never start.
    @Test func folderLinkLoopsDoNotStopTheWatcher() async throws {
        let dir = try TestSupport.tempDirectory("kb-watch")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("# A\n", to: dir + "/Content/a.md")
        for name in ["loop1", "loop2"] {
            try FileManager.default.createSymbolicLink(atPath: dir + "/Content/" + name, withDestinationPath: dir + "/Content")
        }
        let watcher = ChangeWatcher(paths: [dir + "/Content"], ignoring: dir + "/Site", interval: 0.05)
        defer { watcher.stop() }
        let edit = Task {
            while !Task.isCancelled {
                try TestSupport.write("# A\n\nEdited \(Date()).\n", to: dir + "/Content/a.md")
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        defer { edit.cancel() }
        let seen = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var changes = watcher.changes.makeAsyncIterator()
                return await changes.next() != nil
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: 30_000_000_000)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            watcher.stop()
            return first
        }
        #expect(seen, "a change under a folder with link loops is seen within 30 s")
    }

    @Test func hiddenNamesAndEditorBackupsDoNotCount() {
        #expect(ChangeWatcher.matters("a.md"))
        #expect(ChangeWatcher.matters("..md"))
        #expect(ChangeWatcher.matters("sub"))
        #expect(!ChangeWatcher.matters(".a.md.swp"))
        #expect(!ChangeWatcher.matters("a.md~"))
        #expect(!ChangeWatcher.matters(".git"))
    }
}

/// The one-pass reader of `_kb/content.json` agrees with JSONDecoder, and refuses other shapes.
@Suite struct PackReaderTests {
    @Test func readsWhatTheEncoderWritesAndNothingElse() throws {
        let files = ["a.md": "plain", "b/c.md": "quote \" backslash \\ slash / tab \t newline \n nul \u{0} bell \u{7}",
                     "中文.md": "汉字 and emoji 🙂 and \u{2028}", "e.md": ""]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(["files": files])
        #expect(PackReader.files(data) == files)
        #expect(PackReader.files(Data(#"{ "files" : { "x.md" : "\u00e9\ud83d\ude42\/" } }"#.utf8)) == ["x.md": "é🙂/"])
        #expect(PackReader.files(Data(#"{"files":{}}"#.utf8)) == [:])
        #expect(PackReader.files(Data(#"{"other":{}}"#.utf8)) == nil)
        #expect(PackReader.files(Data(#"{"files":{"a":"b"}"#.utf8)) == nil)
        #expect(PackReader.files(Data(#"{"files":{"a":1}}"#.utf8)) == nil)
        #expect(PackReader.files(Data(#"{"files":{"a":"b\q"}}"#.utf8)) == nil)
        #expect(PackReader.files(Data(#"{"files":{"a":"b\"}}"#.utf8)) == nil)
        #expect(PackReader.files(Data(#"{"files":{"a":"x\n"}}"#.utf8)) == ["a": "x\n"])
    }
}
