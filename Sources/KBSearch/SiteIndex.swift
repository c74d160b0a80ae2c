import Foundation
import KBCore
import KBContent

/// The site's search index: plain `.js` files that call `kbSearch.add({...})`, loaded with
/// `<script>` tags so search works from `file://` (no fetch, no modules, no WASM).
///
///     search/<lang>/meta.js       document count, shard boundaries, what the error and facet files hold
///     search/<lang>/t<k>.js       a run of terms (UTF-16 order) with their postings
///     search/<lang>/d/<k>.js      documents 2k and 2k+1: title, url, kind, summary, text for snippets;
///                                 a symptom's cause numbers and error-text terms
///     search/<lang>/e<L>-<b>.js   error signatures of L terms whose mixed hash falls in bucket b
///     search/<lang>/e<L>.js       a filter of those signatures' hashes (for a query with many windows)
///     search/<lang>/f-<facet>.js  facet value → documents (the facet box, filters, `kind:` synonyms)
///     search/<lang>/p<k>.js       toneless pinyin of 512 Han characters (Chinese typos, `HanTypos`)
///     search/<lang>/h<b>.js       the indexed Han bigrams of the readings whose hash falls in bucket b
///
/// A query loads meta.js, the shards holding its terms, the error buckets its own windows hash to,
/// and the files of the documents it shows. meta.js does not grow with the number of error texts
/// or facet values: it holds only their lengths, bucket counts and file sizes.
/// Documents travel two to a file: a page of ten results loads ten files, so the bytes a query
/// loads grow with the documents per file (eight a file: 110–230 KB for ten results at 100,000
/// articles; two: 53–60 KB), while one file per page would make the search index most of the
/// files a build creates, and creating files is what a build spends its time on.
/// Term shards are small (4–16 KB of postings) for the same reason: a query loads the whole shard
/// of each of its terms, so a rare term costs a shard (with 16–64 KB a shard, the median shard
/// file at 100,000 articles was 60 KB in English and 22 KB in Chinese; with 4–16 KB, 14 and 5 KB),
/// at the price of a longer shard list in meta.js (11 → 40 KB) and four times the shard files.
public enum SiteIndex {
    public static let version = 7
    /// Documents per `d/<k>.js` file.
    public static let documentsPerFile = 2
    /// Shard sizes in bytes of encoded postings (a term's postings are never split). Boundaries
    /// depend on the terms, not on the bytes before them: a shard ends before the first term past
    /// `shardMinimum` whose hash is a multiple of `shardSpacing` (or at `shardMaximum`). One
    /// changed document then rewrites the shards holding its terms, not every shard after them.
    public static let shardMinimum = 4 * 1024
    public static let shardMaximum = 16 * 1024
    public static let shardSpacing: UInt64 = 16

    /// Whether `term` may start a shard (the content-defined part of the boundary rule).
    static func isBoundary(_ term: String) -> Bool {
        var h = StableHash()
        h.combine(term)
        return h.low % shardSpacing == 0
    }
    /// Characters of body and code text shipped per document for snippets.
    public static let textLimit = 3000
    /// Error signatures per `e<L>-<b>.js` bucket file, on average at most (≈ 600 bytes a file).
    public static let errorsPerBucket = 32
    /// Filter values per signature: a query window that is no error text of its length passes the
    /// length's filter with probability 1 / filterSpacing.
    public static let filterSpacing: UInt32 = 512
    /// Readings per `h<b>.js` homophone bucket, on average at most (≈ 1 KB a file).
    public static let readingsPerBucket = 64
    /// The facets written to `f-<facet>.js` files (lang is a file of its own: the index's language).
    public static let fileFacets: [Facet] = [.kind, .platform, .tool, .tag]

    /// Spreads a signature hash over 32 bits (murmur3's finalizer); search.js `mix` is the same.
    public static func mix(_ hash: UInt32) -> UInt32 {
        var x = hash
        x ^= x >> 16
        x = x &* 0x85EB_CA6B
        x ^= x >> 13
        x = x &* 0xC2B2_AE35
        x ^= x >> 16
        return x
    }

    /// How many bucket files the error signatures of one length travel in.
    public static func bucketCount(entries: Int) -> Int { max(1, (entries + errorsPerBucket - 1) / errorsPerBucket) }

    /// The bucket of a signature hash among `buckets`.
    public static func bucket(_ hash: UInt32, of buckets: Int) -> Int { Int(mix(hash) % UInt32(max(1, buckets))) }

    /// The range filter values of `distinct` hashes fall in.
    static func filterRange(distinct: Int) -> UInt32 {
        UInt32(min(UInt64(UInt32.max), UInt64(max(1, distinct)) * UInt64(filterSpacing)))
    }

    public static func errorBucketPath(lang: String, length: Int, bucket: Int) -> String { "search/\(lang)/e\(length)-\(bucket).js" }
    public static func errorFilterPath(lang: String, length: Int) -> String { "search/\(lang)/e\(length).js" }
    public static func facetPath(lang: String, facet: Facet) -> String { "search/\(lang)/f-\(facet.rawValue).js" }
    public static func readingsPath(lang: String, block: Int) -> String { "search/\(lang)/p\(block).js" }
    public static func homophonesPath(lang: String, bucket: Int) -> String { "search/\(lang)/h\(bucket).js" }
    /// The `h<b>.js` bucket of a reading (`jie duan`) among `buckets`: its FNV-1a hash, mixed.
    public static func homophoneBucket(_ reading: String, of buckets: Int) -> Int { bucket(Tokenizer.signatureHash([reading][...]), of: buckets) }

    /// The error files a query needs, as search.js picks them: for every signature length L not
    /// longer than the query, the hashes of the query's L-term windows (plain and shape), each in
    /// its bucket; through the length's filter first when loading the buckets directly would cost
    /// more than the filter and one bucket (`filter` reads it; nil when it is missing). search.js
    /// also goes through a filter that an earlier query loaded.
    /// Every signature a window can match is in a returned bucket: the filter has no false negatives.
    public static func errorFiles(sequence: [String], shape: [String], meta: Meta,
                                  filter: (Int) throws -> ErrorFilter?) rethrows -> (filters: [Int], buckets: [(length: Int, bucket: Int)]) {
        var filters: [Int] = [], buckets: [(Int, Int)] = []
        for e in meta.errors where e.count >= 4 {
            let length = e[0], count = e[1]
            guard length > 0, length <= sequence.count, count > 0 else { continue }
            var hashes = Set<UInt32>()
            for start in 0...(sequence.count - length) {
                hashes.insert(Tokenizer.signatureHash(sequence[start..<(start + length)]))
                if shape.count == sequence.count { hashes.insert(Tokenizer.signatureHash(shape[start..<(start + length)])) }
            }
            let per = Double(e[2]) / Double(count)
            var direct = Set(hashes.map { bucket($0, of: count) })
            if e[3] > 0, Double(direct.count) * per > Double(e[3]) + per, let f = try filter(length) {
                filters.append(length)
                let mayHave = f.membership()
                direct = Set(hashes.filter(mayHave).map { bucket($0, of: count) })
            }
            buckets += direct.sorted().map { (length, $0) }
        }
        return (filters, buckets)
    }

    public struct Meta: Codable, Sendable {
        public var type = "meta"
        public var v = SiteIndex.version
        public var lang: String
        public var count: Int
        public var shards: [String]
        /// The facets that have an `f-<facet>.js` file.
        public var facets: [String]
        /// Per length (in terms) of literal error texts: [length, bucket files, their bytes in
        /// all, bytes of the filter file (0: none, when there is one bucket)], by length.
        public var errors: [[Int]]
        /// Every language of the site, the default first.
        public var langs: [String]?
        /// Word lengths (UTF-16 units) that have a `v<length>.js` vocabulary file for typo candidates.
        public var vocab: [Int]?
        /// This language's synonym groups.
        public var synonyms: [SynonymGroup]?
        /// How many `h<b>.js` homophone buckets there are (with the `p<k>.js` readings); nil: none,
        /// the language is not Chinese or holds no Han bigram.
        public var han: Int?
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

    /// `p<k>.js`: the toneless pinyin of code points `HanTypos.first + k × blockSize` onwards,
    /// separated by spaces, empty for a character without one.
    public struct Readings: Codable, Sendable {
        public var type = "pinyin"
        public var lang: String
        public var k: Int
        public var r: String
    }

    /// `h<b>.js`: reading → the indexed bigrams that read so, concatenated (two code points each).
    public struct Homophones: Codable, Sendable {
        public var type = "homophones"
        public var lang: String
        public var k: Int
        public var r: [String: String]
    }

    /// `e<L>-<b>.js`: the error signatures of one length in one bucket.
    public struct ErrorBucket: Codable, Sendable {
        public var type = "errors"
        public var lang: String
        /// Length in terms.
        public var n: Int
        /// Bucket.
        public var k: Int
        /// hash, doc, kind (ErrorSignatureKey.Kind) per signature.
        public var e: [Int]
    }

    /// `e<L>.js`: `mix(hash) % r` of every signature of one length, sorted, as an encoded
    /// document list (PostingCodec.encodeDocs).
    public struct ErrorFilter: Codable, Sendable {
        public var type = "efilter"
        public var lang: String
        public var n: Int
        public var r: UInt32
        public var s: String

        init(lang: String, length: Int, hashes: [UInt32]) {
            self.lang = lang
            n = length
            let distinct = Set(hashes)
            let range = SiteIndex.filterRange(distinct: distinct.count)
            r = range
            s = PostingCodec.encodeDocs(Set(distinct.map { Int(SiteIndex.mix($0) % range) }).sorted())
        }

        /// A test for "may a signature of this length have this hash" (false: certainly not).
        public func membership() -> (UInt32) -> Bool {
            let set = Set(PostingCodec.decodeDocs(s)), r = max(1, r)
            return { set.contains(Int(SiteIndex.mix($0) % r)) }
        }
    }

    /// `f-<facet>.js`: value → encoded document list.
    public struct FacetFile: Codable, Sendable {
        public var type = "facet"
        public var lang: String
        public var facet: String
        public var values: [String: String]
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
            case platforms = "p", tools = "o", tags = "g", causes = "c", errorWords = "w"
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
        /// A symptom's causes (document numbers) and the terms of its error texts: what a query's
        /// other words are weighed on (docs/search.md §Ranking, step 5); nil for any other page.
        public var causes: [Int]?
        public var errorWords: [String]?
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

    /// The value a site index file holds; a file that is not one (cut short, edited, another
    /// format) is `SearchError.corrupt` naming `path`.
    static func unwrap<T: Decodable>(_ data: Data, as type: T.Type, path: String = "") throws -> T {
        let prefix = Data("kbSearch.add(".utf8)
        let damaged = SearchError.corrupt((path.isEmpty ? "" : path + ": ") + "not a kb search file of this format; rebuild the site")
        guard data.starts(with: prefix) else { throw damaged }
        var body = data.dropFirst(prefix.count)
        while let last = body.last, last == 0x0A || last == 0x3B || last == 0x29 || last == 0x20 { body = body.dropLast() }
        // The closing ")" was stripped with the ";": body ends at the JSON's last brace.
        do { return try JSONDecoder().decode(T.self, from: Data(body)) } catch { throw damaged }
    }

    /// Every file of one language's index: (site-relative path, contents); documents only when
    /// `documents` is true (see `documentFile`).
    public static func files(for index: LanguageIndex, documents: Bool = true) throws -> [(String, Data)] {
        try files(for: index, documents: documents, keeping: nil).map { ($0.0, $0.1 ?? Data()) }
    }

    /// The term shards of a site written from the state an in-place update started from: a shard
    /// of the new index with the same number and bounds (its first term and the next shard's) as
    /// one of these, holding none of the changed terms (`LanguageIndex.changedTerms`), has exactly
    /// that file's bytes.
    /// The same holds for a vocabulary file when no term of its length was added or removed, and for
    /// the homophone and reading files when no Han bigram was.
    public struct KeptShards: Sendable {
        /// The first term of each shard of the site (its meta.js `shards`).
        public var shards: [String]
        /// Terms whose postings differ, added and removed ones included (`LanguageIndex.changedTerms`).
        public var changed: Set<String>
        /// Terms added or removed (`LanguageIndex.addedOrRemovedTerms`).
        public var addedOrRemoved: Set<String>
        /// The site's meta.js `vocab` and `han`.
        public var vocab: [Int]
        public var han: Int?
        public init(shards: [String], changed: Set<String>, addedOrRemoved: Set<String>, vocab: [Int], han: Int?) {
            self.shards = shards
            self.changed = changed
            self.addedOrRemoved = addedOrRemoved
            self.vocab = vocab
            self.han = han
        }
    }

    /// As `files(for:documents:)`, but a term shard that `keeping` shows unchanged comes without its
    /// bytes (nil): it is the current site's file. `sink`: takes each other term shard as soon as it
    /// is made, and then the shard is not listed (a language's shards are ~60 MB at 100,000
    /// articles, twice that while their buffers grow: not held at once when a sink writes them).
    public static func files(for index: LanguageIndex, documents: Bool, keeping: KeptShards?,
                             sink: (@Sendable (String, Data) throws -> Void)? = nil) throws -> [(String, Data?)] {
        let base = "search/\(index.lang)/"
        var out: [(String, Data?)] = []
        let sortedTerms = index.sortedTerms
        // Shards are wrapped on every core, each encoding its own terms' postings; only the
        // boundaries are found in order (each depends on the sizes before it in its shard), from
        // the encoded sizes alone: every term's encoded postings at once were as large as the shards.
        let sizes = sortedTerms.parallelMap { index.encodedSize($0) }
        var runs: [Range<Int>] = []
        var start = 0, size = 0
        for (i, term) in sortedTerms.enumerated() {
            let length = sizes[i]
            if size >= shardMinimum && isBoundary(term) || size > 0 && size + length > shardMaximum {
                runs.append(start..<i)
                start = i
                size = 0
            }
            size += length + term.utf8.count + 6
        }
        if start < sortedTerms.count { runs.append(start..<sortedTerms.count) }
        let shards = runs.map { sortedTerms[$0.lowerBound] }
        var kept = [Bool](repeating: false, count: runs.count)
        if let keeping {
            for n in runs.indices where n < keeping.shards.count && keeping.shards[n] == shards[n] {
                kept[n] = (n + 1 < shards.count ? shards[n + 1] : nil) == (n + 1 < keeping.shards.count ? keeping.shards[n + 1] : nil)
            }
            // A changed term (added, removed or with other postings) falls in the shard whose first
            // term is the last one not after it.
            for term in keeping.changed where !shards.isEmpty {
                var lo = 0, hi = shards.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if utf16Less(term, shards[mid]) { hi = mid } else { lo = mid + 1 }
                }
                kept[max(0, lo - 1)] = false
            }
        }
        let unchanged = kept
        // nil: handed to the sink.
        let wrapped: [Result<Data?, Error>?] = Array(runs.enumerated()).parallelMap { n, run in
            if unchanged[n] { return .success(nil) }
            let path = base + "t\(n).js"
            let made = Result {
                try wrap(Shard(lang: index.lang, n: n, terms: Array(sortedTerms[run]), postings: run.map { index.encoded(sortedTerms[$0]) ?? "" }))
            }
            guard let sink else { return made.map { Optional($0) } }
            do { try sink(path, made.get()) } catch { return .failure(error) }
            return nil
        }
        for (n, shard) in wrapped.enumerated() {
            if let shard { out.append((base + "t\(n).js", try shard.get())) }
        }

        var errorSummary: [[Int]] = []
        var facetNames: [String] = []
        for facet in fileFacets {
            var members: [String: [Int]] = [:]
            for (n, d) in index.documents.enumerated() {
                for v in Set(d.facetValues(facet)) { members[v, default: []].append(n) }
            }
            guard !members.isEmpty else { continue }
            facetNames.append(facet.rawValue)
            let file = FacetFile(lang: index.lang, facet: facet.rawValue, values: members.mapValues(PostingCodec.encodeDocs))
            out.append((facetPath(lang: index.lang, facet: facet), try wrap(file)))
        }
        var byLength: [Int: [String]] = [:]
        for term in sortedTerms where Vocabulary.isCandidate(term) { byLength[term.utf16.count, default: []].append(term) }
        let vocabKept = Set(keeping?.vocab ?? []).subtracting(keeping?.addedOrRemoved.compactMap { Vocabulary.isCandidate($0) ? $0.utf16.count : nil } ?? [])
        for (length, terms) in byLength.sorted(by: { $0.key < $1.key }) {
            out.append((base + "v\(length).js", vocabKept.contains(length) ? nil : try wrap(Vocab(lang: index.lang, n: length, terms: terms))))
        }
        out += try errorFiles(index, summary: &errorSummary).map { ($0.0, $0.1) }
        let han: (files: [(String, Data?)], buckets: Int?)
        if let keeping, let buckets = keeping.han, HanTypos.applies(lang: index.lang),
           !keeping.addedOrRemoved.contains(where: { HanTypos.readingKey($0) != nil }) {
            // The same Han bigrams: the same homophone buckets, and the reading table never changes.
            han = ((0..<buckets).map { (homophonesPath(lang: index.lang, bucket: $0), nil) }
                   + (0..<HanTypos.blockCount).map { (readingsPath(lang: index.lang, block: $0), nil) }, buckets)
        } else {
            let made = try hanFiles(index, sortedTerms: sortedTerms)
            han = (made.files.map { ($0.0, $0.1) }, made.buckets)
        }
        out += han.files
        let meta = Meta(lang: index.lang, count: index.documents.count, shards: shards, facets: facetNames, errors: errorSummary,
                        langs: index.languages, vocab: byLength.keys.sorted(),
                        synonyms: index.synonymGroups.isEmpty ? nil : index.synonymGroups, han: han.buckets, per: documentsPerFile)
        out.append((base + "meta.js", try wrap(meta)))
        let signatures = Signature.all(index.documents, lang: index.lang).map { [String($0.doc), $0.text, $0.isRegex ? "regex" : "text"] }
        out.append((base + "signatures.js", try wrap(Signatures(lang: index.lang, items: signatures))))

        if documents {
            for k in 0..<documentFileCount(index.documents.count) {
                let (path, data) = try documentsFile(index, k)
                out.append((path, data))
            }
        }
        return out
    }

    /// The error files of one language: per length, its buckets and its filter; `summary` gets
    /// meta.js's `errors` rows.
    static func errorFiles(_ index: LanguageIndex, summary: inout [[Int]]) throws -> [(String, Data)] {
        var out: [(String, Data)] = []
        let byLength = Dictionary(grouping: index.errors, by: \.length)
        for (length, keys) in byLength.sorted(by: { $0.key < $1.key }) where length > 0 {
            let count = bucketCount(entries: keys.count)
            var buckets = Array(repeating: [Int](), count: count)
            for key in keys { buckets[bucket(key.hash, of: count)] += [Int(key.hash), key.doc, key.kind.rawValue] }
            var bytes = 0
            for (k, e) in buckets.enumerated() {
                let data = try wrap(ErrorBucket(lang: index.lang, n: length, k: k, e: e))
                bytes += data.count
                out.append((errorBucketPath(lang: index.lang, length: length, bucket: k), data))
            }
            // One bucket is never dearer than a filter and a bucket: no filter file then.
            var filterBytes = 0
            if count > 1 {
                let filter = try wrap(ErrorFilter(lang: index.lang, length: length, hashes: keys.map(\.hash)))
                out.append((errorFilterPath(lang: index.lang, length: length), filter))
                filterBytes = filter.count
            }
            summary.append([length, count, bytes, filterBytes])
        }
        return out
    }

    /// A Chinese index's homophone buckets and the reading table (`HanTypos`); none for another
    /// language or an index without Han bigrams.
    static func hanFiles(_ index: LanguageIndex, sortedTerms: [String]) throws -> (files: [(String, Data)], buckets: Int?) {
        guard HanTypos.applies(lang: index.lang) else { return ([], nil) }
        let groups = HanTypos.groups(sortedTerms)
        guard !groups.isEmpty else { return ([], nil) }
        let count = max(1, (groups.count + readingsPerBucket - 1) / readingsPerBucket)
        var buckets = Array(repeating: [String: String](), count: count)
        for (reading, bigrams) in groups { buckets[homophoneBucket(reading, of: count)][reading] = bigrams.joined() }
        var out: [(String, Data)] = []
        for (k, b) in buckets.enumerated() {
            out.append((homophonesPath(lang: index.lang, bucket: k), try wrap(Homophones(lang: index.lang, k: k, r: b))))
        }
        for k in 0..<HanTypos.blockCount {
            let r = HanTypos.blockReadings(k).joined(separator: " ")
            out.append((readingsPath(lang: index.lang, block: k), try wrap(Readings(lang: index.lang, k: k, r: r))))
        }
        return (out, count)
    }

    /// How many `d/<k>.js` files hold `count` documents.
    public static func documentFileCount(_ count: Int) -> Int { (count + documentsPerFile - 1) / documentsPerFile }

    public static func documentsPath(lang: String, _ k: Int) -> String { "search/\(lang)/d/\(k).js" }

    /// `search/<lang>/d/<k>.js`: what results show, for `documentsPerFile` documents.
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
                       tags: d.tags.isEmpty ? nil : d.tags, causes: d.causeDocs.isEmpty ? nil : d.causeDocs,
                       errorWords: d.causeDocs.isEmpty ? nil : d.errorWords)
        }
        return (documentsPath(lang: index.lang, k), try wrap(Docs(lang: index.lang, k: k, d: docs)))
    }

}

/// Reads a built site's index: `kb search --site DIR` on a machine with no Content/.
public final class ShardReader: IndexReader {
    public let lang: String
    public let documentCount: Int
    let site: String
    let base: String
    let meta: SiteIndex.Meta
    private var shards: [Int: [String: String]] = [:]
    private var docs: [Int: SearchDocument] = [:]
    private var facets: [String: [String: String]] = [:]
    private var errors: [ErrorSignatureKey]?
    private var readingBlocks: [Int: [Substring]] = [:]
    private var homophones: [Int: [String: String]] = [:]
    /// Bytes read, for the benchmark.
    public private(set) var bytesRead = 0

    public init(site: String, lang: String) throws {
        self.site = site
        base = site + "/search/" + lang + "/"
        guard let data = FileManager.default.contents(atPath: base + "meta.js") else {
            throw SearchError.missing("\(site) has no search index for '\(lang)' (search/\(lang)/meta.js): build it with a kb that writes one")
        }
        struct Version: Decodable { var v: Int? }
        let v = (try? SiteIndex.unwrap(data, as: Version.self))?.v
        guard v == SiteIndex.version else {
            throw SearchError.missing("\(site)/search/\(lang)/meta.js is a search index of format \(v.map(String.init) ?? "unknown"), "
                                      + "this kb reads format \(SiteIndex.version): rebuild the site with this kb")
        }
        meta = try SiteIndex.unwrap(data, as: SiteIndex.Meta.self, path: base + "meta.js")
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
        let s = try SiteIndex.unwrap(data, as: SiteIndex.Shard.self, path: base + "t\(k).js")
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

    /// Every error signature: all bucket files (the browser loads only its query's buckets).
    public func errorSignatures() throws -> [ErrorSignatureKey] {
        if let errors { return errors }
        var out: [ErrorSignatureKey] = []
        for e in meta.errors where e.count >= 2 {
            for k in 0..<max(0, e[1]) { out += try errorBucket(length: e[0], bucket: k) }
        }
        errors = out
        return out
    }

    /// The signatures of one bucket file.
    public func errorBucket(length: Int, bucket k: Int) throws -> [ErrorSignatureKey] {
        let b = try read(SiteIndex.errorBucketPath(lang: lang, length: length, bucket: k), as: SiteIndex.ErrorBucket.self)
        guard b.e.count % 3 == 0 else { throw SearchError.corrupt("\(base)e\(length)-\(k).js holds \(b.e.count) numbers, not triples") }
        return stride(from: 0, to: b.e.count, by: 3).map { i in
            ErrorSignatureKey(length: length, hash: UInt32(truncatingIfNeeded: b.e[i]), doc: b.e[i + 1],
                              kind: ErrorSignatureKey.Kind(rawValue: b.e[i + 2]) ?? .generic)
        }
    }

    /// The filter file of one signature length, nil when it has none (no signature of that length,
    /// or all of them in one bucket).
    public func errorFilter(length: Int) throws -> SiteIndex.ErrorFilter? {
        guard meta.errors.contains(where: { $0.count >= 4 && $0[0] == length && $0[3] > 0 }) else { return nil }
        return try read(SiteIndex.errorFilterPath(lang: lang, length: length), as: SiteIndex.ErrorFilter.self)
    }

    /// The signatures a query's windows can match, loading only the files search.js loads for it
    /// (`SiteIndex.errorFiles`).
    public func errorSignatures(sequence: [String], shape: [String]) throws -> [ErrorSignatureKey] {
        let plan = try SiteIndex.errorFiles(sequence: sequence, shape: shape, meta: meta, filter: errorFilter)
        return try plan.buckets.flatMap { try errorBucket(length: $0.length, bucket: $0.bucket) }
    }

    /// Reads a file of the site's index, counting its bytes.
    private func read<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        let full = site + "/" + path
        guard let data = FileManager.default.contents(atPath: full) else { throw SearchError.corrupt("missing \(full)") }
        bytesRead += data.count
        return try SiteIndex.unwrap(data, as: type, path: full)
    }

    public func vocabulary(length: Int) throws -> [String] {
        guard meta.vocab?.contains(length) == true else { return [] }
        guard let data = FileManager.default.contents(atPath: base + "v\(length).js") else {
            throw SearchError.corrupt("missing \(base)v\(length).js")
        }
        bytesRead += data.count
        return try SiteIndex.unwrap(data, as: SiteIndex.Vocab.self, path: base + "v\(length).js").terms
    }

    /// From the `p<k>.js` file holding the character (what search.js loads).
    public func pinyin(_ c: Unicode.Scalar) throws -> String? {
        guard meta.han != nil, let k = HanTypos.block(of: c) else { return nil }
        if readingBlocks[k] == nil {
            let file = try read(SiteIndex.readingsPath(lang: lang, block: k), as: SiteIndex.Readings.self)
            readingBlocks[k] = file.r.split(separator: " ", omittingEmptySubsequences: false)
        }
        let list = readingBlocks[k]!, i = Int(c.value - HanTypos.first) % HanTypos.blockSize
        return i < list.count && !list[i].isEmpty ? String(list[i]) : nil
    }

    /// From the one `h<b>.js` bucket the reading falls in.
    public func hanBigrams(reading: String) throws -> [String] {
        guard let count = meta.han, count > 0 else { return [] }
        let k = SiteIndex.homophoneBucket(reading, of: count)
        if homophones[k] == nil { homophones[k] = try read(SiteIndex.homophonesPath(lang: lang, bucket: k), as: SiteIndex.Homophones.self).r }
        let s = Array((homophones[k]?[reading] ?? "").unicodeScalars)
        return stride(from: 0, to: s.count - 1, by: 2).map { String(String.UnicodeScalarView(s[$0...($0 + 1)])) }
    }

    public func synonyms() throws -> [SynonymGroup] { meta.synonyms ?? [] }

    public func signatures() throws -> [Signature] {
        guard let data = FileManager.default.contents(atPath: base + "signatures.js") else { return [] }
        let s = try SiteIndex.unwrap(data, as: SiteIndex.Signatures.self, path: base + "signatures.js")
        return s.items.compactMap { item in
            guard item.count == 3, let doc = Int(item[0]) else { return nil }
            return Signature(lang: lang, doc: doc, text: item[1], isRegex: item[2] == "regex")
        }
    }

    public func documents(facet: Facet, value: String) throws -> Set<Int> {
        guard meta.facets.contains(facet.rawValue) else { return [] }
        if facets[facet.rawValue] == nil {
            facets[facet.rawValue] = try read(SiteIndex.facetPath(lang: lang, facet: facet), as: SiteIndex.FacetFile.self).values
        }
        return Set(facets[facet.rawValue]?[value].map(PostingCodec.decodeDocs) ?? [])
    }

    public func document(_ n: Int) throws -> SearchDocument {
        if let d = docs[n] { return d }
        let k = n / max(1, meta.per ?? 1)
        guard let data = FileManager.default.contents(atPath: base + "d/\(k).js") else {
            throw SearchError.corrupt("missing \(base)d/\(k).js")
        }
        bytesRead += data.count
        for doc in try SiteIndex.unwrap(data, as: SiteIndex.Docs.self, path: base + "d/\(k).js").d {
            var fields = Array(repeating: "", count: Field.allCases.count)
            fields[Field.body.rawValue] = doc.text
            let canonical = SiteLayout.canonicalID(articlePath: doc.url, lang: doc.lang)
            docs[doc.n] = SearchDocument(id: doc.id, canonicalID: canonical, lang: doc.lang, url: doc.url, title: doc.title, kind: doc.kind,
                                         summary: doc.summary, platforms: doc.platforms ?? [], tools: doc.tools ?? [], tags: doc.tags ?? [],
                                         errors: [], patterns: [],
                                         fields: fields, path: doc.url, contentHash: "",
                                         causeDocs: doc.causes ?? [], errorWords: doc.errorWords ?? [])
        }
        guard let d = docs[n] else { throw SearchError.corrupt("\(base)d/\(k).js does not hold document \(n)") }
        return d
    }
}
