import CKBSystem
import Foundation
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

/// Resource limits for a block's processes (setrlimit), each nil for "as inherited".
public struct ResourceLimits: Sendable, Equatable {
    public var cpuSeconds: Int?
    public var addressSpace: Int?
    public var fileSize: Int?
    public var processes: Int?

    public init(cpuSeconds: Int? = nil, addressSpace: Int? = nil, fileSize: Int? = nil, processes: Int? = nil) {
        self.cpuSeconds = cpuSeconds
        self.addressSpace = addressSpace
        self.fileSize = fileSize
        self.processes = processes
    }

    /// What `kb check --run` gives a block unless it asks for other values: room for `go build`
    /// (the Go runtime reserves address space generously), never the whole machine.
    public static func sandboxDefaults(timeout: Double) -> ResourceLimits {
        ResourceLimits(cpuSeconds: Int(timeout.rounded(.up)) * 2 + 5, addressSpace: 8 << 30, fileSize: 1 << 30, processes: 1024)
    }
}

/// Runs a program in a session (and process group) of its own, under a small supervising shell,
/// so a timeout kills everything it started; captures stdout and stderr up to a cap.
/// (Foundation's Process keeps the child in our group.) kb's one process runner: checks, doctor,
/// the linters, Graphviz and the tests' runs of the binary all start their programs here.
///
/// What the run promises: no descriptor of kb's but stdin (/dev/null), stdout and stderr reaches
/// the child (close-on-exec pipes and closefrom); every descendant — also those that called
/// `setsid` or `daemon` to leave the group — is killed when the run ends, found by a token in
/// its environment; a block that stops its parent stops only the supervising shell; resource
/// limits apply to the block and all it starts.
public enum Spawn {
    public static let defaultCap = 256 * 1024
    /// The environment variable that marks every process of one run.
    public static let tokenVariable = "KB_RUN_TOKEN"

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           directory: String? = nil, timeout: Double, cap: Int = defaultCap,
                           limits: ResourceLimits? = nil, wrapper: [String] = []) throws -> RunOutput {
        let start = Date()
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0], inPipe: [Int32] = [0, 0]
        guard kb_pipe_cloexec(&outPipe) == 0, kb_pipe_cloexec(&errPipe) == 0, kb_pipe_cloexec(&inPipe) == 0 else {
            throw DiagnosticError(.error("cannot create pipes: \(String(cString: strerror(errno)))", rule: .run, at: nil))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // stdin: a pipe the supervising shell reads one line from before it starts the block,
        // so the resource limits set below are in place first; the block itself reads /dev/null.
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1], inPipe[0], inPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        // Any other descriptor kb holds (a database, another run's pipe) stays out of the child.
        _ = kb_spawn_addclosefrom(&actions, 3)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // A session of its own (which is also a group of its own); where the C library cannot, a group.
        let setsid = kb_spawn_setsid_flag()
        if setsid != 0 {
            posix_spawnattr_setflags(&attr, Int16(setsid) | Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        } else {
            posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
            posix_spawnattr_setpgroup(&attr, 0)
        }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)

        // The supervising shell: the block's parent is this `sh`, not kb, so `kill -STOP $PPID`
        // stops it and not kb. `; exit $?` keeps sh from exec-ing the command in its place.
        var program = "/bin/sh"
        var args = ["/bin/sh", "-c", "read -r _; \"$@\" </dev/null; exit $?", "kb-run"] + wrapper + [executable] + arguments
        // Change folder in the child; where the C library cannot, through sh.
        if let directory, kb_spawn_addchdir(&actions, directory) != 0 {
            args = ["/bin/sh", "-c", "read -r _; cd \"$0\" || exit 126; \"$@\" </dev/null; exit $?", directory] + wrapper + [executable] + arguments
        }
        if !FileManager.default.isExecutableFile(atPath: program) { program = executable; args = [executable] + arguments }
        var env = environment
        let token = UUID().uuidString
        env[tokenVariable] = token
        let argv = args.map { strdup($0) } + [nil]
        let envp = env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attr, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        close(inPipe[0])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0]); close(inPipe[1])
            throw DiagnosticError(.error("cannot start \(executable): \(String(cString: strerror(rc)))", rule: .run, at: nil))
        }
        if let limits {
            // Set on the supervising shell right after it starts; the block and its children inherit them.
            for (which, value) in [(0, limits.cpuSeconds), (1, limits.addressSpace), (2, limits.fileSize), (3, limits.processes)] {
                if let value { _ = kb_set_limit(pid, Int32(which), Int64(value)) }
            }
        }
        // Go: the supervising shell starts the block now.
        _ = write(inPipe[1], "\n", 1)
        close(inPipe[1])

        var out = Data(), err = Data()
        var dropped = 0
        var open = [outPipe[0], errPipe[0]]
        let deadline = start.addingTimeInterval(timeout)
        var timedOut = false
        var killedAt: Date?
        var exitedAt: Date?
        var status: Int32 = 0
        var reaped = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let now = Date()
            // The run is over when its first process exits: descendants that kept the pipes open
            // (a daemon, a `setsid` child) get a short grace to flush, then are killed below.
            if !reaped, waitpid(pid, &status, WNOHANG) == pid { reaped = true; exitedAt = now }
            if let e = exitedAt, now.timeIntervalSince(e) > 0.3 { break }
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
        // Whatever is left of the group goes too (a check that forked a background child), and every
        // process that carries this run's token (one that left the group with setsid).
        kill(-pid, SIGKILL)
        if !reaped { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        waitForGroup(pid)
        killTokenHolders(token)
        let exited = (status & 0x7f) == 0
        return RunOutput(status: exited && !timedOut ? (status >> 8) & 0xff : nil,
                         signal: exited ? nil : status & 0x7f, timedOut: timedOut,
                         stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                         truncated: dropped, seconds: Date().timeIntervalSince(start))
    }
}

extension Spawn {
    /// SIGKILLs every process whose environment carries `KB_RUN_TOKEN=token`, until none is left
    /// (one may fork while the others die; bounded rounds). Linux /proc only; elsewhere the group
    /// kill is what there is.
    static func killTokenHolders(_ token: String) {
        let needle = Array("\(tokenVariable)=\(token)\u{0}".utf8)
        var killed = Set<Int32>()
        for _ in 0..<20 {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
            var found = false
            for name in entries {
                guard let pid = Int32(name), pid != getpid(), !isGone(pid),
                      let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ"), environ.count >= needle.count
                else { continue }
                let bytes = [UInt8](environ)
                var i = 0
                var matched = false
                while i + needle.count <= bytes.count {
                    if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { matched = true; break }
                    // Jump to the next variable.
                    while i < bytes.count, bytes[i] != 0 { i += 1 }
                    i += 1
                }
                if matched {
                    kill(pid, SIGKILL)
                    killed.insert(pid)
                    found = true
                }
            }
            if !found { break }
            usleep(20_000)
        }
        // SIGKILL is asynchronous: wait (bounded) until every killed process has really exited, so
        // that when the run returns, nothing of it is still running.
        let deadline = Date().addingTimeInterval(5)
        while killed.contains(where: { !isGone($0) }), Date() < deadline { usleep(5_000) }
    }

    /// Waits (bounded) until no process of group `group` is still running. SIGKILL is asynchronous,
    /// and a process on its way out can no longer show its environment, so the token scan alone
    /// could miss a group member that has not finished dying (Linux /proc only).
    static func waitForGroup(_ group: Int32) {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
            let running = entries.contains { name in
                guard let p = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(p)/stat", encoding: .utf8) else { return false }
                // After the command name: state, parent, process group.
                let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
                guard fields.count > 2, Int32(fields[2]) == group else { return false }
                return fields[0] != "Z" && fields[0] != "X"
            }
            if !running { return }
            usleep(5_000)
        }
    }

    /// Exited (a zombie waiting for its parent) or no longer there.
    public static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        return state == "Z" || state == "X"
    }
}
