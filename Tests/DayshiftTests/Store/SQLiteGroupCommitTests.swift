import Foundation
import GRDB
@testable import Store
import Synchronization
import Testing

/// The SQLite backend's group commit: concurrent writes share transactions, a write that throws
/// is rolled back alone, a failed commit fails (and stores nothing of) its whole batch, and every
/// caller returns only once its write is committed.
@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    /// A WAL database file in a temporary directory with a `notes` table and a `children` table
    /// whose foreign key is checked only at commit, and a count of committed transactions.
    private struct Fixture {
        let directory: URL
        let pool: DatabasePool
        let commits: CommitCounter
        let groupCommit: SQLiteGroupCommit

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: directory.appendingPathComponent("test.sqlite").path)
            try pool.write { db in
                try db.execute(sql: """
                    CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
                    CREATE TABLE children (id INTEGER PRIMARY KEY,
                                           noteId INTEGER NOT NULL REFERENCES notes(id) DEFERRABLE INITIALLY DEFERRED);
                    """)
            }
            commits = CommitCounter()
            pool.add(transactionObserver: commits, extent: .databaseLifetime)
            groupCommit = SQLiteGroupCommit(database: pool)
        }

        func notes() throws -> [String] {
            try pool.read { db in try String.fetchAll(db, sql: "SELECT text FROM notes ORDER BY id") }
        }

        /// Queues a write that holds the writer until `release` is signalled, so that the writes
        /// queued meanwhile form the next batch together.
        func holdWriter(until release: DispatchSemaphore) async -> Task<Void, any Error> {
            let (started, signalStarted) = AsyncStream.makeStream(of: Void.self)
            let task = Task { [groupCommit] in
                try await groupCommit.write { db in
                    signalStarted.yield()
                    release.wait()  // on GRDB's writer queue, not on a task's thread
                    try db.execute(sql: "INSERT INTO notes (text) VALUES ('holder')")
                }
            }
            for await _ in started { break }
            return task
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    private struct Refused: Error, Equatable {}

    @Test("200 concurrent writes are committed in far fewer transactions, and each is stored when its caller returns")
    func batches() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let before = fixture.commits.count
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { [groupCommit = fixture.groupCommit, pool = fixture.pool] in
                    let id = try await groupCommit.write { db in
                        try db.execute(sql: "INSERT INTO notes (text) VALUES (?)", arguments: ["note \(index)"])
                        return db.lastInsertedRowID
                    }
                    // Committed, so another connection sees it.
                    let stored = try await pool.read { db in try String.fetchOne(db, sql: "SELECT text FROM notes WHERE id = ?", arguments: [id]) }
                    #expect(stored == "note \(index)")
                }
            }
            try await group.waitForAll()
        }
        let transactions = fixture.commits.count - before
        #expect(Set(try fixture.notes()) == Set((0..<200).map { "note \($0)" }))
        #expect(transactions >= 1 && transactions < 100, "200 writes took \(transactions) transactions")
    }

    @Test("a write that throws in a batch is rolled back alone; the writes before and after it commit with the same transaction")
    func failingWriteAlone() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let release = DispatchSemaphore(value: 0)
        let holder = await fixture.holdWriter(until: release)
        let before = fixture.commits.count
        let groupCommit = fixture.groupCommit
        let first = Task { try await groupCommit.write { db in try db.execute(sql: "INSERT INTO notes (text) VALUES ('first')") } }
        try await waitUntilQueued(groupCommit, count: 1)
        let refused = Task {
            try await groupCommit.write { db in
                try db.execute(sql: "INSERT INTO notes (text) VALUES ('refused')")
                throw Refused()
            }
        }
        try await waitUntilQueued(groupCommit, count: 2)
        let last = Task { try await groupCommit.write { db in try db.execute(sql: "INSERT INTO notes (text) VALUES ('last')") } }
        try await waitUntilQueued(groupCommit, count: 3)
        release.signal()
        try await holder.value
        try await first.value
        await #expect(throws: Refused.self) { try await refused.value }
        try await last.value
        #expect(try fixture.notes() == ["holder", "first", "last"])
        #expect(fixture.commits.count - before == 2, "the holder's transaction, then one for the three queued writes")
    }

    @Test("a commit that fails fails every write of its batch, and none of them is stored")
    func failedCommit() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let release = DispatchSemaphore(value: 0)
        let holder = await fixture.holdWriter(until: release)
        let groupCommit = fixture.groupCommit
        let good = Task { try await groupCommit.write { db in try db.execute(sql: "INSERT INTO notes (text) VALUES ('good')") } }
        try await waitUntilQueued(groupCommit, count: 1)
        // Its foreign key is checked at COMMIT, after its own savepoint was released.
        let orphan = Task { try await groupCommit.write { db in try db.execute(sql: "INSERT INTO children (noteId) VALUES (999)") } }
        try await waitUntilQueued(groupCommit, count: 2)
        release.signal()
        try await holder.value
        for task in [good, orphan] {
            await #expect(throws: DatabaseError.self) { try await task.value }
        }
        #expect(try fixture.notes() == ["holder"])
        // The writer is free again: the next write commits.
        try await groupCommit.write { db in try db.execute(sql: "INSERT INTO notes (text) VALUES ('after')") }
        #expect(try fixture.notes() == ["holder", "after"])
    }

    private func waitUntilQueued(_ groupCommit: SQLiteGroupCommit, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while groupCommit.pendingCount < count {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// Counts the transactions committed on a connection.
private final class CommitCounter: TransactionObserver, Sendable {
    private let commits = Atomic<Int>(0)
    var count: Int { commits.load(ordering: .relaxed) }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.add(1, ordering: .relaxed) }
    func databaseDidRollback(_ db: Database) {}
}
