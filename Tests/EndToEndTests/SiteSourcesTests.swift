import Foundation
import KBTesting
import Testing

/// `--site` reads a built site's packed sources in place: every read-only command answers from a
/// copied site (no Content/ anywhere) exactly as it answers inside the KB, and writes nothing.
@Suite struct SiteSourcesTests {
    /// Builds the fixture, runs each command inside the KB, then again with `--site` on a copy of
    /// the site from another folder once Content/ is gone; the answers must be the same (file paths
    /// aside: inside the KB they name Content/, from a site the pack they were read from).
    func compare(fixture name: String, commands: [[String]], log: String) throws {
        let kb = try TestSupport.fixture(name)
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(try TestSupport.kb(["build"], cwd: kb).status == 0)
        try TestSupport.write(log, to: kb + "/log.txt")
        var inKB: [TestSupport.Run] = []
        for args in commands { inKB.append(try TestSupport.kb(args, cwd: kb)) }

        let elsewhere = try TestSupport.tempDirectory("kb-sitesrc")
        defer { TestSupport.remove(elsewhere) }
        let site = try TestSupport.copy(kb + "/Site", into: elsewhere)
        try TestSupport.write(log, to: elsewhere + "/log.txt")
        TestSupport.remove(kb + "/Content")
        let privateTemp = try TestSupport.tempDirectory("kb-sitesrc-tmp")
        defer { TestSupport.remove(privateTemp) }
        let before = TestSupport.snapshot(site)
        for (args, expected) in zip(commands, inKB) {
            let fromSite = try TestSupport.kb([args[0], "--site", "Site"] + args.dropFirst(), cwd: elsewhere,
                                              environment: ["TMPDIR": privateTemp])
            let shown = fromSite.stdout.replacingOccurrences(of: "Site/_kb/content.json/", with: "Content/")
            #expect(fromSite.status == expected.status, "\(args): \(fromSite.stderr)")
            #expect(shown == expected.stdout, "\(args)")
            #expect(!expected.stdout.isEmpty || expected.status != 0, "\(args) printed nothing inside the KB")
        }
        // Nothing written into the site, and no unpacked copy of the sources anywhere.
        #expect(TestSupport.snapshot(site) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: privateTemp).isEmpty)
    }

    @Test func basicKBAnswersTheSameFromItsSite() throws {
        // Every article, in both languages, as text and JSON (kb show --site parses only the one it shows).
        let every = ["dns-fails", "resolver-down", "dns-concept", "restart-resolver", "plain", "net", "kb:net/dns-fails", "net/dns-concept"]
            .flatMap { id in [["show", id], ["show", id, "--lang", "zh", "--json"]] }
        try compare(fixture: "basic", commands: every + [
            ["show", "dns-fails"],
            ["show", "dns-fails", "--json"],
            ["show", "dns-fails", "--lang", "zh"],
            ["show", "resolver-down", "--json", "--lang", "zh"],
            ["show", "no-such-article"],
            ["show", "dns-fail", "--lang", "zh"],
            ["graph"],
            ["graph", "--format", "dot"],
            ["graph", "--format", "graphml", "--lang", "zh"],
            ["search", "--json", "no such host"],
            ["search", "--json", "--limit", "3", "resolver"],
            ["match", "--json", "log.txt"],
            ["runbook", "NoSuchAlert"],
        ], log: "building…\ndial tcp: lookup example.com: no such host\n")
    }

    @Test func clusterKBAnswersTheSameFromItsSite() throws {
        try compare(fixture: "cluster", commands: [
            ["runbook", "KBCheckFailing"],
            ["runbook", "--json", "kbcheckfailing"],
            ["runbook", "KubePodCrashLooping"],
            ["show", "kb-check-failing", "--json"],
            ["graph"],
            ["search", "--json", "disk"],
            ["match", "--json", "log.txt"],
        ], log: "no space left on device\n")
    }
}
