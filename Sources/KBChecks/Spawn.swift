import CKBSystem
import Foundation
import KBCore
#if canImport(Glibc)
import Glibc
#endif

/// What one program run produced.
public struct RunOutput: Sendable, Codable, Equatable {
    /// Exit status; nil when killed by a signal or the timeout.
    public var status: Int32?
    public var signal: Int32?
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
    /// Bytes dropped past the output cap.
    public var truncated: Int
    public var seconds: Double
}

/// Runs a program in its own process group, so a timeout kills everything it started; captures
/// stdout and stderr up to a cap. (Foundation's Process keeps the child in our group.)
public enum Spawn {
    public static let defaultCap = 256 * 1024

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           directory: String? = nil, timeout: Double, cap: Int = defaultCap) throws -> RunOutput {
        let start = Date()
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw DiagnosticError(.error("cannot create pipes: \(String(cString: strerror(errno)))", rule: "run", at: nil))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attr, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)

        var program = executable, args = [executable] + arguments
        // Change folder in the child; where the C library cannot, through sh.
        if let directory, kb_spawn_addchdir(&actions, directory) != 0 {
            program = "/bin/sh"
            args = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + [executable] + arguments
        }
        let argv = args.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attr, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw DiagnosticError(.error("cannot start \(executable): \(String(cString: strerror(rc)))", rule: "run", at: nil))
        }

        var out = Data(), err = Data()
        var dropped = 0
        var open = [outPipe[0], errPipe[0]]
        let deadline = start.addingTimeInterval(timeout)
        var timedOut = false
        var killedAt: Date?
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let now = Date()
            if !timedOut, now >= deadline {
                timedOut = true
                killedAt = now
                kill(-pid, SIGKILL)
            }
            // After the kill, a process that left the group may hold the pipes: stop reading soon.
            if let k = killedAt, now.timeIntervalSince(k) > 1 { break }
            let waitMS = timedOut ? 100 : Int32(max(1, min(200, deadline.timeIntervalSince(now) * 1000)))
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), waitMS)
            if n < 0 { if errno == EINTR { continue }; break }
            for f in fds where f.revents != 0 {
                let count = read(f.fd, &buffer, buffer.count)
                if count <= 0 {
                    open.removeAll { $0 == f.fd }
                    continue
                }
                let isOut = f.fd == outPipe[0]
                let current = isOut ? out.count : err.count
                let room = max(0, cap - current)
                let keep = min(room, count)
                if keep > 0 {
                    if isOut { out.append(contentsOf: buffer[0..<keep]) } else { err.append(contentsOf: buffer[0..<keep]) }
                }
                dropped += count - keep
            }
        }
        close(outPipe[0])
        close(errPipe[0])
        // Whatever is left of the group goes too (a check that forked a background child).
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return RunOutput(status: exited && !timedOut ? (status >> 8) & 0xff : nil,
                         signal: exited ? nil : status & 0x7f, timedOut: timedOut,
                         stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                         truncated: dropped, seconds: Date().timeIntervalSince(start))
    }
}
