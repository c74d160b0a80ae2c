import Foundation
import KBCore

/// One line of a `kb check --run` or `kb doctor` report.
public struct CheckResult: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// check --run: the block did what it promises.
        case passed, failed, skipped
        /// doctor: healthy, problem present, could not check.
        case ok, problem, unknown
    }

    public var id: String
    /// Canonical id of the article holding the block.
    public var article: String
    /// example, check, lint
    public var kind: String
    public var status: Status
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int = 1
    public var seconds: Double = 0
    /// Captured output (capped), for failures.
    public var output: String?
    /// Lint findings are errors or warnings.
    public var severity: String?

    public init(id: String, article: String, kind: String, status: Status, message: String, file: String, line: Int,
                column: Int = 1, seconds: Double = 0, output: String? = nil, severity: String? = nil) {
        self.id = id
        self.article = article
        self.kind = kind
        self.status = status
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.seconds = seconds
        self.output = output
        self.severity = severity
    }

    public var location: String { "\(file):\(line):\(column)" }
}

/// Runs `body` over `items` with `jobs` worker threads, keeping order. Real threads, not
/// `concurrentPerform`, which caps concurrency at the core count: checks mostly wait (sleep, I/O,
/// network), so 8 of them should overlap on 2 cores.
func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ body: @escaping @Sendable (T) -> R) -> [R] {
    if items.isEmpty { return [] }
    let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    nonisolated(unsafe) let out = results
    let lock = NSLock()
    nonisolated(unsafe) var next = 0
    let workers = max(1, min(jobs, items.count))
    let done = DispatchSemaphore(value: 0)
    for _ in 0..<workers {
        let thread = Thread {
            while true {
                lock.lock()
                let i = next
                next += 1
                lock.unlock()
                if i >= items.count { break }
                out[i] = body(items[i])
            }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    for _ in 0..<workers { done.wait() }
    return results.map { $0! }
}
