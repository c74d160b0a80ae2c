import Foundation
import Hummingbird
import KBBuild
import KBCluster
import KBContent

extension KB.Serve {
    /// Alertmanager's webhook and the live "firing now" page:
    /// `POST /hooks/alertmanager` (payload version 4; malformed → 400), `GET /firing.html`, `GET /_kb/firing.json`.
    static func addAlertmanagerRoutes(to router: Router<BasicRequestContext>, content: String?, store: FiringStore = FiringStore()) {
        router.post("/hooks/alertmanager") { request, _ in
            let body: Data?
            do {
                var buffer = try await request.body.collect(upTo: AlertmanagerWebhook.maxBody)
                body = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
            } catch {
                body = nil // larger than the limit
            }
            let reply = await AlertmanagerWebhook.receive(body, into: store)
            return response(.init(code: reply.status), type: "application/json; charset=utf-8", Data(reply.body.utf8), noStore: true)
        }
        router.get("/firing.html") { _, _ in
            let (alerts, last) = await firing(store, content: content)
            let title = (try? GraphLoader.load(content: content).1.config.title) ?? "kb"
            return response(.ok, type: types["html"]!, inject(Data(FiringPage.html(alerts, lastDelivery: last, siteTitle: title).utf8)), noStore: true)
        }
        router.get("/_kb/firing.json") { _, _ in
            let (alerts, _) = await firing(store, content: content)
            return response(.ok, type: "application/json; charset=utf-8", Data((jsonString(["alerts": alerts]) + "\n").utf8), noStore: true)
        }
    }

    /// The firing alerts joined with the KB as it is now (the graph is reloaded: the KB may have changed).
    static func firing(_ store: FiringStore, content: String?) async -> ([AlertStatus], Date?) {
        let entries = await store.firing()
        let last = await store.lastDelivery
        let index = (try? GraphLoader.load(content: content)).map { RunbookIndex(graph: $0.1) }
        return (FiringPage.statuses(entries, index: index), last)
    }
}
