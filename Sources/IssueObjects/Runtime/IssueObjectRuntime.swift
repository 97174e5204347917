import Foundation
import Logging
import ServiceLifecycle

/// The durable-object runtime as a service: keeps one live ``IssueObject`` per issue, wakes the
/// objects that have inbox messages or due alarms, hibernates idle ones, and at start resumes
/// every run left `running` (overdue alarms fire at once).
///
/// Intake calls ``notifyNewMessages()`` after committing a delivery, and a run that finishes or
/// queues itself asks for a pass too; the runtime also rescans the queue, the inbox and the alarms
/// every `runtime.poll_interval_seconds`.
public final class IssueObjectRuntime: Service, Sendable {
    private let dependencies: RunDependencies
    private let registry: IssueObjectRegistry
    private let signals: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation
    private var pollIntervalSeconds: Double { dependencies.configuration.runtime.pollIntervalSeconds }
    private var idleEvictionSeconds: Double { dependencies.configuration.runtime.idleEvictionSeconds }
    /// Seconds a running step may take to reach its journal point on graceful shutdown.
    private var shutdownGraceSeconds: Double { dependencies.configuration.server.shutdownGraceSeconds }

    public init(dependencies: RunDependencies) {
        (signals, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var dependencies = dependencies
        dependencies.wakeRuntime = { [signalContinuation] in signalContinuation.yield() }
        self.dependencies = dependencies
        self.registry = IssueObjectRegistry(dependencies: dependencies)
    }

    /// Tells the runtime that new inbox messages were committed. Returns at once.
    public func notifyNewMessages() {
        signalContinuation.yield()
    }

    /// Resumes the unfinished runs in the background (so the HTTP listener, started beside this
    /// service, answers at once whatever there is to resume), then handles signals and polls
    /// until graceful shutdown, and lets the live objects reach a journal point.
    public func run() async throws {
        let signals = self.signals
        let poll = pollIntervalSeconds
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
        await registry.shutDown(graceSeconds: shutdownGraceSeconds)
    }

    /// Wakes the issue object of every run left `running`, handing each its journal (all read in
    /// one transaction) and its lease (all taken in one transaction); then asks for a first tick
    /// (overdue alarms and waiting messages).
    private func resumeUnfinishedRuns() async {
        do {
            let journals = try await dependencies.store.runningJournals()
            if !journals.isEmpty {
                dependencies.logger.info("resuming unfinished runs", metadata: ["count": "\(journals.count)"])
            }
            let leases = try await dependencies.store.activate(issueKeys: journals.map(\.run.issueKey), owner: IssueObject.owner)
            for (journal, lease) in zip(journals, leases) where !dependencies.stopping.isRaised {
                await registry.object(for: journal.run.issueKey).wake(resuming: journal, lease: lease)
            }
        } catch is CancellationError {
            return  // the server is stopping before it finished starting (e.g. its port was taken)
        } catch {
            dependencies.logger.error("cannot read the unfinished runs", metadata: ["error": "\(error)"])
        }
        signalContinuation.yield()
    }

    /// One pass: give free sandbox slots to waiting runs (fair order), wake the objects whose runs
    /// hold a slot (a run admitted here, or by a claim elsewhere, starts), wake objects with inbox
    /// messages or due alarms, then hibernate idle ones.
    private func tick() async {
        do {
            _ = try await dependencies.store.admitWaitingRuns(limit: dependencies.configuration.runtime.maxConcurrentRuns)
            for key in try await dependencies.store.issueKeysHoldingSlots() where !dependencies.stopping.isRaised {
                await registry.object(for: key).wake()
            }
            for key in try await dependencies.store.issueKeysWithPendingMessages() {
                await registry.object(for: key).wake()
            }
            for alarm in try await dependencies.store.fireDueAlarms() {
                await registry.object(for: alarm.issueKey).wake()
            }
            await registry.evictIdle(idleSeconds: idleEvictionSeconds)
        } catch is CancellationError {
            return  // the server is stopping
        } catch {
            dependencies.logger.error("cannot read the inbox or alarms", metadata: ["error": "\(error)"])
        }
    }

    /// Number of issue objects in memory.
    public func liveObjectCount() async -> Int {
        await registry.count
    }
}
