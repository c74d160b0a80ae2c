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
        // every run), and the kernel answers two threads as fast as one. Until then a large
        // folder's stats are shared instead (tldr keeps 7,600 pages in 7 folders).
        var sums = Sums()
        var frontier: [[UInt8]] = [[]]
        while !frontier.isEmpty && frontier.count < 32 {
            var next: [[UInt8]] = []
            for rel in frontier { scan(root, rel, files: files, share: true, into: &sums, folders: &next) }
            frontier = next
        }
        let parts = concurrentMap(frontier) { rel -> Sums in
            var part = Sums()
            var stack = [rel]
            while let r = stack.popLast() { scan(root, r, files: files, share: false, into: &part, folders: &stack) }
            return part
        }
        for part in parts { sums.add(part) }
        return ("\(sums.count):\(sums.a):\(sums.b)", "\(sums.mdCount):\(sums.mdA):\(sums.mdB)")
    }

    /// Files of one folder to stat: their names, each NUL-terminated, one after another.
    private struct Names: Sendable {
        var bytes: [UInt8] = []
        var starts: [Int] = []
    }

    /// Entries per thread when a folder's stats are shared.
    static let shareChunk = 256

    /// One folder `rel` of `root`: its files into `sums`, its subfolders onto `folders`. The names
    /// are read first and stated after (on several threads when `share` and there are many).
    private static func scan(_ root: String, _ rel: [UInt8], files: Files, share: Bool, into sums: inout Sums, folders: inout [[UInt8]]) {
        let path = root + String(decoding: rel, as: UTF8.self)
        guard let dir = opendir(path) else { return }
        defer { closedir(dir) }
        var names = Names()
        while let item = readdir(dir) {
            let type = item.pointee.d_type
            withUnsafeBytes(of: item.pointee.d_name) { raw in
                let name = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                               count: raw.firstIndex(of: 0) ?? raw.count)
                let isMarkdown = isMarkdownName(name)
                if name.first == UInt8(ascii: "."), !(isMarkdown && type != UInt8(DT_DIR)) { return }
                if type == UInt8(DT_DIR) {
                    if !OutputPolicy.isKBSite(path + "/" + String(decoding: name, as: UTF8.self)) { folders.append(rel + [0x2F] + Array(name)) }
                    return
                }
                guard files == .all || isMarkdown || type == UInt8(DT_UNKNOWN) else { return }
                names.starts.append(names.bytes.count)
                names.bytes.append(contentsOf: name)
                names.bytes.append(0)
            }
        }
        let fd = dirfd(dir), listed = names
        let total = listed.starts.count
        if share && total >= 2 * shareChunk {
            let ranges = stride(from: 0, to: total, by: shareChunk).map { $0..<min($0 + shareChunk, total) }
            let parts = concurrentMap(ranges) { range -> (Sums, [[UInt8]]) in
                var part = Sums(), found: [[UInt8]] = []
                for i in range { Self.count(root, rel, path, fd: fd, listed, i, files: files, into: &part, folders: &found) }
                return (part, found)
            }
            for (part, found) in parts { sums.add(part); folders += found }
        } else {
            for i in 0..<total { Self.count(root, rel, path, fd: fd, listed, i, files: files, into: &sums, folders: &folders) }
        }
    }

    private static func isMarkdownName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = name.count
        return n > 3 && name[n - 3] == 0x2E && name[n - 2] == 0x6D && name[n - 1] == 0x64 // ".md"
    }

    /// The `i`th of `names` in the folder open as `fd`: hashed into `sums` when it is a file to
    /// count; a folder (a link to one, or an entry of unknown type) goes onto `folders`.
    private static func count(_ root: String, _ rel: [UInt8], _ path: String, fd: Int32, _ names: Names, _ i: Int,
                             files: Files, into sums: inout Sums, folders: inout [[UInt8]]) {
        let start = names.starts[i]
        let end = i + 1 < names.starts.count ? names.starts[i + 1] - 1 : names.bytes.count - 1
        names.bytes.withUnsafeBufferPointer { all in
            let name = UnsafeBufferPointer(rebasing: all[start..<end])
            let isMarkdown = isMarkdownName(name)
            var st = stat()
            guard fstatat(fd, UnsafeRawPointer(all.baseAddress! + start).assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW) == 0 else { return }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                // Followed like the content loader follows it: to a file inside the root only.
                let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
                let target = URL(fileURLWithPath: path + "/" + String(decoding: name, as: UTF8.self)).resolvingSymlinksInPath().path
                guard target.hasPrefix(realRoot + "/"), stat(target, &st) == 0,
                      (st.st_mode & S_IFMT) != S_IFDIR else { return }
            } else if (st.st_mode & S_IFMT) == S_IFDIR {
                if !OutputPolicy.isKBSite(path + "/" + String(decoding: name, as: UTF8.self)) { folders.append(rel + [0x2F] + Array(name)) }
                return
            }
            guard files == .all || isMarkdown, (st.st_mode & S_IFMT) == S_IFREG else { return }
            #if canImport(Darwin)
            let (sec, nsec) = (Int64(st.st_mtimespec.tv_sec), Int64(st.st_mtimespec.tv_nsec))
            #else
            let (sec, nsec) = (Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec))
            #endif
            var h = StableHash()
            h.combine(bytes: rel)
            h.combine(bytes: CollectionOfOne(0x2F))
            h.combine(bytes: name)
            var fields = (Int64(st.st_size).littleEndian, sec.littleEndian, nsec.littleEndian)
            withUnsafeBytes(of: &fields) { h.combine(bytes: $0.bindMemory(to: UInt8.self)) }
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
