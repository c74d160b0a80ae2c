import Foundation
import KBContent
import KBCore

/// The one owner of the search index: builds it from a resolved graph, refreshes the SQLite store
/// `kb search` and `kb match` read, and writes the site's `.js` files.
///
/// Nothing is redone for what did not change: a document whose source, address and language are
/// as stored is reused with its cached term counts (its Markdown is neither parsed nor tokenized
/// again); the store rewrites only the rows that differ; and a site file is taken from the
/// previous site only when that copy's own bytes are exactly the new ones (a document file: or
/// when it is known by the hash the store recorded, and that site was written from that store
/// state — which the last committed build records). Impacts depend on
/// corpus-wide counts: after edits in place that leave the document count and the average field
/// lengths as stored, only the terms the edits touched are computed again; otherwise all are.
public enum SearchIndexer {
    /// What one refresh produced: per language, the index and its site document files.
    public struct Output: Sendable {
        public var indexes: [LanguageIndex]
        /// Beside `indexes[i]`, per `d/<k>.js` file: the hash of its bytes, and the bytes when they
        /// had to be made (nil: its documents are as stored, so its hash is known — or `written`).
        public var documentFiles: [[(hash: String, data: Data?, written: Bool)]]
        /// Per language, the site's search files but the document files, made by `prepareSite`:
        /// each with whether the previous site's copy holds exactly these bytes. No bytes (nil): a
        /// term shard the update left as the store's state wrote it (`SiteIndex.KeptShards`).
        public var siteFiles: [[(path: String, data: Data?, same: Bool)]]?
        /// The store's fingerprint the update started from, when some language was updated in place.
        public var updatedFrom: String?
        /// The store's fingerprint whose document file hashes `documentFiles` took (nil: none taken).
        var filesFrom: String?
        /// Set by `prepareSite`: the previous site's search files were written from the state
        /// `filesFrom` names, so its document files known by hash are taken without reading them.
        var siteHoldsStoredFiles = false
        /// How many of `siteFiles` were kept without being made.
        public var keptFiles: Int { siteFiles?.joined().filter { $0.data == nil }.count ?? 0 }
        /// The languages whose impacts were updated from the store's postings (only the terms
        /// that edits in place touched computed again) instead of computed from every document.
        public var updated: [String] = []
        /// The store's refresh, running while the caller writes the site's files (SQLite takes
        /// 0.4 s of a full tldr build on one thread); `saved()` waits for it and rethrows its error.
        var saving: Background<Void>?

        public func saved() throws { try saving?.wait() }
    }

    /// What a refresh reuses from the store, read before the graph is known: the stored documents
    /// with their term counts, and the hashes of the site's document files. A build reads it on
    /// another thread while it loads the content (`SiteBuilder.build`).
    public struct Previous: Sendable {
        var stored: [String: SearchStore.Stored] = [:]
        var files: [String: (count: Int, hashes: [Int: String])] = [:]
        /// The store's fingerprint when these were read: an in-place edit's refresh takes the
        /// stored postings only from a store still holding this state.
        var fingerprint: String?
        /// Per language, the average field lengths the stored impacts were computed with.
        var averages: [String: [Double]] = [:]

        public static func read(storePath: String) throws -> Previous {
            try read(SearchStore(path: storePath))
        }

        static func read(_ store: SearchStore) -> Previous {
            // Read in several transactions: a `kb search` refreshing the store meanwhile changes its
            // fingerprint, and then nothing read is trusted.
            let before = try? store.meta("fingerprint")
            if let before, let kept = SearchIndexer.kept.withLock({ $0.states[store.path] }), kept.fingerprint == before { return kept }
            let previous = Previous(stored: (try? store.stored()) ?? [:], files: (try? store.siteFiles()) ?? [:],
                                    fingerprint: before, averages: (try? store.averages()) ?? [:])
            return before != nil && (try? store.meta("fingerprint")) == before ? previous : Previous()
        }
    }

    /// What this process's last refresh of each store (by path) left in it, once
    /// `keepStateBetweenRefreshes()` was called (`kb serve`, which rebuilds in one process): the
    /// next refresh takes it instead of reading and decoding every stored document again, as long
    /// as the store still holds that state (its fingerprint; a `kb search` beside it may have
    /// refreshed the store).
    static let kept = Locked<(on: Bool, states: [String: Previous])>((false, [:]))

    public static func keepStateBetweenRefreshes() { kept.withLock { $0.on = true } }

    /// Refreshes the store at `storePath` from `graph` (on another thread: call `saved()` on the
    /// result before relying on the store); `url` gives an article's site address and
    /// `languages` the site's languages, the default first; `prepared`: documents already made from
    /// this build's parse, by article path; `previous`: what the store held, when read beforehand. `reuse: false` (a forced build)
    /// makes every document again and rewrites the whole store. `site: false` (`kb search`'s own
    /// refresh, which writes no site) makes no document file: one not known by its stored hash is
    /// recorded as unknown, and the next build makes it. `staged`: the site being built, when it
    /// exists already: a document file made here is written into it at once, not kept (a full
    /// build's are a few hundred megabytes at 100,000 articles).
    public static func update(graph: KnowledgeGraph, contentDirectory: String, storePath: String, languages: [String],
                              fingerprint: String, reuse: Bool = true, site: Bool = true,
                              prepared: [String: SearchDocument] = [:], previous: Previous? = nil, staged: StagedDirectory? = nil,
                              url: @escaping @Sendable (Article) -> String) throws -> Output {
        var timing = Timing()
        let store = try SearchStore(path: storePath)
        if !reuse { try store.clear() }
        let prior = reuse ? previous ?? Previous.read(store) : Previous()
        let stored = prior.stored, storedFiles = prior.files
        timing.lap(previous == nil ? "stored" : "stored (read beforehand)")
        let parser = ArticleParser(config: graph.config)
        var output = Output(indexes: [], documentFiles: [])
        var allTerms: [SearchStore.Terms] = [], allDigests: [[String]] = [], allTouched: [Set<String>?] = []
        typealias Made = (doc: SearchDocument, digest: String, sameSpot: Bool)
        var madeByLang: [[Made]] = [], termsByLang: [SearchStore.Terms] = [], touchedByLang: [Set<String>?] = []
        for lang in languages {
            let members = Array(graph.articles.indices.filter { graph.articles[$0].lang == lang && !graph.articles[$0].isSectionIndex }.enumerated())
            // Every document stored in this language at its number: edits in place, whose impacts
            // may be updated from the stored ones (`touchedTerms` compares term counts as strings).
            // Otherwise every impact is computed, and each slice of documents has its term counts
            // packed as soon as it is made: the corpus's counts are never all held as strings.
            let inPlace = reuse && members.allSatisfy { n, i in
                stored[graph.articles[i].path].map { $0.lang == lang && $0.n == n } ?? false
            }
            let slice = inPlace ? max(members.count, 1) : 2048
            var made: [Made] = [], strings: [DocumentTerms] = [], packed = PackedTerms()
            made.reserveCapacity(members.count)
            for start in stride(from: 0, to: members.count, by: slice) {
                // Per document: itself, its term counts, its row digest, and whether it is the stored
                // document at the same number.
                let part: [(doc: SearchDocument, terms: DocumentTerms, digest: String, sameSpot: Bool)] =
                    Array(members[start..<min(members.count, start + slice)]).parallelMap { n, i in
                        let a = graph.articles[i]
                        let address = url(a)
                        if let old = stored[a.path], old.doc.contentHash == a.contentHash, old.doc.url == address, old.doc.lang == a.lang {
                            return (old.doc, old.terms, old.digest, old.lang == lang && old.n == n)
                        }
                        // Made by the build's render step from the Markdown it had parsed anyway.
                        if let doc = prepared[a.path], doc.contentHash == a.contentHash, doc.url == address, doc.lang == a.lang {
                            return (doc, DocumentTerms(doc), StableHash.of(bytes: StoreCodec.encode(doc)), false)
                        }
                        let bytes = (try? LocalFileSystem().read(contentDirectory + "/" + a.path)) ?? []
                        let doc = SearchDocument.make(article: a, document: parser.document(bytes: bytes, displayPath: a.displayPath), url: address)
                        return (doc, DocumentTerms(doc), StableHash.of(bytes: StoreCodec.encode(doc)), false)
                    }
                for m in part {
                    made.append((m.doc, m.digest, m.sameSpot))
                    if inPlace { strings.append(m.terms) } else { packed.append(m.terms) }
                }
            }
            timing.lap("\(lang) documents (\(made.filter { !$0.sameSpot }.count) of \(made.count) new or moved\(inPlace ? "" : ", terms packed"))")
            madeByLang.append(made)
            termsByLang.append(inPlace ? .documents(strings) : .packed(packed))
            touchedByLang.append(inPlace ? touchedTerms(made, terms: strings, stored: stored, lang: lang) : nil)
        }
        // Each language's impacts on its own thread: they share nothing, and each is one pass in order.
        // After edits in place, only the terms the edits touched are computed again (`updating:`).
        let config = graph.config
        // (In a closure: its copies of the term counts, numbering included, end with it.)
        let indexes: [(index: LanguageIndex, updated: Bool)] = { () -> [(index: LanguageIndex, updated: Bool)] in
            let (madeByLang, termsByLang, touchedByLang) = (madeByLang, termsByLang, touchedByLang)
            return concurrentMap(Array(languages.indices)) { l in
            let lang = languages[l], made = madeByLang[l], touched = touchedByLang[l]
            let synonyms = (config.synonyms[lang] ?? []).map { SynonymGroup(texts: $0.phrases, to: $0.to) }
            let docs = made.map(\.doc)
            switch termsByLang[l] {
            case .packed(let packed):
                return (LanguageIndex(lang: lang, documents: docs, packed: packed, synonyms: synonyms, languages: languages), false)
            case .documents(let terms):
                if let touched, let averages = prior.averages[lang], let fingerprint = prior.fingerprint,
                   let encoded = try? store.encodedTerms(lang: lang, count: made.count, fingerprint: fingerprint),
                   let index = LanguageIndex(lang: lang, documents: docs, terms: terms, updating: encoded.terms, order: encoded.order,
                                             averages: averages, edited: made.indices.filter { !made[$0].sameSpot }, touched: touched,
                                             synonyms: synonyms, languages: languages) {
                    return (index, true)
                }
                return (LanguageIndex(lang: lang, documents: docs, terms: terms, synonyms: synonyms, languages: languages), false)
            }
            }
        }()
        // The store writes each document's row from the packed counts; the numbering is no longer needed.
        termsByLang = termsByLang.map { terms in
            guard case .packed(var packed) = terms else { return terms }
            packed.finish()
            return .packed(packed)
        }
        output.updated = zip(languages, indexes).filter { $0.1.updated }.map(\.0)
        output.updatedFrom = output.updated.isEmpty ? nil : prior.fingerprint
        output.filesFrom = storedFiles.isEmpty ? nil : prior.fingerprint
        timing.lap("impacts (\(zip(languages, indexes).map { "\($0.0)\($0.1.updated ? ": terms the edits touched" : "")" }.joined(separator: ", ")))")
        for (l, lang) in languages.enumerated() {
            let made = madeByLang[l], index = indexes[l].index
            // A document whose causes now resolve to other numbers than its stored copy holds is not
            // as stored: its row and its document file carry the numbers (`LanguageIndex.resolvingCauses`).
            let asStored = made.indices.map { index.documents[$0].causeDocs == made[$0].doc.causeDocs }
            let digests = made.indices.map { asStored[$0] ? made[$0].digest : StableHash.of(bytes: StoreCodec.encode(index.documents[$0])) }
            // A document file is known by its stored hash when its documents all sit where they sat
            // and it holds as many as before; otherwise it is made now.
            let before = storedFiles[lang]
            let per = SiteIndex.documentsPerFile
            if let staged { try FileManager.default.createDirectory(atPath: staged.path("search/\(lang)/d"), withIntermediateDirectories: true) }
            let results: [Result<(hash: String, data: Data?, written: Bool), Error>] = Array(0..<SiteIndex.documentFileCount(made.count)).parallelMap { k in
                let range = (k * per)..<min(made.count, (k + 1) * per)
                if let hash = before?.hashes[k], !hash.isEmpty, range.allSatisfy({ made[$0].sameSpot && asStored[$0] }),
                   range.count == per || before?.count == made.count {
                    return .success((hash, nil, false))
                }
                guard site else { return .success(("", nil, false)) }
                let data = (try? SiteIndex.documentsFile(index, k).1) ?? Data()
                guard let staged else { return .success((StableHash.of(bytes: data), data, false)) }
                return Result {
                    try staged.write(SiteIndex.documentsPath(lang: lang, k), data)
                    return (StableHash.of(bytes: data), nil, true)
                }
            }
            let files = try results.map { try $0.get() }
            timing.lap("\(lang) document files")
            output.indexes.append(index)
            output.documentFiles.append(files)
            allTerms.append(termsByLang[l])
            allDigests.append(digests)
            allTouched.append(touchedByLang[l])
        }
        let (made, hashes) = (output.indexes, output.documentFiles.map { $0.map(\.hash) })
        let (terms, digests, touched) = (allTerms, allDigests, allTouched)
        let keeping = kept.withLock { k in
            k.states[storePath] = nil // from here on, what the store holds is this refresh's
            return k.on
        }
        output.saving = Background {
            var timing = Timing()
            try store.save(made, terms: terms, digests: digests, files: hashes, fingerprint: fingerprint, touched: touched)
            timing.lap("store (beside the site files)")
            if keeping, let state = Previous(saved: made, terms: terms, digests: digests, files: hashes, fingerprint: fingerprint) {
                kept.withLock { $0.states[storePath] = state }
            }
        }
        return output
    }

    /// The only terms whose postings can differ from the store's when every document sits where it
    /// sat and those that changed were edited in place: the terms of their old and new versions
    /// (the store also checks that the document count and the average field lengths are as
    /// stored, which every other impact depends on). nil: a document was added, removed or moved.
    static func touchedTerms(_ made: [(doc: SearchDocument, digest: String, sameSpot: Bool)], terms: [DocumentTerms],
                             stored: [String: SearchStore.Stored], lang: String) -> Set<String>? {
        var touched = Set<String>()
        for (n, m) in made.enumerated() where !m.sameSpot {
            guard let old = stored[m.doc.path], old.lang == lang, old.n == n else { return nil }
            for field in old.terms.counts { touched.formUnion(field.terms) }
            for field in terms[n].counts { touched.formUnion(field.terms) }
        }
        return touched
    }

    /// Makes the site's search files but the document files and compares each with the copy in
    /// `previousSite` (the folder the build will replace), before the staged site exists: an
    /// edit's rebuild does this on its own thread while the pages are planned and rendered.
    /// `siteState`: the store fingerprint the current site's search files were written from (what
    /// the last committed build recorded); when an in-place update started from that same state,
    /// the files it cannot have changed are not made again (`SiteIndex.KeptShards`). `staged`: the
    /// site being built, when it exists: each term shard goes into it as soon as it is made (the
    /// previous site's copy taken when it holds exactly those bytes), and is not listed.
    public static func prepareSite(_ output: inout Output, previousSite: String, siteState: String? = nil,
                                   staged: StagedDirectory? = nil) throws {
        var timing = Timing()
        let fs = LocalFileSystem()
        let from = output.updatedFrom
        output.siteHoldsStoredFiles = siteState != nil && siteState == output.filesFrom
        var sink: (@Sendable (String, Data) throws -> Void)?
        if let staged {
            sink = { @Sendable (path: String, data: Data) throws in
                if let old = try? fs.read(previousSite + "/" + path), old.count == data.count, Data(old) == data, staged.reuse(path) { return }
                try staged.write(path, data)
            }
        }
        output.siteFiles = try output.indexes.map { index -> [(path: String, data: Data?, same: Bool)] in
            defer { timing.lap("\(index.lang) site files made and compared") }
            // The current site's search files were written from the store's state this update
            // started from: its shards that the update cannot have changed are not made again.
            var keeping: SiteIndex.KeptShards?
            if let from, siteState == from, let changed = index.changedTerms,
               let bytes = try? fs.read(previousSite + "/search/\(index.lang)/meta.js"),
               let meta = try? SiteIndex.unwrap(Data(bytes), as: SiteIndex.Meta.self), meta.v == SiteIndex.version {
                keeping = SiteIndex.KeptShards(shards: meta.shards, changed: changed, addedOrRemoved: index.addedOrRemovedTerms ?? changed,
                                               vocab: meta.vocab ?? [], han: meta.han)
            }
            var files = try SiteIndex.files(for: index, documents: false, keeping: keeping, sink: sink)
            // A kept file missing from the current site (removed by hand): everything is made.
            if files.contains(where: { $0.1 == nil && !FileManager.default.fileExists(atPath: previousSite + "/" + $0.0) }) {
                files = try SiteIndex.files(for: index, documents: false, keeping: nil, sink: sink)
            }
            return files.parallelMap { path, data in
                guard let data else { return (path, nil, true) }
                guard let old = try? fs.read(previousSite + "/" + path) else { return (path, data, false) }
                return (path, data, old.count == data.count && Data(old) == data)
            }
        }
    }

    /// Writes the site's search files into `staged`, taking a file from `previousSite` (the folder
    /// being replaced) when its bytes are exactly the new file's, and writing it otherwise.
    public static func writeSite(_ output: Output, into staged: StagedDirectory, previousSite: String) throws {
        var output = output
        if output.siteFiles == nil { try prepareSite(&output, previousSite: previousSite) }
        var timing = Timing()
        let fs = LocalFileSystem()
        for (i, index) in output.indexes.enumerated() {
            try FileManager.default.createDirectory(atPath: staged.path("search/\(index.lang)/d"), withIntermediateDirectories: true)
            let written: [Error?] = (output.siteFiles?[i] ?? []).parallelMap { path, data, same in
                if same, staged.reuse(path) { return nil }
                do {
                    // A kept file that vanished from the current site after `prepareSite` saw it.
                    guard let data else { throw SearchError.corrupt("\(path) vanished from the current site during the build; build again") }
                    try staged.write(path, data)
                } catch { return error }
                return nil
            }
            if let e = written.compactMap({ $0 }).first { throw e }
            let files = output.documentFiles[i], trusted = output.siteHoldsStoredFiles
            let failures: [Error?] = Array(files.indices).parallelMap { k in
                do {
                    let path = SiteIndex.documentsPath(lang: index.lang, k)
                    let (hash, made, written) = files[k]
                    if written { return nil }
                    // Known by its hash: the previous site's copy, when that site was written from
                    // the state the hash was recorded in (it is not read: ~3,800 files on tldr) or
                    // when its bytes have that hash.
                    if made == nil, trusted || (try? fs.read(previousSite + "/" + path)).map({ StableHash.of(bytes: $0) == hash }) == true,
                       staged.reuse(path) {
                        return nil
                    }
                    try staged.write(path, made ?? SiteIndex.documentsFile(index, k).1)
                    return nil
                } catch { return error }
            }
            if let e = failures.compactMap({ $0 }).first { throw e }
            timing.lap("\(index.lang) site files")
        }
    }

    /// Per-phase times on standard error when `KB_SEARCH_TIMING` is set.
    struct Timing {
        private var last = Date()
        private let on = ProcessInfo.processInfo.environment["KB_SEARCH_TIMING"] != nil

        mutating func lap(_ what: String) {
            guard on else { return }
            let memory = ProcessMemory.current().map { ", resident \($0.resident) MB, peak \($0.peak) MB" } ?? ""
            FileHandle.standardError.write(Data("search: \(what) \(String(format: "%.3f", Date().timeIntervalSince(last))) s\(memory)\n".utf8))
            last = Date()
        }
    }
}

extension SearchIndexer.Previous {
    /// What `read` gives back from a store that `SearchStore.save` has just written with these
    /// (nil when a language's term counts are packed: a full refresh, whose next one reads).
    init?(saved indexes: [LanguageIndex], terms: [SearchStore.Terms], digests: [[String]], files: [[String]], fingerprint: String) {
        self.init()
        for (i, index) in indexes.enumerated() {
            guard case .documents(let counts) = terms[i], counts.count == index.documents.count else { return nil }
            for (n, doc) in index.documents.enumerated() {
                stored[doc.path] = SearchStore.Stored(lang: index.lang, n: n, doc: doc, terms: counts[n], digest: digests[i][n])
            }
            self.files[index.lang] = (index.documents.count, Dictionary(uniqueKeysWithValues: files[i].enumerated().map { ($0, $1) }))
            if !index.averages.isEmpty { averages[index.lang] = index.averages }
        }
        self.fingerprint = fingerprint
    }
}
