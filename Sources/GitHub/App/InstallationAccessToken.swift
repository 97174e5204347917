import Foundation

/// GitHub's `installation-token` answer of `POST /app/installations/{installation_id}/access_tokens`
/// (201): `{"token", "expires_at", "permissions", "repository_selection", "repositories"?}`.
///
/// Tokens live one hour and cannot be refreshed; mint a new one. The description never shows the token.
public struct InstallationAccessToken: Decodable, Sendable, CustomStringConvertible {
    /// The bearer token (`ghs_…` on GitHub).
    public var token: String
    /// `expires_at`, ISO 8601.
    public var expiresAt: Date
    /// What the token may do, e.g. `["contents": "read", "metadata": "read"]`.
    public var permissions: [String: String]
    /// `all` or `selected`.
    public var repositorySelection: String?
    /// Names of the repositories the token is narrowed to, when GitHub lists them.
    public var repositoryNames: [String]?

    public init(token: String, expiresAt: Date, permissions: [String: String] = [:], repositorySelection: String? = nil, repositoryNames: [String]? = nil) {
        self.token = token
        self.expiresAt = expiresAt
        self.permissions = permissions
        self.repositorySelection = repositorySelection
        self.repositoryNames = repositoryNames
    }

    private struct NamedRepository: Decodable { var name: String }

    enum CodingKeys: String, CodingKey {
        case token, expiresAt = "expires_at", permissions, repositorySelection = "repository_selection", repositories
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        token = try container.decode(String.self, forKey: .token)
        let expires = try container.decode(String.self, forKey: .expiresAt)
        guard let date = try? Date(expires, strategy: .iso8601) else {
            throw DecodingError.dataCorruptedError(forKey: .expiresAt, in: container, debugDescription: "not an ISO 8601 date")
        }
        expiresAt = date
        permissions = try container.decodeIfPresent([String: String].self, forKey: .permissions) ?? [:]
        repositorySelection = try container.decodeIfPresent(String.self, forKey: .repositorySelection)
        repositoryNames = try container.decodeIfPresent([NamedRepository].self, forKey: .repositories)?.map(\.name)
    }

    public var description: String {
        "InstallationAccessToken(expires_at: \(expiresAt), permissions: \(permissions.sorted { $0.key < $1.key }))"
    }
}

/// The fields of GitHub's `installation` object Dayshift reads
/// (`GET /repos/{owner}/{repo}/installation`, and `installation` in webhook payloads).
public struct AppInstallation: Decodable, Sendable, Equatable {
    /// The installation id used in `POST /app/installations/{installation_id}/access_tokens`.
    public var id: Int64
    /// Login of the user or organisation the app is installed on.
    public var accountLogin: String?
    /// `all` or `selected`.
    public var repositorySelection: String?
    /// What the installation granted, e.g. `["contents": "write", "issues": "write"]`.
    public var permissions: [String: String]

    private struct Account: Decodable { var login: String? }

    enum CodingKeys: String, CodingKey {
        case id, account, repositorySelection = "repository_selection", permissions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        accountLogin = try container.decodeIfPresent(Account.self, forKey: .account)?.login
        repositorySelection = try container.decodeIfPresent(String.self, forKey: .repositorySelection)
        permissions = try container.decodeIfPresent([String: String].self, forKey: .permissions) ?? [:]
    }
}
