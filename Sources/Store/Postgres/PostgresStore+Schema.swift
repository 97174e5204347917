import Foundation
import PostgresNIO

extension PostgresStore {
    func appliedMigrations() async throws -> [String] {
        try await read { connection in try await PostgresMigrations.applied(connection, logger: self.logger) }
    }
}
