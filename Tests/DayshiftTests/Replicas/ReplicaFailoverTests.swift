import DayshiftCore
import Emulators
import Foundation
import Store
import Testing

/// Several `dayshift serve` replicas on one PostgreSQL: issue objects have one live owner in the
/// whole cluster, and move to another replica when theirs dies or stops.
@Suite("Replicas on one PostgreSQL", .serialized)
struct ReplicaFailoverTests {
    /// What every issue must end with, whatever happened to the replicas: one run that succeeded,
    /// one pull request, one comment (the report), and no two live owners at once.
    func expectEachIssueDoneOnce(_ cluster: ReplicaCluster, _ numbers: [Int], runs: [Int: Run], store: Store) async throws {
        let pulls = await cluster.github.state.pullRequests(owner: ReplicaCluster.owner, repo: ReplicaCluster.repo)
        for number in numbers {
            var failure: JournalStep?
            if let run = runs[number] { failure = try await store.journal(runID: run.id)?.failedStep }
            #expect(runs[number]?.status == .succeeded, "issue \(number): \(failure.map { "\($0.name.rawValue) failed: \($0.error ?? "")" } ?? "")")
            #expect(try await store.runs(issueKey: cluster.issueKey(number)).count == 1, "issue \(number)")
            #expect(pulls.filter { $0.headRef == "dayshift/issue-\(number)" }.count == 1, "issue \(number)")
            let comments = await cluster.github.state.comments(owner: ReplicaCluster.owner, repo: ReplicaCluster.repo, issue: number)
            #expect(comments.count == 1, "issue \(number): \(comments.map(\.body))")
            #expect(comments.first?.body.contains("<!-- dayshift:report") == true, "issue \(number)")
        }
        let overlaps = ReplicaCluster.overlaps(try await store.leaseHistory())
        #expect(overlaps.isEmpty, "two live owners at once: \(overlaps)")
        try await cluster.waitUntil("no sandbox left") {
            await cluster.daytona.state.sandboxes.allSatisfy { ["destroying", "destroyed"].contains($0.state.rawValue) }
        }
    }

    @Test("three replicas, 50 issues spread across them, one killed with SIGKILL mid-run: each issue ends with one PR and one report")
    func sigkillOneOfThree() async throws {
        let cluster = try await ReplicaCluster(replicas: 3, leaseSeconds: 3, agentScript: "sleep 1\n" + EndToEndHarness.fixingAgent)
        do {
            for index in 0..<3 { try await cluster.start(index) }
            let store = try await cluster.store()
            defer { Task { await store.close() } }
            let numbers = Array(1...50)
            for number in numbers {
                #expect(try await cluster.send(await cluster.labeled(number), to: number % 3) == 202)
            }
            // Kill replica 0 while it holds issue objects whose runs are in flight.
            let victim = try cluster.ownerPrefix(0)
            var held: Set<String> = []
            try await cluster.waitUntil("replica 0 running runs", timeoutSeconds: 120) {
                let running = Set(try await store.runningRuns().map(\.issueKey))
                held = Set(try await store.liveLeaseOwners().filter { $0.value.owner.hasPrefix(victim) && running.contains($0.key) }.keys)
                return held.count >= 2
            }
            _ = try await cluster.server(0).stop(signal: SIGKILL)

            let runs = try await cluster.waitForFinishedRuns(numbers, store: store, timeoutSeconds: 420)
            try await expectEachIssueDoneOnce(cluster, numbers, runs: runs, store: store)
            // The killed replica's runs were taken over by the others once its leases expired.
            let history = try await store.leaseHistory()
            for key in held {
                let terms = history.filter { $0.issueKey == key }
                #expect(terms.contains { $0.owner.hasPrefix(victim) } && !(terms.last?.owner.hasPrefix(victim) ?? true), "\(key): \(terms)")
            }
            for index in 1..<3 { #expect(try await cluster.server(index).stop(signal: SIGTERM) == 0) }
        } catch {
            await cluster.tearDown()
            throw error
        }
        await cluster.tearDown()
    }

    @Test("a replica stopped with SIGTERM gives its leases back: the other finishes its runs well within lease_seconds")
    func sigtermHandsOver() async throws {
        // Leases of 60 s: the runs can only move in time because they were given back.
        let cluster = try await ReplicaCluster(replicas: 2, leaseSeconds: 60, agentScript: "sleep 4\n" + EndToEndHarness.fixingAgent)
        do {
            try await cluster.start(0)
            let store = try await cluster.store()
            defer { Task { await store.close() } }
            let numbers = Array(1...6)
            // Replica 0 alone takes every issue; replica 1 starts once it holds them.
            for number in numbers { #expect(try await cluster.send(await cluster.labeled(number), to: 0) == 202) }
            let leaving = try cluster.ownerPrefix(0)
            try await cluster.waitUntil("replica 0 running runs") {
                try await store.liveLeaseOwners().values.filter { $0.owner.hasPrefix(leaving) }.count >= 3
            }
            try await cluster.start(1)
            let stoppedAt = Date()
            #expect(try await cluster.server(0).stop(signal: SIGTERM) == 0)
            let runs = try await cluster.waitForFinishedRuns(numbers, store: store, timeoutSeconds: 55)
            #expect(Date().timeIntervalSince(stoppedAt) < 55)
            try await expectEachIssueDoneOnce(cluster, numbers, runs: runs, store: store)
            let history = try await store.leaseHistory()
            let given = history.filter { $0.owner.hasPrefix(leaving) && $0.releasedAt != nil }
            #expect(!given.isEmpty)
            // Runs replica 0 had begun were finished by replica 1.
            let movedKeys = Set(given.map(\.issueKey)).filter { key in history.contains { $0.issueKey == key && !$0.owner.hasPrefix(leaving) } }
            #expect(!movedKeys.isEmpty, "\(history)")
            #expect(history.filter { $0.owner.hasPrefix(leaving) }.allSatisfy { $0.releasedAt != nil }, "\(history)")
            #expect(try await cluster.server(1).stop(signal: SIGTERM) == 0)
        } catch {
            await cluster.tearDown()
            throw error
        }
        await cluster.tearDown()
    }

    @Test("the same delivery sent to two replicas at the same moment is stored once and starts one run")
    func sameGUIDAtTwoReplicas() async throws {
        let cluster = try await ReplicaCluster(replicas: 2, leaseSeconds: 5)
        do {
            try await cluster.start(0)
            try await cluster.start(1)
            let store = try await cluster.store()
            defer { Task { await store.close() } }
            let numbers = Array(1...5)
            for number in numbers {
                let delivery = await cluster.labeled(number)
                async let first = cluster.send(delivery, to: 0)
                async let second = cluster.send(delivery, to: 1)
                let statuses = try await [first, second]
                #expect(statuses.allSatisfy { (200..<300).contains($0) }, "\(statuses)")
            }
            let runs = try await cluster.waitForFinishedRuns(numbers, store: store, timeoutSeconds: 120)
            #expect(try await store.deliveryCount() == numbers.count)
            for number in numbers {
                #expect(try await store.messages(issueKey: cluster.issueKey(number)).count == 1, "issue \(number)")
            }
            try await expectEachIssueDoneOnce(cluster, numbers, runs: runs, store: store)
        } catch {
            await cluster.tearDown()
            throw error
        }
        await cluster.tearDown()
    }
}
