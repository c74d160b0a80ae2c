import Dispatch

extension Array where Element: Sendable {
    /// Maps on all cores, keeping order. `transform` must be safe to call concurrently.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 64 { return map(transform) }
        let result = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        result.initialize(repeating: nil)
        defer { result.deallocate() }
        nonisolated(unsafe) let out = result
        let chunk = Swift.max(16, count / 64)
        let chunks = (count + chunk - 1) / chunk
        self.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let start = c * chunk, end = Swift.min(start + chunk, input.count)
                for i in start..<end { out[i] = transform(input[i]) }
            }
        }
        return result.map { $0! }
    }
}
