import Foundation
import GRDB
import KBCore

/// The SQLite search index `kb search` and `kb match` read (`.build-kb/search.sqlite`): documents,
/// each term's encoded postings, error signatures and facets, per language.
public final class SearchStore: Sendable {
    /// Bump when the tokenizer, the weights or the tables change: the index is then rebuilt.
    public static let formatVersion = "kb-search-9.\(StoreCodec.version)"
    /// The form of the site document files whose hashes the `files` table holds.
    static let filesFormat = "\(SiteIndex.version).\(SiteIndex.documentsPerFile).\(SiteIndex.textLimit)"

    let queue: DatabaseQueue
    /// Where the store's file is.
    public let path: String
    static let documentColumns: Set<String> = ["lang", "n", "path", "hash", "digest", "data", "terms"]

    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var config = Configuration()
        // Another kb process (a search beside a build) may hold the write lock for a moment.
        config.busyMode = .timeout(10)
        config.readonly = readOnly
        if !readOnly {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            config.journalMode = .wal
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        guard !readOnly else { return }
        try queue.write { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            // Another format's tables (or a store whose tables are not this format's, whatever its
            // label says) may lack columns: start over.
            let columns = tables.contains("docs") ? Set(try Row.fetchAll(db, sql: "PRAGMA table_info(docs)").map { $0["name"] as String }) : []
            if tables.contains("meta"), try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'") != Self.formatVersion
                || (tables.contains("docs") && columns != Self.documentColumns) {
                for t in tables { try db.execute(sql: "DROP TABLE \(t)") }
            }
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS docs (lang TEXT NOT NULL, n INTEGER NOT NULL, path TEXT NOT NULL,
                    hash TEXT NOT NULL, digest TEXT NOT NULL, data BLOB NOT NULL, terms BLOB NOT NULL, PRIMARY KEY (lang, n));
                CREATE TABLE IF NOT EXISTS files (lang TEXT NOT NULL, k INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (lang, k));
                CREATE TABLE IF NOT EXISTS terms (lang TEXT NOT NULL, term TEXT NOT NULL, postings TEXT NOT NULL,
                    PRIMARY KEY (lang, term)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS errors (lang TEXT NOT NULL, length INTEGER NOT NULL, hash INTEGER NOT NULL,
                    doc INTEGER NOT NULL, kind INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS vocab (lang TEXT NOT NULL, len INTEGER NOT NULL, term TEXT NOT NULL,
                    PRIMARY KEY (lang, len, term)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS signatures (lang TEXT NOT NULL, doc INTEGER NOT NULL, text TEXT NOT NULL,
                    regex INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS facets (lang TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
                    doc INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS facets_by_value ON facets (lang, facet, value);
                CREATE INDEX IF NOT EXISTS facets_by_doc ON facets (lang, doc);
                """)
            if try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'") == nil {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('format', ?)", arguments: [Self.formatVersion])
            }
        }
    }

    public func meta(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func languages() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT value FROM meta WHERE key LIKE 'lang:%' ORDER BY key") }
    }

    /// A document as the store holds it: where it was, its term counts and the digest of its row.
    public struct Stored: Sendable {
        public var lang: String
        public var n: Int
        public var doc: SearchDocument
        public var terms: DocumentTerms
        public var digest: String
    }

    /// The stored documents by source path, to reuse those whose source is unchanged.
    public func stored() throws -> [String: Stored] {
        let rows = try queue.read { db in
            var out: [(String, Int, Data, Data, String)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT lang, n, data, terms, digest FROM docs")
            while let row = try rows.next() { out.append((row[0], row[1], row[2], row[3], row[4])) }
            return out
        }
        // Decoding is most of the time of a one-file rebuild's search step: on every core.
        let decoded: [Stored?] = rows.parallelMap { row in
            guard let doc = try? StoreCodec.decodeDocument(row.2), let terms = try? StoreCodec.decodeTerms(row.3) else { return nil }
            return Stored(lang: row.0, n: row.1, doc: doc, terms: terms, digest: row.4)
        }
        var out: [String: Stored] = [:]
        for s in decoded { if let s { out[s.doc.path] = s } }
        return out
    }

    /// Per language, the document count and the hash of each site document file (`d/<k>.js`) the
    /// store was last saved with.
    /// Hashes recorded for another site format's files (an upgraded kb) are not given: those files
    /// are made again, once. Were they given, a file known by such a hash would never match the
    /// site's copy, and every rebuild would write it again without recording its new hash.
    public func siteFiles() throws -> [String: (count: Int, hashes: [Int: String])] {
        try queue.read { db in
            var out: [String: (count: Int, hashes: [Int: String])] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'count:%'") {
                out[String((row["key"] as String).dropFirst("count:".count))] = (Int(row["value"] as String) ?? -1, [:])
            }
            guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'files-format'") == Self.filesFormat else { return out }
            let rows = try Row.fetchCursor(db, sql: "SELECT lang, k, hash FROM files")
            while let row = try rows.next() { out[row[0], default: (-1, [:])].hashes[row[1]] = row[2] }
            return out
        }
    }

    /// Per language, the average field lengths the stored impacts were computed with.
    public func averages() throws -> [String: [Double]] {
        try queue.read { db in
            var out: [String: [Double]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'avg:%'") {
                let values = (row["value"] as String).split(separator: ",").compactMap { Double(String($0)) }
                if !values.isEmpty { out[String((row["key"] as String).dropFirst("avg:".count))] = values }
            }
            return out
        }
    }

    /// Every term of `lang` with its encoded postings, read in one transaction that also checks
    /// the store still holds `count` documents of `lang` and the state `fingerprint` names; nil
    /// otherwise.
    /// Also the terms in the table's order (UTF-8 byte order: the primary key's).
    public func encodedTerms(lang: String, count: Int, fingerprint: String) throws -> (terms: [String: String], order: [String])? {
        try queue.read { db in
            guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fingerprint'") == fingerprint,
                  try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: ["count:" + lang]) == String(count)
            else { return nil }
            // Sized once: grown term by term, the table was rehashed a dozen times (a quarter of this read).
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM terms WHERE lang = ?", arguments: [lang]) ?? 0
            var out: [String: String] = [:]
            var order: [String] = []
            out.reserveCapacity(total)
            order.reserveCapacity(total)
            let rows = try Row.fetchCursor(db, sql: "SELECT term, postings FROM terms WHERE lang = ? ORDER BY term", arguments: [lang])
            while let row = try rows.next() {
                let term: String = row[0]
                out[term] = row[1]
                order.append(term)
            }
            return (out, order)
        }
    }

    /// Empties every table but the format.
    public func clear() throws {
        try queue.write { db in
            for table in ["docs", "terms", "errors", "vocab", "signatures", "facets", "files"] { try db.execute(sql: "DELETE FROM \(table)") }
            try db.execute(sql: "DELETE FROM meta WHERE key <> 'format'")
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('files-format', ?)", arguments: [Self.filesFormat])
        }
    }

    /// Makes the store hold `indexes`, writing only the rows that differ from what it holds:
    /// one changed article rewrites its document, the terms whose postings moved and the small
    /// per-language tables. `terms` and `digests` run beside each index's documents; `files` are
    /// the hashes of each language's site document files.
    ///
    /// `touched` (beside `indexes`): when not nil, the only terms whose postings can have changed
    /// (`SearchIndexer.touchedTerms`); they alone are compared and written, provided the language
    /// has as many documents and the same average field lengths as stored — else every term is.
    public func save(_ indexes: [LanguageIndex], terms: [[DocumentTerms]], digests: [[String]], files: [[String]], fingerprint: String,
                     touched: [Set<String>?] = []) throws {
        try save(indexes, terms: terms.map(Terms.documents), digests: digests, files: files, fingerprint: fingerprint, touched: touched)
    }

    /// One language's term counts, beside its documents: as strings, or packed (`PackedTerms`).
    public enum Terms: Sendable {
        case documents([DocumentTerms])
        case packed(PackedTerms)

        /// Document `n`'s row (`StoreCodec.encode` of its `DocumentTerms`).
        func encoded(_ n: Int) -> Data {
            switch self {
            case .documents(let terms): return StoreCodec.encode(terms[n])
            case .packed(let packed): return packed.encoded(n)
            }
        }
    }

    public func save(_ indexes: [LanguageIndex], terms: [Terms], digests: [[String]], files: [[String]], fingerprint: String,
                     touched: [Set<String>?] = []) throws {
        try queue.write { db in
            let langs = indexes.map(\.lang)
            var storedMeta: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'count:%' OR key LIKE 'avg:%'") {
                storedMeta[row["key"]] = row["value"]
            }
            let placeholders = langs.map { _ in "?" }.joined(separator: ",")
            for table in ["docs", "terms", "errors", "vocab", "signatures", "facets", "files"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE lang NOT IN (\(placeholders))", arguments: StatementArguments(langs))
            }
            try db.execute(sql: "DELETE FROM meta WHERE key <> 'format'")
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('files-format', ?)", arguments: [Self.filesFormat])
            let docStatement = try db.makeStatement(sql: "INSERT OR REPLACE INTO docs (lang, n, path, hash, digest, data, terms) VALUES (?, ?, ?, ?, ?, ?, ?)")
            let fileStatement = try db.makeStatement(sql: "INSERT OR REPLACE INTO files (lang, k, hash) VALUES (?, ?, ?)")
            let termStatement = try db.makeStatement(sql: "INSERT OR REPLACE INTO terms (lang, term, postings) VALUES (?, ?, ?)")
            let dropTerm = try db.makeStatement(sql: "DELETE FROM terms WHERE lang = ? AND term = ?")
            let vocabStatement = try db.makeStatement(sql: "INSERT OR IGNORE INTO vocab (lang, len, term) VALUES (?, ?, ?)")
            let dropVocab = try db.makeStatement(sql: "DELETE FROM vocab WHERE lang = ? AND len = ? AND term = ?")
            let facetStatement = try db.makeStatement(sql: "INSERT INTO facets (lang, facet, value, doc) VALUES (?, ?, ?, ?)")
            let dropFacets = try db.makeStatement(sql: "DELETE FROM facets WHERE lang = ? AND doc = ?")
            let errorStatement = try db.makeStatement(sql: "INSERT INTO errors (lang, length, hash, doc, kind) VALUES (?, ?, ?, ?, ?)")
            let signatureStatement = try db.makeStatement(sql: "INSERT INTO signatures (lang, doc, text, regex) VALUES (?, ?, ?, ?)")
            for (i, index) in indexes.enumerated() {
                let lang = index.lang
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["lang:\(i)", lang])
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["count:\(lang)", String(index.documents.count)])
                let averages = index.averages.map { String($0) }.joined(separator: ",")
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["avg:\(lang)", averages])
                let synonyms = String(decoding: try JSONEncoder().encode(index.synonymGroups), as: UTF8.self)
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["synonyms:\(lang)", synonyms])

                // Documents: a row is kept when it holds exactly the same document.
                var held: [Int: String] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT n, digest FROM docs WHERE lang = ?", arguments: [lang])
                while let row = try rows.next() { held[row[0]] = row[1] }
                for (n, d) in index.documents.enumerated() where held[n] != digests[i][n] {
                    try docStatement.execute(arguments: [lang, n, d.path, d.contentHash, digests[i][n], StoreCodec.encode(d), terms[i].encoded(n)])
                    if held[n] != nil { try dropFacets.execute(arguments: [lang, n]) }
                    for facet in [Facet.kind, .platform, .tool, .tag] {
                        for v in Set(d.facetValues(facet)) { try facetStatement.execute(arguments: [lang, facet.rawValue, v, n]) }
                    }
                }
                // Only the document files whose hash changed (an edit changes one of 3,800 on tldr).
                var heldFiles: [Int: String] = [:]
                let fileRows = try Row.fetchCursor(db, sql: "SELECT k, hash FROM files WHERE lang = ?", arguments: [lang])
                while let row = try fileRows.next() { heldFiles[row[0]] = row[1] }
                for (k, hash) in files[i].enumerated() where heldFiles[k] != hash { try fileStatement.execute(arguments: [lang, k, hash]) }
                try db.execute(sql: "DELETE FROM files WHERE lang = ? AND k >= ?", arguments: [lang, files[i].count])
                try db.execute(sql: "DELETE FROM docs WHERE lang = ? AND n >= ?", arguments: [lang, index.documents.count])
                try db.execute(sql: "DELETE FROM facets WHERE lang = ? AND doc >= ?", arguments: [lang, index.documents.count])

                // Terms: only those whose encoded postings differ; the vocabulary follows the terms.
                if i < touched.count, let candidates = touched[i], !index.averages.isEmpty,
                   storedMeta["count:\(lang)"] == String(index.documents.count), storedMeta["avg:\(lang)"] == averages {
                    let current = try db.makeStatement(sql: "SELECT postings FROM terms WHERE lang = ? AND term = ?")
                    for term in candidates {
                        let before = try String.fetchOne(current, arguments: [lang, term])
                        let now = index.encoded(term)
                        guard before != now else { continue }
                        if let now {
                            try termStatement.execute(arguments: [lang, term, now])
                            if before == nil, Vocabulary.isCandidate(term) { try vocabStatement.execute(arguments: [lang, term.utf16.count, term]) }
                        } else {
                            try dropTerm.execute(arguments: [lang, term])
                            if Vocabulary.isCandidate(term) { try dropVocab.execute(arguments: [lang, term.utf16.count, term]) }
                        }
                    }
                } else {
                    try writeEveryChangedTerm(db, index, termStatement: termStatement, dropTerm: dropTerm,
                                              vocabStatement: vocabStatement, dropVocab: dropVocab)
                }

                // Error texts and signatures are a few hundred rows: rewritten.
                try db.execute(sql: "DELETE FROM errors WHERE lang = ?; DELETE FROM signatures WHERE lang = ?", arguments: [lang, lang])
                for s in Signature.all(index.documents, lang: lang) {
                    try signatureStatement.execute(arguments: [lang, s.doc, s.text, s.isRegex])
                }
                for e in index.errors {
                    try errorStatement.execute(arguments: [lang, e.length, Int64(e.hash), e.doc, e.kind.rawValue])
                }
            }
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('fingerprint', ?)", arguments: [fingerprint])
        }
    }

    /// Compares every term's encoded postings with the stored ones and writes those that differ.
    private func writeEveryChangedTerm(_ db: Database, _ index: LanguageIndex, termStatement: Statement, dropTerm: Statement,
                                       vocabStatement: Statement, dropVocab: Statement) throws {
        let lang = index.lang
        var old: [String: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT term, postings FROM terms WHERE lang = ?", arguments: [lang])
        while let row = try rows.next() { old[row[0]] = row[1] }
        // In order: the terms table is a B-tree on (lang, term), and rows arriving in its order
        // append to it instead of splitting pages all over it (UTF-16 order is SQLite's byte order
        // but for characters past U+FFFF).
        for term in index.sortedTerms {
            guard let encoded = index.encoded(term) else { continue }
            let before = old.removeValue(forKey: term)
            guard before != encoded else { continue }
            try termStatement.execute(arguments: [lang, term, encoded])
            if before == nil, Vocabulary.isCandidate(term) { try vocabStatement.execute(arguments: [lang, term.utf16.count, term]) }
        }
        for term in old.keys {
            try dropTerm.execute(arguments: [lang, term])
            if Vocabulary.isCandidate(term) { try dropVocab.execute(arguments: [lang, term.utf16.count, term]) }
        }
    }

    public func reader(lang: String) throws -> StoreReader {
        let count = try meta("count:\(lang)").flatMap(Int.init) ?? 0
        return StoreReader(queue: queue, lang: lang, documentCount: count)
    }
}

/// One language of the SQLite store.
public final class StoreReader: IndexReader {
    let queue: DatabaseQueue
    public let lang: String
    public let documentCount: Int
    private var docs: [Int: SearchDocument] = [:]

    init(queue: DatabaseQueue, lang: String, documentCount: Int) {
        self.queue = queue
        self.lang = lang
        self.documentCount = documentCount
    }

    public func postings(_ term: String) throws -> [Posting] {
        let text = try queue.read { db in
            try String.fetchOne(db, sql: "SELECT postings FROM terms WHERE lang = ? AND term = ?", arguments: [lang, term])
        }
        return text.map(PostingCodec.decode) ?? []
    }

    public func terms(withPrefix prefix: String) throws -> [String] {
        try queue.read { db in
            // Every string with this prefix sorts between the prefix and the prefix followed by U+10FFFF.
            try String.fetchAll(db, sql: "SELECT term FROM terms WHERE lang = ? AND term > ? AND term < ?",
                                arguments: [lang, prefix, prefix + "\u{10FFFF}"])
        }
    }

    public func errorSignatures() throws -> [ErrorSignatureKey] {
        try queue.read { db in
            var out: [ErrorSignatureKey] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT length, hash, doc, kind FROM errors WHERE lang = ?", arguments: [lang])
            while let row = try rows.next() {
                out.append(ErrorSignatureKey(length: row[0], hash: UInt32(truncatingIfNeeded: row[1] as Int64), doc: row[2],
                                             kind: ErrorSignatureKey.Kind(rawValue: row[3]) ?? .generic))
            }
            return out
        }
    }

    public func vocabulary(length: Int) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT term FROM vocab WHERE lang = ? AND len = ?", arguments: [lang, length])
        }
    }

    /// From the terms: every indexed term that starts with a character of the first syllable, kept
    /// when the two read `reading` (the store needs no table of its own for them).
    public func hanBigrams(reading: String) throws -> [String] {
        let syllables = reading.split(separator: " ")
        guard syllables.count == 2 else { return [] }
        return try queue.read { db in
            let starting = try db.cachedStatement(sql: "SELECT term FROM terms WHERE lang = ? AND term > ? AND term < ?")
            var out: [String] = []
            for c in HanTypos.characters(reading: String(syllables[0])) {
                let prefix = String(Character(c))
                for t in try String.fetchAll(starting, arguments: [lang, prefix, prefix + "\u{10FFFF}"]) where HanTypos.readingKey(t) == reading {
                    out.append(t)
                }
            }
            return out
        }
    }

    public func synonyms() throws -> [SynonymGroup] {
        let text = try queue.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: ["synonyms:" + lang])
        }
        guard let text else { return [] }
        return (try? JSONDecoder().decode([SynonymGroup].self, from: Data(text.utf8))) ?? []
    }

    public func documents(facet: Facet, value: String) throws -> Set<Int> {
        try queue.read { db in
            Set(try Int.fetchAll(db, sql: "SELECT doc FROM facets WHERE lang = ? AND facet = ? AND value = ?",
                                 arguments: [lang, facet.rawValue, value]))
        }
    }

    public func document(_ n: Int) throws -> SearchDocument {
        if let d = docs[n] { return d }
        let data = try queue.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM docs WHERE lang = ? AND n = ?", arguments: [lang, n])
        }
        guard let data else { throw SearchError.corrupt("no document \(n) in the \(lang) index") }
        let d = try StoreCodec.decodeDocument(data)
        docs[n] = d
        return d
    }

    public func signatures() throws -> [Signature] {
        try queue.read { db in
            var out: [Signature] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT doc, text, regex FROM signatures WHERE lang = ? ORDER BY rowid", arguments: [lang])
            while let row = try rows.next() { out.append(Signature(lang: lang, doc: row[0], text: row[1], isRegex: row[2])) }
            return out
        }
    }
}

public enum SearchError: Error, CustomStringConvertible {
    case corrupt(String)
    case missing(String)
    public var description: String {
        switch self {
        case .corrupt(let s): return "search index is damaged: \(s)"
        case .missing(let s): return s
        }
    }
}
