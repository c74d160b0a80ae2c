import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KBContent
import KBCore
import KBSearch
import KBSite

/// Builds the search index from the resolved graph: the SQLite store that `kb search` and
/// `kb match` read, and the `.js` shards the site loads. Documents whose source is unchanged are
/// reused from the store (their Markdown is not parsed again); impacts are recomputed globally.
public enum SearchIndexing {
    public static func storePath(_ project: Project) -> String { project.root + "/.build-kb/search.sqlite" }

    /// Changes whenever a Markdown file under the content folder, kb.yml or the index format
    /// changes. `kb search` computes it on every run, so it walks with readdir and lstat only: on the
    /// tldr corpus (7,601 files) that is milliseconds, where FileManager took hundreds.
    public static func fingerprint(_ project: Project) throws -> String {
        var h = StableHash()
        h.combine(SearchStore.formatVersion + ":" + String(SiteIndex.version))
        h.combine(SiteBuilder.version)
        h.combine(project.contentDirectory)
        // Each file's (path, size, mtime) hashed on its own and summed: the order readdir returns
        // does not matter, and nothing is sorted or joined.
        var sumA: UInt64 = 0, sumB: UInt64 = 0, count = 0
        var folders: [[UInt8]] = [[]]
        let root = project.contentDirectory
        while let rel = folders.popLast() {
            guard let dir = opendir(root + String(decoding: rel, as: UTF8.self)) else { continue }
            defer { closedir(dir) }
            while let item = readdir(dir) {
                let name: [UInt8] = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                let isMarkdown = name.count > 3 && name.suffix(3) == [0x2E, 0x6D, 0x64] // ".md"
                let type = item.pointee.d_type
                // Hidden entries are skipped like the content loader does, except Markdown pages
                // whose name starts with a dot (tldr's `..md`).
                if name.first == UInt8(ascii: "."), !(isMarkdown && type != UInt8(DT_DIR)) { continue }
                if type == UInt8(DT_DIR) { folders.append(rel + [0x2F] + name); continue }
                guard isMarkdown || type == UInt8(DT_UNKNOWN) else { continue }
                var st = stat()
                let ok = name.withUnsafeBufferPointer { buf -> Bool in
                    var cname = Array(buf) + [0]
                    return cname.withUnsafeMutableBufferPointer { fstatat(dirfd(dir), $0.baseAddress!, &st, AT_SYMLINK_NOFOLLOW) == 0 }
                }
                guard ok else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR { folders.append(rel + [0x2F] + name); continue }
                guard isMarkdown, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                #if canImport(Darwin)
                let (sec, nsec) = (Int64(st.st_mtimespec.tv_sec), Int64(st.st_mtimespec.tv_nsec))
                #else
                let (sec, nsec) = (Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec))
                #endif
                var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x6c62_272e_07bb_0142
                func mix(_ byte: UInt8) {
                    a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                    b = (b ^ UInt64(byte ^ 0x5c)) &* 0x0000_0100_0000_01b3
                }
                for byte in rel { mix(byte) }
                mix(0x2F)
                for byte in name { mix(byte) }
                for v in [Int64(st.st_size), sec, nsec] { withUnsafeBytes(of: v.littleEndian) { for byte in $0 { mix(byte) } } }
                sumA = sumA &+ a
                sumB = sumB &+ b
                count += 1
            }
        }
        h.combine("\(count):\(sumA):\(sumB)")
        if let path = project.configPath, let bytes = try? LocalFileSystem().read(path) { h.combine(bytes: bytes) }
        return h.hex
    }

    /// Refreshes the store from `graph` (SearchIndexer, with the site's addresses and languages).
    @discardableResult
    public static func update(graph: KnowledgeGraph, project: Project, fingerprint: String, reuse: Bool = true) throws -> SearchIndexer.Output {
        let layout = SiteLayout(config: graph.config)
        return try SearchIndexer.update(graph: graph, contentDirectory: project.contentDirectory, storePath: storePath(project),
                                        languages: PageBuilder(graph: graph).languages, fingerprint: fingerprint, reuse: reuse,
                                        url: { layout.articlePath($0) })
    }

    /// The store for `kb search` inside a KB, rebuilt first when the content changed since.
    /// The existing store, to query at once, and a check that runs meanwhile on another thread:
    /// `isFresh()` waits for it and says whether the store matched the content. A stale answer is
    /// thrown away and asked again of `freshStore` — so a fresh index costs max(query, check), not
    /// their sum. nil when there is no usable store at all.
    public static func speculativeStore(_ project: Project) -> (store: SearchStore, isFresh: @Sendable () -> Bool)? {
        let path = storePath(project)
        guard FileManager.default.fileExists(atPath: path), let store = try? SearchStore(path: path, readOnly: true),
              (try? store.meta("format")) == SearchStore.formatVersion, let stored = try? store.meta("fingerprint") else { return nil }
        let check = FingerprintCheck(project: project, expected: stored)
        return (store, { check.wait() })
    }

    public static func freshStore(_ project: Project) throws -> (store: SearchStore, refreshed: Bool) {
        let fp = try fingerprint(project)
        let path = storePath(project)
        if FileManager.default.fileExists(atPath: path), let store = try? SearchStore(path: path, readOnly: true),
           (try? store.meta("format")) == SearchStore.formatVersion, (try? store.meta("fingerprint")) == fp {
            return (store, false)
        }
        let (_, graph) = try GraphLoader.load(content: project.contentDirectory)
        try update(graph: graph, project: project, fingerprint: fp)
        return (try SearchStore(path: path), true)
    }
}

/// Computes a project's fingerprint on its own thread.
final class FingerprintCheck: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var fresh = false

    init(project: Project, expected: String) {
        let thread = Thread { [self] in
            fresh = (try? SearchIndexing.fingerprint(project)) == expected
            done.signal()
        }
        thread.start()
    }

    func wait() -> Bool {
        done.wait()
        done.signal() // later callers see the same answer
        return fresh
    }
}
