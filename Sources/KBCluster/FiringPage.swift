import Foundation
import KBContent
import KBCore

/// The live "firing now" page `kb serve` shows from Alertmanager's webhook deliveries.
public enum FiringPage {
    /// Joins the store's alerts with their runbooks.
    public static func statuses(_ entries: [FiringStore.Entry], index: RunbookIndex?) -> [AlertStatus] {
        entries.map { e in
            let annotations = e.alert.annotations ?? [:]
            if let index {
                return index.status(alert: e.name, state: "firing", labels: e.alert.labels, annotations: annotations, since: e.startsAt)
            }
            return AlertStatus(alert: e.name, state: "firing", severity: e.alert.labels["severity"],
                               labels: e.alert.labels.filter { $0.key != "alertname" }, since: e.startsAt.map(Timestamp.iso),
                               message: annotations["summary"] ?? annotations["description"], runbookURL: annotations["runbook_url"])
        }
    }

    /// A whole HTML page; every value is escaped. Links are site-absolute (`/…`): the page is served.
    public static func html(_ alerts: [AlertStatus], lastDelivery: Date?, now: Date = Date(), refreshSeconds: Int = 10,
                            siteTitle: String = "kb", layout: SiteLayout = SiteLayout(config: KBConfig())) -> String {
        var s = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="\(refreshSeconds)">
        <meta name="color-scheme" content="light dark">
        <title>Firing now (\(alerts.count)) · \(esc(siteTitle))</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/assets/kb.css">
        </head>
        <body>
        <main id="main" class="page firing">
        <h1>Firing now</h1>

        """
        let delivered = lastDelivery.map { "last delivery \(Timestamp.format($0)) (\(Timestamp.age(now.timeIntervalSince($0))) ago)" }
            ?? "no delivery from Alertmanager yet"
        s += "<p class=\"summary\">\(alerts.count) alert\(alerts.count == 1 ? "" : "s") firing, as Alertmanager reported them to "
        s += "<code>POST /hooks/alertmanager</code>; \(esc(delivered)). This page refreshes every \(refreshSeconds) s.</p>\n"
        if alerts.isEmpty {
            s += "<p>Nothing is firing.</p>\n"
        } else {
            s += "<ul class=\"firing-list\">\n"
            for a in alerts {
                s += "<li class=\"firing-alert\" data-alert=\"\(esc(a.alert))\">\n"
                s += "<h2><code>\(esc(a.alert))</code>"
                if let sev = a.severity { s += " <span class=\"severity severity-\(esc(sev))\">\(esc(sev))</span>" }
                s += "</h2>\n"
                if let since = a.since.flatMap(Timestamp.parse) {
                    s += "<p class=\"since\">since <time datetime=\"\(esc(Timestamp.iso(since)))\">\(esc(Timestamp.format(since)))</time> "
                    s += "(\(esc(Timestamp.age(now.timeIntervalSince(since)))))</p>\n"
                }
                if let m = a.message { s += "<p>\(esc(m))</p>\n" }
                let labels = a.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: " ")
                if !labels.isEmpty { s += "<p class=\"labels\"><code>\(esc(labels))</code></p>\n" }
                if let r = a.runbook {
                    s += "<p class=\"runbook\">Runbook: <a href=\"/\(esc(r.url))\">\(esc(r.title))</a>"
                    if !r.summary.isEmpty { s += " — \(esc(r.summary))" }
                    s += "</p>\n"
                    if let fix = r.fix { s += fixHTML(fix) }
                    if let own = a.alertRunbook {
                        s += "<p class=\"runbook\">About this alert: <a href=\"/\(esc(own.url))\">\(esc(own.title))</a></p>\n"
                    }
                } else if let url = a.runbookURL, url.hasPrefix("http://") || url.hasPrefix("https://") {
                    s += "<p class=\"runbook\">No runbook in this KB; the alert's <a href=\"\(esc(url))\" rel=\"noopener\">runbook_url</a>.</p>\n"
                } else {
                    s += "<p class=\"runbook\">No runbook in this KB names this alert.</p>\n"
                }
                s += "</li>\n"
            }
            s += "</ul>\n"
        }
        s += "<p><a href=\"/\">Home</a> · <a href=\"/\(esc(layout.alertsIndexPath(layout.config.defaultLanguage)))\">All alert runbooks</a></p>\n"
        s += "</main>\n</body>\n</html>\n"
        return s
    }

    static func fixHTML(_ fix: Runbook.Fix) -> String {
        var s = "<div class=\"fix\"><p>First fix"
        if let id = fix.id { s += " <code>\(esc(id))</code>" }
        if let h = fix.heading { s += " (\(esc(h)))" }
        if let t = fix.title, let u = fix.url { s += " from <a href=\"/\(esc(u))\">\(esc(t))</a>" }
        if fix.admin == true { s += " — needs admin" }
        s += ":</p>\n"
        if let code = fix.code { s += "<pre><code class=\"language-\(esc(fix.language ?? ""))\">\(esc(code))</code></pre>\n" }
        return s + "</div>\n"
    }

    static func esc(_ s: String) -> String { HTML.escapeAttribute(s) }
}

/// `kb serve`'s firing page and JSON: the webhook's store joined with the KB of the last good
/// build, kept in memory (set once per build, never reloaded per request).
public actor FiringBoard {
    public nonisolated let store: FiringStore
    private var runbooks: RunbookIndex?
    private var title = "kb"
    private var layout = SiteLayout(config: KBConfig())

    public init(store: FiringStore = FiringStore()) { self.store = store }

    /// After each good build.
    public func update(graph: KnowledgeGraph) {
        runbooks = RunbookIndex(graph: graph)
        title = graph.config.title
        layout = SiteLayout(config: graph.config)
    }

    /// The firing alerts with their runbooks, and when Alertmanager last delivered.
    public func alerts() async -> (alerts: [AlertStatus], lastDelivery: Date?) {
        let entries = await store.firing()
        let last = await store.lastDelivery
        return (FiringPage.statuses(entries, index: runbooks), last)
    }

    /// The whole page.
    public func page(now: Date = Date()) async -> String {
        let (alerts, last) = await alerts()
        return FiringPage.html(alerts, lastDelivery: last, now: now, siteTitle: title, layout: layout)
    }
}
