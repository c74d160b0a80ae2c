import Foundation
import GRDB

/// The SQLite search index `kb search` and `kb match` read (`.build-kb/search.sqlite`): documents,
/// each term's encoded postings, error signatures and facets, per language.
public final class SearchStore: @unchecked Sendable {
    /// Bump when the tokenizer, the weights or the tables change: the index is then rebuilt.
    public static let formatVersion = "kb-search-6"

    let queue: DatabaseQueue

    public init(path: String, readOnly: Bool = false) throws {
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
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS docs (lang TEXT NOT NULL, n INTEGER NOT NULL, path TEXT NOT NULL,
                    hash TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (lang, n));
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
                """)
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'")
            if stored != Self.formatVersion {
                // An older format's tables may lack columns: start over.
                try db.execute(sql: "DROP TABLE errors; CREATE TABLE errors (lang TEXT NOT NULL, length INTEGER NOT NULL, hash INTEGER NOT NULL, doc INTEGER NOT NULL, kind INTEGER NOT NULL); DELETE FROM vocab;")
                try db.execute(sql: "DELETE FROM docs; DELETE FROM terms; DELETE FROM errors; DELETE FROM facets; DELETE FROM signatures; DELETE FROM meta;")
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

    /// Documents of the last index by source path, to reuse those whose content hash is unchanged.
    public func previousDocuments() throws -> [String: SearchDocument] {
        let decoder = JSONDecoder()
        return try queue.read { db in
            var out: [String: SearchDocument] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, data FROM docs") {
                if let d = try? decoder.decode(SearchDocument.self, from: row["data"] as Data) { out[row["path"]] = d }
            }
            return out
        }
    }

    /// Where each source path's document was: language, number and the document itself.
    public func previousPlacement() throws -> [String: (lang: String, n: Int, doc: SearchDocument)] {
        let decoder = JSONDecoder()
        return try queue.read { db in
            var out: [String: (lang: String, n: Int, doc: SearchDocument)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, lang, n, data FROM docs") {
                if let d = try? decoder.decode(SearchDocument.self, from: row["data"] as Data) { out[row["path"]] = (row["lang"], row["n"], d) }
            }
            return out
        }
    }

    /// Replaces the whole index.
    public func save(_ indexes: [LanguageIndex], fingerprint: String) throws {
        let encoder = JSONEncoder()
        try queue.write { db in
            try db.execute(sql: "DELETE FROM docs; DELETE FROM terms; DELETE FROM errors; DELETE FROM facets; DELETE FROM signatures; DELETE FROM vocab; DELETE FROM meta WHERE key <> 'format';")
            let docStatement = try db.makeStatement(sql: "INSERT INTO docs (lang, n, path, hash, data) VALUES (?, ?, ?, ?, ?)")
            let termStatement = try db.makeStatement(sql: "INSERT INTO terms (lang, term, postings) VALUES (?, ?, ?)")
            let errorStatement = try db.makeStatement(sql: "INSERT INTO errors (lang, length, hash, doc, kind) VALUES (?, ?, ?, ?, ?)")
            let vocabStatement = try db.makeStatement(sql: "INSERT INTO vocab (lang, len, term) VALUES (?, ?, ?)")
            let facetStatement = try db.makeStatement(sql: "INSERT INTO facets (lang, facet, value, doc) VALUES (?, ?, ?, ?)")
            let signatureStatement = try db.makeStatement(sql: "INSERT INTO signatures (lang, doc, text, regex) VALUES (?, ?, ?, ?)")
            for (i, index) in indexes.enumerated() {
                let lang = index.lang
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["lang:\(i)", lang])
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["count:\(lang)", String(index.documents.count)])
                let synonyms = String(decoding: try encoder.encode(index.synonymGroups), as: UTF8.self)
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: ["synonyms:\(lang)", synonyms])
                for (n, d) in index.documents.enumerated() {
                    try docStatement.execute(arguments: [lang, n, d.path, d.contentHash, try encoder.encode(d)])
                    for facet in [Facet.kind, .platform, .tool, .tag] {
                        for v in Set(d.facetValues(facet)) { try facetStatement.execute(arguments: [lang, facet.rawValue, v, n]) }
                    }
                }
                for (term, postings) in index.terms {
                    try termStatement.execute(arguments: [lang, term, PostingCodec.encode(postings)])
                    if Vocabulary.isCandidate(term) { try vocabStatement.execute(arguments: [lang, term.utf16.count, term]) }
                }
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
            try Row.fetchAll(db, sql: "SELECT length, hash, doc, kind FROM errors WHERE lang = ?", arguments: [lang]).map {
                ErrorSignatureKey(length: $0["length"], hash: UInt32(truncatingIfNeeded: $0["hash"] as Int64), doc: $0["doc"],
                                  kind: ErrorSignatureKey.Kind(rawValue: $0["kind"]) ?? .generic)
            }
        }
    }

    public func vocabulary(length: Int) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT term FROM vocab WHERE lang = ? AND len = ?", arguments: [lang, length])
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
        let d = try JSONDecoder().decode(SearchDocument.self, from: data)
        docs[n] = d
        return d
    }

    public func signatures() throws -> [Signature] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT doc, text, regex FROM signatures WHERE lang = ? ORDER BY rowid", arguments: [lang]).map {
                Signature(lang: lang, doc: $0["doc"], text: $0["text"], isRegex: $0["regex"])
            }
        }
    }

    /// Every value of a facet with its document count, for `--json` facets and completions.
    public func facetValues(_ facet: Facet) throws -> [(String, Int)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT value, COUNT(*) AS c FROM facets WHERE lang = ? AND facet = ? GROUP BY value ORDER BY value",
                             arguments: [lang, facet.rawValue]).map { ($0["value"], $0["c"]) }
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
