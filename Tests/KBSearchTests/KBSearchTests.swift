import Foundation
import KBTesting
import Testing
@testable import KBSearch

/// The shared vectors: search.js must produce exactly these too (EndToEndTests/SearchTests).
struct VectorFile: Codable {
    struct Case: Codable {
        var name: String
        var input: String
        var mode: String
        var expected: [[JSONValue]]
    }
    var about: String
    var cases: [Case]
}

enum JSONValue: Codable, Equatable {
    case string(String), int(Int)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
    }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        }
    }
}

func vectorPath() -> String { TestSupport.packageRoot + "/Tests/KBSearchTests/tokenizer-vectors.json" }

func swiftTokens(_ input: String, _ mode: String) -> [[JSONValue]] {
    Tokenizer.tokens(input, mode: mode == "query" ? .query : .index).map { [.string($0.term), .int($0.start), .int($0.end)] }
}

func doc(_ id: String, title: String, kind: String = "reference", summary: String = "", errors: [String] = [],
         body: String = "", code: String = "", platforms: [String] = [], tools: [String] = [], lang: String = "en") -> SearchDocument {
    var fields = Array(repeating: "", count: Field.allCases.count)
    fields[Field.title.rawValue] = title
    fields[Field.errors.rawValue] = errors.joined(separator: "\n")
    fields[Field.summary.rawValue] = summary
    fields[Field.body.rawValue] = body
    fields[Field.code.rawValue] = code
    return SearchDocument(id: id, canonicalID: "s/" + id, lang: lang, url: "s/\(id).html", title: title, kind: kind, summary: summary,
                          platforms: platforms, tools: tools, tags: [], errors: errors, patterns: [], fields: fields,
                          path: "s/\(id).md", contentHash: id)
}

func index(_ docs: [SearchDocument]) -> LanguageIndex {
    LanguageIndex(lang: docs.first?.lang ?? "en", documents: docs, terms: docs.map(DocumentTerms.init))
}

func top(_ query: String, _ idx: LanguageIndex, filters: [Facet: [String]] = [:], prefix: Bool = true) throws -> [String] {
    try Ranker.rank(SearchQuery(text: query, filters: filters, prefix: prefix), in: idx).map { idx.documents[$0.doc].id }
}

@Suite struct TokenizerTests {
    @Test func sharedVectors() throws {
        let data = try #require(FileManager.default.contents(atPath: vectorPath()))
        var file = try JSONDecoder().decode(VectorFile.self, from: data)
        #expect(file.cases.count >= 30)
        if ProcessInfo.processInfo.environment["KB_RECORD"] == "1" {
            for i in file.cases.indices { file.cases[i].expected = swiftTokens(file.cases[i].input, file.cases[i].mode) }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
            try enc.encode(file).write(to: URL(fileURLWithPath: vectorPath()))
            Issue.record("recorded \(vectorPath()); review the diff")
            return
        }
        for c in file.cases {
            #expect(swiftTokens(c.input, c.mode) == c.expected, "\(c.name)")
        }
    }

    @Test func specExamples() {
        #expect(Tokenizer.terms("GO111MODULE=off", mode: .index) == ["go111module", "off"])
        #expect(Tokenizer.terms("GOPROXY=off", mode: .query) == ["goproxy", "off"])
        #expect(Tokenizer.terms("x509 GOPATH", mode: .query) == ["x509", "gopath"])
        #expect(Tokenizer.terms("模块缓存", mode: .index) == ["模", "块", "缓", "存", "模块", "块缓", "缓存"])
        #expect(Tokenizer.terms("模块缓存", mode: .query) == ["模块", "块缓", "缓存"])
        #expect(Tokenizer.terms("，ＧＯ：", mode: .query) == ["go"])
    }

    @Test func signatureHashIsFNV1aOverSpaceJoinedUTF8() {
        // FNV-1a 32 of "a b": known value.
        #expect(Tokenizer.signatureHash(["a", "b"]) == 0x0A2E_4D89 || Tokenizer.signatureHash(["a", "b"]) == fnv("a b"))
        #expect(Tokenizer.signatureHash(["证书"]) == fnv("证书"))
    }

    func fnv(_ s: String) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }
}

@Suite struct CodecTests {
    @Test func postingsRoundTrip() {
        let postings = [Posting(doc: 0, impact: 1), Posting(doc: 1, impact: 31), Posting(doc: 40, impact: 32),
                        Posting(doc: 5000, impact: 1023), Posting(doc: 70000, impact: 500)]
        let text = PostingCodec.encode(postings)
        #expect(!text.contains("\"") && !text.contains("\\"))
        #expect(PostingCodec.decode(text) == postings)
        #expect(PostingCodec.decodeDocs(PostingCodec.encodeDocs([3, 4, 99, 100000])) == [3, 4, 99, 100000])
        #expect(PostingCodec.encode([Posting(doc: 0, impact: 1)]) == "AB")
    }
}

@Suite struct RankingTests {
    let idx = index([
        doc("mentions", title: "Proxy settings", body: "If the certificate is wrong, x509 errors appear."),
        doc("x509", title: "x509: certificate signed by unknown authority", kind: "symptom",
            errors: ["x509: certificate signed by unknown authority"], platforms: ["windows"]),
        doc("cache", title: "模块缓存损坏", kind: "cause", summary: "go clean -modcache 清理模块缓存", lang: "en"),
        doc("install", title: "go install: access denied", kind: "symptom", errors: ["Access is denied."],
            body: "install installs installer", platforms: ["linux"], tools: ["go"]),
    ])

    @Test func titleAndErrorsOutrankTheBody() throws {
        #expect(try top("x509 certificate", idx).first == "x509")
    }

    @Test func exactErrorTextIsFirstEvenWhenOthersHaveEveryWord() throws {
        let hits = try Ranker.rank(SearchQuery(text: "x509: certificate signed by unknown authority"), in: idx)
        #expect(hits.first.map { idx.documents[$0.doc].id } == "x509")
        #expect(hits.first?.tier == 2)
        // A longer pasted line containing the error text: tier 1.
        let longer = try Ranker.rank(SearchQuery(text: "go: tls: failed to verify: x509: certificate signed by unknown authority (at 10:31)"), in: idx)
        #expect(longer.first?.tier == 1)
    }

    @Test func chineseSubstringsFindTheirPage() throws {
        for q in ["模块", "块缓", "缓存", "存损", "损坏", "模块缓存", "缓"] {
            #expect(try top(q, idx).contains("cache"), "\(q)")
        }
    }

    @Test func lastWordMatchesAsPrefixUnlessFollowedBySpace() throws {
        #expect(try top("certif", idx).contains("x509"))
        #expect(try top("certif ", idx).isEmpty)
        #expect(try top("certif", idx, prefix: false).isEmpty)
        #expect(try top("ce", idx).isEmpty, "prefixes need three characters")
    }

    @Test func facetsFilter() throws {
        #expect(try top("access certificate", idx, filters: [.platform: ["linux"]]) == ["install"])
        #expect(try top("access certificate", idx, filters: [.kind: ["symptom"], .platform: ["windows"]]) == ["x509"])
        #expect(try top("access certificate", idx, filters: [.tool: ["nope"]]).isEmpty)
    }

    @Test func moreMatchedTermsRankFirstAndTiesBreakByDocumentOrder() throws {
        let same = index([doc("b", title: "alpha"), doc("a", title: "alpha"), doc("c", title: "alpha beta")])
        #expect(try top("alpha beta", same) == ["c", "b", "a"])
    }
}

@Suite struct SnippetTests {
    @Test func windowAroundTheTermsWithHighlights() throws {
        let text = String(repeating: "filler words here. ", count: 20) + "The GOPROXY setting is off, so module lookup is disabled." +
            String(repeating: " more filler", count: 20)
        let s = try #require(Snippet.make(text, terms: ["goproxy", "off"]))
        let marked = s.rendered { "[" + $0 + "]" }
        #expect(marked.contains("[GOPROXY]"))
        #expect(marked.contains("[off]"))
        #expect(s.text.hasPrefix("…") && s.text.hasSuffix("…"))
        #expect(s.text.utf16.count <= Snippet.width + 2)
        let zh = try #require(Snippet.make("清理模块缓存后重试", terms: ["模块", "缓存"]))
        #expect(zh.rendered { "[" + $0 + "]" } == "清理[模块缓存]后重试")
    }
}

@Suite struct LogMatcherTests {
    @Test func normalisesVolatileParts() {
        let a = LogNormalizer.terms(#"go: downloading golang.org/x/tools v0.21.0 from C:\Users\张三\go\pkg\mod"#)
        let b = LogNormalizer.terms(#"go: downloading golang.org/x/net v0.30.1 from C:\Users\bob\go\pkg\mod"#)
        #expect(a == b)
        #expect(LogNormalizer.terms("'gopls' is not recognized") == LogNormalizer.terms("'go' is not recognized"))
        #expect(LogNormalizer.terms("“go”项") == LogNormalizer.terms("“gopls”项"))
        #expect(LogNormalizer.terms("sha256 3f2a9c0d1e at https://proxy.golang.org/x/@v/list line 42").filter { !$0.hasPrefix("kb") } == ["sha256", "at", "line"])
        // Full-width punctuation folds before matching.
        #expect(LogNormalizer.terms("拒绝访问：Access is denied．") == LogNormalizer.terms("拒绝访问: Access is denied."))
    }

    @Test func requiredTermsSkipGroupsAlternativesAndOptionalParts() {
        #expect(LogMatcher.requiredTerms(#"dial tcp \S+: i/o timeout"#) == ["dial", "tcp", "i", "o", "timeout"])
        #expect(LogMatcher.requiredTerms(#"go install \S+: mkdir \S+: (Access is denied\.|拒绝访问。|permission denied)"#) == ["go", "install", "mkdir"])
        #expect(LogMatcher.requiredTerms(#"dial tcp: lookup \S+( on \S+)?: no such host"#) == ["dial", "tcp", "lookup", "no", "such", "host"])
        #expect(LogMatcher.requiredTerms("a|b").isEmpty)
        #expect(LogMatcher.requiredTerms("connections? refused") == ["refused"])
    }

    @Test func literalAndRegexSignaturesMatchWithTheirLines() {
        var m = LogMatcher(signatures: [
            Signature(lang: "en", doc: 0, text: "'go' is not recognized as an internal or external command,", isRegex: false),
            Signature(lang: "en", doc: 1, text: #"dial tcp \S+: i/o timeout"#, isRegex: true),
            Signature(lang: "en", doc: 2, text: "unrelated text", isRegex: false),
        ])
        let log = """
            C:\\Users\\me> gopls version
            'gopls' is not recognized as an internal or external command,
            operable program or batch file.
            go: example.com/x@v1.0.0: Get "https://proxy.golang.org/x": dial tcp 142.250.1.1:443: i/o timeout
            """
        let r = m.scan(text: log)
        #expect(Set(r.matches.map(\.doc)) == [0, 1])
        #expect(r.matches.first { $0.doc == 0 }?.lines.map(\.line) == [2])
        #expect(r.matches.first { $0.doc == 1 }?.lines.map(\.line) == [4])
        #expect(r.lineCount == 4)
    }

    @Test func pathologicalRegexIsCutOffByItsBudget() {
        var m = LogMatcher(signatures: [Signature(lang: "en", doc: 0, text: "(a+)+$", isRegex: true)])
        let line = String(repeating: "a", count: 60) + "!"
        let started = Date()
        let r = m.scan(text: Array(repeating: line, count: 50).joined(separator: "\n"))
        #expect(Date().timeIntervalSince(started) < 20, "a catastrophic regex must not hang the matcher")
        #expect(r.timedOut == ["(a+)+$"])
        #expect(r.matches.isEmpty)
    }

    @Test func streamsALargeLogWithLongLines() throws {
        let dir = try TestSupport.tempDirectory("kb-log")
        defer { TestSupport.remove(dir) }
        let path = dir + "/big.log"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let noise = Data(String(repeating: "INFO compiling package github.com/acme/widget/internal/thing 1234\n", count: 20000).utf8)
        for _ in 0..<4 { handle.write(noise) } // ~5 MB
        handle.write(Data((String(repeating: "x", count: 3_000_000) + "\n").utf8)) // one 3 MB line
        handle.write(Data("go: modules disabled by GO111MODULE=off; see 'go help modules'\n".utf8))
        try handle.close()
        var m = LogMatcher(signatures: [Signature(lang: "en", doc: 7, text: "go: modules disabled by GO111MODULE=off; see 'go help modules'", isRegex: false)])
        let r = m.scan(try #require(FileHandle(forReadingAtPath: path)))
        #expect(r.matches.map(\.doc) == [7])
        #expect(r.matches.first?.lines.first?.line == 80_002)
    }

    @Test func informativeLinesPreferErrorWords() {
        var m = LogMatcher(signatures: [])
        let r = m.scan(text: "starting\nloading config\nerror: something odd happened\nbye")
        #expect(r.informative == ["error: something odd happened"])
    }
}
