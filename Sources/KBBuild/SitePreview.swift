import Foundation
import KBContent
import KBCore
import KBSearch
#if canImport(Glibc)
import Glibc
#endif

/// `kb serve` without HTTP: builds the site on a thread of its own, watches the sources, rebuilds
/// when they change and tells waiting pages to reload. The server answers every request from the
/// last good site meanwhile: a build never runs on the threads that answer requests, and a
/// failed build leaves the committed site as it was.
public final class SitePreview: Sendable {
    public let options: BuildOptions
    public let project: Project
    /// Moves on after each build that changed the site.
    public let reload = ReloadSignal()
    /// Builds run here, one at a time, never on Swift's cooperative pool (it has one thread per
    /// core and also runs the request handlers).
    private let builder = DispatchQueue(label: "kb.serve.build", qos: .userInitiated)

    public init(options: BuildOptions, project: Project) {
        self.options = options
        self.project = project
        // Every rebuild here loads the same cached articles: decode each unchanged one once; and
        // refreshes the search store it refreshed last: read its documents once.
        BuildCache.keepDecodedArticles()
        SearchIndexer.keepStateBetweenRefreshes()
    }

    /// One (incremental) build.
    public func build() async -> Result<BuildResult, Error> {
        let options = self.options
        return await withCheckedContinuation { done in
            builder.async { done.resume(returning: Result { try SiteBuilder.build(options) }) }
        }
    }

    /// What is watched: the content folder, Templates/ and kb.yml.
    public var watchedPaths: [String] {
        [project.contentDirectory, project.root + "/Templates"] + (project.configPath.map { [$0] } ?? [])
    }

    /// Watches until cancelled: each change (a burst of them counts once) rebuilds; the reload
    /// signal moves on when a build changed the site, then `built` sees the outcome.
    public func watch(interval: Double, built: @escaping @Sendable (Result<BuildResult, Error>) async -> Void) async {
        let output = Project.absolute(options.output ?? (project.root + "/Site"), from: FileManager.default.currentDirectoryPath)
        let watcher = ChangeWatcher(paths: watchedPaths, ignoring: output, interval: interval)
        defer { watcher.stop() }
        for await _ in watcher.changes {
            let result = await build()
            // Pages reload first: what `built` does with the result (messages, indexes) can wait.
            if case .success(let c) = result, !c.upToDate { await reload.bump() }
            await built(result)
        }
    }
}

/// A version number that pages wait on: `wait(since:)` returns as soon as it moves on.
public actor ReloadSignal {
    public private(set) var version = 0
    private var waiters: [Int: CheckedContinuation<Int, Never>] = [:]
    private var nextWaiter = 0

    public init() {}

    public func bump() {
        version += 1
        let woken = waiters
        waiters = [:]
        for (_, w) in woken { w.resume(returning: version) }
    }

    /// The version once it differs from `since`, or the current one after `timeout` seconds or
    /// when the waiting task is cancelled.
    public func wait(since: Int, timeout: Double) async -> Int {
        guard version == since else { return version }
        let id = nextWaiter
        nextWaiter += 1
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
            await self?.wake(id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiters[id] = $0 }
        } onCancel: {
            Task { await self.wake(id) }
        }
    }

    private func wake(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume(returning: version)
    }
}

/// Tells when watched files change. On Linux, inotify: a save is seen within milliseconds and an
/// idle KB costs nothing; elsewhere (or when inotify is unavailable) the sizes and times of every
/// watched file are compared every `interval` seconds. Names a build ignores (hidden files, editor
/// backups) and the output folder do not count as changes.
public final class ChangeWatcher: Sendable {
    public let paths: [String]
    public let output: String
    public let interval: Double
    /// One element per change (bursts coalesced); ends when stopped.
    public let changes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let stopped = Locked(false)

    /// How long a burst of events must be quiet before it counts as one change: an editor's
    /// save (write, rename, chmod) is one change, and the build reads finished files.
    static let settle = 0.015

    public init(paths: [String], ignoring output: String, interval: Double) {
        self.paths = paths
        self.output = output
        self.interval = interval
        (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let thread = Thread { [self] in
            #if os(Linux)
            if self.runInotify() { return }
            #endif
            self.runPolling()
        }
        thread.name = "kb.serve.watch"
        thread.start()
    }

    public func stop() {
        stopped.withLock { $0 = true }
        continuation.finish()
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    /// Sizes and times of every watched file: cheap enough to take a few times a second.
    public static func fingerprint(_ roots: [String]) -> String {
        var h = StableHash()
        for root in roots {
            h.combine(root)
            h.combine(LocalFileSystem().isDirectory(root) ? ContentFingerprint.folder(root, files: .all) : ContentFingerprint.file(root))
        }
        return h.hex
    }

    func runPolling() {
        var last = Self.fingerprint(paths)
        while !isStopped {
            Thread.sleep(forTimeInterval: interval)
            let now = Self.fingerprint(paths)
            if now != last {
                last = now
                continuation.yield(())
            }
        }
    }

    /// A name whose change can matter to a build (the walk skips hidden names but `.md` pages).
    static func matters(_ name: String) -> Bool {
        if name.isEmpty { return true }
        if name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx") { return false }
        return !name.hasPrefix(".") || (name.hasSuffix(".md") && name.count > 3)
    }

    #if os(Linux)
    /// Watches with inotify; false when it cannot start (then polling takes over).
    func runInotify() -> Bool {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                          | IN_DELETE_SELF | IN_MOVE_SELF)
        // Watch descriptor → (folder, only these names count there; nil: every name).
        var folders: [Int32: (String, Set<String>?)] = [:]
        func add(_ dir: String, only names: Set<String>?) {
            let wd = inotify_add_watch(fd, dir, mask)
            if wd >= 0 { folders[wd] = (dir, names) }
        }
        func addTree(_ root: String) {
            var stack = [root]
            while let dir = stack.popLast() {
                if dir == output || dir.hasPrefix(output + "/") || (dir != root && OutputPolicy.isKBSite(dir)) { continue }
                add(dir, only: nil)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !name.hasPrefix(".") {
                    // Real folders only, like the content walk: a link to a folder (possibly to
                    // an ancestor, a loop) is not followed.
                    var st = stat()
                    let child = dir + "/" + name
                    if lstat(child, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { stack.append(child) }
                }
            }
        }
        func watchAll() {
            // The parent of each watched path sees it appear, go or be replaced (one watch per
            // folder: the names of every path it holds).
            var parents: [String: Set<String>] = [:]
            for path in paths {
                let parent = (path as NSString).deletingLastPathComponent
                if !paths.contains(parent) { parents[parent, default: []].insert((path as NSString).lastPathComponent) }
            }
            for (parent, names) in parents { add(parent, only: names) }
            for path in paths where LocalFileSystem().isDirectory(path) { addTree(path) }
        }
        watchAll()
        guard !folders.isEmpty else { return false }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        /// Reads what is queued; true when an event matters.
        func drain() -> (matters: Bool, newFolder: Bool) {
            var matters = false, newFolder = false
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= n {
                    let (wd, eventMask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                        let e = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        return (e.wd, e.mask, Int(e.len))
                    }
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = buffer[nameStart..<min(n, nameStart + length)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset = nameStart + length
                    if eventMask & UInt32(IN_Q_OVERFLOW) != 0 { matters = true; newFolder = true; continue }
                    guard let (dir, only) = folders[wd] else { continue }
                    if eventMask & UInt32(IN_IGNORED) != 0 { folders[wd] = nil; continue }
                    let full = name.isEmpty ? dir : dir + "/" + name
                    if full == output || full.hasPrefix(output + "/") { continue }
                    if let only, !only.contains(name) { continue }
                    guard Self.matters(name) else { continue }
                    matters = true
                    if eventMask & UInt32(IN_ISDIR) != 0 || only != nil { newFolder = true }
                }
            }
            return (matters, newFolder)
        }
        func waitReadable(_ seconds: Double) -> Bool {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            return poll(&p, 1, Int32(seconds * 1000)) > 0
        }
        while !isStopped {
            guard waitReadable(0.5) else { continue }
            let first = drain()
            guard first.matters else { continue }
            var newFolder = first.newFolder
            // Let the burst settle (bounded: a file rewritten without pause still rebuilds).
            let deadline = Date().addingTimeInterval(0.25)
            while Date() < deadline, waitReadable(Self.settle) {
                let more = drain()
                newFolder = newFolder || more.newFolder
            }
            if newFolder { watchAll() }
            continuation.yield(())
        }
        return true
    }
    #endif
}
