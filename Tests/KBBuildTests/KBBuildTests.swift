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
