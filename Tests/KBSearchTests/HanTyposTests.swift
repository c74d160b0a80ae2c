import Foundation
import KBTesting
import Testing
import KBContent
import KBCore
@testable import KBSearch

/// Chinese typos (docs/search.md §Typos): a wrong character of the same reading, picked from a
/// pinyin IME, finds the page of the right one, in memory, in the SQLite store and through the
/// site's files alike.
@Suite struct HanTyposTests {
    static let docs = [
        doc("truncated", title: "setx 截断了 PATH", summary: "PATH 被截断到 1024 个字符", body: "变量被截断以后命令找不到", lang: "zh"),
        doc("module", title: "在任何模块之外运行 go", body: "没有 go.mod 文件", lang: "zh"),
        doc("expired", title: "证书过期", body: "服务器证书已经过期，更新证书", lang: "zh"),
        doc("env", title: "终端仍在使用旧的环境变量", body: "重新打开终端", lang: "zh"),
        doc("install", title: "安装 go 时失败", body: "安装程序报错，装湿的说明", lang: "zh"),
        doc("other", title: "磁盘空间不足", body: "清理磁盘", lang: "zh"),
    ]

    /// The same index three ways: in memory, saved in a SQLite store and written as a site.
    static func readers(_ name: String) throws -> (memory: LanguageIndex, store: StoreReader, site: ShardReader, dir: String) {
        let idx = index(docs)
        let dir = try TestSupport.tempDirectory(name)
        let store = try SearchStore(path: dir + "/search.sqlite")
        try store.save([idx], terms: [docs.map(DocumentTerms.init)], digests: [docs.map { StableHash.of(bytes: StoreCodec.encode($0)) }],
                       files: [["f"]], fingerprint: "fp")
        for (path, data) in try SiteIndex.files(for: idx) { try AtomicWrite.write(data, to: dir + "/site/" + path) }
        return (idx, try store.reader(lang: "zh"), try ShardReader(site: dir + "/site", lang: "zh"), dir)
    }

    static func top(_ q: String, _ reader: IndexReader) throws -> String? {
        try Ranker.rank(SearchQuery(text: q, prefix: false), in: reader).first.map { (try? reader.document($0.doc).id) ?? "?" }
    }

    @Test func aWrongCharacterOfTheSameReadingFindsThePage() throws {
        let r = try Self.readers("kb-hantypos")
        defer { TestSupport.remove(r.dir) }
        let cases = [("阶断", "truncated"), ("截段", "truncated"), ("被阶断", "truncated"), ("模快", "module"),
                     ("证书郭期", "expired"), ("证书过欺", "expired"), ("环竟变量", "env")]
        for (q, want) in cases {
            #expect(try Self.top(q, r.memory) == want, "\(q) in memory")
            let hits = try Ranker.rank(SearchQuery(text: q, prefix: false), in: r.memory).map(\.doc)
            #expect(try Ranker.rank(SearchQuery(text: q, prefix: false), in: r.store).map(\.doc) == hits, "\(q) in the store")
            #expect(try Ranker.rank(SearchQuery(text: q, prefix: false), in: r.site).map(\.doc) == hits, "\(q) through the site")
        }
        // Both unknown bigrams around the wrong character get candidates: 被截 and 截断.
        let slots = try Ranker.slots(ParsedQuery("被阶断", prefix: false), in: r.store)
        #expect(slots.map { $0.alternatives.map(\.0) } == [["被阶", "被截"], ["阶断", "截断"]])
        #expect(slots.allSatisfy { $0.typoCandidates == 1 && $0.alternatives[1].1 == Ranker.oneEditWeight })
        // Below an exact match: a page with the typed characters wins.
        let typed = index(Self.docs + [doc("typed", title: "笔记", body: "阶断", lang: "zh")])
        #expect(try Self.top("阶断", typed) == "typed")
    }

    @Test func aWrongCharacterOfAnotherReadingFindsNothing() throws {
        let idx = index(Self.docs)
        // 载 (zai) for 截 (jie), 基 (ji) for 期 (qi): one character off, but not a homophone; beside
        // each, the same place with a homophone (阶 jie, 欺 qi), which finds its page.
        for (other, same, page) in [("载断", "阶断", "truncated"), ("证书过基", "证书过欺", "expired")] {
            #expect(try Ranker.slots(ParsedQuery(other, prefix: false), in: idx).allSatisfy { $0.typoCandidates == 0 }, "\(other)")
            #expect(try Ranker.slots(ParsedQuery(same, prefix: false), in: idx).contains { $0.typoCandidates > 0 }, "\(same)")
            #expect(try Self.top(same, idx) == page, "\(same)")
        }
        #expect(try Ranker.rank(SearchQuery(text: "载断", prefix: false), in: idx).isEmpty)
        // Another language's index: readings are pinyin, Japanese is not typed with them.
        let ja = index(Self.docs.map { var d = $0; d.lang = "ja"; return d })
        #expect(try Ranker.rank(SearchQuery(text: "阶断", prefix: false), in: ja).isEmpty)
    }

    /// A correctly spelled query reads no reading or homophone; an unknown bigram flanked by known
    /// ones (装失 in 安装失败: two right words meet) is no typo either, even with a homophone (装湿).
    /// Nor is a character that a known bigram of the query holds: 老是提示 does not become 老式.
    @Test func aCorrectlySpelledChineseQueryReadsNoReadings() throws {
        let reader = CountingReader(index(Self.docs))
        #expect(try reader.postings("装失").isEmpty && !(try reader.hanBigrams(reading: "zhuang shi")).isEmpty)
        reader.readingReads = 0
        for q in ["截断", "证书过期", "安装失败", "环境变量 模块"] {
            _ = try Ranker.rank(SearchQuery(text: q, prefix: false), in: reader)
            #expect(reader.readingReads == 0 && reader.vocabularyReads == 0, "\(q)")
        }
        _ = try Ranker.rank(SearchQuery(text: "阶断", prefix: false), in: reader)
        #expect(reader.readingReads == 3, "two readings and one bucket of bigrams")
        let withOld = CountingReader(index(Self.docs + [doc("style", title: "老式终端", body: "总是提示错误", lang: "zh")]))
        let slots = try Ranker.slots(ParsedQuery("插件老是提示", prefix: false), in: withOld)
        #expect(slots.first { $0.term == "老是" }?.typoCandidates == 0, "是 is in the known 是提")
        #expect(try Ranker.slots(ParsedQuery("老是", prefix: false), in: withOld).first?.alternatives.map(\.0) == ["老是", "老式"],
                "alone, 是 may be wrong")
        // Through the site: the files a correct query loads hold no reading and no homophone.
        let r = try Self.readers("kb-hantypos-bytes")
        defer { TestSupport.remove(r.dir) }
        let before = r.site.bytesRead
        _ = try Ranker.rank(SearchQuery(text: "安装失败", prefix: false), in: r.site)
        let shardsOnly = r.site.bytesRead - before
        let dir = r.dir + "/site/search/zh/"
        let shardBytes = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("t") }
            .reduce(0) { $0 + (FileManager.default.contents(atPath: dir + $1)?.count ?? 0) }
        #expect(shardsOnly > 0 && shardsOnly <= shardBytes, "term shards only: \(shardsOnly) of \(shardBytes) bytes")
        _ = try Ranker.rank(SearchQuery(text: "阶断", prefix: false), in: r.site)
        let typo = r.site.bytesRead - before - shardsOnly
        #expect(typo > 0 && typo < 8 * 1024, "a typo loads two small reading files and one bucket: \(typo) bytes")
    }

    /// search.js ranks the same through the files it loads: a correctly spelled query (first, on a
    /// fresh page) loads no reading and no homophone file.
    @Test(.enabled(if: SiteIndexLayoutTests.chromium != nil, "Chromium is not installed (scripts/setup.sh installs it)"))
    func searchJSFindsTheSameHomophones() throws {
        let r = try Self.readers("kb-hantypos-js")
        defer { TestSupport.remove(r.dir) }
        let queries = ["安装失败", "阶断", "截段", "被阶断", "模快", "证书郭期", "证书过欺", "环竟变量", "载断", "证书过基", "截断"]
        let out = try SiteIndexLayoutTests.searchInChromium(site: r.dir + "/site", lang: "zh", queries: queries)
        let hits = try #require(out["hits"] as? [Any])
        #expect(hits.count == queries.count)
        for (q, got) in zip(queries, hits) {
            let expected = try Ranker.rank(SearchQuery(text: q), in: r.memory).map { [$0.doc, $0.tier] }
            #expect((got as? [[Int]]) ?? [] == expected, "\(q): browser \(got), ranker \(expected)")
        }
        let truncated = try #require(r.memory.documents.firstIndex { $0.id == "truncated" })
        #expect((hits[1] as? [[Int]])?.first?.first == truncated, "阶断 finds 截断's page in the browser")
        let first = (out["first"] as? [String]) ?? []
        #expect(!first.isEmpty && !first.contains { $0.wholeMatch(of: /search\/zh\/[hpv][0-9]+\.js/) != nil }, "\(first)")
    }

    /// The readings compiled into kb are ICU's toneless pinyin of each character alone (the table
    /// the site ships). KB_RECORD=1 rewrites Sources/KBSearch/HanTypos+Readings.swift from ICU.
    @Test func theReadingTableIsICUsPinyin() throws {
        var table: [String: [Character]] = [:]
        for cp in HanTypos.first...HanTypos.last {
            let c = Character(Unicode.Scalar(cp)!)
            let s = String(c).applyingTransform(StringTransform("Han-Latin; Latin-ASCII"), reverse: false) ?? ""
            guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { continue }
            table[s, default: []].append(c)
        }
        let lines = table.keys.sorted().map { "\($0) \(String(table[$0]!))" }
        if ProcessInfo.processInfo.environment["KB_RECORD"] == "1" {
            let source = """
                // Generated by HanTyposTests.theReadingTableIsICUsPinyin (KB_RECORD=1 rewrites it): ICU's
                // "Han-Latin; Latin-ASCII" transform of each character U+4E00–U+9FFF alone, one line per toneless
                // syllable with its characters in code point order. Characters with no one-syllable reading are left out.

                extension HanTypos {
                    static let readingTable = #\"\"\"
                \(lines.map { "        " + $0 }.joined(separator: "\n"))
                        \"\"\"#
                }

                """
            try TestSupport.write(source, to: TestSupport.packageRoot + "/Sources/KBSearch/HanTypos+Readings.swift")
            Issue.record("recorded the reading table; run again without KB_RECORD")
            return
        }
        #expect(HanTypos.readingTable.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == lines)
        #expect(HanTypos.reading(of: "截") == "jie" && HanTypos.reading(of: "阶") == "jie" && HanTypos.reading(of: "a") == nil)
    }
}
