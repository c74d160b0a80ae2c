import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a loader needs to know about one file, cheaply (no read).
public struct FileEntry: Sendable, Hashable {
    /// Path relative to the root walked, with `/` separators.
    public var relativePath: String
    public var size: Int
    public var modified: Double

    public init(relativePath: String, size: Int, modified: Double) {
        self.relativePath = relativePath
        self.size = size
        self.modified = modified
    }
}

/// File access at the edges, so parsing and graph code stay pure and tests can use memory.
public protocol FileSystem: Sendable {
    func read(_ path: String) throws -> [UInt8]
    /// Regular files under `root`, sorted; hidden entries skipped; symlinks that resolve outside
    /// `root` are reported, never followed.
    func walk(_ root: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry]
    func exists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
}

public struct LocalFileSystem: FileSystem {
    public init() {}

    public func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.error("cannot read file", rule: .io, at: SourceLocation(path: path, line: 1, column: 1)))
        }
        return [UInt8](data)
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    public func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Every regular file under `root`, sorted by path, with readdir and fstatat (FileManager's
    /// attributes cost an attribute dictionary and a listxattr per file: most of a one-file
    /// rebuild's walk). Hidden entries are skipped except Markdown pages whose name starts with a
    /// dot (tldr's `..md`); a site kb built inside the folder is left out; a symbolic link is
    /// followed to a file inside `root` only (one pointing out is refused, positioned; one to a
    /// folder is skipped: no cycles).
    public func walk(_ root: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry] {
        let rootPath = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        var out: [FileEntry] = []
        var stack = [""]
        while let rel = stack.popLast() {
            let dir = rel.isEmpty ? rootPath : rootPath + "/" + rel
            guard let handle = opendir(dir) else {
                diagnostics.append(.error("cannot list folder: \(String(cString: strerror(errno)))", rule: .io,
                                          at: SourceLocation(path: dir, line: 1, column: 1)))
                continue
            }
            defer { closedir(handle) }
            var names: [String] = []
            while let item = readdir(handle) {
                let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                guard !name.hasPrefix(".") || (name.hasSuffix(".md") && name.count > 3) else { continue }
                names.append(name)
            }
            // Each entry's stat, on every core for a large folder (the kernel's name lookups are
            // most of the walk: tldr has 3,000 pages in one folder); taken in the listing's order.
            let fd = dirfd(handle), listed = names
            let stats: [Stat?] = names.count < 1024 ? names.map { Stat(fd, $0) }
                : concurrentMap(stride(from: 0, to: names.count, by: 512).map { $0..<min($0 + 512, names.count) }) { range in
                    range.map { Stat(fd, listed[$0]) }
                }.flatMap { $0 }
            for (name, found) in zip(names, stats) {
                guard var st = found?.st else { continue }
                let childRel = rel.isEmpty ? name : rel + "/" + name
                let full = rootPath + "/" + childRel
                if (st.st_mode & S_IFMT) == S_IFLNK {
                    let target = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                    guard target == rootPath || target.hasPrefix(rootPath + "/") else {
                        diagnostics.append(.error("symbolic link points outside the content folder; refused",
                                                  rule: .symlinkOutside, at: SourceLocation(path: full, line: 1, column: 1)))
                        continue
                    }
                    guard stat(target, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else { continue } // no directory links: no cycles
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    // A site kb built inside the content folder is output, never input.
                    if !OutputPolicy.isKBSite(full) { stack.append(childRel) }
                case S_IFREG:
                    #if canImport(Darwin)
                    let (sec, nsec) = (st.st_mtimespec.tv_sec, st.st_mtimespec.tv_nsec)
                    #else
                    let (sec, nsec) = (st.st_mtim.tv_sec, st.st_mtim.tv_nsec)
                    #endif
                    let mtime = Double(sec) + Double(nsec) / 1_000_000_000
                    out.append(FileEntry(relativePath: childRel, size: Int(st.st_size), modified: mtime))
                default:
                    continue
                }
            }
        }
        return out.sorted { $0.relativePath < $1.relativePath }
    }
}

/// One entry's `fstatat` (not following a link) in an open folder; nil when it failed.
private struct Stat: @unchecked Sendable {
    var st: stat
    init?(_ fd: Int32, _ name: String) {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        self.st = st
    }
}
