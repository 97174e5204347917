import DayshiftConfig
import Foundation

/// The armed crash-injection points (`failpoints` / `DAYSHIFT_FAILPOINTS`) and what reaching one does.
public struct FailPoints: Sendable {
    /// What happens at an armed point.
    public enum Action: Sendable {
        /// End the process at once with exit code 86, as a kill would: nothing is flushed or journaled.
        case exitProcess
        /// Throw ``SimulatedCrash`` (for in-process tests): the run stops without journaling the step's end.
        case throwCrash
    }

    public var armed: Set<FailPoint>
    public var action: Action

    public init(_ points: [String], action: Action = .exitProcess) {
        self.armed = Set(points.compactMap(FailPoint.init))
        self.action = action
    }

    /// Checks a point; ends the process or throws when it is armed.
    public func check(_ step: StepName, _ side: FailPoint.Side) throws {
        guard armed.contains(FailPoint(step: step, side: side)) else { return }
        switch action {
        case .exitProcess:
            FileHandle.standardError.write(Data("dayshift: fail point \(step.rawValue):\(side.rawValue) reached, exiting\n".utf8))
            exit(86)
        case .throwCrash:
            throw SimulatedCrash(point: FailPoint(step: step, side: side))
        }
    }
}

/// Thrown at an armed fail point in tests: the run stops as if the process had died.
public struct SimulatedCrash: Error, Equatable {
    public var point: FailPoint
}
