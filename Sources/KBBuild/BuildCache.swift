import Foundation
import GRDB
import KBContent
import KBCore

/// The incremental build cache: parsed articles by file (size, mtime, content hash), the render
/// key of every page written, and the fingerprint of the last successful build. SQLite via GRDB.
public final class BuildCache: ParseCache, Sendable {
    /// Bump when the parser or the page models change shape: old entries are then ignored.
    public static let formatVersion = "kb-cache-6"

    private let queue: DatabaseQueue
    /// One cached article's row: what its file was (size, mtime, content hash) and its encoded
    /// article — nil when articles are kept decoded (`keepDecodedArticles`), read when needed.
    private struct Entry {
        var size: Int, mtime: Double, hash: String, data: Data?
    }
    /// Every cached article's row, read on another connection and thread from the moment the cache
    /// opens: the fingerprint step walks the content meanwhile (a no-op build never waits for it).
    private let rows: Background<[String: Entry]>
    private var articlesByPath: [String: Entry] { (try? rows.wait()) ?? [:] }

    public init(path: String, parserKey: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var config = Configuration()
        // Another kb process (a search beside a build) may hold the write lock for a moment.
        config.busyMode = .timeout(10)
        config.journalMode = .wal
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS articles (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL,
                                                     hash TEXT NOT NULL, data BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS pages (output TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,
                                                  PRIMARY KEY (output, path));
                CREATE TABLE IF NOT EXISTS plans (output TEXT PRIMARY KEY, data BLOB NOT NULL);
                """)
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'parser'")
            let key = Self.formatVersion + ":" + parserKey
            if stored != key {
                try db.execute(sql: "DELETE FROM articles; DELETE FROM pages; DELETE FROM plans; DELETE FROM meta;")
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('parser', ?)", arguments: [key])
            }
        }
        // A process that keeps decoded articles reads each row's bytes only when it has not
        // decoded that row before: a `kb serve` rebuild does not read the whole table again. Its
        // first load, with nothing kept yet, reads them all at once (one query, not one per row).
        let lean = Self.kept.withLock { $0.map { !$0.isEmpty } ?? false }
        rows = Background {
            // A row that cannot be read is a miss: the file is parsed again.
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(10)
            let reader = try DatabaseQueue(path: path, configuration: readOnly)
            defer { try? reader.close() }
            return try reader.read { db in
                var out: [String: Entry] = [:]
                // Columns by position, rows from a cursor: by name, each value's lookup lowercased
                // its column's name (a tenth of the rows' time on tldr's 7,600).
                let rows = try Row.fetchCursor(db, sql: "SELECT path, size, mtime, hash" + (lean ? "" : ", data") + " FROM articles")
                while let row = try rows.next() {
                    out[row[0]] = Entry(size: row[1], mtime: row[2], hash: row[3], data: lean ? nil : row[4])
                }
                return out
            }
        }
    }

    public func holds(_ entry: FileEntry) -> Bool {
        articlesByPath[entry.relativePath].map { $0.size == entry.size && $0.mtime == entry.modified } ?? false
    }

    public func article(for entry: FileEntry) -> Article? {
        guard let hit = articlesByPath[entry.relativePath], hit.size == entry.size, hit.mtime == entry.modified else { return nil }
        return decode(hit, path: entry.relativePath)
    }

    /// Articles are kept in `BinaryCodec`'s form: decoding the whole tldr corpus from JSON was a
    /// third of a one-file rebuild. A row that does not decode is a miss (the file is parsed again).
    static func decode(_ data: Data) -> Article? { try? Article.decodeCached([UInt8](data)) }

    /// Articles this process decoded, by path, with the row each came from (its file's size,
    /// mtime and content hash), once `keepDecodedArticles()` was called (`kb serve`, which
    /// rebuilds in one process): the same row gives the same article without reading or decoding
    /// its bytes again (the parser, hence every row's encoding, is the same for the process).
    private static let kept = Locked<[String: (size: Int, mtime: Double, hash: String, article: Article)]?>(nil)
    /// While articles are kept: how many times each path's row was decoded (tests).
    static let decodes = Locked<[String: Int]>([:])

    public static func keepDecodedArticles() { kept.withLock { if $0 == nil { $0 = [:] } } }

    private func decode(_ row: Entry, path: String) -> Article? {
        if let hit = Self.kept.withLock({ $0?[path] }), hit.size == row.size, hit.mtime == row.mtime, hit.hash == row.hash {
            return hit.article
        }
        guard let data = row.data ?? (try? queue.read({ db in
            try Data.fetchOne(db, sql: "SELECT data FROM articles WHERE path = ?", arguments: [path])
        })), let article = Self.decode(data) else { return nil }
        if Self.kept.withLock({ keep in
            guard keep != nil else { return false }
            keep![path] = (row.size, row.mtime, row.hash, article)
            return true
        }) { Self.decodes.withLock { $0[path, default: 0] += 1 } }
        return article
    }

    public func article(path: String, contentHash: String) -> Article? {
        guard let hit = articlesByPath[path], hit.hash == contentHash else { return nil }
        return decode(hit, path: path)
    }

    public func previousArticle(path: String) -> Article? {
        articlesByPath[path].flatMap { decode($0, path: path) }
    }

    /// Stores what this build parsed, forgetting files that are gone.
    public func saveArticles(_ articles: [Article], entries: [FileEntry]) throws {
        let byPath = Dictionary(entries.map { ($0.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
        let current = articlesByPath
        try queue.write { db in
            let keep = Set(articles.map(\.path))
            for path in current.keys where !keep.contains(path) {
                try db.execute(sql: "DELETE FROM articles WHERE path = ?", arguments: [path])
            }
            for a in articles {
                guard let e = byPath[a.path] else { continue }
                if let old = current[a.path], old.size == e.size, old.mtime == e.modified, old.hash == a.contentHash { continue }
                try db.execute(sql: "INSERT OR REPLACE INTO articles (path, size, mtime, hash, data) VALUES (?, ?, ?, ?, ?)",
                               arguments: [a.path, e.size, e.modified, a.contentHash, Data(try BinaryCodec.encode(a))])
            }
        }
    }

    public func pageKeys(output: String) throws -> [String: String] {
        try queue.read { db in
            var out: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, key FROM pages WHERE output = ?", arguments: [output])
            while let row = try rows.next() { out[row[0]] = row[1] }
            return out
        }
    }

    /// Records this build's page keys; `previous` (what `pageKeys(output:)` returned at the start)
    /// limits the writes to the rows that changed: a one-file rebuild rewrites one row, not 7,600.
    public func savePageKeys(_ keys: [String: String], output: String, previous: [String: String]? = nil) throws {
        try queue.write { db in
            guard let previous else {
                try db.execute(sql: "DELETE FROM pages WHERE output = ?", arguments: [output])
                let statement = try db.makeStatement(sql: "INSERT INTO pages (output, path, key) VALUES (?, ?, ?)")
                for (path, key) in keys { try statement.execute(arguments: [output, path, key]) }
                return
            }
            let remove = try db.makeStatement(sql: "DELETE FROM pages WHERE output = ? AND path = ?")
            for path in previous.keys where keys[path] == nil { try remove.execute(arguments: [output, path]) }
            let upsert = try db.makeStatement(sql: "INSERT OR REPLACE INTO pages (output, path, key) VALUES (?, ?, ?)")
            for (path, key) in keys where previous[path] != key { try upsert.execute(arguments: [output, path, key]) }
        }
    }

    /// What the last committed build into `output` planned from (`PlanState`); nil: none, or unreadable.
    func planState(output: String) -> PlanState? {
        guard let data = try? queue.read({ db in try Data.fetchOne(db, sql: "SELECT data FROM plans WHERE output = ?", arguments: [output]) })
        else { return nil }
        return try? BinaryCodec.decode(PlanState.self, from: [UInt8](data))
    }

    func savePlanState(_ state: PlanState, output: String) throws {
        let data = Data(try BinaryCodec.encode(state))
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO plans (output, data) VALUES (?, ?)", arguments: [output, data])
        }
    }

    public func meta(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }
}
