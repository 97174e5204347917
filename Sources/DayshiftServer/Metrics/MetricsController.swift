import Hummingbird
import NIOCore
import Store

/// `GET /metrics`: ``DayshiftMetrics`` in Prometheus' text exposition format (version 0.0.4).
/// Unauthenticated, as Prometheus expects: keep the server's port private (README, "Health and
/// metrics"). No value or label carries a secret or free text.
struct MetricsController<Context: RequestContext>: Sendable {
    let metrics: DayshiftMetrics
    let store: Store
    /// This server's name in the leases it takes.
    let replica: String

    func addRoutes(to router: Router<Context>) {
        router.get("metrics") { _, _ in
            let text = await metrics.exposition(store: store, replica: replica)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
