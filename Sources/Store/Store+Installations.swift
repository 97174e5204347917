import DayshiftCore
import Foundation

// GitHub App installations: blocked (deleted, suspended, repositories removed) or allowed.
extension Store {
    /// Stores an `installation` / `installation_repositories` delivery and applies its change in one
    /// transaction: a block is recorded (whole installation, or per repository) and every running
    /// run it covers gets a `cancel` message (its report and cleanup still run), named in the
    /// delivery's reason (``reason(_:cancelling:)``); an unblock removes
    /// the block. A GUID seen before changes nothing.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) (nothing is stored then).
    public func recordInstallationChange(_ delivery: Delivery, change: InstallationChange) async throws -> InstallationChangeOutcome {
        try await backend.recordInstallationChange(delivery, change: change)
    }

    /// Why Dayshift may not work on `repository` through `installationID` (e.g.
    /// `installation.suspend`), or `nil` when it may.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func installationBlock(installationID: Int64, repository: String) async throws -> String? {
        try await backend.installationBlock(installationID: installationID, repository: repository)
    }

    /// Number of runs of one issue created at or after `since` (for the hourly cap).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func runCount(issueKey: String, since: Date) async throws -> Int {
        try await backend.runCount(issueKey: issueKey, since: since)
    }

    /// A blocking delivery's stored reason, naming the runs it cancels.
    public static func reason(_ reason: String, cancelling: [String]) -> String {
        cancelling.isEmpty ? reason : reason + "; cancelling the runs of " + cancelling.joined(separator: ", ")
    }
}
