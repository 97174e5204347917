import Hummingbird

/// `GET /healthz`: 200 `ok` while the server answers.
struct HealthController<Context: RequestContext>: Sendable {
    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in "ok\n" }
    }
}
