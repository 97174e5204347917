import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store

/// `GET /readyz`: whether this server should get traffic now. Unauthenticated, like `/healthz`.
///
/// | check | passes when |
/// |---|---|
/// | `database` | a write transaction commits (``Store/checkWritable()``) |
/// | `migrations` | every schema migration Dayshift knows is applied |
/// | `draining` | the server is not shutting down (the intake gate is open) |
///
/// 200 `{"status":"ready","checks":{…: "ok"}}` when all pass; otherwise 503 with the same shape,
/// `"status":"not ready"`, `"failed"` listing the checks that failed, and each failed check's value
/// saying why in a few fixed words (no error text: the route is unauthenticated; the error is logged).
struct ReadinessController<Context: RequestContext>: Sendable {
    let store: Store
    let gate: IntakeGate
    let logger: Logger

    func addRoutes(to router: Router<Context>) {
        router.get("readyz") { _, _ in await check() }
    }

    func check() async -> Response {
        var checks: [String: String] = [:]
        do {
            try await store.checkWritable()
            checks["database"] = "ok"
        } catch {
            logger.warning("readiness: the database takes no write", metadata: ["error": "\(error)"])
            checks["database"] = "not writable"
        }
        do {
            let pending = try await store.pendingMigrations()
            checks["migrations"] = pending.isEmpty ? "ok" : "\(pending.count) not applied"
        } catch {
            logger.warning("readiness: cannot read the applied migrations", metadata: ["error": "\(error)"])
            checks["migrations"] = "unreadable"
        }
        checks["draining"] = gate.isOpen ? "ok" : "shutting down"
        let failed = checks.filter { $0.value != "ok" }.map(\.key).sorted()
        var body: [String: Any] = ["status": failed.isEmpty ? "ready" : "not ready", "checks": checks]
        if !failed.isEmpty { body["failed"] = failed }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: failed.isEmpty ? .ok : .serviceUnavailable, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
