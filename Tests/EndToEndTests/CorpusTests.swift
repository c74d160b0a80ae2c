import Foundation
import KBTesting
import Testing

/// The tldr corpus: 7,601 real Markdown pages in English and Chinese, nobody here wrote them.
@Suite(.serialized) struct CorpusTests {
    @Test func tldrBuildsOnePagePerFileWithNoErrors() throws {
        let corpus = try #require(TestSupport.tldrCorpus, "the tldr corpus is missing (../shared/corpora/tldr)")
        let dir = try TestSupport.tempDirectory("kb-tldr")
        defer { TestSupport.remove(dir) }
        let kb = try TestSupport.copy(corpus, into: dir)
        try TestSupport.write("title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n", to: kb + "/kb.yml")
        let site = dir + "/site"
        let r = try TestSupport.kb(["build", "--content", kb, "--output", site])
        #expect(r.status == 0, "\(r.stderr.prefix(2000))")
        #expect(!r.stderr.contains("error:"))

        let sources = try FileManager.default.subpathsOfDirectory(atPath: kb)
            .filter { $0.hasSuffix(".md") && ($0.hasPrefix("pages/") || $0.hasPrefix("pages.zh/")) }
        #expect(sources.count == 7601)
        let pages = SiteLinkChecker.pages(in: site)
        let isListing = { (p: String) in (p as NSString).lastPathComponent == "index.html" }
        let english = pages.filter { $0.hasPrefix("pages/") && !isListing($0) }
        let chinese = pages.filter { $0.hasPrefix("zh/pages/") && !isListing($0) }
        #expect(english.count + chinese.count == sources.count)
        for source in sources {
            let page = source.hasPrefix("pages.zh/")
                ? "zh/pages/" + source.dropFirst("pages.zh/".count).dropLast(3) + ".html"
                : String(source.dropLast(3)) + ".html"
            if !FileManager.default.fileExists(atPath: site + "/" + page) {
                Issue.record("no page for \(source)")
                break
            }
        }
        let tar = TestSupport.read(site + "/pages/common/tar.html")
        #expect(tar.contains("<h1>tar</h1>"))
        #expect(tar.contains("Archiving utility."))
        let zhTar = TestSupport.read(site + "/zh/pages/common/tar.html")
        #expect(zhTar.contains("<html lang=\"zh\">"))
        #expect(zhTar.contains("<h1>tar</h1>"))
        #expect(zhTar.contains("归档实用程序"))
        #expect(zhTar.contains("href=\"../../../pages/common/tar.html\""), "links to the English page")
        #expect(SiteLinkChecker.problems(in: site) == [])

        // Opened from disk in a real browser, the home page shows the sections, and they resolve.
        let dom = try BrowserTests.dom(site + "/index.html")
        #expect(dom.contains("href=\"pages/index.html\">pages</a>"))
        for href in dom.matches(of: /href="([^"#:]+\.html)"/).map({ String($0.1) }) {
            #expect(FileManager.default.fileExists(atPath: site + "/" + (href.removingPercentEncoding ?? href)), "\(href)")
        }

        let again = try TestSupport.kb(["build", "--content", kb, "--output", site])
        #expect(again.stdout.contains("Up to date"))
    }
}
