import DayshiftCore
import Foundation

/// A step's end as both backends store it in `run_steps`: the status, the result's JSON
/// (``StoredStepResult``), the error text and the time, encoded before the transaction starts.
struct EncodedStepEnd: Sendable {
    var step: StepName
    var status: StepStatus
    var result: Data?
    var error: String?
    var at: Date

    /// Encodes each completion (in order).
    /// - Throws: `EncodingError` when a result does not encode.
    static func encode(_ completions: [StepCompletion]) throws -> [EncodedStepEnd] {
        try completions.map { completion in
            switch completion.end {
            case .succeeded(let result):
                EncodedStepEnd(step: completion.step, status: .succeeded, result: try StoredStepResult.encode(result), at: completion.at)
            case .failed(let error):
                EncodedStepEnd(step: completion.step, status: .failed, error: error, at: completion.at)
            case .skipped:
                EncodedStepEnd(step: completion.step, status: .skipped, at: completion.at)
            }
        }
    }
}
