import Foundation
import GitHub
import IssueObjects

/// GitHub access with one personal access token (`DAYSHIFT_GITHUB_TOKEN`), for one-repository use.
/// The token can write, so it is never handed to a sandbox: private repositories then need a
/// `clone_url` the sandbox can read without it.
struct PersonalTokenAccess: GitHubAccess {
    let client: GitHubClient
    let token: String

    init(baseURL: URL, token: String, timeoutSeconds: Double) {
        self.token = token
        self.client = GitHubClient(baseURL: baseURL, timeoutSeconds: timeoutSeconds) { token }
    }

    func client(for repository: RepositoryName, installationID: Int64?) async throws -> GitHubClient { client }
    func cloneToken(for repository: RepositoryName, installationID: Int64?) async throws -> String? { nil }
    func knownSecrets() async -> [String] { [token] }
}
