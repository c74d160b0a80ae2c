import Foundation
import KBTesting
import Testing
import KBContent
import KBCore
@testable import KBSearch

/// The site index's file layout: meta.js stays small however many error texts and facet values
/// the KB has, and a query finds its error tiers through the bucket files it loads.
@Suite struct SiteIndexLayoutTests {
    static let words = ["spindle", "gasket", "flange", "rotor", "valve", "piston", "sprocket", "bearing", "axle", "cam",
                        "gear", "lever", "pulley", "ratchet", "shaft", "spring", "clutch", "nozzle", "plunger", "bushing"]

    /// `n` documents, each with its own tag, tool and error texts of several lengths and kinds:
    /// decisive (`code 1234`), quoted names (with their shape signatures) and generic phrases.
    static func docs(_ n: Int) -> [SearchDocument] {
        (0..<n).map { i in
            let w = words[i % words.count], v = words[(i * 7 + 3) % words.count]
            var errors = ["\(w)d: \(v) stalled with code \(1000 + i)"]
            if i % 3 == 0 { errors.append("'\(w)\(i)' is not recognized as an internal or external command") }
            if i % 5 == 0 { errors.append("the \(v) is not ready") }
            if i % 7 == 0 { errors.append("\(w) \(v) \(w) wobble \(i) exceeded the limit of the \(v) housing after retry") }
            var d = doc("d\(i)", title: "\(w.capitalized) \(v) trouble \(i)", kind: ["symptom", "cause", "fix"][i % 3],
                        errors: errors, body: "The \(w) and the \(v) misbehave.", platforms: [i % 2 == 0 ? "linux" : "windows"],
                        tools: ["tool\(i)"])
            d.tags = ["tag\(i)", "tag\(i % 10)"]
            return d
        }
    }

    static func write(_ index: LanguageIndex, to site: String) throws {
        for (path, data) in try SiteIndex.files(for: index) { try AtomicWrite.write(data, to: site + "/" + path) }
    }

    /// The index of `docs` written into a new temp folder (the caller removes it).
    func site(_ docs: [SearchDocument], _ name: String) throws -> (index: LanguageIndex, site: String) {
        let idx = index(docs)
        let site = try TestSupport.tempDirectory(name)
        try Self.write(idx, to: site)
        return (idx, site)
    }

    static func size(_ files: [(String, Data)], _ match: (String) -> Bool) -> Int {
        files.filter { match($0.0) }.reduce(0) { $0 + $1.1.count }
    }

    @Test func metaDoesNotGrowWithErrorTextsOrFacetValues() throws {
        let small = try SiteIndex.files(for: index(Self.docs(40)), documents: false)
        let large = try SiteIndex.files(for: index(Self.docs(800)), documents: false)
        let meta = { (files: [(String, Data)]) in Self.size(files) { $0.hasSuffix("/meta.js") } }
        let moved = { (files: [(String, Data)]) in
            Self.size(files) { ($0 as NSString).lastPathComponent.hasPrefix("e") || $0.contains("/f-") }
        }
        // Twenty times the documents: the error and facet files grow with them, meta.js does not
        // (a few more digits in its counts and one more shard boundary at most).
        #expect(moved(large) > 10 * moved(small))
        #expect(meta(large) - meta(small) < 120, "meta.js \(meta(small)) → \(meta(large)) bytes")
        #expect(meta(large) < 2048)
        let text = String(decoding: try #require(large.first { $0.0.hasSuffix("/meta.js") }).1, as: UTF8.self)
        #expect(!text.contains("tag799") && !text.contains("tool799"), "facet values are not in meta.js")
        // Every facet value and every signature is in its own file.
        let tags = try SiteIndex.unwrap(try #require(large.first { $0.0.hasSuffix("/f-tag.js") }).1, as: SiteIndex.FacetFile.self)
        #expect(tags.values.count == 800)
        let buckets = try large.filter { ($0.0 as NSString).lastPathComponent.wholeMatch(of: /e[0-9]+-[0-9]+\.js/) != nil }
            .map { try SiteIndex.unwrap($0.1, as: SiteIndex.ErrorBucket.self) }
        #expect(buckets.reduce(0) { $0 + $1.e.count / 3 } == index(Self.docs(800)).errors.count)
        // A filter only for a length with more than one bucket, of the size meta.js gives.
        var rows: [[Int]] = []
        for files in [small, large] {
            let decoded = try SiteIndex.unwrap(try #require(files.first { $0.0.hasSuffix("/meta.js") }).1, as: SiteIndex.Meta.self)
            rows += decoded.errors
            for row in decoded.errors {
                let filter = files.first { $0.0 == SiteIndex.errorFilterPath(lang: "en", length: row[0]) }
                #expect(row[1] > 1 ? filter?.1.count == row[3] : filter == nil && row[3] == 0, "\(row)")
                #expect(Self.size(files) { ($0 as NSString).lastPathComponent.hasPrefix("e\(row[0])-") } == row[2], "\(row)")
            }
        }
        #expect(rows.contains { $0[1] == 1 } && rows.contains { $0[1] > 1 })
        for b in buckets {
            let count = bucketsOf(b.n, large)
            for i in stride(from: 0, to: b.e.count, by: 3) { #expect(SiteIndex.bucket(UInt32(b.e[i]), of: count) == b.k) }
        }
    }

    /// The bucket count meta.js gives for signatures of `length`.
    func bucketsOf(_ length: Int, _ files: [(String, Data)]) -> Int {
        let data = files.first { $0.0.hasSuffix("/meta.js") }!.1
        let meta = try! SiteIndex.unwrap(data, as: SiteIndex.Meta.self)
        return meta.errors.first { $0[0] == length }![1]
    }

    /// Queries whose windows meet error texts of every kind, from one word to a pasted log.
    static func queries(_ docs: [SearchDocument]) -> [String] {
        var out = ["stalled", "spindle rotor", "the valve is not ready", "code 1012"]
        for d in docs.prefix(60) { out += d.errors }
        // Another name in a quoted error text: the shape signature contradicts that page.
        out.append("'gasket999' is not recognized as an internal or external command")
        out.append("C:\\Users\\me>'spindle0' is not recognized as an internal or external command, operable program")
        // Pasted logs: an error text among lines of other words (about 30 and about 200 terms).
        let filler = { (k: Int) in (0..<k).map { Self.words[($0 * 3) % Self.words.count] + " turned" }.joined(separator: " ") }
        out.append("2026-11-30T10:00:01Z INFO \(filler(6))\n2026-11-30T10:00:02Z ERROR \(docs[21].errors[0])\nexit status 1")
        var log: [String] = []
        for k in 0..<12 {
            log.append("2026-11-30T10:00:\(10 + k)Z INFO \(filler(7))")
            if k % 4 == 1 { log.append("2026-11-30T10:00:\(10 + k)Z ERROR \(docs[k * 5 + 1].errors[0])") }
        }
        out.append(log.joined(separator: "\n"))
        return out
    }

    @Test func aQueryFindsItsErrorTiersThroughTheBucketsItLoads() throws {
        let docs = Self.docs(400)
        let (idx, site) = try site(docs, "kb-site-index")
        defer { TestSupport.remove(site) }
        let reader = try ShardReader(site: site, lang: "en")
        #expect(reader.meta.errors.contains { $0[1] > 4 }, "signatures of one length spread over several buckets")
        let allBucketBytes = reader.meta.errors.reduce(0) { $0 + $1[2] }
        var filtered = 0, tier2 = 0, tier1 = 0, contradicted = 0
        for q in Self.queries(docs) {
            let parsed = ParsedQuery(q, prefix: true)
            let expected = try Ranker.tiers(parsed, in: idx)
            // All bucket files (kb search --site), and only those search.js loads for this query.
            #expect(try Ranker.tiers(parsed, in: reader) == expected, "\(q)")
            let before = reader.bytesRead
            let chosen = try reader.errorSignatures(sequence: parsed.sequence, shape: parsed.shape)
            let loaded = reader.bytesRead - before
            #expect(try Ranker.tiers(parsed, in: Only(reader, chosen)) == expected, "\(q)")
            let plan = try SiteIndex.errorFiles(sequence: parsed.sequence, shape: parsed.shape, meta: reader.meta, filter: reader.errorFilter)
            if !plan.filters.isEmpty { filtered += 1 }
            if parsed.sequence.count > 100 {
                #expect(!plan.filters.isEmpty, "a long log goes through the filters")
                #expect(loaded * 3 < allBucketBytes, "a long log loads a fraction of the error files: \(loaded) of \(allBucketBytes)")
            }
            tier2 += expected.values.filter { $0 == 2 }.count
            tier1 += expected.values.filter { $0 == 1 }.count
            contradicted += expected.values.filter { $0 == -1 }.count
        }
        #expect(filtered >= 2 && tier2 >= 40 && tier1 >= 3 && contradicted >= 1, "the queries meet every tier: \(filtered) \(tier2) \(tier1) \(contradicted)")
        // The ranking itself is the same through the site's files.
        for q in Self.queries(docs).prefix(20) {
            let a = try Ranker.rank(SearchQuery(text: q), in: idx).map(\.doc)
            #expect(try Ranker.rank(SearchQuery(text: q), in: reader).map(\.doc) == a, "\(q)")
        }
    }

    static let chromium = TestSupport.which("chromium", "chromium-browser", "google-chrome")

    /// search.js on the same files, in headless Chromium from file://: every query's hits and
    /// tiers equal the ranker's, and the long log loads a filter and few of the bucket files.
    @Test(.enabled(if: chromium != nil, "Chromium is not installed (scripts/setup.sh installs it)"))
    func searchJSFindsTheSameTiersThroughTheBucketsItLoads() throws {
        let docs = Self.docs(400)
        let (idx, site) = try site(docs, "kb-site-js")
        defer { TestSupport.remove(site) }
        let queries = Array(Self.queries(docs).reversed()) // the long log first, on a fresh page
        let out = try Self.searchInChromium(site: site, lang: "en", queries: queries)
        let hits = try #require(out["hits"] as? [Any])
        #expect(hits.count == queries.count)
        for (q, got) in zip(queries, hits) {
            let expected = try Ranker.rank(SearchQuery(text: q), in: idx).map { [$0.doc, $0.tier] }
            let browser = (got as? [[Int]]) ?? []
            let same = browser == expected
            #expect(same, "\(q.prefix(80)): browser \(browser.prefix(4)), ranker \(expected.prefix(4))")
        }
        let first = (out["first"] as? [String]) ?? []
        let reader = try ShardReader(site: site, lang: "en")
        let buckets = reader.meta.errors.reduce(0) { $0 + $1[1] }
        #expect(first.contains { $0.wholeMatch(of: /search\/en\/e[0-9]+\.js/) != nil }, "the long log loads a filter: \(first)")
        let loadedBuckets = first.filter { $0.wholeMatch(of: /search\/en\/e[0-9]+-[0-9]+\.js/) != nil }
        #expect(!loadedBuckets.isEmpty && loadedBuckets.count * 3 < buckets, "\(loadedBuckets.count) of \(buckets) buckets")
        #expect(!first.contains { $0.contains("/f-") }, "no facet file without a filter or a kind: synonym")
    }

    /// Runs `queries` through search.js in headless Chromium on the site's files in `lang` and
    /// returns what the page gathered: `hits` ([doc, tier] per hit, per query) and `first` (the
    /// files the first query loaded).
    static func searchInChromium(site: String, lang: String, queries: [String]) throws -> [String: Any] {
        try FileManager.default.createDirectory(atPath: site + "/assets", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Templates/assets/search.js", toPath: site + "/assets/search.js")
        let input = String(decoding: try JSONSerialization.data(withJSONObject: queries), as: UTF8.self)
        try TestSupport.write("window.layoutQueries = \(input);\n", to: site + "/input.js")
        try TestSupport.write(#"""
            (function () {
              var api = window.kbSearch, qs = window.layoutQueries, out = { hits: [], first: null };
              function run(i) {
                if (i >= qs.length) { document.getElementById("out").textContent = JSON.stringify(out); return; }
                api.search(qs[i], { lang: "LANG" }).then(function (r) {
                  if (i === 0) { out.first = api.loaded(); }
                  out.hits.push(r.hits.map(function (h) { return [h.doc, h.tier]; }));
                  run(i + 1);
                }, function (e) { out.hits.push(String(e)); run(i + 1); });
              }
              run(0);
            })();
            """#.replacingOccurrences(of: "LANG", with: lang), to: site + "/run.js")
        try TestSupport.write("""
            <!doctype html><html lang="\(lang)"><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>
            <script src="assets/search.js" data-kb-root="" data-kb-lang="\(lang)"></script>
            <script src="input.js"></script><script src="run.js"></script></body></html>
            """, to: site + "/layout.html")
        let profile = try TestSupport.tempDirectory("kb-chromium")
        defer { TestSupport.remove(profile) }
        let r = try TestSupport.run(try #require(Self.chromium), ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                                 "--user-data-dir=\(profile)", "--virtual-time-budget=60000",
                                                                 "--dump-dom", "file://" + site + "/layout.html"])
        let raw = try #require(r.stdout.firstMatch(of: /<pre id="out">([\s\S]*?)<\/pre>/)).1
        let text = String(raw).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text.prefix(300))")
    }

    /// The search page's facet box, now filled from the facet files after the results: its
    /// counts are those of the ranker's hits, and a facet filter from the URL keeps its pages.
    @Test(.enabled(if: chromium != nil, "Chromium is not installed (scripts/setup.sh installs it)"))
    func theFacetBoxCountsTheHitsFromTheFacetFiles() throws {
        let docs = Self.docs(60)
        let (idx, site) = try site(docs, "kb-site-box")
        defer { TestSupport.remove(site) }
        try FileManager.default.createDirectory(atPath: site + "/assets", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Templates/assets/search.js", toPath: site + "/assets/search.js")
        try TestSupport.write("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>
            <main data-kb-search-page><form class="kb-search"><input name="q"></form>
            <p id="kb-search-status"></p><div id="kb-search-facets"></div><ol id="kb-search-results"></ol></main>
            <script src="assets/search.js" data-kb-root="" data-kb-lang="en"></script></body></html>
            """, to: site + "/page.html")
        func page(_ query: String) throws -> String {
            let profile = try TestSupport.tempDirectory("kb-chromium")
            defer { TestSupport.remove(profile) }
            return try TestSupport.run(try #require(Self.chromium), ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                                     "--user-data-dir=\(profile)", "--virtual-time-budget=20000",
                                                                     "--dump-dom", "file://" + site + "/page.html?" + query]).stdout
        }
        let dom = try page("q=gasket")
        #expect(dom.contains("data-kb-facets=\"done\""), "\(dom.suffix(400))")
        let hits = try Ranker.rank(SearchQuery(text: "gasket"), in: idx).map(\.doc)
        #expect(hits.count > 5)
        for facet in ["kind", "platform", "tag"] {
            var expected: [String: Int] = [:]
            for d in hits { for v in Set(idx.documents[d].facetValues(Facet(rawValue: facet)!)) { expected[v, default: 0] += 1 } }
            let box = try #require(dom.firstMatch(of: try Regex("<fieldset class=\"kb-facet kb-facet-\(facet)\">([\\s\\S]*?)</fieldset>")),
                                   "no \(facet) box")
            let body = String(box.output[1].substring ?? "")
            var shown: [String: Int] = [:]
            for m in body.matches(of: /value="([^"]+)"[^>]*>[^<]*<span class="count">([0-9]+)<\/span>/) { shown[String(m.1)] = Int(m.2) }
            #expect(shown == expected, "\(facet)")
        }
        let filtered = try page("q=gasket&kind=cause")
        let kinds = filtered.matches(of: /class="kb-result" data-kb-id="(d[0-9]+)"/).map { String($0.1) }
        #expect(!kinds.isEmpty && kinds.allSatisfy { id in docs.first { $0.id == id }?.kind == "cause" }, "\(kinds)")
    }

    @Test func facetFilesAnswerFiltersAndKindTargets() throws {
        let docs = Self.docs(50)
        let (idx, site) = try site(docs, "kb-site-facets")
        defer { TestSupport.remove(site) }
        let reader = try ShardReader(site: site, lang: "en")
        let before = reader.bytesRead
        for facet in SiteIndex.fileFacets {
            for value in ["symptom", "linux", "tool7", "tag3", "none"] {
                #expect(try reader.documents(facet: facet, value: value) == idx.documents(facet: facet, value: value), "\(facet) \(value)")
            }
        }
        #expect(reader.bytesRead > before, "the facet lists come from their files")
        let filters: [Facet: [String]] = [.kind: ["cause"], .tag: ["tag4"]]
        #expect(try Ranker.rank(SearchQuery(text: "gasket", filters: filters), in: reader).map(\.doc)
                == Ranker.rank(SearchQuery(text: "gasket", filters: filters), in: idx).map(\.doc))
    }

    @Test func anIndexOfAnotherFormatIsRefusedWithAClearMessage() throws {
        let site = try TestSupport.tempDirectory("kb-site-old")
        defer { TestSupport.remove(site) }
        try AtomicWrite.write(Data("kbSearch.add({\"type\":\"meta\",\"v\":3,\"lang\":\"en\",\"count\":0,\"shards\":[],\"facets\":{},\"errors\":[]});\n".utf8),
                              to: site + "/search/en/meta.js")
        #expect {
            _ = try ShardReader(site: site, lang: "en")
        } throws: { "\($0)".contains("format 3") && "\($0)".contains("rebuild") }
    }
}

/// A reader that answers from `reader` but holds only the given error signatures.
private struct Only: IndexReader {
    let reader: ShardReader
    let errors: [ErrorSignatureKey]
    init(_ reader: ShardReader, _ errors: [ErrorSignatureKey]) { self.reader = reader; self.errors = errors }
    var lang: String { reader.lang }
    var documentCount: Int { reader.documentCount }
    func postings(_ term: String) throws -> [Posting] { try reader.postings(term) }
    func terms(withPrefix prefix: String) throws -> [String] { try reader.terms(withPrefix: prefix) }
    func vocabulary(length: Int) throws -> [String] { try reader.vocabulary(length: length) }
    func pinyin(_ c: Unicode.Scalar) throws -> String? { try reader.pinyin(c) }
    func hanBigrams(reading: String) throws -> [String] { try reader.hanBigrams(reading: reading) }
    func errorSignatures() throws -> [ErrorSignatureKey] { errors }
    func synonyms() throws -> [SynonymGroup] { try reader.synonyms() }
    func documents(facet: Facet, value: String) throws -> Set<Int> { try reader.documents(facet: facet, value: value) }
    func document(_ n: Int) throws -> SearchDocument { try reader.document(n) }
    func signatures() throws -> [Signature] { try reader.signatures() }
}
