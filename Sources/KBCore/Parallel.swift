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

/// Where a command's large state goes when the command is done with it. Freeing a build's
/// articles, pages and search documents value by value took a tenth of a one-file rebuild of
/// tldr, after its last step: a command that exits when done (`kb build`) leaves them to the
/// process's exit (`keepUntilExit()`), and a long-lived one (`kb serve`) frees them on a
/// background thread, after the handing scope has let its own references go.
public final class Teardown: Sendable {
    public static let shared = Teardown()
    private let kept = Locked<[Any]?>(nil)
    private let delay: Double

    /// `delay`: how long a handed value waits before it is released in the background.
    public init(delay: Double = 0.2) { self.delay = delay }

    /// From now on, handed values are kept until the process exits.
    public func keepUntilExit() { kept.withLock { if $0 == nil { $0 = [] } } }

    /// Hands `value` over: kept until exit after `keepUntilExit()`, else released on a
    /// background thread once `delay` has passed.
    public func hand<T>(_ value: T) {
        let box = Handed(value)
        if kept.withLock({ list in list?.append(box); return list != nil }) { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + delay) { box.release() }
    }

    /// A handed value, released by whoever calls `release()`.
    private final class Handed: @unchecked Sendable {
        // @unchecked: `value` is read by no one, and released once under `lock` (`release`).
        private let lock = NSLock()
        private var value: Any?
        init(_ value: Any) { self.value = value }
        func release() {
            lock.lock()
            let v = value
            value = nil
            lock.unlock()
            _ = v
        }
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
