import Foundation

/// Alertmanager's webhook payload, version 4
/// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
public struct AlertmanagerPayload: Sendable, Codable {
    public var version: String
    public var groupKey: String?
    public var status: String
    public var receiver: String?
    public var externalURL: String?
    public var alerts: [Alert]

    public struct Alert: Sendable, Codable, Hashable {
        public var status: String
        public var labels: [String: String]
        public var annotations: [String: String]?
        public var startsAt: String?
        public var endsAt: String?
        public var generatorURL: String?
        public var fingerprint: String?
    }
}

/// `POST /hooks/alertmanager`: decode, validate, update the store. Never throws: bad input is a 400.
public enum AlertmanagerWebhook {
    public static let maxBody = 1024 * 1024

    public struct Reply: Sendable, Equatable {
        public var status: Int
        /// JSON: `{"accepted": n, "firing": n}` or `{"error": "…"}`.
        public var body: String
        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }
    }

    /// Parses a payload; the error says what is wrong, for the 400 answer.
    public static func decode(_ data: Data) throws(WebhookError) -> AlertmanagerPayload {
        if data.isEmpty { throw .init("empty body: expected Alertmanager's webhook JSON") }
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw .init("body is not a JSON object")
        }
        let p: AlertmanagerPayload
        do { p = try JSONDecoder().decode(AlertmanagerPayload.self, from: data) } catch {
            throw .init("not an Alertmanager webhook payload: \(PrometheusAPI.describe(error))")
        }
        guard p.version == "4" else { throw .init("unsupported payload version '\(p.version)': kb reads version 4") }
        for (n, a) in p.alerts.enumerated() {
            guard a.status == "firing" || a.status == "resolved" else {
                throw .init("alerts[\(n)].status is '\(a.status)': expected firing or resolved")
            }
            guard let name = a.labels["alertname"], !name.isEmpty else { throw .init("alerts[\(n)] has no alertname label") }
        }
        return p
    }

    public struct WebhookError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    /// Handles one delivery: 200 with counts, 400 with the reason, 413 when too large.
    public static func receive(_ body: Data?, into store: FiringStore, now: Date = Date()) async -> Reply {
        guard let body else { return Reply(status: 413, body: json(["error": "payload larger than \(maxBody / 1024) KiB"])) }
        guard body.count <= maxBody else { return Reply(status: 413, body: json(["error": "payload larger than \(maxBody / 1024) KiB"])) }
        do {
            let payload = try decode(body)
            let firing = await store.apply(payload, now: now)
            return Reply(status: 200, body: json(["accepted": payload.alerts.count, "firing": firing]))
        } catch {
            return Reply(status: 400, body: json(["error": error.description]))
        }
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

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

    public init() {}

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
        version += 1
        lastDelivery = now
        return entries.count
    }

    /// Firing now, oldest first: entries whose `endsAt` has passed are dropped (Alertmanager stops
    /// repeating an alert once Prometheus stops sending it, and `send_resolved` may be off).
    public func firing(now: Date = Date()) -> [Entry] {
        entries = entries.filter { _, e in
            guard let end = e.endsAt, let start = e.startsAt, end > start else { return true }
            return end > now
        }
        return entries.values.sorted { ($0.startsAt ?? $0.receivedAt, $0.name, $0.key) < ($1.startsAt ?? $1.receivedAt, $1.name, $1.key) }
    }

    static func fingerprint(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
    }
}
