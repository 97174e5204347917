import DayshiftCore
import Foundation
import Store

/// A run as the operator API's and the dashboard's lists show it: the run, the step it is in
/// (while running) and its model usage (when metered).
struct RunOverview: Sendable {
    var run: Run
    var currentStep: StepName?
    var usage: RunModelUsage?

    /// The overviews of `runs`, in their order (two reads for all of them).
    static func gather(_ runs: [Run], from store: Store) async throws -> [RunOverview] {
        let ids = runs.map(\.id)
        let steps = try await store.currentSteps(runIDs: runs.filter { $0.status == .running }.map(\.id))
        let usage = try await store.usage(runIDs: ids)
        return runs.map { RunOverview(run: $0, currentStep: steps[$0.id], usage: usage[$0.id]) }
    }
}
