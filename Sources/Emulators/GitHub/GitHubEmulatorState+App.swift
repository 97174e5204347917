import Foundation
import GitHub
import _CryptoExtras

/// App mode: a registered GitHub App, its installations, installation tokens and accepted PATs.
///
/// Until an app or a PAT is registered the emulator accepts any bearer token (the default, so
/// simple tests need no setup). Afterwards repository routes accept only a registered PAT or a
/// live installation token whose narrowing includes the repository and whose permissions allow
/// the call (see ``requiredPermission(method:path:)``).
extension GitHubEmulatorState {
    /// Registers the GitHub App whose JWTs the emulator accepts.
    /// - Parameters:
    ///   - id: the App ID (`iss`).
    ///   - slug: the app's slug.
    ///   - publicKeyPEM: SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    ///   - clientID: also accepted as `iss`.
    /// - Throws: when the public key cannot be read.
    public func registerApp(id: Int64, slug: String = "dayshift", publicKeyPEM: String, clientID: String? = nil) throws {
        _ = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
        app = RegisteredApp(id: id, slug: slug, publicKeyPEM: publicKeyPEM, clientID: clientID)
    }

    /// Registers the app with `key`'s public half (``GitHubEmulatorAppKey/shared()`` when nil) and
    /// returns the private key PEM (PKCS#1) for Dayshift's `.app(appID:privateKeyPEM:)` credentials.
    @discardableResult
    public func registerApp(id: Int64, slug: String = "dayshift", key: GitHubEmulatorAppKey? = nil) throws -> String {
        let key = try key ?? GitHubEmulatorAppKey.shared()
        try registerApp(id: id, slug: slug, publicKeyPEM: key.publicKeyPEM)
        return key.privateKeyPEM
    }

    /// The registered app, if any.
    public var registeredApp: RegisteredApp? { app }

    /// Installs the app on `account` (a user or organisation login).
    /// - Parameters:
    ///   - repositories: repository names it covers; nil = all of the account's.
    ///   - permissions: what it granted (``EmulatedInstallation/defaultPermissions`` by default).
    public func addInstallation(
        id: Int64, account: String, repositories: [String]? = nil,
        permissions: [String: String] = EmulatedInstallation.defaultPermissions
    ) {
        installations[id] = EmulatedInstallation(id: id, account: account, repositories: repositories, permissions: permissions)
    }

    /// Removes an installation (as on uninstall); its tokens stop working.
    public func removeInstallation(id: Int64) {
        installations[id] = nil
    }

    /// Accepts `token` as a personal access token with access to every repository.
    public func addPersonalAccessToken(_ token: String) {
        personalAccessTokens.insert(token)
    }

    /// Every installation token minted so far, oldest first (without the token text).
    public var installationTokens: [EmulatedInstallationToken] {
        issuedTokens.values.sorted { $0.id < $1.id }
    }

    /// Revokes every installation token minted so far (each then gets 401 `Bad credentials`).
    public func revokeInstallationTokens() {
        for key in issuedTokens.keys { issuedTokens[key]?.revoked = true }
    }

    /// Whether tokens are checked (an app or a PAT was registered).
    var enforcesTokens: Bool { app != nil || !personalAccessTokens.isEmpty }

    // MARK: Endpoint operations

    /// The installation covering `owner/repo`, for `GET /repos/{owner}/{repo}/installation`.
    func installation(owner: String, repo: String) -> EmulatedInstallation? {
        installations.values.sorted { $0.id < $1.id }.first { $0.covers(owner: owner, repo: repo) }
    }

    /// The installation `id`, if any.
    func installation(id: Int64) -> EmulatedInstallation? { installations[id] }

    /// Verifies an App JWT on the emulator's clock (see ``GitHubEmulatorJWTVerifier``).
    func verifyAppJWT(_ token: String) throws {
        try GitHubEmulatorJWTVerifier.verify(token, app: app, now: now())
    }

    /// `POST /app/installations/{installation_id}/access_tokens` after the JWT was verified:
    /// 404 unknown installation; 422 when a repository is outside the installation or a permission
    /// exceeds what it granted. Returns the token text and its record.
    func mintInstallationToken(
        installationID: Int64, repositories: [String]?, permissions: [String: String]?
    ) throws -> (token: String, record: EmulatedInstallationToken, account: String) {
        guard let installation = installations[installationID] else { throw GitHubAPIError.notFound }
        if let repositories, !repositories.allSatisfy({ installation.covers(owner: installation.account, repo: $0) }) {
            throw GitHubAPIError(.unprocessableContent,
                                 message: "There is at least one repository that does not exist or is not accessible to the parent installation.")
        }
        if let permissions {
            let exceeds = permissions.contains { name, level in
                PermissionLevel.rank(level) == 0 || PermissionLevel.rank(level) > PermissionLevel.rank(installation.permissions[name])
            }
            if exceeds {
                throw GitHubAPIError(.unprocessableContent, message: "The permissions requested are not granted to this installation.")
            }
        }
        var granted = permissions ?? installation.permissions
        granted["metadata"] = granted["metadata"] ?? "read"
        lastTokenID += 1
        let record = EmulatedInstallationToken(
            id: lastTokenID, installationID: installationID,
            repositories: (repositories ?? installation.repositories).map { $0.map { $0.lowercased() }.sorted() },
            permissions: granted, expiresAt: now().addingTimeInterval(3600), revoked: false
        )
        let token = "ghs_" + Self.randomToken()
        issuedTokens[token] = record
        return (token, record, installation.account)
    }

    // MARK: Authorization of repository routes

    /// How a request authenticated, for ``RecordedRequest/tokenKind``.
    enum Credential {
        case jwt
        case installation(EmulatedInstallationToken)
        case pat
        case unregistered
    }

    func classify(token: String) -> Credential {
        if personalAccessTokens.contains(token) { return .pat }
        if let record = issuedTokens[token] { return .installation(record) }
        if token.split(separator: ".", omittingEmptySubsequences: false).count == 3 { return .jwt }
        return .unregistered
    }

    /// Decides whether `token` may make this call. JWT-only routes (`/app…`,
    /// `GET /repos/{owner}/{repo}/installation`) pass here and check the JWT themselves.
    /// - Throws: ``GitHubAPIError`` 401 `Bad credentials` (unknown, expired or revoked token, or an
    ///   uninstalled installation) or 403 `Resource not accessible by integration`.
    func authorize(method: String, path: String, token: String) throws {
        // The emulator's own inspection routes (`/_emulator/…`) are for tests and need no token.
        guard enforcesTokens, !Self.isJWTRoute(path), !path.hasPrefix("/_emulator/") else { return }
        switch classify(token: token) {
        case .pat:
            return
        case .jwt, .unregistered:
            throw GitHubAPIError(.unauthorized, message: "Bad credentials")
        case .installation(let record):
            guard !record.revoked, record.expiresAt > now(), let installation = installations[record.installationID] else {
                throw GitHubAPIError(.unauthorized, message: "Bad credentials")
            }
            guard let target = Self.repository(in: path) else { return }
            let inScope = installation.covers(owner: target.owner, repo: target.repo)
                && (record.repositories?.contains(target.repo.lowercased()) ?? true)
            let allowed = requiredPermissions(method: method, path: path).contains { name, level in
                PermissionLevel.rank(record.permissions[name]) >= PermissionLevel.rank(level)
            }
            guard inScope, allowed else {
                throw GitHubAPIError(.forbidden, message: "Resource not accessible by integration")
            }
        }
    }

    /// The permissions of which ONE suffices for a call (`github.md` §3.4): `contents` for
    /// `/git/…`, `/branches…`, `/contents…`, `/commits…`; `pull_requests` for `/pulls…`; `issues`
    /// for `/issues…` (or `pull_requests` when the number is a pull request); `checks` for
    /// `/check-runs…`; else `metadata`. GET/HEAD need `read`, other methods `write`.
    func requiredPermissions(method: String, path: String) -> [(String, String)] {
        let level = ["GET", "HEAD"].contains(method.uppercased()) ? "read" : "write"
        let segments = path.split(separator: "/").map(String.init)
        guard segments.count >= 4, segments[0] == "repos" else { return [("metadata", "read")] }
        switch segments[3] {
        case "git", "branches", "contents", "commits": return [("contents", level)]
        case "pulls": return [("pull_requests", level)]
        case "check-runs": return [("checks", level)]
        case "issues":
            var accepted = [("issues", level)]
            if let number = issueNumber(segments), pullRequest(owner: segments[1], repo: segments[2], number: number) != nil {
                accepted.append(("pull_requests", level))
            }
            return accepted
        default: return [("metadata", "read")]
        }
    }

    /// The issue or pull-request number a `/repos/o/r/issues/…` path acts on (via the comment for
    /// `/issues/comments/{id}`).
    private func issueNumber(_ segments: [String]) -> Int? {
        guard segments.count >= 5 else { return nil }
        if segments[4] == "comments", segments.count >= 6, let id = Int(segments[5]) {
            return allComments.first { $0.id == id }?.issueNumber
        }
        return Int(segments[4])
    }

    /// `/app…` and `/repos/{owner}/{repo}/installation` take the App JWT.
    static func isJWTRoute(_ path: String) -> Bool {
        if path == "/app" || path.hasPrefix("/app/") { return true }
        let segments = path.split(separator: "/")
        return segments.count == 4 && segments[0] == "repos" && segments[3] == "installation"
    }

    /// `owner` and `repo` of a `/repos/{owner}/{repo}…` path.
    static func repository(in path: String) -> (owner: String, repo: String)? {
        let segments = path.split(separator: "/")
        guard segments.count >= 3, segments[0] == "repos" else { return nil }
        return (String(segments[1]), String(segments[2]))
    }

    static func randomToken() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<36).map { _ in alphabet.randomElement() ?? "0" })
    }
}
