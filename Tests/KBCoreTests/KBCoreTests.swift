import Foundation
import Testing
@testable import KBCore

@Suite struct SlugTests {
    @Test(arguments: [
        ("What you see", "what-you-see"),
        ("GOROOT vs. GOPATH (and modules)", "goroot-vs-gopath-and-modules"),
        ("现象 / 原因", "现象--原因"),
        ("go_env: -w", "go_env--w"),
        ("Über Straße", "über-straße"),
    ])
    func anchorsFollowGitHub(text: String, anchor: String) {
        #expect(Slug.anchor(text) == anchor)
    }

    @Test func duplicateAnchorsGetSuffixes() {
        var set = Slug.AnchorSet()
        #expect([set.unique("a"), set.unique("a"), set.unique("a"), set.unique("a-1")] == ["a", "a-1", "a-2", "a-1-1"])
    }

    @Test func idsAreLowerSlugs() {
        #expect(Slug.isValidID("go-command-not-found"))
        #expect(Slug.isValidID("x509"))
        #expect(!Slug.isValidID("-lead"))
        #expect(!Slug.isValidID("Upper"))
        #expect(!Slug.isValidID("with space"))
        #expect(!Slug.isValidID(""))
    }

    @Test func didYouMeanPicksTheClosestWithinReach() {
        #expect(Slug.closest(to: "titel", in: ["title", "tools", "tags"]) == "title")
        #expect(Slug.closest(to: "zzzzzz", in: ["title", "tools"]) == nil)
        #expect(Slug.editDistance("kitten", "sitting") == 3)
    }

    /// The suggester dismisses names by length and letter counts before measuring: on random
    /// near-miss words it answers exactly what measuring every name answers (the first nearest).
    @Test func theSuggesterAnswersWhatMeasuringEveryNameAnswers() {
        // Seeded (SplitMix64): a failure names words that reproduce it.
        struct Seeded: RandomNumberGenerator {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        }
        var rng = Seeded(state: 20261201)
        let alphabet = Array("abcdefghij-0123456789中文")
        func word(_ n: Int) -> String { String((0..<n).map { _ in alphabet.randomElement(using: &rng)! }) }
        let names = (0..<400).map { _ in word(Int.random(in: 3...16, using: &rng)) }
        let suggester = Suggester(names)
        func naive(_ w: String) -> String? {
            let limit = max(2, w.count / 3)
            var best: (String, Int)?
            for c in names {
                let d = Slug.editDistance(w, c)
                if d <= limit, best == nil || d < best!.1 { best = (c, d) }
            }
            return best?.0
        }
        var found = 0
        for _ in 0..<300 {
            // A name with a few edits, or a word of its own.
            var w = Array(names.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let i = Int.random(in: 0..<max(1, w.count), using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where !w.isEmpty: w.remove(at: i)
                case 1: w.insert(alphabet.randomElement(using: &rng)!, at: min(i, w.count))
                default: if !w.isEmpty { w[i] = alphabet.randomElement(using: &rng)! }
                }
            }
            let query = Bool.random(using: &rng) ? String(w) : word(Int.random(in: 2...18, using: &rng))
            let expected = naive(query)
            #expect(suggester.closest(to: query) == expected, "\(query)")
            #expect(suggester.closest(to: query) == expected, "asked again: \(query)")
            if expected != nil { found += 1 }
        }
        #expect(found > 50, "the words tried are near enough to names to test the pruning: \(found)")
    }

    /// Past its budget of name comparisons a suggester suggests nothing (a KB with more broken
    /// references than it can afford to measure still checks in bounded time); a word it has
    /// answered before keeps its answer.
    @Test func aSpentSuggesterSuggestsNothing() {
        let s = Suggester(["title", "tools", "tags"], budget: 6)
        #expect(s.closest(to: "titel") == "title")
        #expect(s.closest(to: "tols") == "tools")
        #expect(s.closest(to: "tgas") == nil, "budget spent")
        #expect(s.closest(to: "titel") == "title", "remembered")
    }
}

@Suite struct SourceTextTests {
    @Test func stripsBOMAndNormalisesLineEnds() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\n".utf8)
        #expect(try SourceText.decode(bytes, path: "x.md") == "a\nb\nc\n")
    }

    @Test func invalidUTF8IsAPositionedError() {
        let bytes = Array("line one\nab".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        do {
            _ = try SourceText.decode(bytes, path: "bad.md")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.first?.description == "bad.md:2:3: error: file is not valid UTF-8 (first bad byte shown at this position); save it as UTF-8 [invalid-utf8]")
        }
    }

    @Test func truncatedSequenceAtTheEndIsFound() {
        let bytes = Array("é".utf8) + [0xE4, 0xB8]
        #expect(throws: DiagnosticError.self) { try SourceText.decode(bytes, path: "t.md") }
    }
}

@Suite struct HTMLEscapeTests {
    @Test func textAttributesAndXML() {
        #expect(HTML.escape("<a href=\"x\">&") == "&lt;a href=&quot;x&quot;&gt;&amp;")
        #expect(HTML.escape("it's") == "it's")
        #expect(HTML.escapeAttribute("it's") == "it&#39;s")
        #expect(HTML.escapeXML("a'b\u{1}\tc<") == "a&apos;b\tc&lt;")
        #expect(HTML.escape("plain") == "plain" && HTML.escapeXML("plain") == "plain")
        // Each scalar on its own: a quote carrying a combining mark is still escaped.
        #expect(HTML.escapeAttribute("\"\u{301}'\u{301}") == "&quot;\u{301}&#39;\u{301}")
    }
}

@Suite struct DiagnosticTests {
    @Test func printsPathLineColumnSeverityAndRule() {
        let d = Diagnostic.error("unknown id 'x'", rule: .danglingReference, at: SourceLocation(path: "a.md", line: 3, column: 9))
        #expect(d.description == "a.md:3:9: error: unknown id 'x' [dangling-reference]")
    }

    @Test func sortsByFileThenPosition() {
        let a = Diagnostic.warning("w", rule: .io, at: SourceLocation(path: "b.md", line: 1, column: 1))
        let b = Diagnostic.error("e", rule: .io, at: SourceLocation(path: "a.md", line: 9, column: 1))
        let c = Diagnostic.error("e", rule: .io, at: SourceLocation(path: "a.md", line: 2, column: 5))
        let n = Diagnostic.error("n", rule: .io, at: nil)
        #expect([a, n, b, c].sortedByLocation() == [c, b, a, n])
        #expect([a, b, c].errorCount == 2)
        #expect([a, b, c].warningCount == 1)
    }
}

@Suite struct StableHashTests {
    @Test func isStableAndSeparatesFields() {
        #expect(StableHash.of("hello") == StableHash.of("hello"))
        #expect(StableHash.of("hello") != StableHash.of("hellp"))
        var x = StableHash(), y = StableHash()
        x.combine("ab"); x.combine("c")
        y.combine("a"); y.combine("bc")
        #expect(x.hex != y.hex)
        #expect(StableHash.of("").count == 32)
    }
}

@Suite struct StagedDirectoryTests {
    @Test func commitReplacesTheWholeFolderAndKeepsGitignore() throws {
        let dir = NSTemporaryDirectory() + "kb-stage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/Site"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "old".write(toFile: out + "/stale.html", atomically: true, encoding: .utf8)
        try "keep".write(toFile: out + "/page.html", atomically: true, encoding: .utf8)
        try "*\n".write(toFile: out + "/.gitignore", atomically: true, encoding: .utf8)
        let staged = try StagedDirectory(destination: out)
        try staged.write("index.html", "new")
        #expect(staged.reuse("page.html"))
        #expect(!staged.reuse("missing.html"))
        try staged.commit()
        staged.waitForCleanup()
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == [".gitignore", ".kb-site", "index.html", "page.html"])
        #expect(try String(contentsOfFile: out + "/page.html", encoding: .utf8) == "keep")
        // No staging folder left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["Site"])
    }

    @Test func abandonedStagingIsRemovedAndDestinationUntouched() throws {
        let dir = NSTemporaryDirectory() + "kb-stage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/Site"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "old".write(toFile: out + "/index.html", atomically: true, encoding: .utf8)
        do {
            let staged = try StagedDirectory(destination: out)
            try staged.write("index.html", "half")
        }
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["Site"])
    }

    /// A site kb built, with a page in a folder of its own, a kept page and a page that goes.
    func builtSite(_ dir: String) throws -> String {
        let out = dir + "/Site"
        let first = try StagedDirectory(destination: out)
        try first.write("index.html", "old index")
        try first.write("a/kept.html", "kept")
        try first.write("gone/only.html", "gone")
        try first.write("a/also-gone.html", "gone")
        try first.commit()
        first.waitForCleanup()
        return out
    }

    @Test func overlayMovesChangedFilesAndRemovesWhatTheNewSiteLacks() throws {
        let dir = NSTemporaryDirectory() + "kb-stage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try builtSite(dir)
        let keptInode = try FileManager.default.attributesOfItem(atPath: out + "/a/kept.html")[.systemFileNumber] as? Int
        let staged = try StagedDirectory(destination: out, overlay: true)
        #expect(staged.overlay)
        try staged.write("index.html", "new index")
        try staged.write("b/new.html", "new")
        #expect(staged.reuse("a/kept.html"))
        #expect(!staged.reuse("a/missing.html"))
        // Before the commit the site is untouched.
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8) == "old index")
        try staged.commit()
        #expect(TestFiles.list(out) == [".kb-site", "a/kept.html", "b/new.html", "index.html"])
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8) == "new index")
        // The kept file was not touched (same inode), the emptied folder is gone, no staging left.
        #expect(try FileManager.default.attributesOfItem(atPath: out + "/a/kept.html")[.systemFileNumber] as? Int == keptInode)
        #expect(!FileManager.default.fileExists(atPath: out + "/gone"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["Site"])
    }

    @Test func abandonedOverlayLeavesTheSiteAsItWas() throws {
        let dir = NSTemporaryDirectory() + "kb-stage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try builtSite(dir)
        let before = TestFiles.list(out)
        do {
            let staged = try StagedDirectory(destination: out, overlay: true)
            try staged.write("index.html", "half")
            _ = staged.reuse("a/kept.html")
        }
        #expect(TestFiles.list(out) == before)
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8) == "old index")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["Site"])
    }

    @Test func overlayIsRefusedForAFolderKBDidNotBuild() throws {
        let dir = NSTemporaryDirectory() + "kb-stage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/Site", withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/Site/x.html", atomically: true, encoding: .utf8)
        let staged = try StagedDirectory(destination: dir + "/Site", overlay: true)
        #expect(!staged.overlay)
    }
}

enum TestFiles {
    static func list(_ root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
    }
}

@Suite struct ParallelMapTests {
    @Test func keepsOrderOnLargeInputs() {
        let input = Array(0..<10_000)
        #expect(input.parallelMap { $0 * 2 } == input.map { $0 * 2 })
    }
}

@Suite struct ContentFingerprintTests {
    @Test func seesWhatTheLoaderWalks() throws {
        let dir = NSTemporaryDirectory() + "kb-fp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        let root = dir + "/root"
        try fm.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/Site", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/outside", withIntermediateDirectories: true)
        try "a".write(toFile: root + "/sub/a.md", atomically: true, encoding: .utf8)
        try "d".write(toFile: root + "/..md", atomically: true, encoding: .utf8)
        try "x".write(toFile: dir + "/outside/secret.md", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root + "/leak.md", withDestinationPath: dir + "/outside/secret.md")
        try fm.createSymbolicLink(atPath: root + "/inside.md", withDestinationPath: root + "/sub/a.md")
        try SiteMarker.contents.write(toFile: root + "/Site/" + SiteMarker.fileName, atomically: true, encoding: .utf8)
        let markdown = ContentFingerprint.folder(root, files: .markdown)
        #expect(markdown.hasPrefix("3:"), "..md, inside.md (a link inside the root), sub/a.md: \(markdown)")
        let all = ContentFingerprint.folder(root, files: .all)

        // Hidden files, a kb-built site and a link's target outside the root do not count.
        try "g".write(toFile: root + "/.git/config", atomically: true, encoding: .utf8)
        try "p".write(toFile: root + "/Site/page.md", atomically: true, encoding: .utf8)
        try "y".write(toFile: dir + "/outside/secret.md", atomically: true, encoding: .utf8)
        #expect(ContentFingerprint.folder(root, files: .markdown) == markdown)
        #expect(ContentFingerprint.folder(root, files: .all) == all)

        // An asset counts for the site, not for the search index; a changed page for both.
        try "png".write(toFile: root + "/sub/logo.png", atomically: true, encoding: .utf8)
        #expect(ContentFingerprint.folder(root, files: .markdown) == markdown)
        #expect(ContentFingerprint.folder(root, files: .all) != all)
        try "a, longer".write(toFile: root + "/sub/a.md", atomically: true, encoding: .utf8)
        #expect(ContentFingerprint.folder(root, files: .markdown) != markdown)

        // The build's one walk gives both, equal to the two walks.
        let both = ContentFingerprint.folder(root)
        #expect(both.all == ContentFingerprint.folder(root, files: .all))
        #expect(both.markdown == ContentFingerprint.folder(root, files: .markdown))
        #expect(both.all != both.markdown)
    }

    /// Enough folders that the walk shares them between threads: every file counted once, as the
    /// loader's walk counts them, and an edit anywhere seen.
    @Test func aWideTreeWalkedOnSeveralThreadsCountsEveryFileOnce() throws {
        let root = NSTemporaryDirectory() + "kb-fp-wide-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        for i in 0..<40 {
            for j in 0..<3 {
                let folder = root + "/s\(i)/t\(j)"
                try fm.createDirectory(atPath: folder + "/.hidden", withIntermediateDirectories: true)
                for k in 0..<(i % 4 + 1) { try "\(i) \(j) \(k)".write(toFile: folder + "/p\(k).md", atomically: false, encoding: .utf8) }
                try "h".write(toFile: folder + "/.hidden/x.md", atomically: false, encoding: .utf8)
                try "png".write(toFile: folder + "/i.png", atomically: false, encoding: .utf8)
            }
        }
        var diagnostics: [Diagnostic] = []
        let walked = try LocalFileSystem().walk(root, diagnostics: &diagnostics)
        let pages = walked.filter { $0.relativePath.hasSuffix(".md") }.count
        let both = ContentFingerprint.folder(root)
        #expect(both.markdown.hasPrefix("\(pages):") && pages == 300, "\(both.markdown) vs \(pages)")
        #expect(both.all.hasPrefix("\(walked.count):"), "\(both.all) vs \(walked.count)")
        for _ in 0..<5 { #expect(ContentFingerprint.folder(root) == both, "the same on every run") }

        try "edited".write(toFile: root + "/s39/t2/p3.md", atomically: false, encoding: .utf8)
        let edited = ContentFingerprint.folder(root, files: .markdown)
        #expect(edited != both.markdown)
        try fm.moveItem(atPath: root + "/s39/t2/p3.md", toPath: root + "/s38/t2/p3.md")
        #expect(ContentFingerprint.folder(root, files: .markdown) != edited, "a page moved to another folder")
    }

    /// tldr's layout: thousands of pages in one folder, whose stats the walk shares between
    /// threads. Every file counted once, and an edit in any part of the folder seen.
    @Test func aLargeFolderStatedOnSeveralThreadsCountsEveryFileOnce() throws {
        let root = NSTemporaryDirectory() + "kb-fp-large-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        let count = 4 * ContentFingerprint.shareChunk + 37
        try fm.createDirectory(atPath: root + "/pages/sub", withIntermediateDirectories: true)
        for i in 0..<count { try "page \(i)".write(toFile: root + "/pages/p\(i).md", atomically: false, encoding: .utf8) }
        for i in 0..<40 { try "png".write(toFile: root + "/pages/i\(i).png", atomically: false, encoding: .utf8) }
        try "deep".write(toFile: root + "/pages/sub/deep.md", atomically: false, encoding: .utf8)
        try "h".write(toFile: root + "/pages/.hidden", atomically: false, encoding: .utf8)
        var diagnostics: [Diagnostic] = []
        let walked = try LocalFileSystem().walk(root, diagnostics: &diagnostics)
        let both = ContentFingerprint.folder(root)
        #expect(both.markdown.hasPrefix("\(count + 1):"), "\(both.markdown)")
        #expect(both.all.hasPrefix("\(walked.count):") && walked.count == count + 41, "\(both.all) vs \(walked.count)")
        // The walk's own stats, made on several threads too, each go with their file.
        for entry in walked where entry.relativePath.hasPrefix("pages/p") {
            let i = entry.relativePath.dropFirst("pages/p".count).dropLast(".md".count)
            #expect(entry.size == "page \(i)".utf8.count, "\(entry.relativePath): \(entry.size) bytes")
        }
        for _ in 0..<5 { #expect(ContentFingerprint.folder(root) == both, "the same on every run") }

        var last = both.markdown
        for i in [0, count / 2, count - 1] {
            try "edited \(i)".write(toFile: root + "/pages/p\(i).md", atomically: false, encoding: .utf8)
            let now = ContentFingerprint.folder(root, files: .markdown)
            #expect(now != last, "p\(i).md edited")
            last = now
        }
        try fm.removeItem(atPath: root + "/pages/p\(count / 3).md")
        #expect(ContentFingerprint.folder(root, files: .markdown).hasPrefix("\(count):"))
    }
}

@Suite struct FileSystemTests {
    @Test func walkRefusesLinksOutOfTheRootAndSkipsHiddenFolders() throws {
        let dir = NSTemporaryDirectory() + "kb-walk-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/root/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/root/.git", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/outside", withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/outside/secret.md", atomically: true, encoding: .utf8)
        try "a".write(toFile: dir + "/root/sub/a.md", atomically: true, encoding: .utf8)
        try "d".write(toFile: dir + "/root/..md", atomically: true, encoding: .utf8)
        try "g".write(toFile: dir + "/root/.git/config", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/root/leak.md", withDestinationPath: dir + "/outside/secret.md")
        try fm.createSymbolicLink(atPath: dir + "/root/inside.md", withDestinationPath: dir + "/root/sub/a.md")
        var diags: [Diagnostic] = []
        let files = try LocalFileSystem().walk(dir + "/root", diagnostics: &diags).map(\.relativePath)
        #expect(files == ["..md", "inside.md", "sub/a.md"])
        #expect(diags.map(\.rule.id) == ["symlink-outside"])
        #expect(diags.first?.location?.path.hasSuffix("/root/leak.md") == true)
    }
}

@Suite struct HashingEncoderTests {
    struct Model: Encodable {
        var title: String
        var tags: [String]
        var t: [String: String]
        var count: Int?
    }

    @Test func equalValuesHashEqualAndAnyChangeShows() {
        let a = Model(title: "x", tags: ["a", "b"], t: ["k1": "v1", "k2": "v2", "k3": "v3"], count: nil)
        #expect(HashingEncoder.hash(a) == HashingEncoder.hash(a))
        var b = a; b.t["k2"] = "changed"
        var c = a; c.tags = ["ab"]
        var d = a; d.count = 0
        var e = a; e.title = "y"
        let hashes = [a, b, c, d, e].map { HashingEncoder.hash($0) }
        #expect(Set(hashes).count == 5)
    }

    @Test func dictionaryOrderDoesNotMatter() {
        // Swift dictionaries iterate in a per-process order; the hash must not depend on it.
        var x: [String: String] = [:], y: [String: String] = [:]
        for i in 0..<50 { x["k\(i)"] = "\(i)" }
        for i in (0..<50).reversed() { y["k\(i)"] = "\(i)" }
        #expect(HashingEncoder.hash(Model(title: "", tags: [], t: x, count: 1)) == HashingEncoder.hash(Model(title: "", tags: [], t: y, count: 1)))
        // A recorded value: the hash must not change across processes, machines or runs, or every
        // build cache key would silently change with it.
        #expect(HashingEncoder.hash(Model(title: "kb", tags: ["go"], t: ["a": "b"], count: 2)) == "ad67348ffbe5e05bc21c12c9da1d91c0")
    }
}

@Suite struct OutputSafetyTests {
    func tree() throws -> (root: String, content: String) {
        let root = NSTemporaryDirectory() + "kb-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/kb/Content", withIntermediateDirectories: true)
        try "# A\n".write(toFile: root + "/kb/Content/a.md", atomically: true, encoding: .utf8)
        return (root, root + "/kb/Content")
    }

    func refusal(_ output: String, _ t: (root: String, content: String), force: Bool = false) -> String? {
        do {
            try OutputPolicy.check(output: output, protecting: [("content folder", t.content), ("KB root", t.root + "/kb")], force: force)
            return nil
        } catch { return error.diagnostics.first?.message }
    }

    @Test func refusesTheContentFolderItsParentsAndForeignFolders() throws {
        let t = try tree()
        defer { try? FileManager.default.removeItem(atPath: t.root) }
        #expect(refusal(t.content, t)?.contains("it is the content folder") == true)
        #expect(refusal(t.root + "/kb", t)?.contains("contains the content folder") == true)
        #expect(refusal(t.root, t)?.contains("contains the content folder") == true)
        #expect(refusal("/", t) != nil)
        // Even --force-output never replaces the sources.
        #expect(refusal(t.root + "/kb", t, force: true) != nil)
        // A foreign, non-empty folder: refused unless forced.
        try FileManager.default.createDirectory(atPath: t.root + "/notes", withIntermediateDirectories: true)
        try "mine".write(toFile: t.root + "/notes/todo.txt", atomically: true, encoding: .utf8)
        #expect(refusal(t.root + "/notes", t)?.contains("not built by kb") == true)
        #expect(refusal(t.root + "/notes", t, force: true) == nil)
        // Empty, missing, only a .gitignore, or kb's own: fine.
        #expect(refusal(t.root + "/new/Site", t) == nil)
        try FileManager.default.createDirectory(atPath: t.root + "/Site", withIntermediateDirectories: true)
        try "*\n".write(toFile: t.root + "/Site/.gitignore", atomically: true, encoding: .utf8)
        #expect(refusal(t.root + "/Site", t) == nil)
        try "x".write(toFile: t.root + "/Site/index.html", atomically: true, encoding: .utf8)
        #expect(refusal(t.root + "/Site", t)?.contains("not built by kb") == true)
        try SiteMarker.contents.write(toFile: t.root + "/Site/" + SiteMarker.fileName, atomically: true, encoding: .utf8)
        #expect(refusal(t.root + "/Site", t) == nil)
        // Inside the content folder is allowed (the walk skips it).
        #expect(refusal(t.content + "/site", t) == nil)
        // A symbolic link that leads to the content folder is the content folder.
        try FileManager.default.createSymbolicLink(atPath: t.root + "/link", withDestinationPath: t.content)
        #expect(refusal(t.root + "/link", t)?.contains("content folder") == true)
    }

    @Test func refusesAReadOnlyFolder() throws {
        let t = try tree()
        defer {
            chmod(t.root + "/ro", 0o755)
            try? FileManager.default.removeItem(atPath: t.root)
        }
        try FileManager.default.createDirectory(atPath: t.root + "/ro", withIntermediateDirectories: true)
        try SiteMarker.contents.write(toFile: t.root + "/ro/" + SiteMarker.fileName, atomically: true, encoding: .utf8)
        chmod(t.root + "/ro", 0o555)
        #expect(refusal(t.root + "/ro", t)?.contains("read-only") == true)
    }

    @Test func staleStagingOfADeadBuildIsRemovedAndALiveOneKept() throws {
        let dir = NSTemporaryDirectory() + "kb-stale-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A pid that cannot be running (above the kernel's pid_max), and this process's own.
        let dead = dir + "/.Site.kb-staging-99999999-1", live = dir + "/.Site.kb-staging-\(getpid())-2", foreign = dir + "/.Site.kb-staging-99999999-3"
        for d in [dead, live, foreign] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        for d in [dead, live] { try SiteMarker.contents.write(toFile: d + "/" + SiteMarker.fileName, atomically: true, encoding: .utf8) }
        let staged = try StagedDirectory(destination: dir + "/Site")
        try staged.commit()
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(!names.contains((dead as NSString).lastPathComponent))
        #expect(names.contains((live as NSString).lastPathComponent))
        #expect(names.contains((foreign as NSString).lastPathComponent)) // no marker: not ours to delete
        #expect(names.contains("Site"))
    }
}

@Suite struct ConcurrentMapTests {
    final class Tracked: Sendable {
        let counter: Locked<Int>
        init(_ counter: Locked<Int>) { self.counter = counter; counter.withLock { $0 += 1 } }
        deinit { counter.withLock { $0 -= 1 } }
    }

    @Test func mappedResultsAreFreedAndOrderIsKept() {
        let alive = Locked(0)
        do {
            let out = concurrentMap(Array(0..<5_000), jobs: 4) { i in (i, Tracked(alive)) }
            #expect(out.map(\.0) == Array(0..<5_000))
            #expect(alive.withLock { $0 } == 5_000)
        }
        // Every result was released with the array: nothing kept by the map's own buffer.
        #expect(alive.withLock { $0 } == 0)
        let small = Array(0..<200).parallelMap { $0 * 2 }
        #expect(small == Array(0..<200).map { $0 * 2 })
    }
}

@Suite struct TeardownTests {
    final class Tracked: Sendable {
        let freed: Locked<[String]>
        let name: String
        init(_ freed: Locked<[String]>, _ name: String) { self.freed = freed; self.name = name }
        deinit { freed.withLock { [name] in $0.append(name) } }
    }

    /// A handed value is not freed when the handing scope ends (not on the caller's path), but in
    /// the background a moment later; after `keepUntilExit()`, handed values are not freed at all.
    @Test func handedValuesAreFreedLaterOrKeptUntilExit() async throws {
        let freed = Locked<[String]>([])
        let background = Teardown(delay: 0.05)
        do {
            let value = [Tracked(freed, "a"), Tracked(freed, "b")]
            background.hand(value)
        }
        #expect(freed.withLock { $0 }.isEmpty, "freed as the scope ended")
        for _ in 0..<500 where freed.withLock({ $0.count }) < 2 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(freed.withLock { $0 }.sorted() == ["a", "b"])

        let atExit = Teardown(delay: 0.01)
        atExit.keepUntilExit()
        let kept = Locked<[String]>([])
        do { atExit.hand(Tracked(kept, "c")) }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(kept.withLock { $0 }.isEmpty)
    }
}

@Suite struct BinaryCodecTests {
    enum Mode: String, Codable, Equatable { case run, lint }
    struct Inner: Codable, Equatable {
        var name: String
        var location: KBCore.SourceLocation?
        var mode: Mode?
    }
    struct Sample: Codable, Equatable {
        var text: String
        var number: Int
        var small: Int8
        var big: UInt64
        var ratio: Double
        var single: Float
        var flag: Bool
        var maybe: String?
        var maybeNumber: Int?
        var list: [Inner]
        var holes: [String?]
        var nested: [[String]]
        var rule: Rule
        var mode: Mode
    }

    static let sample = Sample(
        text: "go: 找不到 \u{0}\u{1F600} \"quoted\"", number: -1_234_567_890_123, small: -128, big: .max, ratio: -0.1, single: 2.5,
        flag: true, maybe: nil, maybeNumber: 0,
        list: [Inner(name: "", location: KBCore.SourceLocation(path: "a.md", line: 3, column: 1), mode: .lint), Inner(name: "x", location: nil, mode: nil)],
        holes: [nil, "", "b", nil], nested: [[], ["a", "b"]], rule: .io, mode: .run)

    @Test func valuesReadBackAsTheyWereWritten() throws {
        let bytes = try BinaryCodec.encode(Self.sample)
        #expect(try BinaryCodec.decode(Sample.self, from: bytes) == Self.sample)
        // Smaller than JSON: no keys, varints.
        #expect(bytes.count < (try JSONEncoder().encode(Self.sample)).count / 2)
    }

    @Test func dictionariesAreRefusedWhenWriting() {
        #expect(throws: BinaryCodec.Unsupported.self) { try BinaryCodec.encode(["a": 1]) }
        struct Holder: Codable { var map: [String: String] }
        #expect(throws: BinaryCodec.Unsupported.self) { try BinaryCodec.encode(Holder(map: [:])) }
    }

    @Test func damagedBytesThrowAndNeverTrap() throws {
        let bytes = try BinaryCodec.encode(Self.sample)
        // Every truncation, and every single-byte change, either throws or decodes to some value:
        // what matters is that none traps or hangs.
        for n in 0..<bytes.count {
            #expect(throws: DecodingError.self) { try BinaryCodec.decode(Sample.self, from: Array(bytes.prefix(n))) }
        }
        var decodedChanged = 0
        for i in bytes.indices {
            for value: UInt8 in [0, 1, 0x7F, 0x80, 0xFF] where bytes[i] != value {
                var damaged = bytes
                damaged[i] = value
                if let v = try? BinaryCodec.decode(Sample.self, from: damaged), v != Self.sample { decodedChanged += 1 }
            }
        }
        #expect(decodedChanged > 0) // the loop really decoded damaged input, not only threw
        #expect(throws: DecodingError.self) { try BinaryCodec.decode(Sample.self, from: bytes + [0]) }
    }
}

@Suite struct BackgroundTests {
    struct Failure: Error, Equatable { var code: Int }

    @Test func valueAndErrorReachEveryWaiter() throws {
        // The job waits for the caller, which signals only after `init` returned: run inline, it
        // would never finish.
        let gate = DispatchSemaphore(value: 0)
        let job = Background { () -> Int in gate.wait(); return 42 }
        gate.signal()
        #expect(try job.wait() == 42)
        #expect(try job.wait() == 42)
        let failing = Background { () throws -> Int in throw Failure(code: 7) }
        #expect(throws: Failure(code: 7)) { try failing.wait() }
        #expect(throws: Failure(code: 7)) { try failing.wait() }
    }
}
