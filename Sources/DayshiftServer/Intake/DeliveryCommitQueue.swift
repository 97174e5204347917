import DayshiftCore
import Store

/// Group commit for intake: deliveries that arrive while a transaction is being written wait
/// for the next one, and each transaction commits (and fsyncs, `synchronous=FULL`) a whole batch.
/// Every caller gets its answer only after its own delivery is durable, so the acknowledgement
/// to GitHub is as strong as with one transaction per delivery; under load there are simply
/// fewer fsyncs.
actor DeliveryCommitQueue {
    typealias Item = (delivery: Delivery, message: IssueMessage?)

    private let store: Store
    private var pending: [(item: Item, continuation: CheckedContinuation<DeliveryOutcome, any Error>)] = []
    private var writing = false
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
            pending.append(((delivery, message), continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                let outcomes = try await store.recordDeliveries(batch.map(\.item))
                for (entry, outcome) in zip(batch, outcomes) { entry.continuation.resume(returning: outcome) }
            } catch {
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        writing = false
    }
}
