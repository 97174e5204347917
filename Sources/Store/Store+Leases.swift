import Foundation

// Leases: one live issue object per issue across every replica, enforced by the database.
//
// A lease is an epoch (bumped at each activation, checked by every journal write) and, on a
// store several replicas share, an expiry the holding replica keeps pushing back. A replica
// activates an issue object only when no other replica holds a live lease on it; when a replica
// dies its leases run out and another one takes its issue objects over.
extension Store {
    /// Activates an issue object (table `issue_objects`, and a term in `issue_object_leases`):
    /// takes the next epoch for `issueKey` unless another owner holds a lease that has not expired.
    /// - Parameters:
    ///   - owner: the replica taking it (`host:pid:suffix`); its own earlier leases never block it.
    ///   - leaseSeconds: how long the lease lasts unless renewed; nil (a store only one server
    ///     uses) takes a lease without expiry, which never blocks a later activation.
    /// - Throws: ``StoreError/leaseHeld(issueKey:owner:until:)`` when another owner's lease is
    ///   live; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func activate(issueKey: String, owner: String, leaseSeconds: Double? = nil, at date: Date = Date()) async throws -> IssueLease {
        guard let lease = try await backend.activate(issueKeys: [issueKey], owner: owner, leaseSeconds: leaseSeconds, at: date).first else {
            let holder = try await backend.liveLeaseOwners(at: date)[issueKey]
            throw StoreError.leaseHeld(issueKey: issueKey, owner: holder?.owner ?? "another replica", until: holder?.expiresAt ?? date)
        }
        return lease
    }

    /// Activates many issue objects in one transaction (a replica starting, or taking over the
    /// runs of one that died), as ``activate(issueKey:owner:leaseSeconds:at:)`` does each.
    /// - Returns: the leases taken, in input order; keys held live by another owner are left out.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func activate(issueKeys: [String], owner: String, leaseSeconds: Double? = nil, at date: Date = Date()) async throws -> [IssueLease] {
        try await backend.activate(issueKeys: issueKeys, owner: owner, leaseSeconds: leaseSeconds, at: date)
    }

    /// Pushes back the expiry of `leases` that are still live to `date + leaseSeconds`, in one
    /// transaction.
    /// - Returns: the leases that could not be renewed: a newer activation exists (another
    ///   replica took the issue object over), or the lease ran out or was given back (another
    ///   replica may be taking it over). Their issue objects must stop.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func renewLeases(_ leases: [IssueLease], leaseSeconds: Double, at date: Date = Date()) async throws -> [IssueLease] {
        try await backend.renewLeases(leases, leaseSeconds: leaseSeconds, at: date)
    }

    /// Gives `leases` back (an idle issue object hibernating, a replica shutting down): they
    /// expire at `date`, so any replica may take their issue objects at once. A lease that was
    /// already superseded is left alone. On PostgreSQL, the other replicas are woken.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func releaseLeases(_ leases: [IssueLease], at date: Date = Date()) async throws {
        guard !leases.isEmpty else { return }
        try await backend.releaseLeases(leases, at: date)
    }

    /// Every lease live at `date` (with an expiry still ahead), by issue key.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func liveLeaseOwners(at date: Date = Date()) async throws -> [String: (owner: String, expiresAt: Date)] {
        try await backend.liveLeaseOwners(at: date)
    }

    /// The lease history (table `issue_object_leases`): of one issue, or of every issue when
    /// `issueKey` is nil, by issue then epoch.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func leaseHistory(issueKey: String? = nil) async throws -> [LeaseTerm] {
        try await backend.leaseHistory(issueKey: issueKey)
    }

    /// Wake-ups from other replicas sharing this store (PostgreSQL `LISTEN dayshift_wake`): one
    /// element per notification not sent by `owner`. It reconnects after a lost connection, and
    /// finishes when the store closes; on SQLite (one server) it finishes at once.
    public func wakeUps(ignoring owner: String) -> AsyncStream<Void> {
        backend.wakeUps(ignoring: owner)
    }

    /// Wakes the other replicas sharing this store (PostgreSQL `NOTIFY dayshift_wake`): new
    /// inbox messages, runs admitted to a sandbox slot, or leases given back. Does nothing on SQLite.
    /// - Throws: a database error (PostgresNIO's `PSQLError`).
    public func wakeOtherReplicas(from owner: String) async throws {
        try await backend.wakeOtherReplicas(from: owner)
    }
}
