import Foundation
import Hummingbird
import KBBuild
import KBCluster
import KBContent

extension KB.Serve {
    /// Alertmanager's webhook and the live "firing now" page:
    /// `POST /hooks/alertmanager` (payload version 4; malformed → 400), `GET /firing.html`, `GET /_kb/firing.json`.
    static func addAlertmanagerRoutes(to router: Router<BasicRequestContext>, state: ServeState, token: String?,
                                      store: FiringStore = FiringStore()) {
        router.post("/hooks/alertmanager") { request, _ in
            if let refusal = AlertmanagerWebhook.admit(contentType: request.headers[.contentType],
                                                       authorization: request.headers[.authorization], token: token) {
                return response(.init(code: refusal.status), type: "application/json; charset=utf-8", Data(refusal.body.utf8), noStore: true)
            }
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
            let (alerts, last) = await firing(store, state: state)
            let title = await state.title
            return response(.ok, type: types["html"]!, inject(Data(FiringPage.html(alerts, lastDelivery: last, siteTitle: title).utf8)), noStore: true)
        }
        router.get("/_kb/firing.json") { _, _ in
            let (alerts, _) = await firing(store, state: state)
            return response(.ok, type: "application/json; charset=utf-8", Data((jsonString(["alerts": alerts]) + "\n").utf8), noStore: true)
        }
    }

    /// The firing alerts joined with the KB of the last good build (kept in memory, never reloaded per request).
    static func firing(_ store: FiringStore, state: ServeState) async -> ([AlertStatus], Date?) {
        let entries = await store.firing()
        let last = await store.lastDelivery
        return (FiringPage.statuses(entries, index: await state.runbooks), last)
    }
}

/// What the server knows of the KB: set after each good build, read by requests.
actor ServeState {
    private(set) var runbooks: RunbookIndex?
    private(set) var title = "kb"

    func update(graph: KnowledgeGraph) {
        runbooks = RunbookIndex(graph: graph)
        title = graph.config.title
    }
}
