import Foundation
import KBCore
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
