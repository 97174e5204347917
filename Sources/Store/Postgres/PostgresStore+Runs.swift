import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Runs.swift).
extension PostgresStore {
    func startRun(_ context: RunContext, lease: IssueLease, triggerMessageID: Int64, steps: [StepName], budget: DailyBudget, at date: Date, takingQueuedFollowUps: Bool) async throws -> RunJournal {
        throw PostgresStoreUnfinished(operation: "startRun")
    }

    func runningRun(issueKey: String) async throws -> Run? {
        throw PostgresStoreUnfinished(operation: "runningRun")
    }

    func latestRun(issueKey: String) async throws -> Run? {
        throw PostgresStoreUnfinished(operation: "latestRun")
    }

    func runs(issueKey: String) async throws -> [Run] {
        throw PostgresStoreUnfinished(operation: "runs")
    }

    func run(id: Int64) async throws -> Run? {
        throw PostgresStoreUnfinished(operation: "run")
    }

    func runningRuns() async throws -> [Run] {
        throw PostgresStoreUnfinished(operation: "runningRuns")
    }

    func journal(runID: Int64) async throws -> RunJournal? {
        throw PostgresStoreUnfinished(operation: "journal")
    }

    func runningJournals() async throws -> [RunJournal] {
        throw PostgresStoreUnfinished(operation: "runningJournals")
    }

    func succeededResults(issueKey: String, step: StepName) async throws -> [StepResult] {
        throw PostgresStoreUnfinished(operation: "succeededResults")
    }

    func beginStep(_ step: StepName, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws -> Int {
        throw PostgresStoreUnfinished(operation: "beginStep")
    }

    func completeStep(_ step: StepName, result: StepEnd, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "completeStep")
    }

    func requestCancel(runID: Int64, lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "requestCancel")
    }

    func finishRun(runID: Int64, status: RunStatus, summary: String, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "finishRun")
    }
}
