import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Installations.swift).
extension PostgresStore {
    func recordInstallationChange(_ delivery: Delivery, change: InstallationChange) async throws -> InstallationChangeOutcome {
        throw PostgresStoreUnfinished(operation: "recordInstallationChange")
    }

    func installationBlock(installationID: Int64, repository: String) async throws -> String? {
        throw PostgresStoreUnfinished(operation: "installationBlock")
    }

    func runCount(issueKey: String, since: Date) async throws -> Int {
        throw PostgresStoreUnfinished(operation: "runCount")
    }
}
