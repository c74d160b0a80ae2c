import Foundation
import KBTesting
import Testing

/// `kb search`, `kb match` and the site's search on the repository's own KB: the CLI and headless
/// Chromium (from file://, no server) must agree, in English and Chinese.
@Suite(.serialized) struct SearchTests {
    struct Built: Sendable {
        var kb: String
        var site: String
    }

    /// The repo's Content/ built once into a temp folder.
    static let built: Result<Built, Error> = Result {
        let dir = try TestSupport.tempDirectory("kb-search")
        let kb = dir + "/kb"
        try FileManager.default.createDirectory(atPath: kb, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Content", toPath: kb + "/Content")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/kb.yml", toPath: kb + "/kb.yml")
        let r = try TestSupport.kb(["build"], cwd: kb)
        guard r.status == 0 else { throw BuildError(message: r.stderr) }
        return Built(kb: kb, site: kb + "/Site")
    }

    struct BuildError: Error { var message: String }

    struct Symptom {
        var id: String
        var lang: String
        var errors: [String]
    }

    /// Every symptom article with its literal error texts, read from the front matter
    /// (`anyKind`: every article that lists error texts — runbooks and causes too).
    static func symptoms(anyKind: Bool = false) -> [Symptom] {
        var out: [Symptom] = []
        let root = TestSupport.packageRoot + "/Content"
        for rel in ((try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []).sorted() where rel.hasSuffix(".md") {
            let text = TestSupport.read(root + "/" + rel)
            guard text.contains("\nkind: symptom\n") || (anyKind && text.contains("\nerrors:\n")) else { continue }
            let name = (rel as NSString).lastPathComponent
            let lang = name.hasSuffix(".zh.md") ? "zh" : "en"
            let id = String(name.dropLast(lang == "zh" ? 6 : 3))
            var errors: [String] = []
            var inErrors = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "errors:" { inErrors = true; continue }
                if inErrors, !line.hasPrefix(" ") { inErrors = false }
                if inErrors, let m = line.firstMatch(of: /^\s+- "(.*)"$/) {
                    errors.append(String(m.1).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\"))
                }
            }
            out.append(Symptom(id: id, lang: lang, errors: errors))
        }
        return out
    }

    struct JSONReport: Decodable {
        struct Result: Decodable {
            var id: String
            var lang: String
            var title: String
            var kind: String
            var score: Double
            var url: String
            var matched: [Line]?
        }
        struct Line: Decodable {
            var line: Int
            var text: String
            var signature: String
        }
        var query: String
        var results: [Result]
    }

    static func search(_ args: [String], cwd: String) throws -> [JSONReport.Result] {
        let r = try TestSupport.kb(["search", "--json"] + args, cwd: cwd)
        guard r.status == 0 || r.status == 1 else { throw BuildError(message: "kb search \(args): \(r.status) \(r.stderr)") }
        return try JSONDecoder().decode(JSONReport.self, from: Data(r.stdout.utf8)).results
    }

    /// Runs queries in Chromium through the site's own search.js and returns what the page computed.
    /// Each job: {"q", "lang", "top"?: n, "expect"?: id (returns whether it is among all hits)}.
    static func browser(_ site: String, jobs: [[String: Any]], vectors: Bool = false, pageLang: String = "en") throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: ["jobs": jobs, "vectors": vectors ? vectorCases() : [],
                                                               "queries": vectors ? queryVectorCases() : [],
                                                               "roots": vectors ? rootWords : []])
        try TestSupport.write("window.harnessInput = " + String(decoding: data, as: UTF8.self) + ";\n", to: site + "/harness-input.js")
        try TestSupport.write(harnessScript, to: site + "/harness.js")
        try TestSupport.write("""
            <!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>
            <script src="assets/search.js" data-kb-root="" data-kb-lang="\(pageLang)"></script>
            <script src="harness-input.js"></script><script src="harness.js"></script></body></html>
            """, to: site + "/harness.html")
        defer { for f in ["harness.html", "harness.js", "harness-input.js"] { TestSupport.remove(site + "/" + f) } }
        let dom = try BrowserTests.dom(site + "/harness.html")
        let out = try #require(dom.firstMatch(of: /<pre id="out">([\s\S]*?)<\/pre>/)).1
        let json = String(out).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try #require(object, "harness output: \(json.prefix(300))")
    }

    static func queryVectorCases() -> [[String: Any]] {
        let data = FileManager.default.contents(atPath: TestSupport.packageRoot + "/Tests/KBSearchTests/query-vectors.json") ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (object?["cases"] as? [[String: Any]]) ?? []
    }

    /// Words and their roots (typo candidates' other forms, docs/search.md §Typos): the same rule as
    /// `Vocabulary.root`, whose own test (KBSearchTests) checks the Swift side on these words.
    static let roots: [(String, String)] = [
        ("blocks", "block"), ("blocked", "block"), ("blocking", "block"), ("proxies", "proxy"), ("expire", "expir"),
        ("expired", "expir"), ("running", "run"), ("installs", "install"), ("installer", "installer"),
        ("processes", "process"), ("status", "status"), ("uses", "uses"), ("string", "string"), ("agreed", "agreed"),
        ("stopped", "stop"), ("caching", "cach"), ("quarantines", "quarantin"), ("windows", "window"), ("x509", "x509"),
        ("go", "go"), ("naïve", "naïve"),
    ]
    static var rootWords: [String] { roots.map(\.0) }

    static func vectorCases() -> [[String: Any]] {
        let data = FileManager.default.contents(atPath: TestSupport.packageRoot + "/Tests/KBSearchTests/tokenizer-vectors.json") ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (object?["cases"] as? [[String: Any]]) ?? []
    }

    static let harnessScript = #"""
    (function () {
      var input = window.harnessInput, api = window.kbSearch, out = { jobs: [], vectors: [], queries: [], roots: [] };
      (input.roots || []).forEach(function (w) { out.roots.push(api.root(w)); });
      input.vectors.forEach(function (c) {
        out.vectors.push(api.tokens(c.input, c.mode).map(function (t) { return [t.term, t.start, t.end]; }));
      });
      input.queries.forEach(function (c) {
        var q = api.parseQuery(c.input, true);
        out.queries.push({ sequence: q.sequence, shape: q.shape, terms: q.terms, prefix: q.prefixTerm || "" });
      });
      var ids = {};
      function idOf(lang, n) { return api.doc(lang, n).then(function (d) { return d.id; }); }
      function run(i) {
        if (i >= input.jobs.length) { document.getElementById("out").textContent = JSON.stringify(out); return; }
        var job = input.jobs[i];
        api.search(job.q, { lang: job.lang || undefined }).then(function (r) {
          var top = r.hits.slice(0, job.top || 5);
          return Promise.all(top.map(function (h) { return idOf(r.lang, h.doc); })).then(function (topIDs) {
            var res = { q: job.q, lang: r.lang, top: topIDs, count: r.hits.length };
            if (!job.expect) { return res; }
            // Is the expected page anywhere among the hits?
            return Promise.all(r.hits.map(function (h) { return idOf(r.lang, h.doc); })).then(function (all) {
              res.found = all.indexOf(job.expect) >= 0;
              return res;
            });
          });
        }).then(function (res) { out.jobs.push(res); run(i + 1); },
                function (e) { out.jobs.push({ q: job.q, error: String(e) }); run(i + 1); });
      }
      run(0);
    })();
    """#

    // MARK: tests

    @Test(.tags(.browser)) func tokenizerVectorsMatchInChromium() throws {
        let b = try Self.built.get()
        let result = try Self.browser(b.site, jobs: [], vectors: true)
        let got = try #require(result["vectors"] as? [[[Any]]])
        let cases = Self.vectorCases()
        #expect(got.count == cases.count)
        for (c, tokens) in zip(cases, got) {
            let expected = (c["expected"] as? [[Any]]) ?? []
            let a = expected.map { "\($0)" }, g = tokens.map { "\($0)" }
            #expect(a == g, "\(c["name"] ?? "")")
        }
        // Query parsing (paste noise, stop words, names, prefix): the same vectors as the Swift test.
        let queries = Self.queryVectorCases()
        let parsed = try #require(result["queries"] as? [[String: Any]])
        #expect(parsed.count == queries.count && queries.count >= 20)
        for (c, q) in zip(queries, parsed) {
            let e = (c["expected"] as? [String: Any]) ?? [:]
            for key in ["sequence", "shape", "terms"] {
                #expect((q[key] as? [String]) == (e[key] as? [String]), "\(c["name"] ?? "") \(key)")
            }
            #expect((q["prefix"] as? String) == (e["prefix"] as? String), "\(c["name"] ?? "") prefix")
        }
        // Word roots, which widen typo candidates to a word's other forms.
        let roots = try #require(result["roots"] as? [String])
        #expect(roots == Self.roots.map(\.1))
    }

    /// The relevance set of bench/queries.tsv: on the English and on the Chinese search page,
    /// without saying the language, the browser's top five equal `kb search`'s for every query.
    @Test(.tags(.browser)) func browserTopFiveEqualsKBSearchOnTheRelevanceSet() throws {
        let b = try Self.built.get()
        let rows = TestSupport.read(TestSupport.packageRoot + "/bench/queries.tsv").split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false) }.filter { $0.count == 4 }
        #expect(rows.count >= 120)
        var expected: [[String]] = []
        for r in rows { expected.append(try Self.search(["--limit", "5", "--", String(r[0])], cwd: b.kb).map(\.id)) }
        #expect(expected.filter { !$0.isEmpty }.count == rows.count, "every query of the set finds something")
        let jobs: [[String: Any]] = rows.map { ["q": String($0[0]), "lang": "", "top": 5] }
        for page in ["en", "zh"] {
            let got = try #require(try Self.browser(b.site, jobs: jobs, pageLang: page)["jobs"] as? [[String: Any]])
            #expect(got.count == jobs.count)
            var differ: [String] = []
            for (i, r) in got.enumerated() where (r["top"] as? [String]) ?? [] != expected[i] { differ.append(String(rows[i][0].prefix(60))) }
            #expect(differ.isEmpty, "\(page) page: \(differ.count) differ, e.g. \(differ.prefix(5))")
        }
    }

    /// `--json` explains each rank and is sorted by the documented key; `--explain` says the same in words.
    @Test func jsonAndExplainShowTheRankingKey() throws {
        let b = try Self.built.get()
        let r = try TestSupport.kb(["search", "--json", "--limit", "8", "C:\\Users\\me>go version 'go' is not recognized as an internal or external command,"], cwd: b.kb)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["order"] as? String == "level, band, score")
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.first?["id"] as? String == "go-command-not-found")
        #expect(results.first?["level"] as? String == "contains-error")
        #expect((results.first?["terms"] as? [String])?.contains("recognized") == true)
        let levels = ["other-name": -1, "terms": 0, "contains-error": 1, "error": 2]
        let keys = results.map { (levels[$0["level"] as? String ?? ""] ?? -9, Int((($0["coverage"] as? Double) ?? 0) * 10 + 1e-9), $0["score"] as? Double ?? 0) }
        for (a, c) in zip(keys, keys.dropFirst()) {
            #expect(a.0 > c.0 || (a.0 == c.0 && (a.1 > c.1 || (a.1 == c.1 && a.2 >= c.2))), "sorted by level, band, score: \(keys)")
        }
        let text = try TestSupport.kb(["search", "--explain", "--limit", "2", "cheksum mismatch"], cwd: b.kb)
        #expect(text.stdout.hasPrefix("checksum-mismatch  "))
        #expect(text.stdout.contains("level terms · coverage 1.00 (band 10)"), "\(text.stdout)")
        #expect(text.stdout.contains("terms: checksum, mismatch"), "the typo's candidate is named")
        // kb match prints the same result shape.
        let m = try MatchTests.match("bash: go: command not found\n", kb: b.kb)
        #expect(m.first?.id == "go-command-not-found")
    }

    /// A Chinese query on the English search page answers in Chinese like `kb search`, says so,
    /// and offers the English results.
    @Test(.tags(.browser)) func searchPageSearchesTheQuerysLanguageAndOffersTheOther() throws {
        let b = try Self.built.get()
        let q = "杀毒软件 拦截 gopls"
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let dom = try BrowserTests.dom(b.site + "/search.html?q=" + encoded)
        let ids = dom.matches(of: /data-kb-id="([^"]+)"/).map { String($0.1) }
        let cli = try Self.search(["--limit", "20", q], cwd: b.kb)
        #expect(cli.first?.lang == "zh")
        #expect(ids == cli.map(\.id))
        #expect(dom.contains("data-kb-results-lang=\"zh\""))
        #expect(dom.contains("class=\"kb-search-other\"") && dom.contains("data-kb-lang=\"en\""), "offers the English results")
        // Following the offer searches English.
        let en = try BrowserTests.dom(b.site + "/search.html?q=" + encoded + "&lang=en")
        #expect(en.contains("data-kb-results-lang=\"en\""))
        let enIDs = en.matches(of: /data-kb-id="([^"]+)"/).map { String($0.1) }
        #expect(enIDs == (try Self.search(["--lang", "en", "--limit", "20", q], cwd: b.kb)).map(\.id))
    }

    /// Symptoms, and runbooks and causes that carry their components' own log lines.
    @Test(.tags(.browser)) func everyArticleIsTheTopResultForItsOwnErrorTexts() throws {
        let b = try Self.built.get()
        let symptoms = Self.symptoms(anyKind: true)
        #expect(symptoms.contains { $0.id == "otel-collector-exporter-queue-full" && !$0.errors.isEmpty })
        #expect(symptoms.filter { $0.lang == "zh" }.count >= 12)
        var jobs: [[String: Any]] = []
        for s in symptoms {
            for e in s.errors {
                let cli = try Self.search(["--lang", s.lang, "--limit", "3", "--", e], cwd: b.kb)
                #expect(cli.first?.id == s.id, "kb search --lang \(s.lang) '\(e)' → \(cli.map(\.id))")
                jobs.append(["q": e, "lang": s.lang, "top": 1, "want": s.id])
            }
        }
        let result = try Self.browser(b.site, jobs: jobs)
        let got = try #require(result["jobs"] as? [[String: Any]])
        #expect(got.count == jobs.count)
        for (job, r) in zip(jobs, got) {
            #expect((r["top"] as? [String])?.first == job["want"] as? String, "browser \(job["lang"]!) '\(job["q"]!)' → \(r)")
        }
    }

    static let parityQueries = [
        "go command not found", "GOPROXY=off", "x509", "certif", "access denied", "checksum mismatch",
        "GO111MODULE", "gopls", "PATH setx 1024", "etcd database space", "kubelet", "node not ready",
        "proxy.golang.org timeout", "Program Files", "antivirus", "go.mod file not found",
        "模块缓存", "证书", "代理", "磁盘", "环境变量", "找不到命令", "拒绝访问", "校验和不匹配", "杀毒软件", "节点",
    ] + hanTypos.map(\.0)
    /// A wrong character of the same reading (docs/search.md §Typos), with the right spelling.
    static let hanTypos = [("阶断", "截断"), ("被阶断", "被截断"), ("模快", "模块"), ("证书郭期", "证书过期"), ("环竟变量", "环境变量")]

    @Test(.tags(.browser)) func browserTopFiveEqualsKBSearch() throws {
        let b = try Self.built.get()
        var jobs: [[String: Any]] = []
        var expected: [[String]] = []
        for lang in ["en", "zh"] {
            for q in Self.parityQueries {
                expected.append(try Self.search(["--lang", lang, "--limit", "5", q], cwd: b.kb).map(\.id))
                jobs.append(["q": q, "lang": lang, "top": 5])
            }
        }
        #expect(expected.filter { !$0.isEmpty }.count >= jobs.count * 3 / 4, "most parity queries have results")
        for (typo, right) in Self.hanTypos {
            let first = try Self.search(["--lang", "zh", "--limit", "1", right], cwd: b.kb).map(\.id)
            #expect(!first.isEmpty && expected[Self.parityQueries.count + Self.parityQueries.firstIndex(of: typo)!].first == first.first,
                    "\(typo) finds what \(right) finds first")
        }
        let got = try #require(try Self.browser(b.site, jobs: jobs)["jobs"] as? [[String: Any]])
        for (i, job) in jobs.enumerated() {
            #expect((got[i]["top"] as? [String]) ?? [] == expected[i], "\(job["lang"]!) '\(job["q"]!)'")
        }
        // The same from the built site alone, on a machine with no Content/.
        let elsewhere = try TestSupport.tempDirectory("kb-site-only")
        defer { TestSupport.remove(elsewhere) }
        let copy = try TestSupport.copy(b.site, into: elsewhere)
        for (i, job) in jobs.enumerated() where i % 3 == 0 {
            let ids = try Self.search(["--site", copy, "--lang", job["lang"] as! String, "--limit", "5", job["q"] as! String], cwd: elsewhere).map(\.id)
            #expect(ids == expected[i], "--site \(job["lang"]!) '\(job["q"]!)'")
        }
        // Inside the site folder, no option needed.
        #expect(try Self.search(["--limit", "1", "x509 certificate signed by unknown authority"], cwd: copy).first?.id == "x509-certificate-error")
    }

    /// Every two-character Han/Kana/Hangul substring of every Chinese title finds its page.
    @Test(.tags(.browser)) func everyChineseTitleBigramFindsItsPage() throws {
        let b = try Self.built.get()
        var jobs: [[String: Any]] = []
        let root = TestSupport.packageRoot + "/Content"
        for rel in ((try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []).sorted()
        where rel.hasSuffix(".zh.md") && !rel.hasSuffix("_index.zh.md") {
            let text = TestSupport.read(root + "/" + rel)
            guard let m = text.firstMatch(of: /\ntitle: "?(.*?)"?\n/) else { continue }
            let id = String((rel as NSString).lastPathComponent.dropLast(6))
            let chars = Array(String(m.1))
            for i in 0..<max(0, chars.count - 1) where chars[i].isCJKIdeographOrKana && chars[i + 1].isCJKIdeographOrKana {
                jobs.append(["q": String(chars[i...(i + 1)]), "lang": "zh", "top": 1, "expect": id])
            }
        }
        #expect(jobs.count > 100)
        let got = try #require(try Self.browser(b.site, jobs: jobs)["jobs"] as? [[String: Any]])
        #expect(got.count == jobs.count)
        let misses = zip(jobs, got).filter { ($0.1["found"] as? Bool) != true }.map { "\($0.0["q"]!) → \($0.0["expect"]!)" }
        #expect(misses.isEmpty, "browser misses: \(misses.prefix(10))")
        // The CLI ranks with the same index; a sample through the binary (a full run is in KBSearchTests).
        for job in jobs.enumerated().filter({ $0.offset % 15 == 0 }).map(\.element) {
            let ids = try Self.search(["--lang", "zh", "--limit", "100", job["q"] as! String], cwd: b.kb).map(\.id)
            #expect(ids.contains(job["expect"] as! String), "kb search '\(job["q"]!)'")
        }
    }

    @Test(.tags(.browser)) func searchPageRendersResultsInRankOrderFromFileURL() throws {
        let b = try Self.built.get()
        let query = "x509: certificate signed by unknown authority"
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let dom = try BrowserTests.dom(b.site + "/search.html?q=" + encoded)
        let ids = dom.matches(of: /data-kb-id="([^"]+)"/).map { String($0.1) }
        let cli = try Self.search(["--lang", "en", "--limit", "20", query], cwd: b.kb).map(\.id)
        #expect(ids.first == "x509-certificate-error")
        #expect(ids == cli, "the page shows the first 20 in kb search's order")
        #expect(dom.contains("<mark>"), "snippets are highlighted")
        #expect(dom.contains("data-kb-state=\"done\""))
        let zh = try BrowserTests.dom(b.site + "/zh/search.html?q=" + "模块缓存".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
        let zhIDs = zh.matches(of: /data-kb-id="([^"]+)"/).map { String($0.1) }
        #expect(zhIDs.first == (try Self.search(["--lang", "zh", "--limit", "1", "模块缓存"], cwd: b.kb).first?.id))
        // Facet filter from the URL.
        let filtered = try BrowserTests.dom(b.site + "/search.html?q=go&kind=symptom")
        let kinds = filtered.matches(of: /class="kb-result"[^>]*>.*?badge kind kind-(\w+)/).map { String($0.1) }
        #expect(!kinds.isEmpty && kinds.allSatisfy { $0 == "symptom" })
        // Every page carries the search box and its script.
        let article = TestSupport.read(b.site + "/zh/go-windows/go-command-not-found.html")
        #expect(article.contains("<form class=\"kb-search\" role=\"search\" action=\"../search.html\">"))
        #expect(article.contains("src=\"../../assets/search.js\" data-kb-root=\"../../\" data-kb-lang=\"zh\""))
    }

    /// The header box: results as you type, arrow keys move the selection, Escape closes.
    @Test(.tags(.browser)) func searchBoxShowsResultsAsYouTypeWithKeyboardNavigation() throws {
        let b = try Self.built.get()
        let header = TestSupport.read(b.site + "/index.html")
        let form = try #require(header.firstMatch(of: /<form class="kb-search"[\s\S]*?<\/form>/)).0
        try TestSupport.write("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>\(form)
            <pre id="out">pending</pre>
            <script src="assets/search.js" data-kb-root="" data-kb-lang="en"></script>
            <script src="typing.js"></script></body></html>
            """, to: b.site + "/typing.html")
        try TestSupport.write(#"""
            document.addEventListener("DOMContentLoaded", function () {
              var input = document.querySelector("form.kb-search input[name=q]"), popup = document.querySelector(".kb-search-popup");
              var out = {};
              function key(k) { input.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })); }
              input.value = "checksum mism";
              input.dispatchEvent(new Event("input"));
              setTimeout(function () {
                out.visible = !popup.hidden;
                out.expanded = input.getAttribute("aria-expanded");
                out.ids = Array.prototype.map.call(popup.querySelectorAll(".kb-result"), function (e) { return e.getAttribute("data-kb-id"); });
                out.marks = popup.querySelectorAll("mark").length;
                key("ArrowDown"); key("ArrowDown"); key("ArrowUp");
                var sel = popup.querySelector("[aria-selected=true]");
                out.selected = sel && sel.getAttribute("data-kb-id");
                out.active = input.getAttribute("aria-activedescendant") === (sel && sel.id);
                key("Escape");
                out.closed = popup.hidden;
                document.getElementById("out").textContent = JSON.stringify(out);
              }, 1500);
            });
            """#, to: b.site + "/typing.js")
        defer { for f in ["typing.html", "typing.js"] { TestSupport.remove(b.site + "/" + f) } }
        let dom = try BrowserTests.dom(b.site + "/typing.html")
        let json = try #require(dom.firstMatch(of: /<pre id="out">([\s\S]*?)<\/pre>/)).1
        let out = try #require(try JSONSerialization.jsonObject(with: Data(String(json).replacingOccurrences(of: "&quot;", with: "\"").utf8)) as? [String: Any])
        let ids = (out["ids"] as? [String]) ?? []
        #expect(out["visible"] as? Bool == true)
        #expect(out["expanded"] as? String == "true")
        #expect(ids.first == "checksum-mismatch", "prefix 'mism' completes to mismatch: \(ids)")
        #expect(ids == (try Self.search(["--lang", "en", "--limit", "8", "checksum mism"], cwd: b.kb).map(\.id)))
        #expect((out["marks"] as? Int ?? 0) > 0)
        #expect(out["selected"] as? String == ids.first)
        #expect(out["active"] as? Bool == true)
        #expect(out["closed"] as? Bool == true)
    }

    @Test func staleIndexIsRefreshedAndUsageErrorsExitTwo() throws {
        let b = try Self.built.get()
        let dir = try TestSupport.tempDirectory("kb-stale")
        defer { TestSupport.remove(dir) }
        let kb = try TestSupport.copy(b.kb, into: dir)
        #expect(try Self.search(["zanzibarquux"], cwd: kb).isEmpty)
        let path = kb + "/Content/go-windows/go-get-timeout.md"
        try TestSupport.write(TestSupport.read(path) + "\nThe zanzibarquux proxy is special.\n", to: path)
        #expect(try Self.search(["zanzibarquux"], cwd: kb).map(\.id) == ["go-get-timeout"])
        // No --lang: a Chinese query answers from the Chinese articles, an English one from the default.
        #expect(try Self.search(["模块缓存"], cwd: kb).first?.lang == "zh")
        #expect(try Self.search(["module cache"], cwd: kb).first?.lang == "en")
        let text = try TestSupport.kb(["search", "--limit", "1", "x509"], cwd: kb)
        #expect(text.stdout.hasPrefix("x509-certificate-error  "), "\(text.stdout)")
        #expect(!text.stdout.contains("\u{1B}["), "no colour into a pipe")
        let none = try TestSupport.kb(["search", "qqqzzxv"], cwd: kb)
        #expect(none.status == 1)
        let bad = try TestSupport.kb(["search", "--kind", "sympton", "x"], cwd: kb)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("did you mean 'symptom'"))
        let noSite = try TestSupport.kb(["search", "--site", dir + "/nope", "x"], cwd: kb)
        #expect(noSite.status == 2)
        let noFile = try TestSupport.kb(["match", dir + "/missing.log"], cwd: kb)
        #expect(noFile.status == 2)
        #expect(noFile.stderr.contains("missing.log:1:1: error: cannot read the log file"))
    }

    /// A site whose search index is of another format or damaged (a file cut short, edited) is an
    /// input error that names the file and says to rebuild: exit 2, never a decoder's dump.
    @Test func aDamagedOrOlderSiteIndexIsANamedInputError() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        #expect(try TestSupport.kb(["build"], cwd: kb).status == 0)
        let meta = kb + "/Site/search/en/meta.js"
        let good = TestSupport.read(meta)
        try TestSupport.write(good.replacing(/"v":[0-9]+/, with: "\"v\":3"), to: meta)
        let older = try TestSupport.kb(["search", "--site", "Site", "resolver"], cwd: kb)
        #expect(older.status == 2, "\(older.stderr)")
        #expect(older.stderr.contains("error: ") && older.stderr.contains("format 3") && older.stderr.contains("rebuild"), "\(older.stderr)")

        try TestSupport.write(good, to: meta)
        let shards = try FileManager.default.contentsOfDirectory(atPath: kb + "/Site/search/en").filter { $0.hasPrefix("t") && $0.hasSuffix(".js") }
        #expect(!shards.isEmpty)
        for shard in shards { try TestSupport.write("kbSearch.add({\"type\":\"shard\",", to: kb + "/Site/search/en/" + shard) }
        let damaged = try TestSupport.kb(["search", "--site", "Site", "resolver"], cwd: kb)
        #expect(damaged.status == 2, "\(damaged.stderr)")
        #expect(damaged.stderr.contains("search/en/t") && damaged.stderr.contains("rebuild the site"), "\(damaged.stderr)")
        #expect(!damaged.stderr.contains("DecodingError"), "\(damaged.stderr)")
    }
}

extension Character {
    var isCJKIdeographOrKana: Bool {
        guard let v = unicodeScalars.first?.value, unicodeScalars.count == 1 else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x3040...0x30FF).contains(v) || (0xAC00...0xD7AF).contains(v)
    }
}

/// `kb match` on output that the real Go toolchain prints here (golang-go), one case per symptom
/// that can be reproduced on Linux; the Windows-only texts come from the articles themselves.
@Suite(.serialized) struct MatchTests {
    static let go = TestSupport.which("go")

    static func goOutput(_ args: [String], in dir: String, env: [String: String] = [:]) throws -> String {
        let go = try #require(go, "Go is not installed (scripts/test.sh installs golang-go)")
        let home = dir + "/.gohome"
        var environment = ["GOPATH": home + "/gopath", "GOMODCACHE": home + "/modcache", "GOCACHE": home + "/cache",
                           "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "HOME": home]
        for (k, v) in env { environment[k] = v }
        let r = try TestSupport.run(go, args, cwd: dir, environment: environment)
        return r.stdout + r.stderr
    }

    static func match(_ log: String, args: [String] = [], kb: String) throws -> [SearchTests.JSONReport.Result] {
        let dir = try TestSupport.tempDirectory("kb-log")
        defer { TestSupport.remove(dir) }
        try TestSupport.write(log, to: dir + "/out.log")
        let r = try TestSupport.kb(["match", "--json"] + args + [dir + "/out.log"], cwd: kb)
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        return try JSONDecoder().decode(SearchTests.JSONReport.self, from: Data(r.stdout.utf8)).results
    }

    static func module(_ dir: String, goVersion: String = "1.19", requires: String = "", main: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try TestSupport.write("module example.com/app\n\ngo \(goVersion)\n\(requires)", to: dir + "/go.mod")
        try TestSupport.write(main, to: dir + "/main.go")
    }

    @Test func realGoOutputsFindTheirSymptomFirst() throws {
        let b = try SearchTests.built.get()
        let work = try TestSupport.tempDirectory("kb-go")
        defer {
            _ = try? TestSupport.run("/bin/chmod", ["-R", "u+w", work])
            TestSupport.remove(work)
        }
        var cases: [(String, String)] = []

        try FileManager.default.createDirectory(atPath: work + "/empty", withIntermediateDirectories: true)
        cases.append(("no-main-module", try Self.goOutput(["build"], in: work + "/empty")))
        cases.append(("modules-disabled-go111module-off",
                      try Self.goOutput(["mod", "init", "example.com/x"], in: work + "/empty", env: ["GO111MODULE": "off"])))

        let missing = "package main\nimport _ \"example.com/nope\"\nfunc main() {}\n"
        try Self.module(work + "/off", main: missing)
        cases.append(("module-lookup-disabled-goproxy-off", try Self.goOutput(["build"], in: work + "/off", env: ["GOPROXY": "off"])))
        try Self.module(work + "/refused", main: missing)
        cases.append(("go-get-timeout", try Self.goOutput(["build"], in: work + "/refused",
                                                         env: ["GOPROXY": "http://127.0.0.1:9", "GOSUMDB": "off"])))

        // A module proxy on disk serving a module whose go.sum line is wrong.
        let proxy = work + "/proxy/example.com/lib/@v"
        try FileManager.default.createDirectory(atPath: proxy, withIntermediateDirectories: true)
        try TestSupport.write("v1.0.0\n", to: proxy + "/list")
        try TestSupport.write(#"{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}"#, to: proxy + "/v1.0.0.info")
        try TestSupport.write("module example.com/lib\n", to: proxy + "/v1.0.0.mod")
        try ZipWriter.write(proxy + "/v1.0.0.zip", files: [("example.com/lib@v1.0.0/go.mod", "module example.com/lib\n"),
                                                          ("example.com/lib@v1.0.0/lib.go", "package lib\n")])
        try Self.module(work + "/sum", requires: "\nrequire example.com/lib v1.0.0\n",
                        main: "package main\nimport _ \"example.com/lib\"\nfunc main() {}\n")
        let fake = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        try TestSupport.write("example.com/lib v1.0.0 \(fake)\nexample.com/lib v1.0.0/go.mod \(fake)\n", to: work + "/sum/go.sum")
        cases.append(("checksum-mismatch", try Self.goOutput(["build"], in: work + "/sum",
                                                            env: ["GOPROXY": "file://" + work + "/proxy", "GOSUMDB": "off"])))

        // A go.mod that needs a newer Go than this one, with a compile error to make go say so.
        try Self.module(work + "/newer", goVersion: "1.99", main: "package main\nfunc main() { undefined() }\n")
        cases.append(("wrong-go-version-runs", try Self.goOutput(["build"], in: work + "/newer")))

        // dash and bash without go on PATH.
        for shell in ["/bin/sh", "/bin/bash"] where FileManager.default.isExecutableFile(atPath: shell) {
            let r = try TestSupport.run(shell, ["-c", "go version"], environment: ["PATH": "/nonexistent"])
            cases.append(("go-command-not-found", r.stdout + r.stderr))
        }

        for (want, log) in cases {
            #expect(log.count > 10, "go printed nothing for \(want)")
            let results = try Self.match(log, kb: b.kb)
            #expect(results.first?.id == want, "kb match → \(results.map(\.id)) for:\n\(log)")
            #expect(results.first?.lang == "en")
            if want != "go-command-not-found" || log.contains("sh: 1:") {
                #expect(results.first?.matched?.isEmpty == false, "signature lines for \(want)")
            }
        }
    }

    /// Runbooks carry their components' own log lines: an etcd journal and `kubectl describe node`
    /// put the runbook first with a clear margin (#1's score at least 1.5 × #2's, or alone).
    @Test func componentLogsFindTheirRunbook() throws {
        let b = try SearchTests.built.get()
        let etcd = """
            Nov 30 08:12:44 master-1 etcd[812]: {"level":"warn","ts":"2026-11-30T08:12:44.917Z","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"1.532s","expected-duration":"1s"}
            Nov 30 08:12:45 master-1 etcd[812]: {"level":"warn","ts":"2026-11-30T08:12:45.023Z","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"1.2s","expected-duration":"100ms"}
            """
        let node = """
            Conditions:
              Type                 Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message
              MemoryPressure       Unknown   Mon, 30 Nov 2026 08:02:11 +0000   Mon, 30 Nov 2026 08:03:40 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
              Ready                Unknown   Mon, 30 Nov 2026 08:02:11 +0000   Mon, 30 Nov 2026 08:03:40 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
            Taints:             node.kubernetes.io/unreachable:NoExecute
            """
        for (log, want) in [(etcd, "etcd-slow-disk"), (node, "edge-node-not-ready")] {
            let results = try Self.match(log, kb: b.kb)
            #expect(results.first?.id == want, "\(results.map(\.id))")
            #expect(results.first?.matched?.isEmpty == false)
            if results.count > 1 { #expect(results[0].score >= 1.5 * results[1].score, "\(results.map { ($0.id, $0.score) })") }
        }
        // A JSON log line's quoted message still matches its error text.
        let queue = #"{"level":"error","msg":"Exporting failed. Dropping data.","error": "sending queue is full","dropped_items":1024}"#
        #expect(try Self.match(queue, kb: b.kb).first?.id == "otel-collector-exporter-queue-full")
    }

    @Test func tlsFailureFromARealGoClientIsX509() throws {
        let b = try SearchTests.built.get()
        let go = try #require(Self.go)
        let work = try TestSupport.tempDirectory("kb-tls")
        defer {
            _ = try? TestSupport.run("/bin/chmod", ["-R", "u+w", work])
            TestSupport.remove(work)
        }
        // An HTTPS module proxy with a certificate nobody trusts.
        try FileManager.default.createDirectory(atPath: work + "/server", withIntermediateDirectories: true)
        try TestSupport.write("""
            package main
            import ("fmt"; "net/http"; "net/http/httptest"; "os"; "time")
            func main() {
                s := httptest.NewTLSServer(http.NotFoundHandler())
                fmt.Println(s.URL)
                os.Stdout.Sync()
                time.Sleep(120 * time.Second)
            }
            """, to: work + "/server/main.go")
        let build = try TestSupport.run(go, ["build", "-o", work + "/tls-server", "main.go"], cwd: work + "/server",
                                        environment: ["GOCACHE": work + "/cache", "GO111MODULE": "off", "HOME": work])
        #expect(build.status == 0, "\(build.stderr)")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: work + "/tls-server")
        let pipe = Pipe()
        server.standardOutput = pipe
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var url = ""
        while !url.hasSuffix("\n") {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            url += String(decoding: byte, as: UTF8.self)
        }
        try Self.module(work + "/app", main: "package main\nimport _ \"example.com/nope\"\nfunc main() {}\n")
        let log = try Self.goOutput(["build"], in: work + "/app",
                                    env: ["GOPROXY": url.trimmingCharacters(in: .whitespacesAndNewlines), "GOSUMDB": "off"])
        #expect(log.contains("x509"), "\(log)")
        let results = try Self.match(log, kb: b.kb)
        #expect(results.first?.id == "x509-certificate-error", "\(results.map(\.id)) for:\n\(log)")
    }

    @Test func chineseWindowsMessagesAnswerInChinese() throws {
        let b = try SearchTests.built.get()
        let log = "C:\\Users\\张三> go version\n'go' 不是内部或外部命令，也不是可运行的程序\n或批处理文件。\n"
        let results = try Self.match(log, kb: b.kb)
        #expect(results.first?.id == "go-command-not-found")
        #expect(results.first?.lang == "zh")
        #expect(results.first?.matched?.map(\.line) == [2, 3])
        // Full-width punctuation and another tool name still match.
        let ps = "gopls : 无法将“gopls”项识别为 cmdlet、函数、脚本文件或可运行程序的名称。"
        #expect(try Self.match(ps, kb: b.kb).first?.id == "go-command-not-found")
        // Through standard input, and the fallback when no text is known.
        let dir = try TestSupport.tempDirectory("kb-stdin")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("build step 3\nerror: etcd member reports slow fsync on its disk\n", to: dir + "/log")
        let r = try TestSupport.run("/bin/sh", ["-c", "'\(TestSupport.kbBinary)' match --json - < '\(dir)/log'"], cwd: b.kb)
        let fallback = try JSONDecoder().decode(SearchTests.JSONReport.self, from: Data(r.stdout.utf8)).results
        #expect(fallback.first?.id == "etcd-slow-disk", "\(fallback.map(\.id))")
        #expect(fallback.first?.matched == nil)
    }
}

/// A stored (uncompressed) zip, enough for a Go module proxy.
enum ZipWriter {
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in data {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func write(_ path: String, files: [(String, String)]) throws {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32, _ a: inout [UInt8]) { for i in 0..<4 { a.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
        for (name, text) in files {
            let data = Array(text.utf8), nameBytes = Array(name.utf8), crc = crc32(data), offset = UInt32(out.count)
            le32(0x0403_4B50, &out); le16(20, &out); le16(0, &out); le16(0, &out); le16(0, &out); le16(0x21, &out)
            le32(crc, &out); le32(UInt32(data.count), &out); le32(UInt32(data.count), &out)
            le16(nameBytes.count, &out); le16(0, &out); out += nameBytes; out += data
            le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(0, &central); le16(0, &central)
            le16(0, &central); le16(0x21, &central); le32(crc, &central); le32(UInt32(data.count), &central)
            le32(UInt32(data.count), &central); le16(nameBytes.count, &central); le16(0, &central); le16(0, &central)
            le16(0, &central); le16(0, &central); le32(0, &central); le32(offset, &central); central += nameBytes
        }
        let centralOffset = UInt32(out.count)
        out += central
        le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out); le16(files.count, &out); le16(files.count, &out)
        le32(UInt32(central.count), &out); le32(centralOffset, &out); le16(0, &out)
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}
