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

extension Store {
    /// Claims the database for a server that is about to serve, until ``ServingClaim/release()``
    /// (or this process ends): `alone` for a server that must be the only one
    /// (`store.single_replica: true`), shared for one replica among several. On PostgreSQL a
    /// session advisory lock, exclusive or shared, on a connection of its own; on SQLite the data
    /// directory's lock does this, and the claim always succeeds.
    /// - Returns: nil when the claim conflicts with another server's (a server alone, or any
    ///   server when claiming alone).
    /// - Throws: a database error (PostgresNIO's `PSQLError`).
    public func claimForServing(alone: Bool) async throws -> ServingClaim? {
        try await backend.claimForServing(alone: alone)
    }
}

/// A server's claim on its database, held while it serves (``Store/claimForServing(alone:)``).
public struct ServingClaim: Sendable {
    private let end: @Sendable () async -> Void

    init(end: @escaping @Sendable () async -> Void) {
        self.end = end
    }

    /// Gives the claim up.
    public func release() async {
        await end()
    }
}

/// A periodic pass that one replica at a time runs for the whole cluster.
public enum ClusterSweep: Sendable {
    /// The sandbox reaper: two replicas listing and deleting the same leaked sandboxes at once
    /// would race each other's deletes.
    case sandboxReaper
}
