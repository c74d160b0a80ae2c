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

    /// Who may deliver: JSON only (a web page cannot send `application/json` cross-site without a
    /// preflight the server never grants), and, when a token is configured, `Authorization: Bearer`.
    /// Returns the refusal, nil when the request may go on.
    public static func admit(contentType: String?, authorization: String?, token: String?) -> Reply? {
        if let token, !token.isEmpty {
            let expected = Array(("Bearer " + token).utf8)
            let given = Array((authorization ?? "").utf8)
            // Constant-time comparison: the time taken says nothing about the token.
            var diff = UInt8(expected.count == given.count ? 0 : 1)
            for i in 0..<expected.count { diff |= expected[i] ^ (i < given.count ? given[i] : 0) }
            if diff != 0 { return Reply(status: 401, body: json(["error": "missing or wrong bearer token"])) }
        }
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/json" else {
            return Reply(status: 415, body: json(["error": "Content-Type must be application/json"]))
        }
        return nil
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
