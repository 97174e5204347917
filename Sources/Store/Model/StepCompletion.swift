import DayshiftCore
import Foundation

/// A step's end that the executor holds in memory until its next journal write, which commits
/// it first (so "end step N + begin step N+1" is one transaction).
public struct StepCompletion: Sendable, Equatable {
    public var step: StepName
    public var end: StepEnd
    /// When the step's effect ended.
    public var at: Date

    public init(step: StepName, end: StepEnd, at: Date = Date()) {
        self.step = step
        self.end = end
        self.at = at
    }
}
