import Foundation
import KBCore
import KBContent

/// The site's search index: plain `.js` files that call `kbSearch.add({...})`, loaded with
/// `<script>` tags so search works from `file://` (no fetch, no modules, no WASM).
///
///     search/<lang>/meta.js       document count, shard boundaries, facets, error signatures
///     search/<lang>/t<k>.js       a run of terms (UTF-16 order) with their postings
///     search/<lang>/d/<k>.js      documents 8k…8k+7: title, url, kind, summary, text for snippets
///
/// A query loads meta.js, the shards holding its terms, and the files of the documents it shows.
/// Documents travel eight to a file: one file per page made the search index most of the files
/// a build creates, and creating files is what a build spends its time on.
public enum SiteIndex {
    public static let version = 3
    /// Documents per `d/<k>.js` file.
    public static let documentsPerFile = 8
    /// Shard sizes in bytes of encoded postings (a term's postings are never split). Boundaries
    /// depend on the terms, not on the bytes before them: a shard ends before the first term past
    /// `shardMinimum` whose hash is a multiple of `shardSpacing` (or at `shardMaximum`). One
    /// changed document then rewrites the shards holding its terms, not every shard after them.
    public static let shardMinimum = 16 * 1024
    public static let shardMaximum = 64 * 1024
    public static let shardSpacing: UInt64 = 64

    /// Whether `term` may start a shard (the content-defined part of the boundary rule).
    static func isBoundary(_ term: String) -> Bool {
        var h = StableHash()
        h.combine(term)
        return h.low % shardSpacing == 0
    }
    /// Characters of body and code text shipped per document for snippets.
    public static let textLimit = 3000

    public struct Meta: Codable, Sendable {
        public var type = "meta"
        public var v = SiteIndex.version
        public var lang: String
        public var count: Int
        public var shards: [String]
        /// facet → value → encoded document list.
        public var facets: [String: [String: String]]
        /// [length, hash, doc, kind] per literal error text (ErrorSignatureKey.Kind).
        public var errors: [[Int]]
        /// Every language of the site, the default first.
        public var langs: [String]?
        /// Word lengths (UTF-16 units) that have a `v<length>.js` vocabulary file for typo candidates.
        public var vocab: [Int]?
        /// This language's synonym groups.
        public var synonyms: [SynonymGroup]?
        /// Documents per `d/<k>.js` file.
        public var per: Int?
    }

    /// Indexed words of one length that typo candidates may come from (`Vocabulary.isCandidate`).
    public struct Vocab: Codable, Sendable {
        public var type = "vocab"
        public var lang: String
        public var n: Int
        public var terms: [String]
    }

    public struct Shard: Codable, Sendable {
        public var type = "shard"
        public var lang: String
        public var n: Int
        public var terms: [String]
        public var postings: [String]
    }

    /// Error texts for `kb match --site` (the browser never loads this file).
    public struct Signatures: Codable, Sendable {
        public var type = "signatures"
        public var lang: String
        /// [doc, text, "regex"|"text"].
        public var items: [[String]]
    }

    /// Empty lists are left out, the text does not repeat the summary it starts with, and keys are
    /// one letter (there is one per page: 7,600 on the tldr corpus).
    public struct Doc: Codable, Sendable {
        enum CodingKeys: String, CodingKey {
            case lang = "l", n, id = "i", title = "h", url = "u", kind = "k", summary = "s", text = "x"
            case platforms = "p", tools = "o", tags = "g"
        }
        public var lang: String
        public var n: Int
        public var id: String
        public var title: String
        public var url: String
        public var kind: String
        public var summary: String
        public var text: String
        public var platforms: [String]?
        public var tools: [String]?
        public var tags: [String]?
    }

    /// One `d/<k>.js` file: documents `k × documentsPerFile` onwards.
    public struct Docs: Codable, Sendable {
        public var type = "docs"
        public var lang: String
        public var k: Int
        public var d: [Doc]
    }

    static func wrap<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data("kbSearch.add(".utf8)
        data.append(try encoder.encode(value))
        data.append(Data(");\n".utf8))
        return data
    }

    static func unwrap<T: Decodable>(_ data: Data, as type: T.Type) throws -> T {
        let prefix = Data("kbSearch.add(".utf8)
        guard data.starts(with: prefix) else { throw SearchError.corrupt("not a kb search file") }
        var body = data.dropFirst(prefix.count)
        while let last = body.last, last == 0x0A || last == 0x3B || last == 0x29 || last == 0x20 { body = body.dropLast() }
        // The closing ")" was stripped with the ";": body ends at the JSON's last brace.
        return try JSONDecoder().decode(T.self, from: Data(body))
    }

    /// Every file of one language's index: (site-relative path, contents); documents only when
    /// `documents` is true (see `documentFile`).
    public static func files(for index: LanguageIndex, documents: Bool = true) throws -> [(String, Data)] {
        let base = "search/\(index.lang)/"
        var out: [(String, Data)] = []
        let sortedTerms = index.sortedTerms
        // Postings are encoded and shards wrapped on every core; only the boundaries are found in
        // order (each depends on the sizes before it in its shard).
        let encoded = sortedTerms.parallelMap { PostingCodec.encode(index.terms[$0]!) }
        var runs: [Range<Int>] = []
        var start = 0, size = 0
        for (i, term) in sortedTerms.enumerated() {
            let length = encoded[i].utf8.count
            if size >= shardMinimum && isBoundary(term) || size > 0 && size + length > shardMaximum {
                runs.append(start..<i)
                start = i
                size = 0
            }
            size += length + term.utf8.count + 6
        }
        if start < sortedTerms.count { runs.append(start..<sortedTerms.count) }
        let shards = runs.map { sortedTerms[$0.lowerBound] }
        let wrapped: [Result<Data, Error>] = Array(runs.enumerated()).parallelMap { n, run in
            Result { try wrap(Shard(lang: index.lang, n: n, terms: Array(sortedTerms[run]), postings: Array(encoded[run]))) }
        }
        for (n, shard) in wrapped.enumerated() { out.append((base + "t\(n).js", try shard.get())) }

        var facets: [String: [String: String]] = [:]
        for facet in [Facet.kind, .platform, .tool, .tag] {
            var members: [String: [Int]] = [:]
            for (n, d) in index.documents.enumerated() {
                for v in Set(d.facetValues(facet)) { members[v, default: []].append(n) }
            }
            if !members.isEmpty { facets[facet.rawValue] = members.mapValues(PostingCodec.encodeDocs) }
        }
        var byLength: [Int: [String]] = [:]
        for term in sortedTerms where Vocabulary.isCandidate(term) { byLength[term.utf16.count, default: []].append(term) }
        for (length, terms) in byLength.sorted(by: { $0.key < $1.key }) {
            out.append((base + "v\(length).js", try wrap(Vocab(lang: index.lang, n: length, terms: terms))))
        }
        let meta = Meta(lang: index.lang, count: index.documents.count, shards: shards, facets: facets,
                        errors: index.errors.map { [$0.length, Int($0.hash), $0.doc, $0.kind.rawValue] },
                        langs: index.languages, vocab: byLength.keys.sorted(),
                        synonyms: index.synonymGroups.isEmpty ? nil : index.synonymGroups, per: documentsPerFile)
        out.append((base + "meta.js", try wrap(meta)))
        let signatures = Signature.all(index.documents, lang: index.lang).map { [String($0.doc), $0.text, $0.isRegex ? "regex" : "text"] }
        out.append((base + "signatures.js", try wrap(Signatures(lang: index.lang, items: signatures))))

        if documents {
            for k in 0..<documentFileCount(index.documents.count) { out.append(try documentsFile(index, k)) }
        }
        return out
    }

    /// How many `d/<k>.js` files hold `count` documents.
    public static func documentFileCount(_ count: Int) -> Int { (count + documentsPerFile - 1) / documentsPerFile }

    public static func documentsPath(lang: String, _ k: Int) -> String { "search/\(lang)/d/\(k).js" }

    /// `search/<lang>/d/<k>.js`: what results show, for eight documents.
    public static func documentsFile(_ index: LanguageIndex, _ k: Int, textLimit: Int = SiteIndex.textLimit) throws -> (String, Data) {
        let range = (k * documentsPerFile)..<min(index.documents.count, (k + 1) * documentsPerFile)
        let docs = range.map { n in
            let d = index.documents[n]
            var text = d.body
            if !d.summary.isEmpty, text.hasPrefix(d.summary) {
                text = String(text.dropFirst(d.summary.count)).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let code = d.fields[Field.code.rawValue]
            if !code.isEmpty { text += (text.isEmpty ? "" : "\n") + code }
            if text.utf16.count > textLimit {
                text = String(text.utf16.prefix(textLimit)) ?? String(text.prefix(textLimit / 2))
            }
            return Doc(lang: d.lang, n: n, id: d.id, title: d.title, url: d.url, kind: d.kind, summary: d.summary,
                       text: text, platforms: d.platforms.isEmpty ? nil : d.platforms, tools: d.tools.isEmpty ? nil : d.tools,
                       tags: d.tags.isEmpty ? nil : d.tags)
        }
        return (documentsPath(lang: index.lang, k), try wrap(Docs(lang: index.lang, k: k, d: docs)))
    }

}

/// Reads a built site's index: `kb search --site DIR` on a machine with no Content/.
public final class ShardReader: IndexReader {
    public let lang: String
    public let documentCount: Int
    let base: String
    let meta: SiteIndex.Meta
    private var shards: [Int: [String: String]] = [:]
    private var docs: [Int: SearchDocument] = [:]
    /// Bytes read, for the benchmark.
    public private(set) var bytesRead = 0

    public init(site: String, lang: String) throws {
        base = site + "/search/" + lang + "/"
        guard let data = FileManager.default.contents(atPath: base + "meta.js") else {
            throw SearchError.missing("\(site) has no search index for '\(lang)' (search/\(lang)/meta.js): build it with a kb that writes one")
        }
        meta = try SiteIndex.unwrap(data, as: SiteIndex.Meta.self)
        bytesRead = data.count
        self.lang = lang
        documentCount = meta.count
    }

    /// Languages with an index in this site.
    public static func languages(site: String) -> [String] {
        let dir = site + "/search"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/meta.js") }.sorted()
    }

    /// The shard that would hold `term`: the last whose first term is not after it.
    func shardNumber(_ term: String) -> Int? {
        var lo = 0, hi = meta.shards.count - 1, found: Int?
        while lo <= hi {
            let mid = (lo + hi) / 2
            if !utf16Less(term, meta.shards[mid]) { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        return found
    }

    func shard(_ k: Int) throws -> [String: String] {
        if let s = shards[k] { return s }
        guard let data = FileManager.default.contents(atPath: base + "t\(k).js") else {
            throw SearchError.corrupt("missing \(base)t\(k).js")
        }
        bytesRead += data.count
        let s = try SiteIndex.unwrap(data, as: SiteIndex.Shard.self)
        let map = Dictionary(zip(s.terms, s.postings), uniquingKeysWith: { a, _ in a })
        shards[k] = map
        return map
    }

    public func postings(_ term: String) throws -> [Posting] {
        guard let k = shardNumber(term) else { return [] }
        return try shard(k)[term].map(PostingCodec.decode) ?? []
    }

    public func terms(withPrefix prefix: String) throws -> [String] {
        guard var k = shardNumber(prefix) ?? (meta.shards.isEmpty ? nil : 0) else { return [] }
        var out: [String] = []
        while k < meta.shards.count {
            if k > 0, k != shardNumber(prefix), !meta.shards[k].utf16.starts(with: prefix.utf16) { break }
            out += try shard(k).keys.filter { $0.utf16.starts(with: prefix.utf16) }
            k += 1
        }
        return out
    }

    public func errorSignatures() throws -> [ErrorSignatureKey] {
        meta.errors.compactMap { e in
            e.count == 4 ? ErrorSignatureKey(length: e[0], hash: UInt32(truncatingIfNeeded: e[1]), doc: e[2],
                                             kind: ErrorSignatureKey.Kind(rawValue: e[3]) ?? .generic) : nil
        }
    }

    public func vocabulary(length: Int) throws -> [String] {
        guard meta.vocab?.contains(length) == true else { return [] }
        guard let data = FileManager.default.contents(atPath: base + "v\(length).js") else {
            throw SearchError.corrupt("missing \(base)v\(length).js")
        }
        bytesRead += data.count
        return try SiteIndex.unwrap(data, as: SiteIndex.Vocab.self).terms
    }

    public func synonyms() throws -> [SynonymGroup] { meta.synonyms ?? [] }

    public func signatures() throws -> [Signature] {
        guard let data = FileManager.default.contents(atPath: base + "signatures.js") else { return [] }
        let s = try SiteIndex.unwrap(data, as: SiteIndex.Signatures.self)
        return s.items.compactMap { item in
            guard item.count == 3, let doc = Int(item[0]) else { return nil }
            return Signature(lang: lang, doc: doc, text: item[1], isRegex: item[2] == "regex")
        }
    }

    public func documents(facet: Facet, value: String) throws -> Set<Int> {
        Set(meta.facets[facet.rawValue]?[value].map(PostingCodec.decodeDocs) ?? [])
    }

    public func document(_ n: Int) throws -> SearchDocument {
        if let d = docs[n] { return d }
        let k = n / max(1, meta.per ?? 1)
        guard let data = FileManager.default.contents(atPath: base + "d/\(k).js") else {
            throw SearchError.corrupt("missing \(base)d/\(k).js")
        }
        bytesRead += data.count
        for doc in try SiteIndex.unwrap(data, as: SiteIndex.Docs.self).d {
            var fields = Array(repeating: "", count: Field.allCases.count)
            fields[Field.body.rawValue] = doc.text
            let canonical = SiteLayout.canonicalID(articlePath: doc.url, lang: doc.lang)
            docs[doc.n] = SearchDocument(id: doc.id, canonicalID: canonical, lang: doc.lang, url: doc.url, title: doc.title, kind: doc.kind,
                                         summary: doc.summary, platforms: doc.platforms ?? [], tools: doc.tools ?? [], tags: doc.tags ?? [],
                                         errors: [], patterns: [],
                                         fields: fields, path: doc.url, contentHash: "")
        }
        guard let d = docs[n] else { throw SearchError.corrupt("\(base)d/\(k).js does not hold document \(n)") }
        return d
    }
}
