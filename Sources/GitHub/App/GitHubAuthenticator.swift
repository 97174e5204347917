import DayshiftCore
import Foundation

/// The one entry point the rest of Dayshift uses to talk to GitHub as itself.
///
/// With ``GitHubCredentials/app(appID:privateKeyPEM:)`` every client works with installation
/// access tokens narrowed to ONE repository (GitHub refuses to narrow a token to a repository
/// outside its installation, so a token is never usable beyond its own installation), minted with
/// the App JWT and cached per (installation, narrowing) in an ``InstallationTokenCache`` that
/// renews them five minutes before they expire. A 401 to a cached token drops it; the call is
/// repeated once with a fresh token. With ``GitHubCredentials/personalAccessToken(_:)`` every
/// client uses the PAT.
///
/// Endpoints used: `GET /repos/{owner}/{repo}/installation` (JWT; cached per repository) and
/// `POST /app/installations/{installation_id}/access_tokens` (JWT).
public actor GitHubAuthenticator {
    /// The permissions of REST clients: ``InstallationTokenScope/restPermissions(checks:)``.
    public nonisolated let restPermissions: [String: String]
    /// Whether this authenticates as a GitHub App (false: personal access token).
    public nonisolated let isApp: Bool

    private let credentials: GitHubCredentials
    private let baseURL: URL
    private let timeoutSeconds: Double
    private let retryPolicy: GitHubRetryPolicy
    private let sleep: @Sendable (Double) async throws -> Void
    private let now: @Sendable () -> Date
    private let recorder: any OutboundRequestRecorder
    private let jwtSource: GitHubAppJWTSource?
    private let tokenCache: InstallationTokenCache?
    private var installations: [String: Int64] = [:]
    /// One primary budget per installation (each has its own), key 0 for a PAT.
    private var budgets: [Int64: GitHubRateBudget] = [:]

    /// - Parameters:
    ///   - credentials: a PAT or the App's id and private key.
    ///   - baseURL: the API root, e.g. `https://api.github.com` or an emulator's URL.
    ///   - timeoutSeconds: per-request timeout of every client made here.
    ///   - checks: also ask for `checks: write` on REST clients (check runs).
    ///   - retryPolicy, sleep: rate-limit behaviour of every client made here (see ``GitHubClient``).
    ///   - now: the clock for JWT claims and token renewal; inject one in tests.
    ///   - recorder: told about every request of every client made here, for metrics.
    /// - Throws: ``GitHubAuthError`` when the private key or app id is unusable (checked here, once).
    public init(
        credentials: GitHubCredentials, baseURL: URL, timeoutSeconds: Double = 30, checks: Bool = false,
        retryPolicy: GitHubRetryPolicy = GitHubRetryPolicy(),
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        now: @escaping @Sendable () -> Date = { Date() },
        recorder: any OutboundRequestRecorder = NoOutboundRequestRecorder()
    ) throws {
        self.credentials = credentials
        self.recorder = recorder
        self.baseURL = baseURL
        self.timeoutSeconds = timeoutSeconds
        self.retryPolicy = retryPolicy
        self.sleep = sleep
        self.now = now
        self.restPermissions = InstallationTokenScope.restPermissions(checks: checks)
        switch credentials {
        case .personalAccessToken:
            isApp = false
            jwtSource = nil
            tokenCache = nil
        case let .app(appID, privateKeyPEM):
            let key = try GitHubAppPrivateKey(pemRepresentation: privateKeyPEM)
            _ = try GitHubAppJWT.sign(appID: appID, key: key, now: now())  // fail now, not at the first call
            let jwtSource = GitHubAppJWTSource(appID: appID, key: key, now: now)
            let appClient = GitHubClient(
                baseURL: baseURL, timeoutSeconds: timeoutSeconds, retryPolicy: retryPolicy, sleep: sleep, now: now,
                token: { try await jwtSource.jwt().token },
                credentialRejected: { await jwtSource.invalidate($0) }, recorder: recorder
            )
            isApp = true
            self.jwtSource = jwtSource
            self.tokenCache = InstallationTokenCache(now: now) { scope in
                try await appClient.createInstallationAccessToken(
                    installationID: scope.installationID, repositories: scope.repositories, permissions: scope.permissions
                )
            }
        }
    }

    /// A REST client for `repo`. App: its token provider returns an installation token narrowed to
    /// that repository with ``restPermissions``, asked from the cache per request. PAT: the PAT.
    /// - Parameter installationID: from the webhook's `installation.id`; nil looks it up with
    ///   `GET /repos/{owner}/{repo}/installation` (once per repository). Ignored for a PAT.
    /// - Throws: ``GitHubAPIError`` when the installation cannot be found (404: app not installed).
    public func client(for repo: RepositoryName, installationID: Int64?) async throws -> GitHubClient {
        switch credentials {
        case .personalAccessToken(let pat):
            return makeClient(token: { pat }, credentialRejected: nil, budget: budget(0))
        case .app:
            let scope = InstallationTokenScope(
                installationID: try await resolveInstallation(repo, given: installationID),
                repositories: [repo.name], permissions: restPermissions
            )
            let cache = try requireCache()
            return makeClient(
                token: { try await cache.token(for: scope).token },
                credentialRejected: { await cache.invalidate(scope, token: $0) }, budget: budget(scope.installationID)
            )
        }
    }

    /// A token a sandbox may use to clone a private `repo` over HTTPS (user `x-access-token`):
    /// an installation token narrowed to that one repository with `contents: read` only, valid for
    /// at least five more minutes (ask again before every fetch; it dies after an hour).
    ///
    /// With a PAT this is nil: a PAT must never enter the sandbox, so private repositories then
    /// need a `clone_url` the sandbox can read without credentials (e.g. a local mirror).
    /// - Throws: ``GitHubAPIError`` from the installation lookup or the mint.
    public func cloneToken(for repo: RepositoryName, installationID: Int64?) async throws -> String? {
        guard isApp else { return nil }
        let scope = InstallationTokenScope(
            installationID: try await resolveInstallation(repo, given: installationID),
            repositories: [repo.name], permissions: InstallationTokenScope.clonePermissions
        )
        return try await requireCache().token(for: scope).token
    }

    /// Proves the credentials against GitHub. App: `GET /app` with a fresh App JWT; a personal
    /// access token: `GET /rate_limit` with it.
    /// - Returns: one line on who Dayshift is there, e.g. `App dayshift (id 123456)` or
    ///   `token accepted; 4990 of 5000 core requests left`.
    /// - Throws: ``GitHubAPIError`` (401: the key, app id or token is refused), or `URLError`.
    public func verifyCredentials() async throws -> String {
        switch credentials {
        case .personalAccessToken(let pat):
            let budget = try await makeClient(token: { pat }, credentialRejected: nil).rateLimit().resources.core
            return "token accepted; \(budget.remaining) of \(budget.limit) core requests left"
        case .app:
            guard let jwtSource else { throw GitHubAuthError.invalidAppID }
            let app = try await makeClient(token: { try await jwtSource.jwt().token }, credentialRejected: nil).authenticatedApp()
            return "App \(app.slug ?? app.name) (id \(app.id))"
        }
    }

    /// The installation that covers `repo`: `GET /repos/{owner}/{repo}/installation` with the JWT,
    /// cached per repository. PAT: nil.
    public func installationID(for repo: RepositoryName) async throws -> Int64? {
        guard isApp else { return nil }
        return try await resolveInstallation(repo, given: nil)
    }

    /// Every secret held right now, for redacting logs and sandbox output: the PAT, or the private
    /// key PEM (whole and per line), the current App JWT and every installation token minted that
    /// expired less than an hour ago. Values are non-empty; order is unspecified.
    public func knownSecrets() async -> [String] {
        var secrets: [String] = []
        switch credentials {
        case .personalAccessToken(let pat):
            secrets.append(pat)
        case .app(_, let pem):
            secrets.append(pem.trimmingCharacters(in: .whitespacesAndNewlines))
            secrets += pem.split(whereSeparator: \.isNewline).map(String.init).filter { $0.count >= 16 && !$0.hasPrefix("-----") }
        }
        if let jwt = await jwtSource?.currentToken { secrets.append(jwt) }
        if let tokenCache { secrets += await tokenCache.knownTokens() }
        return secrets.filter { !$0.isEmpty }
    }

    /// How many installation tokens have been minted (0 for a PAT).
    public func mintCount() async -> Int {
        await tokenCache?.mintCount ?? 0
    }

    // MARK: Helpers

    private func makeClient(token: @escaping @Sendable () async throws -> String, credentialRejected: (@Sendable (String) async -> Void)?,
                            budget: GitHubRateBudget? = nil) -> GitHubClient {
        GitHubClient(
            baseURL: baseURL, timeoutSeconds: timeoutSeconds, retryPolicy: retryPolicy, sleep: sleep, now: now,
            token: token, credentialRejected: credentialRejected, recorder: recorder, budget: budget
        )
    }

    /// The shared primary budget of installation `id` (0: the PAT).
    private func budget(_ id: Int64) -> GitHubRateBudget {
        if let budget = budgets[id] { return budget }
        let budget = GitHubRateBudget()
        budgets[id] = budget
        return budget
    }

    private func requireCache() throws -> InstallationTokenCache {
        guard let tokenCache else { throw GitHubAuthError.invalidAppID }
        return tokenCache
    }

    private func resolveInstallation(_ repo: RepositoryName, given: Int64?) async throws -> Int64 {
        let key = repo.description.lowercased()
        if let given {
            installations[key] = given
            return given
        }
        if let cached = installations[key] { return cached }
        guard let jwtSource else { throw GitHubAuthError.invalidAppID }
        let appClient = makeClient(token: { try await jwtSource.jwt().token }, credentialRejected: { await jwtSource.invalidate($0) })
        let installation = try await appClient.repositoryInstallation(repo)
        installations[key] = installation.id
        return installation.id
    }
}
