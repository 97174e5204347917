/// How Dayshift authenticates to GitHub. The description never shows a secret.
public enum GitHubCredentials: Sendable, CustomStringConvertible {
    /// A personal access token (`DAYSHIFT_GITHUB_TOKEN`): one identity for every call, meant for
    /// single-repository use. It is never handed to a sandbox.
    case personalAccessToken(String)
    /// A GitHub App: its App ID (or client ID; becomes the JWT's `iss`) and private key as PEM text
    /// (PKCS#1 `BEGIN RSA PRIVATE KEY` as downloaded, or PKCS#8 `BEGIN PRIVATE KEY`).
    case app(appID: String, privateKeyPEM: String)

    public var description: String {
        switch self {
        case .personalAccessToken: "personal access token"
        case .app(let appID, _): "GitHub App \(appID)"
        }
    }
}
