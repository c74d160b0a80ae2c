import Foundation
import KBCluster
import Testing

@Suite struct AlertmanagerWebhookTests {
    static func payload(status: String = "firing", alertStatus: String? = nil, version: String = "4", endsAt: String = "0001-01-01T00:00:00Z",
                        labels: String = #""alertname":"KBCheckFailing","article":"node/disk-full","check":"disk-check","instance":"n1:9100","severity":"critical""#,
                        fingerprint: String = "a1b2c3") -> Data {
        Data("""
        {"version":"\(version)","groupKey":"{}:{alertname=\\"KBCheckFailing\\"}","truncatedAlerts":0,"status":"\(status)","receiver":"kb",
         "groupLabels":{"alertname":"KBCheckFailing"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
         "alerts":[{"status":"\(alertStatus ?? status)","labels":{\(labels)},
                    "annotations":{"summary":"kb check <disk-check> reports a problem"},
                    "startsAt":"2024-05-01T10:00:00.5Z","endsAt":"\(endsAt)","generatorURL":"http://prom/graph","fingerprint":"\(fingerprint)"}]}
        """.utf8)
    }

    @Test func firingThenResolved() async {
        let store = FiringStore()
        let r = await AlertmanagerWebhook.receive(Self.payload(), into: store)
        #expect(r == .init(status: 200, body: #"{"accepted":1,"firing":1}"# + "\n"))
        let now = Date(timeIntervalSince1970: 1714557700)
        let firing = await store.firing(now: now)
        #expect(firing.map(\.name) == ["KBCheckFailing"])
        #expect(firing.first?.startsAt?.timeIntervalSince1970 == 1714557600.5)
        // The same alert again updates, never duplicates.
        _ = await AlertmanagerWebhook.receive(Self.payload(), into: store)
        #expect(await store.firing(now: now).count == 1)
        let resolved = await AlertmanagerWebhook.receive(Self.payload(status: "resolved", endsAt: "2024-05-01T10:05:00Z"), into: store)
        #expect(resolved.status == 200)
        #expect(await store.firing(now: now).isEmpty)
        #expect(await store.version == 3)
    }

    @Test func expiredAlertsDropOff() async {
        let store = FiringStore()
        _ = await AlertmanagerWebhook.receive(Self.payload(endsAt: "2024-05-01T10:10:00Z"), into: store)
        #expect(await store.firing(now: Date(timeIntervalSince1970: 1714557600 + 60)).count == 1)
        #expect(await store.firing(now: Date(timeIntervalSince1970: 1714557600 + 3600)).isEmpty)
    }

    @Test func malformedPayloadsAre400() async {
        let store = FiringStore()
        let cases: [(Data, String)] = [
            (Data(), "empty body"),
            (Data("not json".utf8), "not a JSON object"),
            (Data("[1]".utf8), "not a JSON object"),
            (Data(#"{"version":"4"}"#.utf8), "not an Alertmanager webhook payload: no 'status'"),
            (Self.payload(version: "3"), "unsupported payload version '3'"),
            (Self.payload(alertStatus: "burning"), "alerts[0].status is 'burning'"),
            (Self.payload(labels: #""instance":"n1""#), "alerts[0] has no alertname label"),
            (Data(#"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":["x"]}}]}"#.utf8),
             "wrong type at 'alerts[0].labels.alertname'"),
        ]
        for (body, message) in cases {
            let r = await AlertmanagerWebhook.receive(body, into: store)
            #expect(r.status == 400)
            #expect(r.body.contains(message), "\(r.body) should say \(message)")
        }
        #expect(await AlertmanagerWebhook.receive(nil, into: store).status == 413)
        #expect(await store.firing().isEmpty)
        #expect(await store.version == 0)
    }

    @Test func pageLinksRunbooksAndEscapesEverything() async throws {
        let graph = ClusterFixtures.graph(ClusterFixtures.runbooks)
        let store = FiringStore()
        _ = await AlertmanagerWebhook.receive(Self.payload(), into: store)
        _ = await AlertmanagerWebhook.receive(Self.payload(labels: #""alertname":"<script>alert(1)</script>""#, fingerprint: "ff"), into: store)
        let now = Date(timeIntervalSince1970: 1714557600 + 125)
        let statuses = FiringPage.statuses(await store.firing(now: now), index: RunbookIndex(graph: graph))
        let html = FiringPage.html(statuses, lastDelivery: now, now: now)
        #expect(html.contains(#"<title>Firing now (2) · kb</title>"#))
        #expect(html.contains(#"Runbook: <a href="/node/disk-full.html">The data disk is full</a> — Less than 10% free."#))
        #expect(html.contains(#"About this alert: <a href="/edge/kb-check-failing.html">"#))
        #expect(html.contains("journalctl --vacuum-size=200M"))
        #expect(html.contains("(2m 5s)"))
        #expect(html.contains("kb check &lt;disk-check&gt; reports a problem"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("No runbook in this KB names this alert."))
        let empty = FiringPage.html([], lastDelivery: nil)
        #expect(empty.contains("Nothing is firing."))
        #expect(empty.contains("no delivery from Alertmanager yet"))
    }
}

@Suite struct FiringStoreBoundsTests {
    func payload(_ range: Range<Int>) throws -> AlertmanagerPayload {
        let alerts = range.map { #"{"status":"firing","labels":{"alertname":"A\#($0)"}}"# }.joined(separator: ",")
        return try AlertmanagerWebhook.decode(Data(#"{"version":"4","status":"firing","alerts":[\#(alerts)]}"#.utf8))
    }

    @Test func aFloodKeepsTheNewestWithinCapacity() async throws {
        let store = FiringStore(capacity: 1_000, maxAge: 3600)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        for batch in 0..<50 {
            await store.apply(try payload(batch * 100..<(batch + 1) * 100), now: t0.addingTimeInterval(Double(batch)))
        }
        let firing = await store.firing(now: t0.addingTimeInterval(60))
        #expect(firing.count <= 1_000)
        #expect(firing.count >= 900)
        // The last delivered are kept, the oldest went first.
        #expect(firing.contains { $0.name == "A4999" })
        #expect(!firing.contains { $0.name == "A0" })
        // Not delivered again within maxAge: gone.
        #expect(await store.firing(now: t0.addingTimeInterval(2 * 3600)).isEmpty)
    }

    @Test func theWebhookAdmitsOnlyJSONAndTheToken() {
        #expect(AlertmanagerWebhook.admit(contentType: "application/json; charset=utf-8", authorization: nil, token: nil) == nil)
        #expect(AlertmanagerWebhook.admit(contentType: "text/plain", authorization: nil, token: nil)?.status == 415)
        #expect(AlertmanagerWebhook.admit(contentType: nil, authorization: nil, token: nil)?.status == 415)
        #expect(AlertmanagerWebhook.admit(contentType: "application/json", authorization: "Bearer t", token: "t") == nil)
        #expect(AlertmanagerWebhook.admit(contentType: "application/json", authorization: "Bearer tt", token: "t")?.status == 401)
        #expect(AlertmanagerWebhook.admit(contentType: "application/json", authorization: nil, token: "t")?.status == 401)
    }
}
