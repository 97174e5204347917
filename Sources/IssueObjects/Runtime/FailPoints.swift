import DayshiftCore
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

    /// Whether `site:side` is armed (the executor commits what it holds before reaching one).
    public func isArmed(site: String, _ side: FailPoint.Side) -> Bool {
        armed.contains(FailPoint(site: site, side: side))
    }

    /// Checks a step boundary; ends the process or throws when it is armed.
    public func check(_ step: StepName, _ side: FailPoint.Side) throws {
        try check(site: step.rawValue, side)
    }

    /// Checks an external call site such as `pull_request.create`.
    public func check(site: String, _ side: FailPoint.Side) throws {
        let point = FailPoint(site: site, side: side)
        guard armed.contains(point) else { return }
        switch action {
        case .exitProcess:
            FileHandle.standardError.write(Data("dayshift: fail point \(point) reached, exiting\n".utf8))
            exit(86)
        case .throwCrash:
            throw SimulatedCrash(point: point)
        }
    }

    /// Runs `call` between the `site:before` and `site:after` points.
    public func around<T>(_ site: String, _ call: () async throws -> T) async throws -> T {
        try check(site: site, .before)
        let value = try await call()
        try check(site: site, .after)
        return value
    }
}

/// Thrown at an armed fail point in tests: the run stops as if the process had died.
public struct SimulatedCrash: Error, Equatable {
    public var point: FailPoint
}
