import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// The durable-object runtime as a service: keeps one live ``IssueObject`` per issue, wakes the
/// objects that have inbox messages or due alarms, hibernates idle ones, and at start resumes
/// every run left `running` (overdue alarms fire at once).
///
/// Intake calls ``notifyNewMessages()`` after committing a delivery, and a run that finishes or
/// queues itself asks for a pass too; the runtime also rescans the queue, the inbox and the alarms
/// every `runtime.poll_interval_seconds`.
///
/// When several replicas may share the store (PostgreSQL without `store.single_replica`), each
/// issue object's lease expires after `runtime.lease_seconds` unless renewed, and this runtime
/// renews the leases of its live objects every third of that. It leaves alone the issues another
/// replica holds a live lease on, takes over the running runs whose lease ran out (a replica that
/// died), gives back the leases of objects it hibernates and, after the shutdown grace period, all
/// of them. Replicas wake each other through the store (PostgreSQL `LISTEN/NOTIFY`) on new inbox
/// messages, admitted runs and given-back leases; the poll is the fallback.
public final class IssueObjectRuntime: Service, Sendable {
    private let dependencies: RunDependencies
    private let registry: IssueObjectRegistry
    private let signals: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation
    /// Set when this replica committed inbox messages the others may own: the next pass wakes them.
    private let announceMessages = Atomic<Bool>(false)
    /// When the leases were last renewed (see ``keepLeases(leaseSeconds:)``).
    private let lastRenewal = Mutex<ContinuousClock.Instant>(.now)
    /// When the next pass looks for running runs that no replica holds (a third of a lease).
    private let nextTakeoverScan = Mutex<ContinuousClock.Instant>(.now)
    private var pollIntervalSeconds: Double { dependencies.configuration.runtime.pollIntervalSeconds }
    private var idleEvictionSeconds: Double { dependencies.configuration.runtime.idleEvictionSeconds }
    /// Seconds a running step may take to reach its journal point on graceful shutdown.
    private var shutdownGraceSeconds: Double { dependencies.configuration.server.shutdownGraceSeconds }
    private var store: Store { dependencies.store }
    private var replica: String { dependencies.replica }
    private var logger: Logger { dependencies.logger }

    public init(dependencies: RunDependencies) {
        (signals, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var dependencies = dependencies
        dependencies.wakeRuntime = { [signalContinuation] in signalContinuation.yield() }
        self.dependencies = dependencies
        self.registry = IssueObjectRegistry(dependencies: dependencies)
    }

    /// Tells the runtime that new inbox messages were committed. Returns at once.
    public func notifyNewMessages() {
        announceMessages.store(true, ordering: .relaxed)
        signalContinuation.yield()
    }

    /// The name this runtime's leases carry (`issue_objects.owner`).
    public var replicaName: String { replica }

    /// Resumes the unfinished runs in the background (so the HTTP listener, started beside this
    /// service, answers at once whatever there is to resume), then handles signals and polls
    /// until graceful shutdown, lets the live objects reach a journal point, and gives their
    /// leases back.
    public func run() async throws {
        let signals = self.signals
        let poll = pollIntervalSeconds
        // Leases are kept (renewed) until they are given back, through the shutdown grace period.
        let keeping = dependencies.leaseSeconds.map { seconds in Task { await self.keepLeases(leaseSeconds: seconds) } }
        await withGracefulShutdownHandler {
            // Before the first tick, so that no object activates on its own ahead of the batch.
            await resumeUnfinishedRuns()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [signalContinuation] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(poll))
                        signalContinuation.yield()
                    }
                }
                group.addTask { [store, replica, signalContinuation] in
                    for await _ in store.wakeUps(ignoring: replica) {
                        signalContinuation.yield()
                    }
                }
                for await _ in signals {
                    if Task.isCancelled { break }
                    await tick()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [signalContinuation, dependencies] in
            dependencies.stopping.raise()
            signalContinuation.finish()
        }
        let held = await registry.shutDown(graceSeconds: shutdownGraceSeconds)
        // Not awaited: a renewal stuck on an unreachable database must not hold the exit, and a
        // renewal landing after the release renews nothing (a released lease is not live).
        keeping?.cancel()
        if dependencies.leaseSeconds != nil, !held.isEmpty {
            do {
                try await store.releaseLeases(held)
                logger.info("leases given back for the other replicas", metadata: ["count": "\(held.count)"])
            } catch {
                logger.error("cannot give back the leases; they expire by themselves", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Wakes the issue object of every run left `running` that this replica may take (all of
    /// them on a store no other replica uses), handing each its journal (all read in one
    /// transaction) and its lease (all taken in one transaction); then asks for a first tick
    /// (overdue alarms and waiting messages).
    private func resumeUnfinishedRuns() async {
        do {
            let journals = try await store.runningJournals()
            let leases = try await store.activate(issueKeys: journals.map(\.run.issueKey), owner: replica, leaseSeconds: dependencies.leaseSeconds)
            if !leases.isEmpty {
                logger.info("resuming unfinished runs", metadata: ["count": "\(leases.count)", "held_elsewhere": "\(journals.count - leases.count)"])
            }
            let byKey = Dictionary(journals.map { ($0.run.issueKey, $0) }, uniquingKeysWith: { first, _ in first })
            for lease in leases where !dependencies.stopping.isRaised {
                await registry.object(for: lease.issueKey).wake(resuming: byKey[lease.issueKey], lease: lease)
            }
        } catch is CancellationError {
            return  // the server is stopping before it finished starting (e.g. its port was taken)
        } catch {
            logger.error("cannot read the unfinished runs", metadata: ["error": "\(error)"])
        }
        signalContinuation.yield()
    }

    /// One pass: give free sandbox slots to waiting runs (fair order), wake the objects whose runs
    /// hold a slot (a run admitted here, or by a claim elsewhere, starts), wake objects with inbox
    /// messages or due alarms, take over running runs nobody holds, then hibernate idle ones.
    /// Issues another replica holds a live lease on are left to it.
    private func tick() async {
        do {
            let shared = dependencies.leaseSeconds != nil
            let heldElsewhere = shared ? Set(try await store.liveLeaseOwners().filter { $0.value.owner != replica }.keys) : []
            let admitted = try await store.admitWaitingRuns(limit: dependencies.configuration.runtime.maxConcurrentRuns)
            if shared, announceMessages.exchange(false, ordering: .relaxed) || admitted.contains(where: heldElsewhere.contains) {
                try await store.wakeOtherReplicas(from: replica)
            }
            var keys = try await store.issueKeysHoldingSlots()
            keys += try await store.issueKeysWithPendingMessages()
            keys += try await store.fireDueAlarms().map(\.issueKey)
            if let leaseSeconds = dependencies.leaseSeconds, takeoverScanIsDue(every: leaseSeconds / 3) {
                // A replica that died (or gave its leases back) left these runs to whoever takes them.
                keys += try await store.runningRuns().map(\.issueKey)
            }
            var woken: Set<String> = []
            for key in keys where !heldElsewhere.contains(key) && woken.insert(key).inserted && !dependencies.stopping.isRaised {
                await registry.object(for: key).wake()
            }
            let idle = await registry.evictIdle(idleSeconds: idleEvictionSeconds)
            if shared, !idle.isEmpty { try await store.releaseLeases(idle) }
        } catch is CancellationError {
            return  // the server is stopping
        } catch {
            logger.error("cannot read the inbox or alarms", metadata: ["error": "\(error)"])
        }
    }

    /// Whether `interval` seconds passed since the last takeover scan (and if so, starts the next interval).
    private func takeoverScanIsDue(every interval: Double) -> Bool {
        nextTakeoverScan.withLock { next in
            guard ContinuousClock.now >= next else { return false }
            next = .now + .seconds(interval)
            return true
        }
    }

    /// Keeps the live objects' leases: renews them every third of `leaseSeconds`, and stops the
    /// objects whose lease could not be renewed (another replica took it over, or it ran out). A
    /// watchdog beside the renewals stops every object once no renewal has succeeded for
    /// `leaseSeconds`, however long the failing renewal takes (an unreachable database): by then
    /// another replica may be taking them over.
    private func keepLeases(leaseSeconds: Double) async {
        lastRenewal.withLock { $0 = .now }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(leaseSeconds / 3))
                    guard !Task.isCancelled else { return }
                    let leases = await self.registry.heldLeases()
                    do {
                        let lost = try await self.store.renewLeases(leases, leaseSeconds: leaseSeconds)
                        self.lastRenewal.withLock { $0 = .now }
                        if !lost.isEmpty {
                            self.logger.warning("leases lost (taken over by another replica, or run out); stopping their issue objects",
                                                metadata: ["count": "\(lost.count)"])
                            await self.registry.leasesLost(lost)
                        }
                    } catch {
                        self.logger.error("cannot renew the leases", metadata: ["error": "\(error)"])
                    }
                }
            }
            group.addTask {
                var stoppedFor: ContinuousClock.Instant?
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(min(1, leaseSeconds / 3)))
                    let renewed = self.lastRenewal.withLock { $0 }
                    guard ContinuousClock.now - renewed >= .seconds(leaseSeconds), stoppedFor != renewed else { continue }
                    stoppedFor = renewed
                    let leases = await self.registry.heldLeases()
                    self.logger.warning("leases not renewed for runtime.lease_seconds (database unreachable?); stopping every issue object",
                                        metadata: ["count": "\(leases.count)"])
                    await self.registry.leasesLost(leases)
                }
            }
        }
    }

    /// Number of issue objects in memory.
    public func liveObjectCount() async -> Int {
        await registry.count
    }
}
