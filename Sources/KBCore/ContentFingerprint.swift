import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one content fingerprint: what the build cache, the search index and `kb serve`'s watcher
/// compare to tell "changed" from "unchanged". `kb search` computes it on every run, so it walks
/// with readdir and fstatat only: on the tldr corpus (7,601 files) that is milliseconds, where
/// FileManager took hundreds.
public enum ContentFingerprint {
    public enum Files: Sendable {
        /// Every regular file (the site's input: articles and assets).
        case all
        /// Markdown pages only (the search index's input).
        case markdown
    }

    /// Changes when a file under `root` is added, removed, renamed, resized or touched. It walks
    /// what the content loader walks: hidden entries are skipped except Markdown pages whose name
    /// starts with a dot (tldr's `..md`), a site kb built inside the folder is left out, and a
    /// symbolic link counts only as the file inside `root` it points at.
    public static func folder(_ root: String, files: Files) -> String {
        let both = walk(root, files: files)
        return files == .all ? both.all : both.markdown
    }

    /// Both fingerprints of `root` from one walk: a build needs `.all` for its up-to-date check
    /// and `.markdown` for the search index.
    public static func folder(_ root: String) -> (all: String, markdown: String) { walk(root, files: .all) }

    /// Per file, (path, size, mtime) hashed on its own and summed: the order readdir returns does
    /// not matter, nothing is sorted or joined, and folders can be walked on several threads.
    struct Sums: Sendable {
        var a: UInt64 = 0, b: UInt64 = 0, count = 0
        var mdA: UInt64 = 0, mdB: UInt64 = 0, mdCount = 0

        mutating func add(_ other: Sums) {
            a = a &+ other.a; b = b &+ other.b; count += other.count
            mdA = mdA &+ other.mdA; mdB = mdB &+ other.mdB; mdCount += other.mdCount
        }
    }

    private static func walk(_ root: String, files: Files) -> (all: String, markdown: String) {
        // Breadth first until there are folders enough to share, then each of those folders'
        // trees on its own thread: a stat per file is the whole cost (`kb search` pays it on
        // every run), and the kernel answers two threads as fast as one.
        var sums = Sums()
        var frontier: [[UInt8]] = [[]]
        while !frontier.isEmpty && frontier.count < 32 {
            var next: [[UInt8]] = []
            for rel in frontier { scan(root, rel, files: files, into: &sums, folders: &next) }
            frontier = next
        }
        let parts = concurrentMap(frontier) { rel -> Sums in
            var part = Sums()
            var stack = [rel]
            while let r = stack.popLast() { scan(root, r, files: files, into: &part, folders: &stack) }
            return part
        }
        for part in parts { sums.add(part) }
        return ("\(sums.count):\(sums.a):\(sums.b)", "\(sums.mdCount):\(sums.mdA):\(sums.mdB)")
    }

    /// One folder `rel` of `root`: its files into `sums`, its subfolders onto `folders`.
    private static func scan(_ root: String, _ rel: [UInt8], files: Files, into sums: inout Sums, folders: inout [[UInt8]]) {
        let path = root + String(decoding: rel, as: UTF8.self)
        guard let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let item = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            let isMarkdown = name.count > 3 && name.suffix(3) == [0x2E, 0x6D, 0x64] // ".md"
            let type = item.pointee.d_type
            if name.first == UInt8(ascii: "."), !(isMarkdown && type != UInt8(DT_DIR)) { continue }
            if type == UInt8(DT_DIR) {
                if !OutputPolicy.isKBSite(path + "/" + String(decoding: name, as: UTF8.self)) { folders.append(rel + [0x2F] + name) }
                continue
            }
            guard files == .all || isMarkdown || type == UInt8(DT_UNKNOWN) else { continue }
            var st = stat()
            let ok = name.withUnsafeBufferPointer { buf -> Bool in
                var cname = Array(buf) + [0]
                return cname.withUnsafeMutableBufferPointer { fstatat(dirfd(dir), $0.baseAddress!, &st, AT_SYMLINK_NOFOLLOW) == 0 }
            }
            guard ok else { continue }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                // Followed like the content loader follows it: to a file inside the root only.
                let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
                let target = URL(fileURLWithPath: path + "/" + String(decoding: name, as: UTF8.self)).resolvingSymlinksInPath().path
                guard target.hasPrefix(realRoot + "/"), stat(target, &st) == 0,
                      (st.st_mode & S_IFMT) != S_IFDIR else { continue }
            } else if (st.st_mode & S_IFMT) == S_IFDIR {
                if !OutputPolicy.isKBSite(path + "/" + String(decoding: name, as: UTF8.self)) { folders.append(rel + [0x2F] + name) }
                continue
            }
            guard files == .all || isMarkdown, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            #if canImport(Darwin)
            let (sec, nsec) = (Int64(st.st_mtimespec.tv_sec), Int64(st.st_mtimespec.tv_nsec))
            #else
            let (sec, nsec) = (Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec))
            #endif
            var h = StableHash()
            h.combine(bytes: rel)
            h.combine(bytes: CollectionOfOne(0x2F))
            h.combine(bytes: name)
            for v in [Int64(st.st_size), sec, nsec] { withUnsafeBytes(of: v.littleEndian) { h.combine(bytes: $0) } }
            sums.a = sums.a &+ h.a
            sums.b = sums.b &+ h.b
            sums.count += 1
            if isMarkdown {
                sums.mdA = sums.mdA &+ h.a
                sums.mdB = sums.mdB &+ h.b
                sums.mdCount += 1
            }
        }
    }

    /// One file's size and modification time ("" when it does not exist).
    public static func file(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "" }
        #if canImport(Darwin)
        let (sec, nsec) = (Int64(st.st_mtimespec.tv_sec), Int64(st.st_mtimespec.tv_nsec))
        #else
        let (sec, nsec) = (Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec))
        #endif
        return "\(st.st_size):\(sec).\(nsec)"
    }
}
