import Foundation

/// The alerts Alertmanager says are firing now, as the webhook delivered them.
public actor FiringStore {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var alert: AlertmanagerPayload.Alert
        public var startsAt: Date?
        public var endsAt: Date?
        public var receivedAt: Date
        public var externalURL: String?
        public var name: String { alert.labels["alertname"] ?? "" }
    }

    private var entries: [String: Entry] = [:]
    /// Moves on with every delivery, so a page can tell it is out of date.
    public private(set) var version = 0
    public private(set) var lastDelivery: Date?
    /// At most this many alerts are kept; beyond it the least recently delivered go first.
    public let capacity: Int
    /// An alert not delivered again for this long is dropped (Alertmanager repeats firing ones).
    public let maxAge: TimeInterval
    public private(set) var evicted = 0

    public init(capacity: Int = 10_000, maxAge: TimeInterval = 24 * 3600) {
        self.capacity = max(1, capacity)
        self.maxAge = maxAge
    }

    /// Firing alerts are added or refreshed, resolved ones removed. Returns how many are firing.
    @discardableResult
    public func apply(_ payload: AlertmanagerPayload, now: Date = Date()) -> Int {
        for a in payload.alerts {
            let key = a.fingerprint.flatMap { $0.isEmpty ? nil : $0 } ?? Self.fingerprint(a.labels)
            if a.status == "resolved" {
                entries[key] = nil
            } else {
                entries[key] = Entry(key: key, alert: a, startsAt: a.startsAt.flatMap(Timestamp.parse),
                                     endsAt: a.endsAt.flatMap(Timestamp.parse), receivedAt: now, externalURL: payload.externalURL)
            }
        }
        // Trim in batches (to 90 % of capacity) so a flood costs O(log n) per alert, not a scan each.
        if entries.count > capacity {
            let keep = capacity * 9 / 10
            let oldestFirst = entries.values.sorted { ($0.receivedAt, $0.key) < ($1.receivedAt, $1.key) }
            for e in oldestFirst.prefix(entries.count - keep) { entries[e.key] = nil }
            evicted += oldestFirst.count - keep
        }
        version += 1
        lastDelivery = now
        return entries.count
    }

    /// Firing now, oldest first: entries whose `endsAt` has passed are dropped (Alertmanager stops
    /// repeating an alert once Prometheus stops sending it, and `send_resolved` may be off).
    public func firing(now: Date = Date()) -> [Entry] {
        entries = entries.filter { _, e in
            if now.timeIntervalSince(e.receivedAt) > maxAge { return false }
            guard let end = e.endsAt, let start = e.startsAt, end > start else { return true }
            return end > now
        }
        return entries.values.sorted { ($0.startsAt ?? $0.receivedAt, $0.name, $0.key) < ($1.startsAt ?? $1.receivedAt, $1.name, $1.key) }
    }

    static func fingerprint(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
    }
}
