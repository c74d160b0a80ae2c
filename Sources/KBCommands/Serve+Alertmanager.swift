import Foundation
import Hummingbird
import KBCluster

extension KB.Serve {
    /// Alertmanager's webhook and the live "firing now" page:
    /// `POST /hooks/alertmanager` (payload version 4; malformed → 400), `GET /firing.html`, `GET /_kb/firing.json`.
    static func addAlertmanagerRoutes(to router: Router<BasicRequestContext>, board: FiringBoard, token: String?) {
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
            let reply = await AlertmanagerWebhook.receive(body, into: board.store)
            return response(.init(code: reply.status), type: "application/json; charset=utf-8", Data(reply.body.utf8), noStore: true)
        }
        router.get("/firing.html") { _, _ in
            response(.ok, type: "text/html; charset=utf-8", ReloadScript.inject(into: Data(await board.page().utf8)), noStore: true)
        }
        router.get("/_kb/firing.json") { _, _ in
            let alerts = await board.alerts().alerts
            return response(.ok, type: "application/json; charset=utf-8", Data((jsonString(["alerts": alerts]) + "\n").utf8), noStore: true)
        }
    }
}
