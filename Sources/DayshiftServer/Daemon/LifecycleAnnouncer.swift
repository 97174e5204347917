import Logging
import ServiceLifecycle

/// What the server tells its log and its supervisor as it starts and stops:
///
/// | when | log (info) | systemd (``SystemdNotifier``) |
/// |---|---|---|
/// | the HTTP listener is bound | – (Hummingbird logs the address) | `READY=1`, `STATUS=listening on http://HOST:PORT` |
/// | SIGTERM or SIGINT arrives | `stopping` | `STOPPING=1`, `STATUS=stopping` |
/// | every service has finished | `stopped` | – |
///
/// It is a ``Service`` placed last in the group, so that graceful shutdown reaches it first and
/// "stopping" is logged at once, before the runtime's grace period.
public struct LifecycleAnnouncer: Service {
    let logger: Logger
    let notifier: SystemdNotifier?

    /// - Parameter notifier: where readiness goes; `nil` outside systemd.
    public init(logger: Logger, notifier: SystemdNotifier?) {
        self.logger = logger
        self.notifier = notifier
    }

    /// Call once the HTTP listener is bound to `host`:`port`.
    public func listening(host: String, port: Int) {
        notify("READY=1\nSTATUS=listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
    }

    /// Waits for graceful shutdown, then says "stopping"; returns at once when cancelled.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return
        }
        logger.info("stopping")
        notify("STOPPING=1\nSTATUS=stopping")
    }

    /// Call once every service has returned.
    public func stopped() {
        logger.info("stopped")
    }

    private func notify(_ state: String) {
        do {
            try notifier?.send(state)
        } catch {
            logger.warning("cannot notify systemd: \(error)")
        }
    }
}
