import Foundation

/// One live ``IssueObject`` per id in this process, created on demand and evicted (hibernated)
/// when idle: its state is all in SQLite, so the next message or alarm simply creates it again.
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

    /// Drops objects that are idle for `idleSeconds` or were superseded; returns how many.
    @discardableResult
    func evictIdle(idleSeconds: Double, now: Date = Date()) async -> Int {
        var evicted = 0
        for (key, object) in objects {
            let busy = await object.isBusy
            let idleSince = await object.lastActive
            let superseded = await object.superseded
            if superseded || (!busy && now.timeIntervalSince(idleSince) >= idleSeconds) {
                objects[key] = nil
                evicted += 1
            }
        }
        return evicted
    }

    func shutDown(graceSeconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            for object in objects.values {
                group.addTask { await object.shutDown(graceSeconds: graceSeconds) }
            }
        }
    }
}
