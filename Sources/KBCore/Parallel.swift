import Foundation

/// The one concurrent map of kb (parsing, rendering, checks): `jobs` threads take items in order
/// and write each result into its own slot. Threads, not Dispatch's pool: a check may block for
/// its whole timeout, and each worker gets a stack of `stackSize` bytes whatever the pool's is.
public func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                                                   stackSize: Int = 8 << 20,
                                                   _ body: @escaping @Sendable (T) -> R) -> [R] {
    let workers = max(1, min(jobs, items.count))
    if workers <= 1 { return items.map(body) }
    let slots = Slots<R>(count: items.count)
    let next = Locked(0)
    let done = DispatchSemaphore(value: 0)
    for _ in 0..<workers {
        let thread = Thread {
            while true {
                let i = next.withLock { n -> Int in defer { n += 1 }; return n }
                if i >= items.count { break }
                slots.set(i, body(items[i]))
            }
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
    }
    for _ in 0..<workers { done.wait() }
    return slots.take()
}

extension Array where Element: Sendable {
    /// Maps on all cores, keeping order (`concurrentMap`); small arrays map in place.
    public func parallelMap<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T) -> [T] {
        if count < 64 { return map(transform) }
        return concurrentMap(self, transform)
    }
}

/// Work started on its own thread now and waited for later: `wait()` returns its value or
/// rethrows its error (every caller gets the same answer).
public final class Background<Value: Sendable>: Sendable {
    private let done = DispatchGroup()
    private let result = Locked<Result<Value, any Error>?>(nil)

    public init(_ body: @escaping @Sendable () throws -> Value) {
        done.enter()
        let result = self.result, done = self.done
        Thread.detachNewThread {
            let r = Result { try body() }
            result.withLock { $0 = r }
            done.leave()
        }
    }

    public func wait() throws -> Value {
        done.wait()
        return try result.withLock { $0! }.get()
    }
}

/// A value behind a lock.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written inside `withLock`, under `lock`.
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// One result slot per item.
private final class Slots<R>: @unchecked Sendable {
    // @unchecked: the index counter hands each index to exactly one worker, so no slot is written
    // twice or concurrently; `take()` runs after every worker signalled `done`, which orders all
    // writes before it.
    private let buffer: UnsafeMutableBufferPointer<R?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    func set(_ i: Int, _ value: R) { buffer[i] = value }

    /// The results, moved out: the slots let go of them at once, not when the last worker
    /// thread (which still holds this object for a moment after signalling) is released.
    func take() -> [R] {
        // Moved, not copied: a copy of a large struct (an article, a page) retains each of its
        // fields, and emptying the slot released them again.
        let base = buffer.baseAddress!
        return [R](unsafeUninitializedCapacity: buffer.count) { out, n in
            for i in buffer.indices {
                (out.baseAddress! + i).initialize(to: (base + i).move()!)
                (base + i).initialize(to: nil)
                n = i + 1
            }
        }
    }

    // Deinitialize before freeing: the slots own their results (pages, articles, documents).
    deinit {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }
}
