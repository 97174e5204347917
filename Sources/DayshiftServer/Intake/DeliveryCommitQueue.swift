import DayshiftCore
import Store
import Synchronization

/// Group commit for intake: deliveries that arrive while a transaction is being written wait
/// for the next one, and each transaction commits (and fsyncs, `synchronous=FULL`) a whole batch.
/// Every caller gets its answer only after its own delivery is durable, so the acknowledgement
/// to GitHub is as strong as with one transaction per delivery; under load there are simply
/// fewer fsyncs.
///
/// The queue is a lock, not an actor: a delivery is queued on the request's own thread, and each
/// batch is handed to the store's writer queue, whose completion resumes the batch's callers and
/// hands over the next batch, so no task or executor hop is spent per delivery or per batch.
final class DeliveryCommitQueue: Sendable {
    typealias Item = (delivery: Delivery, message: IssueMessage?)
    private typealias Entry = (item: Item, continuation: CheckedContinuation<DeliveryOutcome, any Error>)

    private struct State {
        var pending: [Entry] = []
        /// A batch is being written; its completion takes the next one.
        var writing = false
    }

    private let store: Store
    private let state = Mutex(State())
    /// Largest batch per transaction.
    let maxBatch: Int

    init(store: Store, maxBatch: Int = 512) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// Stores one delivery; returns once it is committed.
    /// - Throws: the storage error of the batch it was in (nothing of that batch is stored).
    func record(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let first = state.withLock { state in
                state.pending.append(((delivery, message), continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if first { writeNextBatch() }
        }
    }

    /// Writes the pending deliveries (up to ``maxBatch``) in one transaction, or, when none are
    /// left, marks the queue idle.
    private func writeNextBatch() {
        let batch: [Entry] = state.withLock { state in
            let batch = Array(state.pending.prefix(maxBatch))
            state.pending.removeFirst(batch.count)
            if batch.isEmpty { state.writing = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        store.recordDeliveries(batch.map(\.item)) { result in
            switch result {
            case .success(let outcomes):
                for (entry, outcome) in zip(batch, outcomes) { entry.continuation.resume(returning: outcome) }
            case .failure(let error):
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
            self.writeNextBatch()
        }
    }
}
