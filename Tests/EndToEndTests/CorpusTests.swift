import Foundation
import KBTesting
import Testing

/// The tldr corpus: 7,601 real Markdown pages in English and Chinese, nobody here wrote them.
@Suite(.serialized) struct CorpusTests {
    /// A copy of the corpus with its kb.yml (English pages, Chinese in pages.zh): (temp folder, KB).
    static func tldr(_ name: String) throws -> (String, String) {
        let corpus = try #require(TestSupport.tldrCorpus, "the tldr corpus is missing (../shared/corpora/tldr)")
        let dir = try TestSupport.tempDirectory(name)
        let kb = try TestSupport.copy(corpus, into: dir)
        try TestSupport.write("title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n", to: kb + "/kb.yml")
        return (dir, kb)
    }

    @Test(.tags(.browser)) func tldrBuildsOnePagePerFileWithNoErrors() throws {
        let (dir, kb) = try Self.tldr("kb-tldr")
        defer { TestSupport.remove(dir) }
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

    /// After edits, an added page, a deleted one, a renamed one and a Chinese edit, the
    /// incremental build (cached articles, reused pages, the search index refreshed from cached
    /// term counts and written row by row) equals a forced full build byte for byte.
    @Test func incrementalBuildEqualsAForcedBuild() throws {
        let (dir, kb) = try Self.tldr("kb-tldr-incremental")
        defer { TestSupport.remove(dir) }
        let site = dir + "/site", forced = dir + "/forced"
        func build(_ output: String, _ extra: [String] = []) throws {
            let r = try TestSupport.kb(["build", "--content", kb, "--output", output] + extra)
            try #require(r.status == 0, "\(r.stderr.prefix(2000))")
        }
        try build(site)
        let fm = FileManager.default
        let tar = kb + "/pages/common/tar.md"
        try TestSupport.write(TestSupport.read(tar) + "\n- Unpack a quuxbarium archive:\n\n`tar xf {{path/to/file.quux}}`\n", to: tar)
        try TestSupport.write("# kbnewpage\n\n> A page added after the first build, about zorblaxing.\n\n- Zorblax a file:\n\n`kbnewpage {{path/to/file}}`\n",
                              to: kb + "/pages/common/kbnewpage.md")
        try fm.removeItem(atPath: kb + "/pages/common/cowsay.md")
        try fm.moveItem(atPath: kb + "/pages/linux/apt.md", toPath: kb + "/pages/linux/apt-renamed.md")
        let zhTar = kb + "/pages.zh/common/tar.md"
        try TestSupport.write(TestSupport.read(zhTar) + "\n- 解压一个夸克斯归档：\n\n`tar xf {{path/to/file.quux}}`\n", to: zhTar)
        try build(site)
        // A second round on the incremental site: undo one edit, touch another.
        try fm.moveItem(atPath: kb + "/pages/linux/apt-renamed.md", toPath: kb + "/pages/linux/apt.md")
        let ls = kb + "/pages/common/ls.md"
        try TestSupport.write(TestSupport.read(ls).replacingOccurrences(of: "List directory contents.", with: "List what a directory holds."), to: ls)
        try build(site)
        try build(forced, ["--force"])

        let a = TestSupport.snapshot(site), b = TestSupport.snapshot(forced)
        #expect(a.count == b.count)
        let differing = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
        #expect(differing.isEmpty, "\(differing.count) files differ: \(differing.prefix(10))")
        #expect(a["pages/common/cowsay.html"] == nil && a["pages/linux/apt-renamed.html"] == nil && a["pages/common/kbnewpage.html"] != nil)

        // The store `kb search` reads was refreshed too: the new words find their pages.
        for (query, page) in [("quuxbarium", "tar"), ("zorblaxing", "kbnewpage"), ("夸克斯", "tar")] {
            let r = try TestSupport.kb(["search", "--content", kb, "--json", query])
            #expect(r.stdout.contains("\"id\" : \"\(page)\"") || r.stdout.contains("\"id\":\"\(page)\""), "\(query): \(r.stdout.prefix(400))")
        }
    }
}
