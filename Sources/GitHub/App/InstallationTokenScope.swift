/// What an installation token is asked for: the installation, and the optional narrowing sent in
/// the body of `POST /app/installations/{installation_id}/access_tokens`. One cache entry per scope.
public struct InstallationTokenScope: Hashable, Sendable, CustomStringConvertible {
    /// The installation id.
    public var installationID: Int64
    /// Repository names (without owner) the token is limited to, sorted and lower-cased; nil = every
    /// repository of the installation.
    public var repositories: [String]?
    /// Permissions the token is limited to, e.g. `["contents": "read"]`; nil = all the installation has.
    public var permissions: [String: String]?

    public init(installationID: Int64, repositories: [String]? = nil, permissions: [String: String]? = nil) {
        self.installationID = installationID
        self.repositories = repositories.map { Array(Set($0.map { $0.lowercased() })).sorted() }
        self.permissions = permissions
    }

    /// The permissions Dayshift's REST calls need: contents, pull_requests and issues write (plus
    /// checks write when `checks` is true). Metadata read is always granted by GitHub.
    public static func restPermissions(checks: Bool = false) -> [String: String] {
        var permissions = ["contents": "write", "pull_requests": "write", "issues": "write"]
        if checks { permissions["checks"] = "write" }
        return permissions
    }

    /// Read-only repository contents: what a sandbox needs to clone a private repository.
    public static let clonePermissions = ["contents": "read"]

    public var description: String {
        let repos = repositories.map { $0.joined(separator: ",") } ?? "all"
        let perms = permissions.map { $0.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",") } ?? "all"
        return "installation \(installationID) repositories [\(repos)] permissions [\(perms)]"
    }
}
