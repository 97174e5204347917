import DayshiftCore
import Foundation
import GitHub

/// Senders' repository roles, asked of GitHub (`GET /repos/{owner}/{repo}/collaborators/{username}/permission`)
/// and reused for `triggers.permission_cache_seconds` (default 300): one call per sender and
/// repository in that time, however many triggers they send.
actor SenderPermissions {
    private struct Entry {
        var level: RepositoryPermission
        var at: Date
    }

    private var entries: [String: Entry] = [:]
    private let lifetimeSeconds: Double
    private let now: @Sendable () -> Date

    init(lifetimeSeconds: Double, now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetimeSeconds = lifetimeSeconds
        self.now = now
    }

    /// `login`'s role on `repository`, from the cache while fresh, else from GitHub.
    /// - Throws: ``GitHub/GitHubAPIError`` and the access's errors (nothing is cached then).
    func level(of login: String, on repository: RepositoryName, installationID: Int64?, github: any GitHubAccess) async throws -> RepositoryPermission {
        let key = "\(repository.description.lowercased()) \(login.lowercased())"
        if let entry = entries[key], now().timeIntervalSince(entry.at) < lifetimeSeconds { return entry.level }
        let client = try await github.client(for: repository, installationID: installationID)
        let level = try await client.collaboratorPermission(repository, username: login).level
        entries[key] = Entry(level: level, at: now())
        if entries.count > 10_000 { entries = entries.filter { now().timeIntervalSince($0.value.at) < lifetimeSeconds } }
        return level
    }
}
