import DayshiftCore
import Foundation
import GRDB

/// A row of `run_steps`: one step of a run's journal. `result` is the JSON of a
/// ``StoredStepResult``.
struct StepRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_steps"

    enum Columns {
        static let runId = Column(CodingKeys.runId)
        static let name = Column(CodingKeys.name)
        static let position = Column(CodingKeys.position)
        static let status = Column(CodingKeys.status)
        static let attempt = Column(CodingKeys.attempt)
        static let startedAt = Column(CodingKeys.startedAt)
        static let endedAt = Column(CodingKeys.endedAt)
        static let result = Column(CodingKeys.result)
        static let error = Column(CodingKeys.error)
    }

    var runId: Int64
    var name: StepName
    var position: Int
    var status: StepStatus
    var attempt: Int
    var startedAt: Date?
    var endedAt: Date?
    var result: Data?
    var error: String?

    init(runId: Int64, name: StepName, position: Int) {
        self.runId = runId
        self.name = name
        self.position = position
        self.status = .pending
        self.attempt = 0
    }

    /// The journal's view of the row; a result that does not decode reads as none.
    var step: JournalStep {
        JournalStep(name: name, position: position, status: status, attempt: attempt, startedAt: startedAt, endedAt: endedAt,
                    result: result.flatMap { StoredStepResult.decode($0, step: name) }, error: error)
    }
}
