import Foundation

/// One build at a time per KB: an exclusive `flock` on `.build-kb/build.lock`. A second build
/// says it waits, then runs after the first, instead of dying on a locked database. The kernel
/// drops the lock when the process ends, so a killed build never leaves it behind.
public final class BuildLock: Sendable {
    private let fd: Int32

    public init(kbRoot: String, maxWait: Double = 600) throws(DiagnosticError) {
        let dir = kbRoot + "/.build-kb"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/build.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        // A KB on a read-only disk has no cache either; it can still build, unlocked.
        guard fd >= 0 else { self.fd = -1; return }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            // Builds of one KB serialise: wait for the other one (bounded), saying so once.
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            FileHandle.standardError.write(Data("note: another kb build is running on this KB\(holder.isEmpty ? "" : " (pid \(holder))"); waiting for it to finish\n".utf8))
            let deadline = Date().addingTimeInterval(maxWait)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                if Date() > deadline {
                    close(fd)
                    throw DiagnosticError(.error("another kb build is running on this KB\(holder.isEmpty ? "" : " (pid \(holder))") and did not finish within \(Int(maxWait)) s (lock: \(Paths.display(path)))",
                                                 rule: .buildLocked, at: nil))
                }
                usleep(50_000)
            }
        }
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        self.fd = fd
    }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
    }
}

