import Foundation

// Work that one replica at a time does for the whole cluster.
extension Store {
    /// Runs `body` unless another replica sharing this store is running the same sweep: on
    /// PostgreSQL under a session advisory lock (`pg_try_advisory_lock`) held until `body` returns
    /// (and dropped by the server if this replica's connection dies); on SQLite (one server) always.
    /// - Returns: whether `body` ran.
    /// - Throws: a database error taking or giving back the lock (PostgresNIO's `PSQLError`).
    public func sweepingAlone(_ sweep: ClusterSweep, _ body: @Sendable () async -> Void) async throws -> Bool {
        try await backend.sweepingAlone(sweep, body)
    }
}

/// A periodic pass that one replica at a time runs for the whole cluster.
public enum ClusterSweep: Sendable {
    /// The sandbox reaper: two replicas listing and deleting the same leaked sandboxes at once
    /// would race each other's deletes.
    case sandboxReaper
}
