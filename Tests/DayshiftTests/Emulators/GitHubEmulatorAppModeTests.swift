import Emulators
import Foundation
import GitHub
import Testing

/// The emulator's App mode: token enforcement per repository and permission, the clock, PATs.
@Suite("GitHubEmulatorAppMode")
struct GitHubEmulatorAppModeTests {
    typealias Fixture = GitHubAppFixture

    @Test func withoutAnAppAnyBearerIsAcceptedAsBefore() async throws {
        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
            let accepted = try await client.send("GET", "/repos/acme/widgets/issues/7")
            let anonymous = try await client.send("GET", "/repos/acme/widgets/issues/7", authorization: nil)
            #expect(accepted.status == 200)
            #expect(anonymous.status == 401)
            let recorded = await emulator.state.recordedRequests
            let kinds: [String?] = recorded.map(\.tokenKind)
            #expect(kinds == ["unregistered", nil])
            #expect(!String(describing: recorded).contains("test-installation-token"), "the token itself is never recorded")
        }
    }

    @Test func permissionsAreCheckedPerRouteAndMethod() async throws {
        try await Fixture.run { fixture in
            let app = try fixture.appClient()
            let readIssues = try await app.createInstallationAccessToken(installationID: Fixture.installationID, permissions: ["issues": "read"])
            let pullsOnly = try await app.createInstallationAccessToken(installationID: Fixture.installationID, permissions: ["pull_requests": "write"])
            let http = EmulatorTestClient.gitHub(baseURL: fixture.emulator.baseURL)
            defer { http.invalidate() }
            func status(_ token: String, _ method: String, _ path: String, _ json: [String: any Sendable]? = nil) async throws -> Int {
                try await http.send(method, path, json: json, authorization: "Bearer \(token)").status
            }
            #expect(try await status(readIssues.token, "GET", "/repos/acme/widgets/issues/7") == 200)
            #expect(try await status(readIssues.token, "GET", "/repos/acme/gadgets/issues/3") == 200, "all repositories of the installation")
            #expect(try await status(readIssues.token, "POST", "/repos/acme/widgets/issues/7/comments", ["body": "x"]) == 403)
            #expect(try await status(readIssues.token, "GET", "/repos/acme/widgets/pulls") == 403)
            #expect(try await status(readIssues.token, "GET", "/repos/other/widgets/issues/7") == 403, "another account")

            let pull = try await http.send("POST", "/repos/acme/widgets/pulls", json: ["title": "t", "head": "b", "base": "main"],
                                           authorization: "Bearer \(pullsOnly.token)")
            #expect(pull.status == 201)
            let number = try #require(pull.object?["number"] as? Int)
            #expect(try await status(pullsOnly.token, "POST", "/repos/acme/widgets/issues/\(number)/comments", ["body": "on the PR"]) == 201,
                    "pull_requests: write covers comments on pull requests")
            #expect(try await status(pullsOnly.token, "POST", "/repos/acme/widgets/issues/7/comments", ["body": "on the issue"]) == 403)

            let forbidden = try await http.send("GET", "/repos/acme/widgets/pulls", authorization: "Bearer \(readIssues.token)")
            #expect(forbidden.object?["message"] as? String == "Resource not accessible by integration")
        }
    }

    @Test func tokensDieWithTheClockAndTheInstallation() async throws {
        try await Fixture.run { fixture in
            let token = try await fixture.appClient().createInstallationAccessToken(installationID: Fixture.installationID)
            let raw = fixture.rawClient(token: token.token)
            _ = try await raw.issueComments(Fixture.widgets, issue: 7)
            // A minute before the hour (real seconds pass too on a loaded machine) the token still works; after it, not.
            await fixture.state.advanceClock(by: 3540)
            _ = try await raw.issueComments(Fixture.widgets, issue: 7)
            await fixture.state.advanceClock(by: 120)
            let expired = try await #require(throws: GitHubAPIError.self) { try await raw.issueComments(Fixture.widgets, issue: 7) }
            #expect(expired.description.contains("Bad credentials"))
            #expect(fixture.state.clock.offsetSeconds == 3660)

            let second = try await fixture.appClient().createInstallationAccessToken(installationID: Fixture.installationID)
            await fixture.state.removeInstallation(id: Fixture.installationID)
            let removed = try await #require(throws: GitHubAPIError.self) {
                try await fixture.rawClient(token: second.token).issueComments(Fixture.widgets, issue: 7)
            }
            #expect(removed.status == 401)
        }
    }

    @Test func registeredPersonalAccessTokensReachEveryRepository() async throws {
        try await Fixture.run { fixture in
            await fixture.state.addPersonalAccessToken("pat-1")
            _ = try await fixture.rawClient(token: "pat-1").issueComments(Fixture.gadgets, issue: 3)
            _ = try await fixture.rawClient(token: "pat-1").createIssueComment(Fixture.widgets, issue: 7, body: "as a person")
            #expect(await fixture.log() == [
                "GET /repos/acme/gadgets/issues/3/comments 200 pat#-",
                "POST /repos/acme/widgets/issues/7/comments 201 pat#-",
            ])
        }
    }
}
