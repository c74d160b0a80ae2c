import CKBSystem
import Foundation

/// Builds a folder beside its final place and swaps it in at the end, so a failed build leaves
/// the previous output untouched, and readers never see a half-written site.
///
/// An `overlay` staging (a rebuild that changes a few pages of a large site) holds only the files
/// that changed: the unchanged ones are recorded by `reuse` and stay where they are. Its commit
/// moves each staged file over its old copy (one rename each, after every write has succeeded)
/// and removes the files the new site no longer has — instead of re-linking every unchanged
/// file into a new folder and deleting the old folder, which costs a full pass over the site.
///
/// kb replaces only a folder it created: every staged folder carries `SiteMarker.fileName`, and
/// `OutputPolicy.check` refuses anything else before a build starts. An output folder that is a
/// mount point cannot be renamed, so it is staged inside itself and its contents are swapped.
public final class StagedDirectory: Sendable {
    public let destination: String
    public let staging: String
    /// The destination is a mount point: swap its entries instead of the folder itself.
    public let inPlace: Bool
    /// Set once the staged folder is in place: then it is no longer removed on deinit.
    private let committed = Locked(false)
    /// Only changed files are staged; unchanged ones stay in the destination (see above).
    public let overlay: Bool
    /// The destination's files `reuse` kept (overlay only).
    private let kept = Locked<Set<String>>([])

    /// `overlay` is honoured only for an existing destination that kb built and that is not a
    /// mount point; otherwise the whole site is staged.
    public init(destination: String, overlay: Bool = false) throws {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = url.path
        let parent = url.deletingLastPathComponent().path
        let fm = FileManager.default
        try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        inPlace = OutputPolicy.isMountPoint(url.path)
        self.overlay = overlay && !inPlace && SiteMarker.isPresent(in: url.path)
        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let prefix = Self.stagingPrefix(destination: url.path, inPlace: inPlace)
        Self.removeStale(prefix: prefix)
        staging = prefix + token
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try write(SiteMarker.fileName, SiteMarker.contents)
    }

    deinit {
        if !committed.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: staging) }
        cleanup.wait()
    }

    /// `.<name>.kb-staging-` beside the destination, or `.kb-staging-` inside a mount point.
    static func stagingPrefix(destination: String, inPlace: Bool) -> String {
        if inPlace { return destination + "/.kb-staging-" }
        let url = URL(fileURLWithPath: destination)
        return url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).kb-staging-"
    }

    /// Staging folders of builds that were killed: their process is gone and the folder is ours
    /// (it carries the marker). Runs before each build so they never pile up.
    static func removeStale(prefix: String) {
        let dir = (prefix as NSString).deletingLastPathComponent
        let stem = (prefix as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where name.hasPrefix(stem) {
            let rest = name.dropFirst(stem.count)
            guard let pid = Int32(rest.prefix { $0.isNumber }), pid > 0 else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue } // still running
            let full = dir + "/" + name
            let core = full.hasSuffix(".old") ? String(full.dropLast(4)) : full
            guard SiteMarker.isPresent(in: full) || SiteMarker.isPresent(in: core) || full.hasSuffix(".old") else { continue }
            try? FileManager.default.removeItem(atPath: full)
        }
    }

    public func path(_ relative: String) -> String { staging + "/" + relative }

    public func write(_ relative: String, _ data: Data) throws {
        let full = path(relative)
        let dir = (full as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: dir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        // Plain writes: the staging folder as a whole is what becomes visible atomically, so a
        // per-file temp+fsync (what FileManager.createFile does) would only cost time.
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DiagnosticError(.error("cannot write \(full): \(String(cString: strerror(errno)))", rule: .io, at: nil))
        }
        defer { close(fd) }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard ok else {
            throw DiagnosticError(.error("cannot write \(full): \(String(cString: strerror(errno)))", rule: .io, at: nil))
        }
    }

    public func write(_ relative: String, _ text: String) throws { try write(relative, Data(text.utf8)) }

    /// Reuses the destination's current copy of `relative` (a hard link, else a copy).
    /// Returns false when there is none.
    public func reuse(_ relative: String) -> Bool {
        let old = destination + "/" + relative
        let new = path(relative)
        // access(2), not FileManager: an edit's rebuild asks this of ~12,000 files on tldr.
        guard access(old, F_OK) == 0 else { return false }
        if overlay {
            kept.withLock { _ = $0.insert(relative) }
            return true
        }
        let dir = (new as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: dir) {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        if link(old, new) == 0 { return true }
        return (try? FileManager.default.copyItem(atPath: old, toPath: new)) != nil
    }

    /// Puts the staged folder in place of the destination, atomically where the OS allows it.
    public func commit() throws {
        let fm = FileManager.default
        // Keep a `.gitignore` or README that the destination folder carries in the repo.
        for keep in [".gitignore", ".gitkeep"] where fm.fileExists(atPath: destination + "/" + keep)
            && !fm.fileExists(atPath: path(keep)) {
            try? fm.copyItem(atPath: destination + "/" + keep, toPath: path(keep))
        }
        if inPlace { return try commitInPlace() }
        if overlay { return try commitOverlay() }
        if fm.fileExists(atPath: destination) {
            if kb_exchange_paths(staging, destination) == 0 {
                committed.withLock { $0 = true }
                removeInBackground(staging) // now holds the previous output
                return
            }
            let old = staging + ".old"
            guard rename(destination, old) == 0 else {
                throw DiagnosticError(.error("cannot move \(destination) aside: \(String(cString: strerror(errno)))", rule: .io, at: nil))
            }
            guard rename(staging, destination) == 0 else {
                let code = errno
                _ = rename(old, destination)
                throw DiagnosticError(.error("cannot move the new site into place: \(String(cString: strerror(code)))", rule: .io, at: nil))
            }
            committed.withLock { $0 = true }
            removeInBackground(old)
        } else {
            guard rename(staging, destination) == 0 else {
                throw DiagnosticError(.error("cannot move the new site into place: \(String(cString: strerror(errno)))", rule: .io, at: nil))
            }
            committed.withLock { $0 = true }
        }
    }

    /// Removing the previous site (thousands of files) runs beside what the caller does next —
    /// the build records its cache meanwhile — and `waitForCleanup` waits for it. A process that
    /// exits first leaves the folder to the next build's `removeStale` (it carries the marker).
    private let cleanup = DispatchGroup()

    private func removeInBackground(_ path: String) {
        cleanup.enter()
        let done = cleanup
        Thread.detachNewThread {
            try? FileManager.default.removeItem(atPath: path)
            done.leave()
        }
    }

    /// Waits until the previous site replaced by `commit` is gone.
    public func waitForCleanup() { cleanup.wait() }

    /// Moves every staged file over its old copy, then removes the destination's files that were
    /// neither staged nor kept, and folders left empty. All writes happened before: what can fail
    /// here is a rename within one folder tree.
    private func commitOverlay() throws {
        let fm = FileManager.default
        let staged = Self.files(under: staging)
        var made = Set<String>()
        for rel in staged.sorted() {
            let target = destination + "/" + rel
            let dir = (target as NSString).deletingLastPathComponent
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: dir, isDirectory: &isDir), !isDir.boolValue { try? fm.removeItem(atPath: dir) }
            if !made.contains(dir) {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                made.insert(dir)
            }
            if fm.fileExists(atPath: target, isDirectory: &isDir), isDir.boolValue { try fm.removeItem(atPath: target) }
            guard rename(staging + "/" + rel, target) == 0 else {
                throw DiagnosticError(.error("cannot move \(rel) into the site: \(String(cString: strerror(errno)))", rule: .io, at: nil))
            }
        }
        committed.withLock { $0 = true }
        let keep = kept.withLock { $0 }.union(staged).union([".gitignore", ".gitkeep"])
        var folders = Set<String>()
        for rel in Self.files(under: destination) where !keep.contains(rel) {
            _ = unlink(destination + "/" + rel)
            folders.insert((rel as NSString).deletingLastPathComponent)
        }
        // Deepest first: a folder emptied by the removals above goes, and then its parent may.
        for folder in folders.sorted(by: { $0.count > $1.count }) where !folder.isEmpty {
            var f = folder
            while !f.isEmpty, rmdir(destination + "/" + f) == 0 { f = (f as NSString).deletingLastPathComponent }
        }
        try? fm.removeItem(atPath: staging)
    }

    /// Every file under `root` (not folders), as paths relative to it; readdir only.
    static func files(under root: String) -> [String] {
        var out: [String] = []
        var folders = [""]
        while let rel = folders.popLast() {
            guard let dir = opendir(rel.isEmpty ? root : root + "/" + rel) else { continue }
            defer { closedir(dir) }
            while let item = readdir(dir) {
                let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." { continue }
                let child = rel.isEmpty ? name : rel + "/" + name
                var type = item.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    if lstat(root + "/" + child, &st) == 0 { type = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG) }
                }
                if type == UInt8(DT_DIR) { folders.append(child) } else { out.append(child) }
            }
        }
        return out
    }

    /// A mount point stays where it is: its old entries move into a hidden folder inside it, the
    /// staged entries move up (renames within one file system), then the old ones are removed.
    /// If a move fails, what moved is put back.
    private func commitInPlace() throws {
        let fm = FileManager.default
        let stagingName = (staging as NSString).lastPathComponent
        let old = destination + "/" + stagingName + ".old"
        try fm.createDirectory(atPath: old, withIntermediateDirectories: false)
        var movedOut: [String] = [], movedIn: [String] = []
        func undo() {
            for name in movedIn { _ = rename(destination + "/" + name, staging + "/" + name) }
            for name in movedOut { _ = rename(old + "/" + name, destination + "/" + name) }
            try? fm.removeItem(atPath: old)
        }
        let current = (try fm.contentsOfDirectory(atPath: destination)).sorted()
        for name in current where !name.hasPrefix(".kb-staging-") {
            guard rename(destination + "/" + name, old + "/" + name) == 0 else {
                let code = errno
                undo()
                throw DiagnosticError(.error("cannot move \(destination)/\(name) aside: \(String(cString: strerror(code)))", rule: .io, at: nil))
            }
            movedOut.append(name)
        }
        for name in (try fm.contentsOfDirectory(atPath: staging)).sorted() {
            guard rename(staging + "/" + name, destination + "/" + name) == 0 else {
                let code = errno
                undo()
                throw DiagnosticError(.error("cannot move the new site into place: \(String(cString: strerror(code)))", rule: .io, at: nil))
            }
            movedIn.append(name)
        }
        committed.withLock { $0 = true }
        try? fm.removeItem(atPath: staging)
        try? fm.removeItem(atPath: old)
    }
}

/// The file inside every folder kb builds: proof that kb may replace that folder.
public enum SiteMarker {
    public static let fileName = ".kb-site"
    public static let contents = "This folder was generated by kb; kb may replace it on the next build.\n"

    public static func isPresent(in folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/" + fileName)
    }
}

/// Which folders a build may write its site into. Checked before any work starts.
public enum OutputPolicy {
    /// Refuses, with a message naming the folder, an output that is the content folder, the KB
    /// root or a parent of either; a file; a read-only folder; or a non-empty folder that kb did
    /// not build (unless `force`, the user's explicit `--force-output`). An output inside the
    /// content folder is fine: the content walk skips folders that carry the site marker.
    public static func check(output: String, protecting protected: [(what: String, path: String)], force: Bool) throws(DiagnosticError) {
        let out = realPath(output)
        func refuse(_ message: String, _ rule: Rule = .outputUnsafe) -> DiagnosticError {
            DiagnosticError(.error(message, rule: rule, at: nil))
        }
        if out == "/" { throw refuse("refusing to write the site to /: choose an empty folder or one kb built") }
        for (what, path) in protected {
            let p = realPath(path)
            if p == out {
                throw refuse("refusing to write the site to \(output): it is the \(what); kb would replace it. Choose another --output")
            }
            if p.hasPrefix(out + "/") {
                throw refuse("refusing to write the site to \(output): it contains the \(what) (\(path)); kb would replace it. Choose another --output")
            }
        }
        var st = stat()
        guard lstat(output, &st) == 0 else { return } // does not exist yet: kb creates it
        if (st.st_mode & S_IFMT) == S_IFLNK, !force {
            throw refuse("refusing to replace \(output): it is a symbolic link, not a folder kb built; pass --force-output to write through it")
        }
        var target = stat()
        guard stat(output, &target) == 0, (target.st_mode & S_IFMT) == S_IFDIR else {
            throw refuse("refusing to write the site to \(output): it exists and is not a folder")
        }
        if (target.st_mode & 0o200) == 0 || isReadOnlyFileSystem(output) {
            throw refuse("cannot write the site to \(output): the folder is read-only",  .outputReadOnly)
        }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? [])
            .filter { ![".gitignore", ".gitkeep", ".DS_Store"].contains($0) && !$0.hasPrefix(".kb-staging-") }
        if !entries.isEmpty, !isKBSite(output), !force {
            throw refuse("refusing to replace \(output): it is not empty and was not built by kb (no \(SiteMarker.fileName) inside). Choose an empty folder, or pass --force-output to replace it")
        }
    }

    /// Built by kb: the marker, or (sites built before the marker existed) kb's sources pack.
    public static func isKBSite(_ folder: String) -> Bool {
        SiteMarker.isPresent(in: folder) || FileManager.default.fileExists(atPath: folder + "/_kb/content.json")
    }

    public static func isMountPoint(_ path: String) -> Bool {
        var st = stat(), parent = stat()
        guard stat(path, &st) == 0, stat((path as NSString).appendingPathComponent(".."), &parent) == 0 else { return false }
        return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino
    }

    static func isReadOnlyFileSystem(_ path: String) -> Bool {
        var vfs = statvfs()
        return statvfs(path, &vfs) == 0 && (vfs.f_flag & UInt(ST_RDONLY)) != 0
    }

    /// The path with symbolic links resolved, also for a path whose tail does not exist yet.
    public static func realPath(_ path: String) -> String {
        var head = URL(fileURLWithPath: path).standardizedFileURL.path
        var tail: [String] = []
        while !FileManager.default.fileExists(atPath: head), head != "/" {
            tail.insert((head as NSString).lastPathComponent, at: 0)
            head = (head as NSString).deletingLastPathComponent
        }
        var resolved = head
        if let r = realpath(head, nil) { resolved = String(cString: r); free(r) }
        return tail.reduce(resolved) { $0 == "/" ? "/" + $1 : $0 + "/" + $1 }
    }
}
