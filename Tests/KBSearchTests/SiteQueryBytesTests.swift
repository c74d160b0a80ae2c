import Foundation
import KBCore
import KBTesting
import Testing
@testable import KBSearch

/// What one browser query loads from a site's search index: a rare term costs a small shard, and
/// ten results cost ten small document files (`bench/query-bytes.sh` measures it at 100,000
/// articles; these check the layout that keeps it small).
@Suite struct SiteQueryBytesTests {
    /// A site index of the shard tests' corpus (3,000 documents over 20,000 made-up words).
    static func site(_ dir: String) throws -> (reader: ShardReader, index: LanguageIndex) {
        let idx = index(IncrementalShardTests.corpus(3000))
        for (path, data) in try SiteIndex.files(for: idx) { try AtomicWrite.write(data, to: dir + "/site/" + path) }
        return (try ShardReader(site: dir + "/site", lang: "en"), idx)
    }

    /// A rare term is looked up in a shard of a few KB: every shard holding more than one term
    /// stays under 16 KB of postings, so a query pays little for each of its terms.
    @Test func aRareTermLoadsASmallShard() throws {
        let dir = try TestSupport.tempDirectory("kb-query-bytes")
        defer { TestSupport.remove(dir) }
        let (reader, idx) = try Self.site(dir)
        let base = dir + "/site/search/en/"
        let shards = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasPrefix("t") && $0.hasSuffix(".js") }
        #expect(shards.count > 40, "\(shards.count) shards")
        for name in shards {
            let data = try #require(FileManager.default.contents(atPath: base + name))
            let shard = try SiteIndex.unwrap(data, as: SiteIndex.Shard.self)
            guard shard.terms.count > 1 else { continue }
            #expect(data.count <= 20 * 1024, "\(name): \(data.count) bytes for \(shard.terms.count) terms")
        }
        // The rarest word of the corpus, looked up alone: one small shard.
        let counts = try idx.sortedTerms.map { (term: $0, count: try idx.postings($0).count) }
        let rare = try #require(counts.min { $0.count < $1.count })
        let before = reader.bytesRead
        #expect(try reader.postings(rare.term).count == rare.count)
        #expect(reader.bytesRead - before <= 20 * 1024, "\(reader.bytesRead - before) bytes for '\(rare.term)'")
    }

    /// A result's document comes from a file of two documents: ten results load at most twenty.
    @Test func aResultLoadsAFileOfTwoDocuments() throws {
        let dir = try TestSupport.tempDirectory("kb-query-bytes-docs")
        defer { TestSupport.remove(dir) }
        let (reader, idx) = try Self.site(dir)
        let meta = try SiteIndex.unwrap(try #require(FileManager.default.contents(atPath: dir + "/site/search/en/meta.js")),
                                        as: SiteIndex.Meta.self)
        #expect(meta.per == 2 && meta.v == SiteIndex.version)
        let file = try SiteIndex.unwrap(try #require(FileManager.default.contents(atPath: dir + "/site/search/en/d/617.js")),
                                        as: SiteIndex.Docs.self)
        #expect(file.d.map(\.n) == [1234, 1235])
        #expect(try reader.document(1235).id == idx.documents[1235].id)
        #expect(FileManager.default.fileExists(atPath: dir + "/site/search/en/d/1499.js"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/site/search/en/d/1500.js"))
    }
}
