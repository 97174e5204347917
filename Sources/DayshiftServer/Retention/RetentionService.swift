import DayshiftConfig
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Data hygiene (`retention.*`): deletes old deliveries, their payloads and inbox messages, and
/// the step journals of runs that finished long ago, so the database stops growing.
///
/// At start and then every `retention.interval_seconds` it runs one pass: deliveries in batches
/// of ``batchSize`` (``Store/pruneDeliveries(actedBefore:ignoredBefore:limit:)``), then run
/// journals (``Store/pruneRunJournals(finishedBefore:limit:)``) and, with the same cutoff, past
/// lease terms (``Store/pruneLeaseHistory(acquiredBefore:limit:)``), one short transaction per batch
/// so intake's writes interleave. A running run and an unhandled inbox message are never touched.
/// A setting of 0 days keeps that kind of data forever.
///
/// Run it in a `ServiceGroup`: it stops at graceful shutdown (or cancellation), between batches.
public final class RetentionService: Service, Sendable, CustomStringConvertible {
    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var deletedDeliveries = 0
        public var emptiedPayloads = 0
        public var deletedMessages = 0
        /// Finished runs whose journal was pruned.
        public var prunedRuns = 0
        /// Past lease terms (`issue_object_leases`) deleted, with the run journals' cutoff.
        public var deletedLeaseTerms = 0
        public var deletedSteps = 0
        /// Batches that failed (logged); the pass stops at the first.
        public var failures = 0
        public init() {}
    }

    public var description: String { "RetentionService" }

    /// Rows handled per transaction.
    public let batchSize: Int
    private let store: Store
    private let settings: RetentionSettings
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - settings: `retention.*`.
    ///   - batchSize: deliveries or runs per transaction (default 200).
    ///   - now: the current time (inject a clock in tests).
    public init(store: Store, settings: RetentionSettings, batchSize: Int = 200, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.settings = settings
        self.batchSize = max(1, batchSize)
        self.logger = logger
        self.now = now
    }

    /// Prunes at once, then every `retention.interval_seconds`, until graceful shutdown or cancellation.
    public func run() async throws {
        let interval = max(0.01, settings.intervalSeconds)
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                await prune()
                do {
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                } catch {
                    return
                }
            }
        }
    }

    /// One pass over everything past its retention. Never throws: a failed batch is logged and ends
    /// the pass (the next pass tries again).
    @discardableResult
    public func prune() async -> Pass {
        var pass = Pass()
        let now = self.now()
        let acted = Self.cutoff(days: settings.deliveriesDays, now: now)
        let ignored = Self.cutoff(days: settings.ignoredDeliveriesDays, now: now)
        do {
            if acted != nil || ignored != nil {
                while !Task.isCancelled {
                    let batch = try await store.pruneDeliveries(actedBefore: acted, ignoredBefore: ignored, limit: batchSize)
                    pass.deletedDeliveries += batch.deletedDeliveries
                    pass.emptiedPayloads += batch.emptiedPayloads
                    pass.deletedMessages += batch.deletedMessages
                    if batch.examined < batchSize { break }
                    await Task.yield()
                }
            }
            if let runs = Self.cutoff(days: settings.runsDays, now: now) {
                while !Task.isCancelled {
                    let batch = try await store.pruneRunJournals(finishedBefore: runs, limit: batchSize)
                    pass.prunedRuns += batch.runs
                    pass.deletedSteps += batch.deletedSteps
                    if batch.runs < batchSize { break }
                    await Task.yield()
                }
                while !Task.isCancelled {
                    let deleted = try await store.pruneLeaseHistory(acquiredBefore: runs, limit: batchSize)
                    pass.deletedLeaseTerms += deleted
                    if deleted < batchSize { break }
                    await Task.yield()
                }
            }
        } catch is CancellationError {
            return pass
        } catch {
            pass.failures += 1
            logger.error("retention pass failed; the next pass tries again", metadata: ["error": "\(error)"])
        }
        if pass != Pass() {
            logger.info("retention pass", metadata: [
                "deliveries_deleted": "\(pass.deletedDeliveries)", "payloads_emptied": "\(pass.emptiedPayloads)",
                "messages_deleted": "\(pass.deletedMessages)", "runs_pruned": "\(pass.prunedRuns)", "steps_deleted": "\(pass.deletedSteps)",
                "lease_terms_deleted": "\(pass.deletedLeaseTerms)",
            ])
        }
        return pass
    }

    /// The moment `days` days before `now`, or `nil` for 0 (keep forever).
    static func cutoff(days: Int, now: Date) -> Date? {
        days > 0 ? now.addingTimeInterval(-Double(days) * 86_400) : nil
    }
}
