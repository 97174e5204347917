/// What an `installation` or `installation_repositories` delivery changes about where Dayshift may
/// work: a GitHub App installation (or some of its repositories) blocked or allowed again.
///
/// - `installation.deleted`, `installation.suspend` → the whole installation blocked;
/// - `installation.unsuspend`, `installation.created` → allowed again;
/// - `installation_repositories.removed` → those repositories blocked; `.added` → allowed again.
public struct InstallationChange: Sendable, Equatable {
    /// `installation.id`.
    public var installationID: Int64
    /// Lowercased `owner/name` of the repositories concerned; `nil` for the whole installation.
    public var repositories: [String]?
    /// True to block (cancel running runs, start none), false to allow again.
    public var blocks: Bool
    /// The event and action, e.g. `installation.deleted`.
    public var cause: String

    public init(installationID: Int64, repositories: [String]?, blocks: Bool, cause: String) {
        self.installationID = installationID
        self.repositories = repositories?.map { $0.lowercased() }
        self.blocks = blocks
        self.cause = cause
    }

    /// The change an event names, or `nil` when the event and action change nothing.
    /// - Parameters:
    ///   - event: `X-GitHub-Event`; `action`: the payload's `action`.
    ///   - removed/added: `repositories_removed` / `repositories_added` full names.
    public init?(event: String, action: String?, installationID: Int64?, removed: [String], added: [String]) {
        guard let installationID, let action else { return nil }
        let cause = "\(event).\(action)"
        switch (event, action) {
        case ("installation", "deleted"), ("installation", "suspend"):
            self.init(installationID: installationID, repositories: nil, blocks: true, cause: cause)
        case ("installation", "unsuspend"), ("installation", "created"):
            self.init(installationID: installationID, repositories: nil, blocks: false, cause: cause)
        case ("installation_repositories", "removed") where !removed.isEmpty:
            self.init(installationID: installationID, repositories: removed, blocks: true, cause: cause)
        case ("installation_repositories", "added") where !added.isEmpty:
            self.init(installationID: installationID, repositories: added, blocks: false, cause: cause)
        default:
            return nil
        }
    }
}
