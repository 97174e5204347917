import DayshiftCore
import Foundation
import PostgresNIO

// The records of runs, steps and alarms read from PostgreSQL rows: each `SELECT` names the
// record's `postgresColumns`, in that order, and the row decodes into the shared record (whose
// conversions to `Run`, `JournalStep` and `Alarm` both backends use).

/// A stored value that is not one of its type's cases (e.g. a `runs.status` this version does not know).
struct PostgresUnknownValue: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "\(column) holds \(value), which this version of Dayshift does not know" }

    static func decode<T: RawRepresentable<String>>(_ type: T.Type, _ value: String, column: String) throws -> T {
        guard let decoded = T(rawValue: value) else { throw PostgresUnknownValue(column: column, value: value) }
        return decoded
    }
}

extension RunRecord {
    /// The columns ``init(postgres:)`` reads, in order.
    static let postgresColumns = "id, issueKey, sequence, status, triggerMessageId, context, createdAt, finishedAt, summary, cancelRequestedAt"

    /// - Throws: `PostgresDecodingError` when a column has another type; ``PostgresUnknownValue`` for an unknown status.
    init(postgres row: PostgresRow) throws {
        let (id, issueKey, sequence, status, trigger, context, createdAt, finishedAt, summary, cancelRequestedAt) =
            try row.decode((Int64, String, Int64, String, Int64, Data, Date, Date?, String?, Date?).self)
        self.init(issueKey: issueKey, sequence: Int(sequence), triggerMessageId: trigger, context: context, createdAt: createdAt)
        self.id = id
        self.status = try PostgresUnknownValue.decode(RunStatus.self, status, column: "runs.status")
        self.finishedAt = finishedAt
        self.summary = summary
        self.cancelRequestedAt = cancelRequestedAt
    }
}

extension StepRecord {
    /// The columns ``init(postgres:)`` reads, in order.
    static let postgresColumns = "runId, name, position, status, attempt, startedAt, endedAt, result, error"

    /// - Throws: `PostgresDecodingError` when a column has another type; ``PostgresUnknownValue`` for an unknown name or status.
    init(postgres row: PostgresRow) throws {
        let (runId, name, position, status, attempt, startedAt, endedAt, result, error) =
            try row.decode((Int64, String, Int64, String, Int64, Date?, Date?, Data?, String?).self)
        self.init(runId: runId, name: try PostgresUnknownValue.decode(StepName.self, name, column: "run_steps.name"), position: Int(position))
        self.status = try PostgresUnknownValue.decode(StepStatus.self, status, column: "run_steps.status")
        self.attempt = Int(attempt)
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.result = result
        self.error = error
    }
}

extension AlarmRecord {
    /// The columns ``init(postgres:)`` reads, in order.
    static let postgresColumns = "id, issueKey, runId, kind, step, dueAt, createdAt, firedAt"

    /// - Throws: `PostgresDecodingError` when a column has another type; ``PostgresUnknownValue`` for an unknown kind.
    init(postgres row: PostgresRow) throws {
        let (id, issueKey, runId, kind, step, dueAt, createdAt, firedAt) =
            try row.decode((Int64, String, Int64?, String, String?, Date, Date, Date?).self)
        self.init(issueKey: issueKey, runId: runId, kind: try PostgresUnknownValue.decode(Alarm.Kind.self, kind, column: "alarms.kind"),
                  step: nil, dueAt: dueAt, createdAt: createdAt)
        self.id = id
        self.step = step
        self.firedAt = firedAt
    }
}
