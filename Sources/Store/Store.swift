import DayshiftConfig
import Foundation
import GRDB
import Logging

/// The one owner of SQL. Every public method is one domain operation in one transaction, so each
/// invariant has one home and the rest of Dayshift never writes SQL.
///
/// The database is a WAL-mode SQLite file (`<data_dir>/dayshift.sqlite`) opened with
/// `synchronous=FULL` (an acknowledged delivery survives power loss), a 5 s busy timeout, and
/// write transactions begun IMMEDIATE (GRDB's default for `DatabasePool` writes).
public final class Store: Sendable {
    let database: DatabasePool
    let logger: Logger

    /// Opens (creating if needed) the database in `directory` and migrates it.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated; file-system errors.
    public init(directory: URL, logger: Logger) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "dayshift"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabasePool(path: directory.appendingPathComponent("dayshift.sqlite").path, configuration: configuration)
        self.logger = logger
        try StoreMigrations.migrator.migrate(database)
    }

    /// The SQLite library version in use, e.g. `3.40.1`.
    public func sqliteVersion() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?" }
    }
}

// MARK: - Deliveries

/// What ``Store/recordDelivery(_:message:)`` did.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Stored now; `messageID` is the inbox message written with it, if any.
    case recorded(messageID: Int64?)
    /// A delivery with this GUID was stored before; nothing changed.
    case duplicate
}

extension Store {
    /// Stores a delivery and, when given, the message for its issue object, in one transaction.
    /// A GUID seen before changes nothing and returns ``DeliveryOutcome/duplicate``.
    /// - Throws: GRDB's `DatabaseError` on I/O failure (nothing is stored then).
    public func recordDelivery(_ delivery: DeliveryRecord, message: InboxMessageRecord?) throws -> DeliveryOutcome {
        try database.write { db in
            if try DeliveryRecord.exists(db, key: delivery.guid) { return .duplicate }
            try delivery.insert(db)
            guard var message else { return .recorded(messageID: nil) }
            try message.insert(db)
            return .recorded(messageID: message.id)
        }
    }

    /// The delivery with this GUID, if stored.
    public func delivery(guid: String) throws -> DeliveryRecord? {
        try database.read { db in try DeliveryRecord.fetchOne(db, key: guid) }
    }

    /// The most recent deliveries, newest first.
    public func recentDeliveries(limit: Int = 100) throws -> [DeliveryRecord] {
        try database.read { db in
            try DeliveryRecord.order(Column("receivedAt").desc).limit(limit).fetchAll(db)
        }
    }

    /// Number of stored deliveries.
    public func deliveryCount() throws -> Int {
        try database.read { db in try DeliveryRecord.fetchCount(db) }
    }
}

// MARK: - Inbox

extension Store {
    /// Issue keys that have unhandled messages, oldest message first.
    public func issueKeysWithPendingMessages() throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT issueKey FROM inbox_messages WHERE handledAt IS NULL
                GROUP BY issueKey ORDER BY MIN(id)
                """)
        }
    }

    /// The oldest unhandled message for one issue object.
    public func nextPendingMessage(issueKey: String) throws -> InboxMessageRecord? {
        try database.read { db in
            try InboxMessageRecord
                .filter(Column("issueKey") == issueKey && Column("handledAt") == nil)
                .order(Column("id")).fetchOne(db)
        }
    }

    /// Marks a message handled with what was done about it.
    public func markMessageHandled(id: Int64, outcome: String, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(literal: "UPDATE inbox_messages SET handledAt = \(date), outcome = \(outcome) WHERE id = \(id)")
        }
    }

    /// All messages for one issue object, oldest first.
    public func messages(issueKey: String) throws -> [InboxMessageRecord] {
        try database.read { db in
            try InboxMessageRecord.filter(Column("issueKey") == issueKey).order(Column("id")).fetchAll(db)
        }
    }
}

// MARK: - Runs and steps

/// Why ``Store/startRun(issueKey:triggerMessageID:context:steps:)`` did not start a run.
public enum StartRunError: Error, Equatable {
    /// Another run of this issue is still `running`.
    case alreadyRunning(runID: Int64)
}

extension Store {
    /// Starts a run: inserts it with its journal (every step `pending`) and marks the triggering
    /// message handled, in one transaction.
    /// - Throws: ``StartRunError/alreadyRunning(runID:)`` when the issue has a running run (the
    ///   database's unique index is the final judge, so two racing callers cannot both succeed).
    public func startRun(issueKey: String, triggerMessageID: Int64, context: Data, steps: [StepName], at date: Date = Date()) throws -> RunRecord {
        try database.write { db in
            if let running = try RunRecord.filter(Column("issueKey") == issueKey && Column("status") == RunRecord.Status.running.rawValue).fetchOne(db) {
                throw StartRunError.alreadyRunning(runID: running.id ?? 0)
            }
            let sequence = (try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM runs WHERE issueKey = ?", arguments: [issueKey]) ?? 0) + 1
            var run = RunRecord(issueKey: issueKey, sequence: sequence, triggerMessageId: triggerMessageID, context: context, createdAt: date)
            try run.insert(db)
            guard let runID = run.id else { throw DatabaseError(message: "run inserted without id") }
            for (position, name) in steps.enumerated() {
                try StepRecord(runId: runID, name: name, position: position).insert(db)
            }
            try db.execute(literal: "UPDATE inbox_messages SET handledAt = \(date), outcome = \("started run \(sequence)") WHERE id = \(triggerMessageID)")
            return run
        }
    }

    /// The issue's running run, if any.
    public func runningRun(issueKey: String) throws -> RunRecord? {
        try database.read { db in
            try RunRecord.filter(Column("issueKey") == issueKey && Column("status") == RunRecord.Status.running.rawValue).fetchOne(db)
        }
    }

    /// The issue's most recent run, if any.
    public func latestRun(issueKey: String) throws -> RunRecord? {
        try database.read { db in
            try RunRecord.filter(Column("issueKey") == issueKey).order(Column("sequence").desc).fetchOne(db)
        }
    }

    /// All runs of one issue, oldest first.
    public func runs(issueKey: String) throws -> [RunRecord] {
        try database.read { db in try RunRecord.filter(Column("issueKey") == issueKey).order(Column("sequence")).fetchAll(db) }
    }

    public func run(id: Int64) throws -> RunRecord? {
        try database.read { db in try RunRecord.fetchOne(db, key: id) }
    }

    /// Every run still `running` (after a restart: the ones to resume).
    public func runningRuns() throws -> [RunRecord] {
        try database.read { db in
            try RunRecord.filter(Column("status") == RunRecord.Status.running.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    /// The run's journal, in step order.
    public func steps(runID: Int64) throws -> [StepRecord] {
        try database.read { db in
            try StepRecord.filter(Column("runId") == runID).order(Column("position")).fetchAll(db)
        }
    }

    /// Marks a step `running` and counts the attempt; committed before the step's effect starts.
    /// - Returns: the attempt number, from 1.
    public func beginStep(runID: Int64, step: StepName, at date: Date = Date()) throws -> Int {
        try database.write { db in
            try db.execute(literal: """
                UPDATE run_steps SET status = 'running', attempt = attempt + 1, startedAt = \(date), endedAt = NULL, error = NULL
                WHERE runId = \(runID) AND name = \(step.rawValue)
                """)
            return try Int.fetchOne(db, sql: "SELECT attempt FROM run_steps WHERE runId = ? AND name = ?", arguments: [runID, step.rawValue]) ?? 0
        }
    }

    /// Records how a step ended; committed before the next step starts.
    public func endStep(runID: Int64, step: StepName, status: StepRecord.Status, result: Data?, error: String?, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(literal: """
                UPDATE run_steps SET status = \(status.rawValue), endedAt = \(date), result = \(result), error = \(error)
                WHERE runId = \(runID) AND name = \(step.rawValue)
                """)
        }
    }

    /// Records that the run was asked to stop (survives a restart).
    public func requestCancel(runID: Int64, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(literal: "UPDATE runs SET cancelRequestedAt = \(date) WHERE id = \(runID) AND cancelRequestedAt IS NULL")
        }
    }

    /// Ends a run with its final status and a one-line summary.
    public func finishRun(runID: Int64, status: RunRecord.Status, summary: String, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(literal: "UPDATE runs SET status = \(status.rawValue), summary = \(summary), finishedAt = \(date) WHERE id = \(runID)")
        }
    }
}
