import Foundation

extension Store {
    /// The names of the migrations applied to the database, oldest first, e.g.
    /// `["v1: deliveries, inbox, runs, steps", …]`; once ``init(directory:logger:)`` has returned,
    /// every migration Dayshift knows. Its count is the schema version.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) when the database cannot be read.
    public func appliedMigrations() async throws -> [String] {
        try await backend.appliedMigrations()
    }

    /// Opens `<directory>/dayshift.sqlite` read-only, if it exists, and reads its schema; creates
    /// and migrates nothing, and works beside a running server (WAL readers do not block it).
    /// - Returns: `nil` when there is no database file yet.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) when the file is not a readable SQLite database.
    public static func inspect(directory: URL) throws -> SchemaStatus? {
        try SQLiteStore.inspect(directory: directory)
    }
}
