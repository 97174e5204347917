import DayshiftCore
import Foundation
import GRDB

/// A row of `alarms`: a persisted wake-up.
struct AlarmRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "alarms"

    enum Columns {
        static let runId = Column(CodingKeys.runId)
        static let dueAt = Column(CodingKeys.dueAt)
        static let firedAt = Column(CodingKeys.firedAt)
        static let id = Column(CodingKeys.id)
    }

    var id: Int64?
    var issueKey: String
    var runId: Int64?
    var kind: Alarm.Kind
    var step: String?
    var dueAt: Date
    var createdAt: Date
    var firedAt: Date?

    init(issueKey: String, runId: Int64?, kind: Alarm.Kind, step: StepName?, dueAt: Date, createdAt: Date) {
        self.issueKey = issueKey
        self.runId = runId
        self.kind = kind
        self.step = step?.rawValue
        self.dueAt = dueAt
        self.createdAt = createdAt
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var alarm: Alarm {
        Alarm(id: id ?? 0, issueKey: issueKey, runID: runId, kind: kind, step: step.flatMap(StepName.init(rawValue:)), dueAt: dueAt,
              createdAt: createdAt, firedAt: firedAt)
    }
}
