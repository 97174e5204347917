import Foundation
import Logging
import Sandboxes
import ServiceLifecycle

/// Deletes sandboxes Dayshift leaked: a crash between provision and cleanup, a cleanup that failed,
/// a create whose answer was lost. Works with any ``SandboxProvider``.
///
/// At start and then every ``intervalSeconds`` it lists the sandboxes labelled
/// `dayshift.managed=true` and deletes each one that is older than ``graceSeconds`` (from its
/// `createdAt`) and whose `dayshift.run` label
/// - names a run that is not running (asked of the `isRunActive` closure), or
/// - is missing or not a run id.
///
/// A sandbox whose run cannot be checked (the closure throws) is kept. Each reaped sandbox is
/// logged (name, id, reason) at `info`, and each sweep ends with one summary line.
///
/// Replicas sharing a store sweep one at a time (`alone`).
///
/// Run it in a `ServiceGroup`: it stops at graceful shutdown (or cancellation), leaving a sweep in
/// progress unfinished.
public final class SandboxReaper: Service, Sendable {
    /// One sandbox deleted by a sweep.
    public struct Reaped: Sendable, Equatable {
        public var id: String
        public var name: String
        /// e.g. `run 12 is not running`, `no dayshift.run label`.
        public var reason: String

        public init(id: String, name: String, reason: String) {
            self.id = id
            self.name = name
            self.reason = reason
        }
    }

    /// What one sweep did.
    public struct Sweep: Sendable, Equatable {
        /// Managed sandboxes listed.
        public var examined = 0
        /// Deleted ones, in listing order.
        public var reaped: [Reaped] = []
        /// Left alone: younger than the grace period, or their run is active.
        public var kept = 0
        /// Could not be decided or deleted (run check or delete threw), plus 1 when the listing failed.
        public var failures = 0
    }

    /// Seconds between sweeps.
    public let intervalSeconds: Double
    /// A sandbox younger than this (seconds since `createdAt`) is never reaped.
    public let graceSeconds: Double

    private let provider: any SandboxProvider
    private let isRunActive: @Sendable (Int64) async throws -> Bool
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let recorder: any RuntimeRecorder
    private let alone: @Sendable (@Sendable () async -> Void) async throws -> Bool

    /// - Parameters:
    ///   - provider: where the sandboxes live.
    ///   - intervalSeconds: seconds between sweeps (`sandbox.reaper.interval_seconds`, default 300).
    ///   - graceSeconds: minimum age in seconds before a sandbox may be reaped
    ///     (`sandbox.reaper.grace_seconds`, default 600).
    ///   - logger: receives one line per reaped sandbox and one summary per sweep.
    ///   - now: the current time (injectable for tests).
    ///   - recorder: told after each sweep how many managed sandboxes are left alive.
    ///   - alone: runs a sweep unless another replica is sweeping (returns whether it ran);
    ///     by default every sweep runs (one server).
    ///   - isRunActive: whether the run with this database id is still running.
    public init(
        provider: any SandboxProvider, intervalSeconds: Double = 300, graceSeconds: Double = 600, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }, recorder: any RuntimeRecorder = NoRuntimeRecorder(),
        alone: @escaping @Sendable (@Sendable () async -> Void) async throws -> Bool = { sweep in await sweep(); return true },
        isRunActive: @escaping @Sendable (Int64) async throws -> Bool
    ) {
        self.alone = alone
        self.recorder = recorder
        self.provider = provider
        self.intervalSeconds = intervalSeconds
        self.graceSeconds = graceSeconds
        self.logger = logger
        self.now = now
        self.isRunActive = isRunActive
    }

    /// Sweeps at once, then every ``intervalSeconds``, until graceful shutdown or cancellation.
    public func run() async throws {
        let interval = max(0.01, intervalSeconds)
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    if try await alone({ await self.sweep() }) == false {
                        logger.debug("another replica is sweeping sandboxes; skipping this sweep")
                    }
                } catch {
                    logger.error("sandbox reaper cannot tell whether another replica is sweeping", metadata: ["error": "\(error)"])
                }
                do {
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                } catch {
                    return
                }
            }
        }
    }

    /// One pass: lists the managed sandboxes and deletes the leaked ones. Never throws; failures are
    /// logged and counted.
    @discardableResult
    public func sweep() async -> Sweep {
        var result = Sweep()
        let sandboxes: [Sandbox]
        do {
            sandboxes = try await provider.find(labels: [SandboxLabels.managed: "true"])
        } catch {
            logger.error("sandbox reaper cannot list sandboxes", metadata: ["provider": "\(provider.kind)", "error": "\(error)"])
            result.failures += 1
            return result
        }
        result.examined = sandboxes.count
        let now = self.now()
        for sandbox in sandboxes {
            if Task.isCancelled { break }
            guard now.timeIntervalSince(sandbox.createdAt) >= graceSeconds else {
                result.kept += 1
                continue
            }
            let reason: String
            if let label = sandbox.labels[SandboxLabels.run] {
                if let run = Int64(label.trimmingCharacters(in: .whitespaces)) {
                    do {
                        if try await isRunActive(run) {
                            result.kept += 1
                            continue
                        }
                    } catch {
                        logger.warning(
                            "sandbox reaper cannot tell whether the run is active; keeping the sandbox",
                            metadata: ["sandbox.id": "\(sandbox.id)", "sandbox.name": "\(sandbox.name)", "run": "\(run)", "error": "\(error)"])
                        result.failures += 1
                        continue
                    }
                    reason = "run \(run) is not running"
                } else {
                    reason = "unparseable \(SandboxLabels.run) label \"\(label)\""
                }
            } else {
                reason = "no \(SandboxLabels.run) label"
            }
            do {
                try await provider.delete(id: sandbox.id)
                logger.info(
                    "reaped leaked sandbox",
                    metadata: ["sandbox.id": "\(sandbox.id)", "sandbox.name": "\(sandbox.name)", "reason": "\(reason)"])
                result.reaped.append(Reaped(id: sandbox.id, name: sandbox.name, reason: reason))
            } catch {
                logger.warning(
                    "sandbox reaper cannot delete a leaked sandbox",
                    metadata: ["sandbox.id": "\(sandbox.id)", "sandbox.name": "\(sandbox.name)", "reason": "\(reason)", "error": "\(error)"])
                result.failures += 1
            }
        }
        recorder.liveSandboxes(result.examined - result.reaped.count)
        logger.info(
            "sandbox reaper sweep",
            metadata: [
                "provider": "\(provider.kind)", "examined": "\(result.examined)", "reaped": "\(result.reaped.count)",
                "kept": "\(result.kept)", "failures": "\(result.failures)",
            ])
        return result
    }
}
