import Foundation

/// A firing alert joined with its runbook: what `kb status` prints and the webhook page lists.
public struct AlertStatus: Sendable, Codable {
    public var alert: String
    /// `firing`, `pending` (Prometheus) or `firing` (Alertmanager).
    public var state: String
    public var severity: String?
    /// The alert's labels without `alertname`.
    public var labels: [String: String]
    /// RFC 3339, UTC.
    public var since: String?
    /// The alert's `summary` (or `description`) annotation.
    public var message: String?
    /// The alert's `runbook_url` annotation, as given.
    public var runbookURL: String?
    /// The article to read: for kb's own `KBCheckFailing`, the article holding the failing check.
    public var runbook: Runbook?
    /// The alert's own runbook when `runbook` is a more specific article (KBCheckFailing's).
    public var alertRunbook: Runbook?

    enum CodingKeys: String, CodingKey {
        case alert, state, severity, labels, since, message, runbookURL = "runbook_url", runbook, alertRunbook = "alert_runbook"
    }
}

extension RunbookIndex {
    /// Joins an alert with the KB: its `article` label (kb's own metrics), else its name, else its
    /// `runbook_url`.
    public func status(alert name: String, state: String, labels: [String: String], annotations: [String: String],
                       since: Date?) -> AlertStatus {
        var out = AlertStatus(alert: name, state: state, severity: labels["severity"],
                              labels: labels.filter { $0.key != "alertname" }, since: since.map(Timestamp.iso),
                              message: annotations["summary"] ?? annotations["description"] ?? annotations["message"],
                              runbookURL: annotations["runbook_url"], runbook: nil, alertRunbook: nil)
        let own = resolve(AlertReference(name: name)).first
        if let id = labels["article"], let i = article(id: id) {
            out.runbook = runbook(Match(article: i, alert: name, via: .article), check: labels["check"])
            if let own, own.article != i { out.alertRunbook = runbook(own) }
        } else if let own {
            out.runbook = runbook(own, check: labels["check"])
        } else if let url = annotations["runbook_url"], let m = resolve(url).first {
            out.runbook = runbook(m, check: labels["check"])
        }
        return out
    }

    public func status(_ alert: PrometheusAlert) -> AlertStatus {
        status(alert: alert.name, state: alert.state, labels: alert.labels, annotations: alert.annotations, since: alert.activeAt)
    }
}
