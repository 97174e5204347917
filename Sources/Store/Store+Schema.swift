import GRDB

extension Store {
    /// The names of the migrations applied to the database, oldest first, e.g.
    /// `["v1: deliveries, inbox, runs, steps", …]`; once ``init(directory:logger:)`` has returned,
    /// every migration Dayshift knows. Its count is the schema version.
    /// - Throws: GRDB's `DatabaseError` when the database cannot be read.
    public func appliedMigrations() async throws -> [String] {
        try await database.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }
}
