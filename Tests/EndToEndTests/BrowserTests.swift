import Foundation
import KBTesting
import Testing

/// The built site in headless Chromium, opened from file:// with no server.
@Suite(.tags(.browser)) struct BrowserTests {
    static let chromium = TestSupport.which("chromium", "chromium-browser", "google-chrome")

    /// The DOM after load, as Chromium sees it.
    static func dom(_ file: String) throws -> String {
        let browser = try #require(chromium, "Chromium is not installed (scripts/test.sh installs it)")
        let profile = try TestSupport.tempDirectory("kb-chromium")
        defer { TestSupport.remove(profile) }
        let r = try TestSupport.run(browser, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                              "--user-data-dir=\(profile)", "--virtual-time-budget=3000",
                                              "--dump-dom", "file://" + file])
        #expect(r.status == 0, "\(r.stderr.suffix(500))")
        return r.stdout
    }

    @Test func homeShowsSectionsWhoseLinksResolve() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(try TestSupport.kb(["build"], cwd: kb).status == 0)
        let dom = try Self.dom(kb + "/Site/index.html")
        #expect(dom.contains("<h1>Basic KB</h1>"))
        #expect(dom.contains("href=\"net/index.html\">Networking</a>"))
        let hrefs = dom.matches(of: /href="([^"#:]+\.html)"/).map { String($0.1) }
        #expect(hrefs.count >= 5)
        for href in hrefs {
            #expect(FileManager.default.fileExists(atPath: kb + "/Site/" + (href.removingPercentEncoding ?? href)), "\(href)")
        }
        let page = try Self.dom(kb + "/Site/zh/net/dns-fails.html")
        #expect(page.contains("域名解析失败"))
        #expect(page.contains("<html lang=\"zh\""))
    }
}
