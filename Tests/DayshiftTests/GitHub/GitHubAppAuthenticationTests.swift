import DayshiftCore
import Emulators
import Foundation
import GitHub
import Testing

/// ``GitHubAuthenticator`` in App mode against the emulator over loopback HTTP: installation
/// lookup, narrowed token minting, enforcement, expiry, renewal and the single re-mint on 401.
@Suite("GitHubAppAuthentication")
struct GitHubAppAuthenticationTests {
    typealias Fixture = GitHubAppFixture

    @Test func clientMintsATokenNarrowedToItsRepository() async throws {
        try await Fixture.run { fixture in
            let client = try await fixture.authenticator.client(for: Fixture.widgets, installationID: nil)
            #expect(try await client.addLabels(Fixture.widgets, issue: 7, labels: ["dayshift"]) == ["dayshift"])
            _ = try await client.createIssueComment(Fixture.widgets, issue: 7, body: "On it")
            #expect(await fixture.log() == [
                "GET /repos/acme/widgets/installation 200 jwt#-",
                "POST /app/installations/77/access_tokens 201 jwt#-",
                "POST /repos/acme/widgets/issues/7/labels 200 installation#1",
                "POST /repos/acme/widgets/issues/7/comments 201 installation#1",
            ])
            let mint = try #require(await fixture.state.recordedRequests.first { $0.path.hasSuffix("/access_tokens") })
            let body = try #require(try JSONSerialization.jsonObject(with: mint.body) as? [String: Any])
            #expect(body["repositories"] as? [String] == ["widgets"])
            #expect(body["permissions"] as? [String: String] == ["contents": "write", "pull_requests": "write", "issues": "write"])
            let token = try #require(await fixture.state.installationTokens.first)
            #expect(token.repositories == ["widgets"])
            #expect(token.installationID == Fixture.installationID)

            // The installation is looked up once per repository; a second client reuses the token.
            let again = try await fixture.authenticator.client(for: Fixture.widgets, installationID: nil)
            _ = try await again.issueComments(Fixture.widgets, issue: 7)
            #expect(await fixture.authenticator.mintCount() == 1)
            #expect(await fixture.state.recordedRequests.count == 5)
        }
    }

    @Test func aTokenIsRefusedForAnotherRepositoryAndBeyondItsPermissions() async throws {
        try await Fixture.run { fixture in
            // A REST client for widgets cannot act on gadgets, although the installation covers both.
            let client = try await fixture.authenticator.client(for: Fixture.widgets, installationID: Fixture.installationID)
            let other = try await #require(throws: GitHubAPIError.self) {
                try await client.createIssueComment(Fixture.gadgets, issue: 3, body: "wrong repo")
            }
            #expect(other.status == 403)
            #expect(other.description.contains("Resource not accessible by integration"))
            #expect(await fixture.sleeps.waits.isEmpty, "a permission 403 is not retried")

            // The clone token reads contents of its repository only: no comments, no pull requests.
            let cloneToken = try #require(try await fixture.authenticator.cloneToken(for: Fixture.widgets, installationID: Fixture.installationID))
            let clone = try #require(await fixture.state.installationTokens.last)
            #expect(clone.permissions == ["contents": "read", "metadata": "read"])
            #expect(clone.repositories == ["widgets"])
            let raw = fixture.rawClient(token: cloneToken)
            await #expect(throws: GitHubAPIError.self) { try await raw.createIssueComment(Fixture.widgets, issue: 7, body: "no") }
            await #expect(throws: GitHubAPIError.self) { try await raw.pullRequests(Fixture.widgets, headBranch: "x") }
            #expect(await fixture.state.recordedRequests.suffix(2).map(\.responseStatus) == [403, 403])
            #expect(await fixture.state.comments(owner: "acme", repo: "widgets", issue: 7).isEmpty)
        }
    }

    @Test func narrowingOutsideTheInstallationIsRefused() async throws {
        try await Fixture.run(installationPermissions: ["contents": "read", "issues": "write", "metadata": "read"]) { fixture in
            let app = try fixture.appClient()
            let outside = try await #require(throws: GitHubAPIError.self) {
                try await app.createInstallationAccessToken(installationID: Fixture.installationID, repositories: ["secret-repo"])
            }
            #expect(outside.status == 422)
            let tooMuch = try await #require(throws: GitHubAPIError.self) {
                try await app.createInstallationAccessToken(installationID: Fixture.installationID, permissions: ["contents": "write"])
            }
            #expect(tooMuch.status == 422)
            let unknown = try await #require(throws: GitHubAPIError.self) {
                try await app.createInstallationAccessToken(installationID: 999)
            }
            #expect(unknown.status == 404)
            let granted = try await app.createInstallationAccessToken(installationID: Fixture.installationID, repositories: ["gadgets"], permissions: ["issues": "write"])
            #expect(granted.permissions == ["issues": "write", "metadata": "read"])
            #expect(granted.repositorySelection == "selected")
            #expect(granted.repositoryNames == ["gadgets"])
            #expect(abs(granted.expiresAt.timeIntervalSince(fixture.state.now()) - 3600) < 30)

            // Not installed on that account: the installation lookup answers 404.
            let missing = try await #require(throws: GitHubAPIError.self) {
                try await fixture.authenticator.client(for: RepositoryName(owner: "someone", name: "else"), installationID: nil)
            }
            #expect(missing.status == 404)
        }
    }

    @Test func badJWTsAreRefusedWithGitHubsMessages() async throws {
        try await Fixture.run { fixture in
            let now = Int(fixture.state.now().timeIntervalSince1970)
            func refusal(_ client: GitHubClient) async throws -> String {
                let error = try await #require(throws: GitHubAPIError.self) {
                    try await client.createInstallationAccessToken(installationID: Fixture.installationID)
                }
                #expect(error.status == 401)
                return error.description
            }
            // Signed 11 minutes ago: expired.
            #expect(try await refusal(try fixture.appClient(at: fixture.state.now() - 660)).contains("'Expiration time' claim ('exp') must be a numeric value"))
            // Signed 2 minutes ahead: iat in the future.
            #expect(try await refusal(try fixture.appClient(at: fixture.state.now() + 120)).contains("'Issued at' claim ('iat')"))
            #expect(try await refusal(try fixture.appClient(appID: "1")).contains("Integration not found"))
            let long = try fixture.jwt(claims: ["iat": now - 60, "exp": now + 900, "iss": String(Fixture.appID)])
            #expect(try await refusal(fixture.rawClient(token: long)).contains("too far in the future"))
            let foreignKey = try GitHubAppPrivateKey(pemRepresentation: try GitHubEmulatorAppKey.generate().privateKeyPEM)
            let forged = try GitHubAppJWT.sign(appID: String(Fixture.appID), key: foreignKey, now: fixture.state.now())
            #expect(try await refusal(fixture.rawClient(token: forged.token)).contains("could not be decoded"))
            #expect(await fixture.state.installationTokens.isEmpty)

            // JWTs are not accepted on repository routes, nor are unknown tokens.
            let asJWT = try await #require(throws: GitHubAPIError.self) { try await fixture.appClient().issueComments(Fixture.widgets, issue: 7) }
            #expect(asJWT.status == 401)
            let unknown = try await #require(throws: GitHubAPIError.self) { try await fixture.rawClient(token: "ghs_unknown").issueComments(Fixture.widgets, issue: 7) }
            #expect(unknown.description.contains("Bad credentials"))
        }
    }

    @Test func a401DropsTheTokenAndTheCallIsRepeatedOnceWithAFreshOne() async throws {
        try await Fixture.run { fixture in
            let client = try await fixture.authenticator.client(for: Fixture.widgets, installationID: Fixture.installationID)
            _ = try await client.issueComments(Fixture.widgets, issue: 7)

            // GitHub revoked the token (or it died early): 401, re-mint, repeat, success.
            await fixture.state.revokeInstallationTokens()
            _ = try await client.createIssueComment(Fixture.widgets, issue: 7, body: "after revocation")
            #expect(await fixture.authenticator.mintCount() == 2)
            #expect(await fixture.log().suffix(3) == [
                "POST /repos/acme/widgets/issues/7/comments 401 installation#1",
                "POST /app/installations/77/access_tokens 201 jwt#-",
                "POST /repos/acme/widgets/issues/7/comments 201 installation#2",
            ])

            // A second 401 in a row is not retried again.
            await fixture.state.injectFault(pathPrefix: "/repos/acme/widgets/issues", status: 401, count: 2, message: "Bad credentials")
            let error = try await #require(throws: GitHubAPIError.self) { try await client.issueComments(Fixture.widgets, issue: 7) }
            #expect(error.status == 401)
            #expect(await fixture.authenticator.mintCount() == 3)
            #expect(await fixture.state.recordedRequests.filter { $0.responseStatus == 401 }.count == 3)
        }
    }

    @Test func aRunLongerThanAnHourKeepsGettingFreshTokens() async throws {
        try await Fixture.run { fixture in
            let client = try await fixture.authenticator.client(for: Fixture.widgets, installationID: Fixture.installationID)
            let first = try #require(try await fixture.authenticator.cloneToken(for: Fixture.widgets, installationID: Fixture.installationID))
            for step in 1...4 {
                _ = try await client.createIssueComment(Fixture.widgets, issue: 7, body: "step \(step)")
                await fixture.state.advanceClock(by: 28 * 60)  // 4 × 28 min = 112 min of emulator time
            }
            _ = try await client.createIssueComment(Fixture.widgets, issue: 7, body: "done")
            let log = await fixture.state.recordedRequests
            #expect(!log.contains { $0.responseStatus == 401 }, "renewed ahead of expiry, never refused")
            #expect(log.filter { $0.path.hasSuffix("/comments") }.compactMap(\.tokenID) == [2, 2, 3, 3, 4])
            #expect(await fixture.state.comments(owner: "acme", repo: "widgets", issue: 7).count == 5)

            // The first (clone) token really is dead on the emulator's clock; a new one is let through.
            let http = EmulatorTestClient.gitHub(baseURL: fixture.emulator.baseURL)
            defer { http.invalidate() }
            let contentsPath = "/repos/acme/widgets/git/ref/heads/main"
            let stale = try await http.send("GET", contentsPath, authorization: "Bearer \(first)")
            #expect(stale.status == 401)
            #expect(stale.object?["message"] as? String == "Bad credentials")
            let fresh = try #require(try await fixture.authenticator.cloneToken(for: Fixture.widgets, installationID: Fixture.installationID))
            #expect(fresh != first)
            let accepted = try await http.send("GET", contentsPath, authorization: "Bearer \(fresh)")
            #expect(![401, 403].contains(accepted.status), "contents: read passes authorization (\(accepted.status))")
        }
    }

    @Test func concurrentCallsShareOneMint() async throws {
        try await Fixture.run { fixture in
            let client = try await fixture.authenticator.client(for: Fixture.widgets, installationID: Fixture.installationID)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask { _ = try await client.issueComments(Fixture.widgets, issue: 7) }
                }
                try await group.waitForAll()
            }
            #expect(await fixture.authenticator.mintCount() == 1)
        }
    }

    @Test func secretsCoverTheKeyAndEveryMintedToken() async throws {
        try await Fixture.run { fixture in
            let clone = try #require(try await fixture.authenticator.cloneToken(for: Fixture.widgets, installationID: Fixture.installationID))
            let secrets = await fixture.authenticator.knownSecrets()
            #expect(secrets.contains(clone))
            #expect(secrets.contains(fixture.privateKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines)))
            let keyLine = try #require(fixture.privateKeyPEM.split(separator: "\n").dropFirst().first.map(String.init))
            #expect(secrets.contains(keyLine))
            #expect(secrets.count >= 4, "PEM, its lines, the JWT, the token")
        }
    }

    @Test func personalAccessTokenModeNeverHandsOutACloneToken() async throws {
        let state = GitHubEmulatorState()
        await state.addPersonalAccessToken("pat-good")
        await state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
        let emulator = try await GitHubEmulator.start(state: state)
        do {
            let good = try GitHubAuthenticator(credentials: .personalAccessToken("pat-good"), baseURL: emulator.baseURL)
            #expect(try await good.cloneToken(for: Fixture.widgets, installationID: 1) == nil)
            #expect(await good.knownSecrets() == ["pat-good"])
            _ = try await good.client(for: Fixture.widgets, installationID: nil).issueComments(Fixture.widgets, issue: 7)
            let bad = try GitHubAuthenticator(credentials: .personalAccessToken("pat-bad"), baseURL: emulator.baseURL)
            let error = try await #require(throws: GitHubAPIError.self) {
                try await bad.client(for: Fixture.widgets, installationID: nil).issueComments(Fixture.widgets, issue: 7)
            }
            #expect(error.status == 401)
            #expect(await state.recordedRequests.map { "\($0.responseStatus) \($0.tokenKind ?? "-")" } == ["200 pat", "401 unregistered"])
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }
}
