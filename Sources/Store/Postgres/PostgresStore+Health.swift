import DayshiftCore
import Foundation
import PostgresNIO

// What readiness probes and metrics read.
extension PostgresStore {
    /// One committed write transaction that changes nothing: proves the server takes writes now
    /// (not read-only, not a standby, disk not full) and that this replica reaches it.
    func checkWritable() async throws {
        try await write { connection in
            try await connection.run("SELECT txid_current()", logger: self.logger)
        }
    }

    func pendingMigrations() async throws -> [String] {
        let applied = Set(try await appliedMigrations())
        return PostgresMigrations.names.filter { !applied.contains($0) }
    }

    func runningRunCount() async throws -> Int {
        try await read { connection in
            Int(try await connection.value("SELECT COUNT(*) FROM runs WHERE status = \(RunStatus.running.rawValue)", as: Int64.self,
                                            logger: self.logger) ?? 0)
        }
    }

    func databaseSizeBytes() async throws -> Int {
        try await read { connection in
            Int(try await connection.value("SELECT pg_database_size(current_database())", as: Int64.self, logger: self.logger) ?? 0)
        }
    }
}
