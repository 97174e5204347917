import Foundation
import Logging
import ServiceLifecycle
import Store

/// The durable-object runtime as a service: keeps one live ``IssueObject`` per issue, wakes the
/// objects that have inbox messages, and at start resumes every run left `running`.
///
/// Intake calls ``notifyNewMessages()`` after committing a delivery; the runtime also rescans
/// the inbox every ``pollIntervalSeconds`` as a safety net.
public final class IssueObjectRuntime: Service, Sendable {
    private let dependencies: RunDependencies
    private let registry: IssueObjectRegistry
    private let signals: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation
    /// Seconds between inbox rescans when no notification arrives.
    public let pollIntervalSeconds: Double

    public init(dependencies: RunDependencies, pollIntervalSeconds: Double = 2) {
        self.dependencies = dependencies
        self.registry = IssueObjectRegistry(dependencies: dependencies)
        (signals, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.pollIntervalSeconds = pollIntervalSeconds
    }

    /// Tells the runtime that new inbox messages were committed. Returns at once.
    public func notifyNewMessages() {
        signalContinuation.yield()
    }

    public func run() async throws {
        let store = dependencies.store
        let resumable = try store.runningRuns()
        if !resumable.isEmpty {
            dependencies.logger.info("resuming unfinished runs", metadata: ["count": "\(resumable.count)"])
        }
        for run in resumable { await registry.object(for: run.issueKey).wake() }
        let signals = self.signals
        let poll = pollIntervalSeconds
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [signalContinuation] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(poll))
                        signalContinuation.yield()
                    }
                }
                for await _ in signals {
                    if Task.isCancelled { break }
                    do {
                        for key in try store.issueKeysWithPendingMessages() {
                            await registry.object(for: key).wake()
                        }
                    } catch {
                        dependencies.logger.error("cannot read the inbox", metadata: ["error": "\(error)"])
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [signalContinuation] in
            signalContinuation.finish()
        }
        await registry.shutDown()
    }

    /// Number of issue objects in memory.
    public func liveObjectCount() async -> Int {
        await registry.count
    }
}

/// One live ``IssueObject`` per id, created on demand.
actor IssueObjectRegistry {
    private let dependencies: RunDependencies
    private var objects: [String: IssueObject] = [:]

    init(dependencies: RunDependencies) {
        self.dependencies = dependencies
    }

    func object(for key: String) -> IssueObject {
        if let object = objects[key] { return object }
        let object = IssueObject(key: key, dependencies: dependencies)
        objects[key] = object
        return object
    }

    var count: Int { objects.count }

    func shutDown() async {
        await withTaskGroup(of: Void.self) { group in
            for object in objects.values {
                group.addTask { await object.shutDown() }
            }
        }
    }
}
