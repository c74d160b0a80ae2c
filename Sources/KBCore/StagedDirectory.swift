import CKBSystem
import Foundation

/// Builds a folder beside its final place and swaps it in at the end, so a failed build leaves
/// the previous output untouched, and readers never see a half-written site.
public final class StagedDirectory: @unchecked Sendable {
    public let destination: String
    public let staging: String
    private var committed = false

    public init(destination: String) throws {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = url.path
        let parent = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        staging = parent + "/.\(url.lastPathComponent).kb-staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    }

    deinit { if !committed { try? FileManager.default.removeItem(atPath: staging) } }

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
            throw DiagnosticError(.error("cannot write \(full): \(String(cString: strerror(errno)))", rule: "io", at: nil))
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
            throw DiagnosticError(.error("cannot write \(full): \(String(cString: strerror(errno)))", rule: "io", at: nil))
        }
    }

    public func write(_ relative: String, _ text: String) throws { try write(relative, Data(text.utf8)) }

    /// Reuses the destination's current copy of `relative` (a hard link, else a copy).
    /// Returns false when there is none.
    public func reuse(_ relative: String) -> Bool {
        let old = destination + "/" + relative
        let new = path(relative)
        guard FileManager.default.fileExists(atPath: old) else { return false }
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
        if fm.fileExists(atPath: destination) {
            if kb_exchange_paths(staging, destination) == 0 {
                committed = true
                try? fm.removeItem(atPath: staging) // now holds the previous output
                return
            }
            let old = staging + ".old"
            guard rename(destination, old) == 0 else {
                throw DiagnosticError(.error("cannot move \(destination) aside: \(String(cString: strerror(errno)))", rule: "io", at: nil))
            }
            guard rename(staging, destination) == 0 else {
                let code = errno
                _ = rename(old, destination)
                throw DiagnosticError(.error("cannot move the new site into place: \(String(cString: strerror(code)))", rule: "io", at: nil))
            }
            committed = true
            try? fm.removeItem(atPath: old)
        } else {
            guard rename(staging, destination) == 0 else {
                throw DiagnosticError(.error("cannot move the new site into place: \(String(cString: strerror(errno)))", rule: "io", at: nil))
            }
            committed = true
        }
    }
}
