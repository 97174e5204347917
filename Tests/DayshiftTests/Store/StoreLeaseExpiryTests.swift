import DayshiftCore
import Foundation
import Logging
import Store
import Testing

/// Leases that expire: what lets issue objects move between replicas sharing one store.
@Suite("Store: expiring leases, renewal, release and history")
struct StoreLeaseExpiryTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a live lease of another owner blocks activation until it expires; the owner's own does not", arguments: StoreEngine.allCases)
    func liveLeaseBlocksOthers(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let key = StoreSeed.key(1).description
            let a = try await store.activate(issueKey: key, owner: "a", leaseSeconds: 30, at: Self.start)
            await #expect(throws: StoreError.leaseHeld(issueKey: key, owner: "a", until: Self.start.addingTimeInterval(30))) {
                try await store.activate(issueKey: key, owner: "b", leaseSeconds: 30, at: Self.start.addingTimeInterval(29))
            }
            #expect(try await store.activate(issueKeys: [key], owner: "b", leaseSeconds: 30, at: Self.start.addingTimeInterval(29)).isEmpty)
            // Its own owner re-activates (a new instance in the same replica) at once.
            let again = try await store.activate(issueKey: key, owner: "a", leaseSeconds: 30, at: Self.start.addingTimeInterval(1))
            #expect(again.epoch == a.epoch + 1)
            // Expired: another owner takes it, and the old lease can no longer write.
            let b = try await store.activate(issueKey: key, owner: "b", leaseSeconds: 30, at: Self.start.addingTimeInterval(31))
            #expect(b.epoch == again.epoch + 1)
            await #expect(throws: StoreError.leaseLost(issueKey: key, epoch: again.epoch)) {
                try await store.markMessageHandled(id: try await StoreSeed.message(store, StoreSeed.key(1)), outcome: "x", lease: again)
            }
            let owners = try await store.liveLeaseOwners(at: Self.start.addingTimeInterval(32))
            #expect(owners[key]?.owner == "b")
        }
    }

    @Test("a lease without expiry (one server) never blocks; a batch leaves out the keys held live elsewhere", arguments: StoreEngine.allCases)
    func unexpiringAndBatch(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (one, two, three) = (StoreSeed.key(1).description, StoreSeed.key(2).description, StoreSeed.key(3).description)
            _ = try await store.activate(issueKey: one, owner: "crashed", at: Self.start)
            _ = try await store.activate(issueKey: two, owner: "a", leaseSeconds: 30, at: Self.start)
            let leases = try await store.activate(issueKeys: [three, two, one], owner: "b", leaseSeconds: 30, at: Self.start.addingTimeInterval(1))
            #expect(leases.map(\.issueKey) == [three, one])
            #expect(try await store.liveLeaseOwners(at: Self.start.addingTimeInterval(1)).mapValues(\.owner) == [one: "b", two: "a", three: "b"])
        }
    }

    @Test("renewal pushes a live lease's expiry back and reports the leases taken over or given back; release frees at once",
          arguments: StoreEngine.allCases)
    func renewAndRelease(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (one, two) = (StoreSeed.key(1).description, StoreSeed.key(2).description)
            let leases = try await store.activate(issueKeys: [one, two], owner: "a", leaseSeconds: 10, at: Self.start)
            #expect(try await store.renewLeases(leases, leaseSeconds: 10, at: Self.start.addingTimeInterval(8)).isEmpty)
            // Renewed until 18: still a's at 15.
            #expect(try await store.activate(issueKeys: [one], owner: "b", leaseSeconds: 10, at: Self.start.addingTimeInterval(15)).isEmpty)
            #expect(try await store.renewLeases([leases[0]], leaseSeconds: 10, at: Self.start.addingTimeInterval(17)).isEmpty)
            // Two expires unrenewed and b takes it; a's renewal then reports it lost.
            let taken = try await store.activate(issueKeys: [two], owner: "b", leaseSeconds: 10, at: Self.start.addingTimeInterval(19))
            #expect(taken.count == 1)
            let lost = try await store.renewLeases(leases, leaseSeconds: 10, at: Self.start.addingTimeInterval(19))
            #expect(lost == [leases[1]])
            // Given back: it can no longer be renewed, and anyone may take it at once, although it had time left.
            try await store.releaseLeases([leases[0]], at: Self.start.addingTimeInterval(20))
            #expect(try await store.renewLeases([leases[0]], leaseSeconds: 10, at: Self.start.addingTimeInterval(20)) == [leases[0]])
            #expect(try await store.activate(issueKeys: [one], owner: "b", leaseSeconds: 10, at: Self.start.addingTimeInterval(20)).count == 1)
            // Releasing a lease that was taken over changes nothing.
            try await store.releaseLeases([leases[1]], at: Self.start.addingTimeInterval(21))
            #expect(try await store.liveLeaseOwners(at: Self.start.addingTimeInterval(21))[two]?.owner == "b")

            let history = try await store.leaseHistory(issueKey: one)
            #expect(history.map(\.owner) == ["a", "b"])
            #expect(history[0].releasedAt == Self.start.addingTimeInterval(20))
            #expect(history[0].expiresAt == Self.start.addingTimeInterval(29))  // renewed at 19 with the other
            #expect(history[1].acquiredAt == Self.start.addingTimeInterval(20))
            #expect(try await store.leaseHistory(issueKey: two).map(\.releasedAt) == [nil, nil])
            #expect(try await store.leaseHistory().count == 4)
        }
    }

    @Test("replicas activating the same issue objects at once: each gets one owner, and terms never overlap")
    func concurrentActivationOneOwner() async throws {
        try await withReplicas { a, b async throws in
            let keys = (1...20).map { StoreSeed.key($0).description }
            for round in 0..<5 {
                let now = Self.start.addingTimeInterval(Double(round) * 100)
                async let byA = a.activate(issueKeys: keys, owner: "a", leaseSeconds: 30, at: now)
                async let byB = b.activate(issueKeys: keys.reversed(), owner: "b", leaseSeconds: 30, at: now)
                let (leasesA, leasesB) = try await (byA, byB)
                #expect(Set(leasesA.map(\.issueKey)).isDisjoint(with: leasesB.map(\.issueKey)), "round \(round)")
                #expect(leasesA.count + leasesB.count == keys.count, "round \(round)")
            }
            let history = try await a.leaseHistory()
            #expect(history.count == 100)
            for key in keys {
                let terms = history.filter { $0.issueKey == key }
                for (earlier, later) in zip(terms, terms.dropFirst()) where earlier.owner != later.owner {
                    #expect(try #require(earlier.endedAt) <= later.acquiredAt, "\(key): \(earlier) overlaps \(later)")
                }
            }
        }
    }

    @Test("one replica sweeps at a time; the other skips while it does, and sweeps after")
    func sweepingAlone() async throws {
        try await withReplicas { a, b async throws in
            let (inside, release) = AsyncStream.makeStream(of: Void.self)
            let (gate, open) = AsyncStream.makeStream(of: Void.self)
            async let first = a.sweepingAlone(.sandboxReaper) {
                release.yield()
                for await _ in gate { break }
            }
            for await _ in inside { break }
            #expect(try await b.sweepingAlone(.sandboxReaper) {} == false)
            open.yield()
            #expect(try await first == true)
            #expect(try await b.sweepingAlone(.sandboxReaper) {} == true)
        }
    }

    @Test("another replica's wake-up and a release reach a listening replica")
    func wakeUpsCrossReplicas() async throws {
        try await withReplicas { a, b async throws in
            var wakeUpsOfB = b.wakeUps(ignoring: "b").makeAsyncIterator()
            // The first element says the listener is up (anything may have changed before it).
            _ = await wakeUpsOfB.next()
            try await a.wakeOtherReplicas(from: "a")
            let woke: Void? = await wakeUpsOfB.next()
            #expect(woke != nil)
            let lease = try await a.activate(issueKey: StoreSeed.key(1).description, owner: "a", leaseSeconds: 30)
            try await a.releaseLeases([lease])
            #expect(await wakeUpsOfB.next() != nil)
        }
    }
}

@Suite("Store: lease history retention")
struct StoreLeaseHistoryRetentionTests {
    @Test("pruning deletes past terms acquired before the cutoff, in batches, never an issue's current term", arguments: StoreEngine.allCases)
    func prunesPastTermsOnly(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let start = StoreLeaseExpiryTests.start
            let (one, two) = (StoreSeed.key(1).description, StoreSeed.key(2).description)
            for index in 0..<3 { _ = try await store.activate(issueKey: one, owner: "a", at: start.addingTimeInterval(Double(index))) }
            _ = try await store.activate(issueKey: two, owner: "a", at: start)  // its only term: current
            _ = try await store.activate(issueKey: one, owner: "a", at: start.addingTimeInterval(100))
            let cutoff = start.addingTimeInterval(50)
            #expect(try await store.pruneLeaseHistory(acquiredBefore: cutoff, limit: 2) == 2)
            #expect(try await store.pruneLeaseHistory(acquiredBefore: cutoff, limit: 2) == 1)
            #expect(try await store.pruneLeaseHistory(acquiredBefore: cutoff, limit: 2) == 0)
            #expect(try await store.leaseHistory(issueKey: one).map(\.epoch) == [4])
            #expect(try await store.leaseHistory(issueKey: two).map(\.epoch) == [1])
        }
    }
}

@Suite("Store: servers' claims on a PostgreSQL database")
struct StoreServingClaimTests {
    @Test("replicas share the database; a single_replica server must be alone, and a released or dead claim frees it")
    func claims() async throws {
        try await withReplicas { a, b async throws in
            let first = try #require(try await a.claimForServing(alone: false))
            let second = try #require(try await b.claimForServing(alone: false))
            #expect(try await a.claimForServing(alone: true) == nil)
            await first.release()
            #expect(try await b.claimForServing(alone: true) == nil)
            await second.release()
            let alone = try #require(try await a.claimForServing(alone: true))
            #expect(try await b.claimForServing(alone: false) == nil)
            #expect(try await b.claimForServing(alone: true) == nil)
            await alone.release()
            let again = try #require(try await b.claimForServing(alone: true))
            await again.release()
        }
    }

    @Test("a claim whose session dies is taken again: a single_replica server cannot slip in next to a replica")
    func claimSurvivesATerminatedSession() async throws {
        let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
        let replica = try await Store.postgres(settings, logger: Logger(label: "replica"))
        let single = try await Store.postgres(settings, logger: Logger(label: "single"))
        let claim = try #require(try await replica.claimForServing(alone: false))
        try await TestPostgres.shared.execute("""
            SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND d.datname = '\(settings.database)'
            """)
        // Right after the termination the lock is free; the replica takes it again within seconds.
        let deadline = Date().addingTimeInterval(15)
        var refused = false
        while Date() < deadline {
            guard let slipped = try await single.claimForServing(alone: true) else {
                refused = true
                break
            }
            await slipped.release()
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(refused, "the replica's claim was never taken again")
        await claim.release()
        let after = try #require(try await single.claimForServing(alone: true))
        await after.release()
        await replica.close()
        await single.close()
    }
}
