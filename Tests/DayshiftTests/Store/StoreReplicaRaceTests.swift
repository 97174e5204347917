import DayshiftCore
import Foundation
import Logging
import Store
import Testing

/// Two `Store.postgres` on one database are two replicas: what one decides, the other must not
/// decide again.
@Suite("Store: replicas racing on one PostgreSQL database")
struct StoreReplicaRaceTests {
    /// How one replica's start ended.
    enum Start: Equatable {
        case started(runID: Int64)
        case alreadyRunning(runID: Int64)
        case leaseLost
    }

    static func start(_ store: Store, _ key: IssueKey, lease: IssueLease, messageID: Int64) async throws -> Start {
        do {
            return .started(runID: try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: messageID, steps: StepName.allCases,
                                                            at: StoreSeed.date).run.id)
        } catch StartRunError.alreadyRunning(let runID) {
            return .alreadyRunning(runID: runID)
        } catch StoreError.leaseLost {
            return .leaseLost
        }
    }

    @Test("two replicas firing due alarms at once: every alarm is returned by exactly one of them")
    func alarmsFireOnce() async throws {
        try await withReplicas { a, b in
            var scheduled: [Int64] = []
            for number in 1...6 {
                let key = StoreSeed.key(number)
                let lease = try await a.activate(issueKey: key.description, owner: "a")
                let run = try await a.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: try await StoreSeed.message(a, key),
                                               steps: StepName.allCases, at: StoreSeed.date).run
                for (offset, step) in StepName.allCases.prefix(5).enumerated() {
                    try await a.scheduleRetry(runID: run.id, step: step, error: "transient", dueAt: StoreSeed.date.addingTimeInterval(Double(offset)),
                                              lease: lease, at: StoreSeed.date)
                }
                scheduled += try await b.alarms(runID: run.id).map(\.id)
            }
            #expect(scheduled.count == 30)
            #expect(try await b.nextAlarmDue() == StoreSeed.date)
            var byA: [Int64] = []
            var byB: [Int64] = []
            // Both replicas' alarm loops tick together, a second apart in store time, until all have fired.
            for tick in 0..<5 {
                let now = StoreSeed.date.addingTimeInterval(Double(tick))
                async let firedByA = a.fireDueAlarms(now: now)
                async let firedByB = b.fireDueAlarms(now: now)
                let (fromA, fromB) = try await (firedByA, firedByB)
                #expect((fromA + fromB).allSatisfy { $0.dueAt <= now })
                byA += fromA.map(\.id)
                byB += fromB.map(\.id)
            }
            #expect(Set(byA).isDisjoint(with: byB), "fired by both replicas: \(Set(byA).intersection(byB).sorted())")
            #expect((byA + byB).sorted() == scheduled.sorted())
            #expect(try await a.fireDueAlarms(now: StoreSeed.date.addingTimeInterval(60)).isEmpty)
            #expect(try await a.nextAlarmDue() == nil)
        }
    }

    @Test("two replicas starting a run for one issue at once under the same lease: one run; the other is told which run is running")
    func racingStartsSameLease() async throws {
        try await withReplicas { a, b in
            for number in 1...8 {
                let key = StoreSeed.key(number)
                let lease = try await a.activate(issueKey: key.description, owner: "a")
                let (first, second) = (try await StoreSeed.message(a, key), try await StoreSeed.message(a, key))
                async let byA = Self.start(a, key, lease: lease, messageID: first)
                async let byB = Self.start(b, key, lease: lease, messageID: second)
                let outcomes = try await [byA, byB]
                let runs = try await a.runs(issueKey: key.description)
                try #require(runs.count == 1, "\(key): \(outcomes)")
                let run = runs[0]
                #expect(outcomes.filter { $0 == .started(runID: run.id) }.count == 1, "\(key): \(outcomes)")
                #expect(outcomes.filter { $0 == .alreadyRunning(runID: run.id) }.count == 1, "\(key): \(outcomes)")
                // The loser's transaction left nothing: its message is still to be handled.
                let handled = try await b.messages(issueKey: key.description).filter { $0.outcome != nil }
                #expect(handled.map(\.id) == [run.triggerMessageID])
                #expect(try await b.journal(runID: run.id)?.steps.count == StepName.allCases.count)
            }
        }
    }

    @Test("two replicas each activating an issue and starting its run at once: one run; the other lost its lease or found it running")
    func racingStartsOwnLeases() async throws {
        try await withReplicas { a, b in
            for number in 1...8 {
                let key = StoreSeed.key(number)
                let (first, second) = (try await StoreSeed.message(a, key), try await StoreSeed.message(b, key))
                async let byA = Self.start(a, key, lease: try await a.activate(issueKey: key.description, owner: "a"), messageID: first)
                async let byB = Self.start(b, key, lease: try await b.activate(issueKey: key.description, owner: "b"), messageID: second)
                let outcomes = try await [byA, byB]
                let runs = try await b.runs(issueKey: key.description)
                try #require(runs.count == 1, "\(key): \(outcomes)")
                #expect(outcomes.filter { $0 == .started(runID: runs[0].id) }.count == 1, "\(key): \(outcomes)")
                #expect(outcomes.filter { $0 == .leaseLost || $0 == .alreadyRunning(runID: runs[0].id) }.count == 1, "\(key): \(outcomes)")
            }
        }
    }

    @Test("one replica blocking an installation while another starts a run of it: the run is refused, or the block cancels it")
    func installationBlockRacesStart() async throws {
        try await withReplicas { a, b async throws in
            for round in 0..<20 {
                let key = IssueKey(repository: RepositoryName(owner: "o", name: "r"), number: 100 + round)
                let messageID = try await StoreSeed.message(b, key)
                let lease = try await b.activate(issueKey: key.description, owner: "b")
                let block = InstallationChange(installationID: 1, repositories: nil, blocks: true, cause: "installation.suspend")
                async let blocked = a.recordInstallationChange(IntakeSeed.delivery("block-\(round)"), change: block)
                async let started: Bool = {
                    do {
                        _ = try await b.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: messageID, steps: StepName.allCases)
                        return true
                    } catch StartRunError.installationBlocked {
                        return false
                    }
                }()
                let (outcome, didStart) = try await (blocked, started)
                guard case .recorded(let cancelling) = outcome else { throw HarnessError("block not recorded: \(outcome)") }
                #expect(!didStart || cancelling.contains(key.description), "round \(round): the run started and the block did not cancel it")
                let unblock = InstallationChange(installationID: 1, repositories: nil, blocks: false, cause: "installation.unsuspend")
                _ = try await a.recordInstallationChange(IntakeSeed.delivery("unblock-\(round)"), change: unblock)
            }
        }
    }
}
