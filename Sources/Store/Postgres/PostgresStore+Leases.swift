import Foundation
import Logging
import PostgresNIO
import Synchronization

// Leases: one live issue object per issue across replicas, enforced by the database.
//
// Across replicas: an activation is one `INSERT … ON CONFLICT DO UPDATE … WHERE` on the lease
// row, which PostgreSQL runs with the row locked, so of two replicas activating one issue object
// at once the second sees the first's fresh lease and takes nothing. A batch locks its rows in
// key order (as renewals do), so two batches cannot deadlock on each other; a deadlock victim
// (two batches crossing with a delivery) runs again.
extension PostgresStore {
    /// The channel replicas wake each other on (`LISTEN` / `NOTIFY`); the payload is the sender.
    static let wakeChannel = "dayshift_wake"

    func activate(issueKeys: [String], owner: String, leaseSeconds: Double?, at date: Date) async throws -> [IssueLease] {
        let expiresAt = leaseSeconds.map { date.addingTimeInterval($0) }
        let taken = try await retryingDeadlocks {
            try await write { connection in
                var taken: [String: Int64] = [:]
                for issueKey in Set(issueKeys).sorted() {
                    guard let epoch = try await connection.value("""
                        INSERT INTO issue_objects AS o (issueKey, epoch, owner, activatedAt, expiresAt)
                        VALUES (\(issueKey), 1, \(owner), \(date), \(expiresAt))
                        ON CONFLICT (issueKey) DO UPDATE
                        SET epoch = o.epoch + 1, owner = excluded.owner, activatedAt = excluded.activatedAt, expiresAt = excluded.expiresAt
                        WHERE o.owner = excluded.owner OR o.expiresAt IS NULL OR o.expiresAt <= excluded.activatedAt
                        RETURNING epoch
                        """, as: Int64.self, logger: self.logger) else { continue }
                    // The previous term ends here if it had not already (superseded before it expired).
                    try await connection.run("""
                        UPDATE issue_object_leases SET releasedAt = \(date)
                        WHERE issueKey = \(issueKey) AND epoch = \(epoch - 1) AND releasedAt IS NULL AND (expiresAt IS NULL OR expiresAt > \(date))
                        """, logger: self.logger)
                    try await connection.run("""
                        INSERT INTO issue_object_leases (issueKey, epoch, owner, acquiredAt, expiresAt)
                        VALUES (\(issueKey), \(epoch), \(owner), \(date), \(expiresAt))
                        """, logger: self.logger)
                    taken[issueKey] = epoch
                }
                return taken
            }
        }
        return issueKeys.compactMap { key in taken[key].map { IssueLease(issueKey: key, epoch: $0) } }
    }

    func renewLeases(_ leases: [IssueLease], leaseSeconds: Double, at date: Date) async throws -> [IssueLease] {
        guard !leases.isEmpty else { return [] }
        let expiresAt = date.addingTimeInterval(leaseSeconds)
        let renewed = try await retryingDeadlocks {
            try await write { connection in
                var renewed: Set<String> = []
                for lease in leases.sorted(by: { $0.issueKey < $1.issueKey }) {
                    guard try await connection.value("""
                        UPDATE issue_objects SET expiresAt = \(expiresAt)
                        WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch) AND expiresAt > \(date) RETURNING epoch
                        """, as: Int64.self, logger: self.logger) != nil else { continue }
                    try await connection.run("""
                        UPDATE issue_object_leases SET expiresAt = \(expiresAt) WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch)
                        """, logger: self.logger)
                    renewed.insert(lease.issueKey)
                }
                return renewed
            }
        }
        return leases.filter { !renewed.contains($0.issueKey) }
    }

    func releaseLeases(_ leases: [IssueLease], at date: Date) async throws {
        try await retryingDeadlocks {
            try await write { connection in
                for lease in leases.sorted(by: { $0.issueKey < $1.issueKey }) {
                    guard try await connection.value("""
                        UPDATE issue_objects SET expiresAt = \(date)
                        WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch) RETURNING epoch
                        """, as: Int64.self, logger: self.logger) != nil else { continue }
                    try await connection.run("""
                        UPDATE issue_object_leases SET releasedAt = \(date)
                        WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch) AND releasedAt IS NULL
                        """, logger: self.logger)
                }
                // Delivered at commit: the other replicas may take these issue objects now.
                try await connection.run("SELECT pg_notify(\(Self.wakeChannel), '')", logger: self.logger)
            }
        }
    }

    func liveLeaseOwners(at date: Date) async throws -> [String: (owner: String, expiresAt: Date)] {
        try await read { connection in
            var owners: [String: (owner: String, expiresAt: Date)] = [:]
            for row in try await connection.rows("""
                SELECT issueKey, owner, expiresAt FROM issue_objects WHERE expiresAt > \(date)
                """, logger: self.logger) {
                let (key, owner, expiresAt) = try row.decode((String, String, Date).self)
                owners[key] = (owner, expiresAt)
            }
            return owners
        }
    }

    func leaseHistory(issueKey: String?) async throws -> [LeaseTerm] {
        try await read { connection in
            let columns = "SELECT issueKey, epoch, owner, acquiredAt, expiresAt, releasedAt FROM issue_object_leases"
            let query: PostgresQuery = if let issueKey {
                "\(unescaped: columns) WHERE issueKey = \(issueKey) ORDER BY epoch"
            } else {
                "\(unescaped: columns) ORDER BY issueKey, epoch"
            }
            return try await connection.rows(query, logger: self.logger).map { row in
                let (key, epoch, owner, acquiredAt, expiresAt, releasedAt) = try row.decode((String, Int64, String, Date, Date?, Date?).self)
                return LeaseTerm(issueKey: key, epoch: epoch, owner: owner, acquiredAt: acquiredAt, expiresAt: expiresAt, releasedAt: releasedAt)
            }
        }
    }

    func pruneLeaseHistory(acquiredBefore: Date, limit: Int) async throws -> Int {
        try await write { connection in
            try await connection.values("""
                DELETE FROM issue_object_leases WHERE (issueKey, epoch) IN (
                    SELECT h.issueKey, h.epoch FROM issue_object_leases h JOIN issue_objects o ON o.issueKey = h.issueKey
                    WHERE h.acquiredAt < \(acquiredBefore) AND h.epoch < o.epoch ORDER BY h.acquiredAt LIMIT \(Int64(limit)))
                RETURNING epoch
                """, as: Int64.self, logger: self.logger).count
        }
    }

    func wakeOtherReplicas(from owner: String) async throws {
        try await read { connection in
            try await connection.run("SELECT pg_notify(\(Self.wakeChannel), \(owner))", logger: self.logger)
        }
    }

    func sweepingAlone(_ sweep: ClusterSweep, _ body: @Sendable () async -> Void) async throws -> Bool {
        let lock: AdvisoryLock = switch sweep {
        case .sandboxReaper: .sandboxReaper
        }
        return try await client.withConnection { connection in
            guard try await connection.value("SELECT pg_try_advisory_lock(\(lock.rawValue))", as: Bool.self, logger: self.logger) == true else {
                return false
            }
            await body()
            try await connection.run("SELECT pg_advisory_unlock(\(lock.rawValue))", logger: self.logger)
            return true
        }
    }

    func claimForServing(alone: Bool) async throws -> ServingClaim? {
        guard let connection = try await takeServingClaim(alone: alone) else { return nil }
        // Kept: a connection that dies (a restarted server, a terminated session) took the lock
        // with it, so the claim is taken again on a new one, and a conflict is said.
        let keeper = Task { [logger] in
            var held: PostgresConnection? = connection
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                guard !Task.isCancelled else { break }
                if let current = held, await Self.answers(current, within: .seconds(3), logger: logger) { continue }
                if let dead = held {
                    // Not awaited: closing a connection the server ended can hang like its queries.
                    Task { try? await dead.close() }
                }
                held = nil
                do {
                    held = try await self.takeServingClaim(alone: alone)
                    if held != nil {
                        logger.notice("this server's claim on the database was lost with its connection and is taken again")
                    } else {
                        let conflict = alone ? "store.single_replica: true says this server must be the only one"
                            : "a server with store.single_replica: true uses this database"
                        logger.error("this server's claim on the database was lost with its connection, and another server now holds it: \(conflict)")
                    }
                } catch {
                    logger.warning("cannot reach the database to take this server's claim again", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            if let held {
                // Unlocked before the close: the server frees a closed session's locks only once
                // its backend has exited, which a next claim could otherwise run ahead of.
                _ = await Self.answers(held, within: .seconds(3), query: "SELECT 1 FROM (SELECT pg_advisory_unlock_all()) AS unlocked", logger: logger)
                try? await held.close()
            }
        }
        return ServingClaim {
            keeper.cancel()
            await keeper.value
        }
    }

    /// Whether `connection` answers `query` (one `int` column) within `limit`. A query on a
    /// connection whose session the server ended (`pg_terminate_backend`, a restart) can wait
    /// forever in postgres-nio, so the probe is abandoned (as dead) when the limit passes.
    static func answers(_ connection: PostgresConnection, within limit: Duration, query: PostgresQuery = "SELECT 1", logger: Logger) async -> Bool {
        let answered = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            answered.withLock { $0 = continuation }
            let finish: @Sendable (Bool) -> Void = { alive in answered.withLock { $0.take() }?.resume(returning: alive) }
            Task { finish((try? await connection.value(query, as: Int32.self, logger: logger)) != nil) }
            Task {
                try? await Task.sleep(for: limit)
                finish(false)
            }
        }
    }

    /// Takes the servers' lock (exclusive `alone`, else shared) on a connection of its own.
    /// - Returns: that connection, holding the lock; nil (and no connection) when it conflicts.
    private func takeServingClaim(alone: Bool) async throws -> PostgresConnection? {
        let connection = try await Self.connectAlone(settings, logger: logger)
        let function = alone ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared"
        do {
            let claimed = try await connection.value("SELECT \(unescaped: function)(\(AdvisoryLock.servers.rawValue))", as: Bool.self, logger: logger)
            guard claimed == true else {
                try? await connection.close()
                return nil
            }
            return connection
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func wakeUps(ignoring owner: String) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let listening = Task { [client, logger] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.wakeChannel) { notifications in
                            // Anything may have changed while no connection listened.
                            continuation.yield()
                            for try await notification in notifications where notification.payload != owner {
                                continuation.yield()
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.debug("not listening for other replicas; polling until it reconnects", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in listening.cancel() }
        return stream
    }
}
