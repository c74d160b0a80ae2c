import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One alert as Prometheus' `/api/v1/alerts` reports it.
public struct PrometheusAlert: Sendable, Hashable, Codable {
    public var labels: [String: String]
    public var annotations: [String: String]
    /// `firing` or `pending`.
    public var state: String
    public var activeAt: Date?
    public var value: String?

    public var name: String { labels["alertname"] ?? "" }
}

/// Why `kb status` could not read the alerts: each names the URL and what came back.
public enum PrometheusError: Error, CustomStringConvertible, Equatable {
    case badURL(String)
    case unreachable(url: String, reason: String)
    case http(url: String, status: Int, body: String)
    case notTheAPI(url: String, reason: String)
    case apiError(url: String, type: String, message: String)

    public var description: String {
        switch self {
        case .badURL(let u):
            return "'\(u)' is not a Prometheus address: expected http(s)://host:port[/path]"
        case .unreachable(let u, let reason):
            return "cannot reach Prometheus at \(u): \(reason)"
        case .http(let u, let status, let body):
            return "Prometheus at \(u) answered HTTP \(status)" + (body.isEmpty ? "" : ": \(body)")
        case .notTheAPI(let u, let reason):
            return "\(u) did not answer like the Prometheus alerts API (\(reason)); is this a Prometheus server?"
        case .apiError(let u, let type, let message):
            return "Prometheus at \(u) reported an error: \(type): \(message)"
        }
    }
}

/// The small part of the Prometheus HTTP API kb reads.
public struct PrometheusAPI: Sendable {
    public var base: URL
    public var timeout: Double
    public static let maxResponse = 32 * 1024 * 1024

    /// `http://host:9090` or `https://host/prometheus` (a path prefix is kept).
    public init(_ address: String, timeout: Double = 10) throws(PrometheusError) {
        var text = address.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else {
            throw .badURL(address)
        }
        base = url
        self.timeout = timeout
    }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? String(Int(t)) : String(format: "%.1f", t) }

    public var alertsURL: URL { base.appendingPathComponent("api/v1/alerts") }

    /// Active alerts (firing and pending).
    public func alerts() async throws(PrometheusError) -> [PrometheusAlert] {
        let url = alertsURL
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let data: Data, response: URLResponse
        switch await CappedDownload.fetch(request, cap: Self.maxResponse, deadline: timeout) {
        case .success(let (d, r)): (data, response) = (d, r)
        case .failure(.tooLarge): throw .notTheAPI(url: url.absoluteString, reason: "answer larger than 32 MiB")
        case .failure(.timedOut): throw .unreachable(url: url.absoluteString, reason: "no complete answer within \(Self.seconds(timeout)) s")
        case .failure(.failed(let error)): throw .unreachable(url: url.absoluteString, reason: Self.reason(error))
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        // The API answers errors as JSON with 4xx/5xx too; read it when it is there.
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: data), envelope.status == "error" {
            throw .apiError(url: url.absoluteString, type: envelope.errorType ?? "error", message: envelope.error ?? "")
        }
        guard status == 200 else {
            throw .http(url: url.absoluteString, status: status, body: Self.snippet(data))
        }
        return try Self.decodeAlerts(data, url: url.absoluteString)
    }

    struct Envelope: Decodable {
        var status: String
        var errorType: String?
        var error: String?
    }

    struct AlertsResponse: Decodable {
        struct DataPart: Decodable { var alerts: [RawAlert] }
        struct RawAlert: Decodable {
            var labels: [String: String]
            var annotations: [String: String]?
            var state: String
            var activeAt: String?
            var value: String?
        }
        var status: String
        var data: DataPart
    }

    /// Parses an `/api/v1/alerts` answer; anything else is `notTheAPI` with the reason.
    public static func decodeAlerts(_ data: Data, url: String) throws(PrometheusError) -> [PrometheusAlert] {
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            let s = snippet(data)
            throw .notTheAPI(url: url, reason: s.isEmpty ? "empty answer" : "not JSON: \(s)")
        }
        let parsed: AlertsResponse
        do { parsed = try JSONDecoder().decode(AlertsResponse.self, from: data) } catch {
            throw .notTheAPI(url: url, reason: "unexpected JSON: \(describe(error))")
        }
        guard parsed.status == "success" else { throw .notTheAPI(url: url, reason: "status '\(parsed.status)'") }
        return parsed.data.alerts.map {
            PrometheusAlert(labels: $0.labels, annotations: $0.annotations ?? [:], state: $0.state,
                            activeAt: $0.activeAt.flatMap(Timestamp.parse), value: $0.value)
        }
    }

    static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let c)?: return "no '\(path(c.codingPath + [key]))'"
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?: return "wrong type at '\(path(c.codingPath))'"
        case .dataCorrupted(let c)?: return c.debugDescription
        default: return "\(error)"
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(160), as: UTF8.self)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return data.count > 160 ? text + "…" : text
    }

    static func reason(_ error: Error) -> String {
        if let u = error as? URLError {
            switch u.code {
            case .cannotConnectToHost: return "connection refused"
            case .timedOut: return "no answer (timed out)"
            case .cannotFindHost, .dnsLookupFailed: return "host not found"
            case .networkConnectionLost: return "connection closed before an answer"
            default: return u.localizedDescription
            }
        }
        return "\(error)"
    }
}

/// One HTTP GET whose size is capped while it streams in and whose whole exchange (connect,
/// headers, body) ends at one deadline: an endless or trickling answer cannot grow kb or hold it.
final class CappedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: every mutable member is touched only under `lock`.
    enum Failure: Error { case tooLarge, timedOut, failed(Error) }

    private let lock = NSLock()
    private let cap: Int
    private var data = Data()
    private var response: URLResponse?
    private var failure: Failure?
    private var continuation: CheckedContinuation<Result<(Data, URLResponse), Failure>, Never>?

    private init(cap: Int) { self.cap = cap }

    static func fetch(_ request: URLRequest, cap: Int, deadline: Double) async -> Result<(Data, URLResponse), Failure> {
        let download = CappedDownload(cap: cap)
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = deadline
        config.timeoutIntervalForResource = deadline
        let session = URLSession(configuration: config, delegate: download, delegateQueue: nil)
        // Torn down off this task: on Linux, cancelling waits for the session's work queue, which
        // an endless answer keeps busy until the server stops sending.
        defer { DispatchQueue.global().async { session.invalidateAndCancel() } }
        return await withCheckedContinuation { continuation in
            download.lock.lock()
            download.continuation = continuation
            download.lock.unlock()
            let task = session.dataTask(with: request)
            DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { [weak task] in
                download.fail(.timedOut)
                task?.cancel()
            }
            task.resume()
        }
    }

    private func fail(_ f: Failure) {
        lock.lock()
        if failure == nil { failure = f }
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume(returning: .failure(f))
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        self.response = response
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive chunk: Data) {
        lock.lock()
        if failure != nil { lock.unlock(); return }
        data.append(chunk)
        let over = data.count > cap
        if over { data = Data() }
        lock.unlock()
        if over {
            fail(.tooLarge)
            // Not here: cancel() waits for the work queue, which waits for this delegate queue.
            DispatchQueue.global().async { dataTask.cancel() }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let c = continuation
        continuation = nil
        let result: Result<(Data, URLResponse), Failure>
        if let error { result = .failure(failure ?? .failed(error)) }
        else if let response { result = .success((data, response)) }
        else { result = .failure(.failed(URLError(.badServerResponse))) }
        lock.unlock()
        c?.resume(returning: result)
    }
}
