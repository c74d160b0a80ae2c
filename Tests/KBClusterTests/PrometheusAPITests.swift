import Foundation
import KBCluster
import KBTesting
import Testing

@Suite struct PrometheusAPITests {
    /// The shape Prometheus 2.x answers on /api/v1/alerts.
    static let answer = """
    {"status":"success","data":{"alerts":[
      {"labels":{"alertname":"KBCheckFailing","article":"node/disk-full","check":"disk-check","instance":"127.0.0.1:9100","job":"node","severity":"critical"},
       "annotations":{"summary":"kb check disk-check reports a problem on 127.0.0.1:9100","runbook_url":"https://kb.example.org/node/disk-full.html"},
       "state":"firing","activeAt":"2024-05-01T10:00:00.123456789+02:00","value":"1e+00"},
      {"labels":{"alertname":"Pending"},"annotations":{},"state":"pending","activeAt":"2024-05-01T08:00:05Z","value":"1e+00"}
    ]}}
    """

    @Test func decodesAlerts() throws {
        let alerts = try PrometheusAPI.decodeAlerts(Data(Self.answer.utf8), url: "u")
        #expect(alerts.count == 2)
        #expect(alerts[0].name == "KBCheckFailing")
        #expect(alerts[0].state == "firing")
        #expect(alerts[0].labels["check"] == "disk-check")
        #expect(alerts[0].activeAt.map { abs($0.timeIntervalSince1970 - 1714550400.123) < 0.001 } == true)
        #expect(alerts[1].activeAt?.timeIntervalSince1970 == 1714550405)
    }

    @Test func garbageIsNamed() {
        func reason(_ text: String) -> String {
            do { _ = try PrometheusAPI.decodeAlerts(Data(text.utf8), url: "http://x/api/v1/alerts"); return "decoded" } catch { return error.description }
        }
        #expect(reason("<html><body>Grafana</body></html>")
            == "http://x/api/v1/alerts did not answer like the Prometheus alerts API (not JSON: <html><body>Grafana</body></html>); is this a Prometheus server?")
        #expect(reason("").contains("(empty answer)"))
        #expect(reason(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#).contains("unexpected JSON: no 'data.alerts'"))
        #expect(reason(#"{"status":"success","data":{"alerts":[{"labels":{"alertname":1},"state":"firing"}]}}"#)
            .contains("wrong type at 'data.alerts[0].labels.alertname'"))
        #expect(reason("[1,2]").contains("unexpected JSON"))
    }

    @Test func addresses() throws {
        #expect(try PrometheusAPI("http://127.0.0.1:9090/").alertsURL.absoluteString == "http://127.0.0.1:9090/api/v1/alerts")
        #expect(try PrometheusAPI("https://mon.example.org/prometheus").alertsURL.absoluteString == "https://mon.example.org/prometheus/api/v1/alerts")
        for bad in ["localhost:9090", "ftp://x", "http://", "http://x?q=1", "not a url"] {
            #expect(throws: PrometheusError.badURL(bad)) { try PrometheusAPI(bad) }
        }
    }

    @Test func unreachableIsAClearError() async throws {
        // A port nobody listens on: bind one, close it, use it.
        let port = try TestSupport.freePort()
        let api = try PrometheusAPI("http://127.0.0.1:\(port)", timeout: 5)
        await #expect(throws: PrometheusError.unreachable(url: "http://127.0.0.1:\(port)/api/v1/alerts", reason: "connection refused")) {
            _ = try await api.alerts()
        }
    }

    @Test func timestamps() {
        #expect(Timestamp.parse("2024-05-01T10:00:00Z")?.timeIntervalSince1970 == 1714557600)
        #expect(Timestamp.parse("2024-05-01T12:00:00+02:00")?.timeIntervalSince1970 == 1714557600)
        #expect(Timestamp.parse("2024-05-01T05:30:00.5-04:30")?.timeIntervalSince1970 == 1714557600.5)
        #expect(Timestamp.parse("0001-01-01T00:00:00Z") != nil)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1714557600)) == "2024-05-01 10:00:00 UTC")
        #expect(Timestamp.age(59) == "59s")
        #expect(Timestamp.age(200) == "3m 20s")
        #expect(Timestamp.age(7500) == "2h 5m")
        #expect(Timestamp.age(2 * 86400 + 3600) == "2d 1h")
    }
}

