import Foundation
import GRDB
import Synchronization

/// Group commit for every write of the SQLite backend: writes that arrive while a transaction is
/// being written wait for the next one, and each transaction commits (and fsyncs, at
/// `synchronous=FULL`) a whole batch. Each write of a batch runs in its own savepoint, so one
/// that throws (a lost lease, a run already running) is rolled back alone and the others commit.
/// Every caller gets its answer only once the transaction holding its write has committed, so a
/// write is as durable as with a transaction of its own; when many issue objects write at once
/// (a restart resuming 1,000 runs, 16 runs crossing step boundaries) there are simply fewer
/// fsyncs.
///
/// A write sees the writes queued before it in the same batch, as it would have seen them
/// committed one transaction earlier; when the commit fails, every write of the batch gets that
/// error and none of them is stored.
///
/// The queue is a lock, not an actor: a write is queued on the caller's thread, and each batch
/// is handed to GRDB's writer queue, whose completion resumes the batch's callers and takes the
/// next batch, so no task or executor hop is spent per write or per batch.
final class SQLiteGroupCommit: Sendable {
    /// One queued write: `apply` runs it inside the batch's transaction, `finish` answers its caller
    /// once the batch has committed (with `nil`) or failed (with the batch's error).
    private struct Entry: Sendable {
        let apply: @Sendable (Database, _ alone: Bool) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Entry] = []
        /// A batch is being written; its completion takes the next one.
        var writing = false
    }

    private let database: any DatabaseWriter
    private let state = Mutex(State())
    /// Largest number of writes per transaction.
    let maxBatch: Int

    /// Writes queued and not yet taken into a batch.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    init(database: any DatabaseWriter, maxBatch: Int = 256) {
        self.database = database
        self.maxBatch = maxBatch
    }

    /// Runs `updates` in the next write transaction and returns its result once that transaction
    /// has committed.
    /// - Throws: what `updates` throws (its changes are rolled back, the batch's others are kept),
    ///   or the error of the batch's commit (nothing of the batch is stored).
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            write(updates) { continuation.resume(with: $0) }
        }
    }

    /// Runs `updates` in the next write transaction and calls `completion` (on the writer's queue)
    /// once that transaction has committed or failed.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T,
                            completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let outcome = Outcome<T>()
        let entry = Entry(
            apply: { db, alone in
                if alone {
                    // The batch's transaction is this write's own: its error rolls the whole of it back.
                    outcome.result = Result(catching: { try updates(db) })
                    if case .failure(let error) = outcome.result { throw error }
                    return
                }
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try updates(db)
                        return .commit
                    }
                    outcome.result = value.map { .success($0) }
                } catch {
                    outcome.result = .failure(error)
                    // SQLite rolled the whole transaction back (I/O error, full disk): the batch fails.
                    if !db.isInsideTransaction { throw error }
                }
            },
            finish: { batchError in
                switch (outcome.result, batchError) {
                case (.failure(let own)?, _): completion(.failure(own))  // failed by itself, whatever the batch did
                case (_, let batchError?): completion(.failure(batchError))  // nothing of the batch is stored
                case (.success(let value)?, nil): completion(.success(value))
                case (nil, nil): completion(.failure(DatabaseError(message: "write left unrun by its batch")))
                }
            })
        let first = state.withLock { state in
            state.pending.append(entry)
            defer { state.writing = true }
            return !state.writing
        }
        if first { writeNextBatch() }
    }

    /// Writes the pending writes (up to ``maxBatch``) in one transaction, or, when none are left,
    /// marks the queue idle.
    private func writeNextBatch() {
        let batch: [Entry] = state.withLock { state in
            let batch = Array(state.pending.prefix(maxBatch))
            state.pending.removeFirst(batch.count)
            if batch.isEmpty { state.writing = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        database.asyncWriteWithoutTransaction { db in
            var batchError: (any Error)?
            do {
                try db.inTransaction(.immediate) {
                    for entry in batch { try entry.apply(db, batch.count == 1) }
                    return .commit
                }
            } catch {
                batchError = error
            }
            for entry in batch { entry.finish(batchError) }
            self.writeNextBatch()
        }
    }
}

/// A write's result, set on the writer's queue while its batch runs and read there when the batch
/// ends: one thread at a time, in that order.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
