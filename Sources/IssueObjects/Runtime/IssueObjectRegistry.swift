import Foundation
import Store

/// One live ``IssueObject`` per id in this process, created on demand and evicted (hibernated)
/// when idle: its state is all in the database, so the next message or alarm simply creates it again.
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

    /// Drops objects that are idle for `idleSeconds` or were superseded.
    /// - Returns: the leases the dropped objects still held (to give back).
    @discardableResult
    func evictIdle(idleSeconds: Double, now: Date = Date()) async -> [IssueLease] {
        var released: [IssueLease] = []
        for (key, object) in objects {
            let busy = await object.isBusy
            let idleSince = await object.lastActive
            let superseded = await object.superseded
            if superseded || (!busy && now.timeIntervalSince(idleSince) >= idleSeconds) {
                objects[key] = nil
                if let lease = await object.heldLease { released.append(lease) }
            }
        }
        return released
    }

    /// The leases the live objects hold (to renew).
    func heldLeases() async -> [IssueLease] {
        var leases: [IssueLease] = []
        for object in objects.values {
            if let lease = await object.heldLease { leases.append(lease) }
        }
        return leases
    }

    /// Stops the objects whose leases could not be renewed.
    func leasesLost(_ leases: [IssueLease]) async {
        for lease in leases {
            await objects[lease.issueKey]?.leaseLost()
        }
    }

    /// Lets every object reach a journal point (see ``IssueObject/shutDown(graceSeconds:)``).
    /// - Returns: the leases they still hold (to give back).
    func shutDown(graceSeconds: Double) async -> [IssueLease] {
        await withTaskGroup(of: Void.self) { group in
            for object in objects.values {
                group.addTask { await object.shutDown(graceSeconds: graceSeconds) }
            }
        }
        return await heldLeases()
    }
}
