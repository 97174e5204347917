import Emulators
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Drives the GitHub emulator over real loopback HTTP (URLSession).
@Suite("GitHubEmulator")
struct GitHubEmulatorTests {
    static let pullsPath = "/repos/acme/widgets/pulls"

    static func newPull(head: String = "dayshift/issue-7", title: String = "Fix #7") -> [String: any Sendable] {
        ["title": title, "head": head, "base": "main", "body": "Closes #7", "draft": true]
    }

    @Test func createPullRequestReturns201WithGitHubShape() async throws {
        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
            let reply = try await client.send("POST", Self.pullsPath, json: Self.newPull())
            #expect(reply.status == 201)
            let pull = try #require(reply.object)
            #expect(pull["number"] as? Int == 8, "PR numbers continue the issue sequence above seeded issues")
            #expect(pull["state"] as? String == "open")
            #expect(pull["title"] as? String == "Fix #7")
            #expect(pull["body"] as? String == "Closes #7")
            #expect(pull["draft"] as? Bool == true)
            #expect(pull["merged"] as? Bool == false)
            #expect(pull["html_url"] as? String == "\(emulator.baseURL.absoluteString)/acme/widgets/pull/8")
            #expect(pull["url"] as? String == "\(emulator.baseURL.absoluteString)/repos/acme/widgets/pulls/8")
            #expect((pull["node_id"] as? String)?.isEmpty == false)
            let head = try #require(pull["head"] as? [String: Any])
            #expect(head["ref"] as? String == "dayshift/issue-7")
            #expect(head["label"] as? String == "acme:dayshift/issue-7")
            #expect((head["sha"] as? String)?.count == 40)
            #expect((pull["base"] as? [String: Any])?["ref"] as? String == "main")
            let user = try #require(pull["user"] as? [String: Any])
            #expect(user["login"] as? String == emulator.state.userLogin)
            #expect(user["type"] as? String == "Bot")
            #expect(reply.headers["location"] == "\(emulator.baseURL.absoluteString)/repos/acme/widgets/pulls/8")
            #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)

            let stored = await emulator.state.pullRequests(owner: "acme", repo: "widgets")
            #expect(stored.map(\.number) == [8])
            #expect(stored.first?.headLabel == "acme:dayshift/issue-7")

            let fetched = try await client.send("GET", "\(Self.pullsPath)/8")
            #expect(fetched.status == 200)
            #expect(fetched.object?["id"] as? Int == pull["id"] as? Int)
            #expect(try await client.send("GET", "\(Self.pullsPath)/99").status == 404)
        }
    }

    @Test func duplicateHeadIsRejectedWith422Custom() async throws {
        try await withGitHubEmulator { emulator, client in
            #expect(try await client.send("POST", Self.pullsPath, json: Self.newPull()).status == 201)
            // Same head written as owner:branch is the same head.
            let duplicate = try await client.send("POST", Self.pullsPath, json: Self.newPull(head: "acme:dayshift/issue-7"))
            #expect(duplicate.status == 422)
            let body = try #require(duplicate.object)
            #expect(body["message"] as? String == "Validation Failed")
            #expect(body["documentation_url"] is String)
            let error = try #require((body["errors"] as? [[String: Any]])?.first)
            #expect(error["resource"] as? String == "PullRequest")
            #expect(error["code"] as? String == "custom")
            #expect(error["message"] as? String == "A pull request already exists for acme:dayshift/issue-7.")
            #expect(await emulator.state.pullRequests(owner: "acme", repo: "widgets").count == 1)

            // Once closed, the head is free again.
            let closed = try await client.send("PATCH", "\(Self.pullsPath)/1", json: ["state": "closed"])
            #expect(closed.status == 200)
            #expect(closed.object?["closed_at"] is String)
            #expect(try await client.send("POST", Self.pullsPath, json: Self.newPull()).status == 201)
        }
    }

    @Test func missingFieldsAre422MissingField() async throws {
        try await withGitHubEmulator { _, client in
            let reply = try await client.send("POST", Self.pullsPath, json: ["title": "t", "base": "main"])
            #expect(reply.status == 422)
            let errors = try #require(reply.object?["errors"] as? [[String: Any]])
            #expect(errors.count == 1)
            #expect(errors.first?["field"] as? String == "head")
            #expect(errors.first?["code"] as? String == "missing_field")
            #expect(errors.first?["resource"] as? String == "PullRequest")

            let bad = try await client.send("POST", Self.pullsPath, json: ["head": "x"])
            let fields = (bad.object?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["title", "base"])
        }
    }

    @Test func listPullRequestsFiltersByHeadStateAndBase() async throws {
        try await withGitHubEmulator { _, client in
            for head in ["bot/a", "bot/b", "bot/c"] {
                #expect(try await client.send("POST", Self.pullsPath, json: Self.newPull(head: head)).status == 201)
            }
            #expect(try await client.send("PATCH", "\(Self.pullsPath)/3", json: ["state": "closed"]).status == 200)

            let byHead = try await client.send("GET", "\(Self.pullsPath)?head=acme:bot/b&base=main&state=open")
            #expect(byHead.status == 200)
            let items = try #require(byHead.array)
            #expect(items.count == 1)
            #expect(items.first?["number"] as? Int == 2)
            #expect((items.first?["head"] as? [String: Any])?["ref"] as? String == "bot/b")

            let open = try #require(try await client.send("GET", Self.pullsPath).array)
            #expect(open.compactMap { $0["number"] as? Int } == [2, 1], "default: open only, newest first")
            let closed = try #require(try await client.send("GET", "\(Self.pullsPath)?state=closed").array)
            #expect(closed.compactMap { $0["number"] as? Int } == [3])
            let all = try #require(try await client.send("GET", "\(Self.pullsPath)?state=all&head=acme:bot/c").array)
            #expect(all.count == 1)
            #expect(try await client.send("GET", "\(Self.pullsPath)?head=other:bot/b").array?.isEmpty == true)
            #expect(try await client.send("GET", "\(Self.pullsPath)?base=develop").array?.isEmpty == true)
        }
    }

    @Test func updatePullRequestChangesTitleAndBody() async throws {
        try await withGitHubEmulator { emulator, client in
            #expect(try await client.send("POST", Self.pullsPath, json: Self.newPull()).status == 201)
            let reply = try await client.send("PATCH", "\(Self.pullsPath)/1", json: ["title": "New", "body": "Updated"])
            #expect(reply.status == 200)
            #expect(reply.object?["title"] as? String == "New")
            #expect(reply.object?["body"] as? String == "Updated")
            let stored = await emulator.state.pullRequest(owner: "acme", repo: "widgets", number: 1)
            #expect(stored?.title == "New")
            #expect(try await client.send("PATCH", "\(Self.pullsPath)/1", json: ["state": "merged"]).status == 422)
        }
    }

    @Test func commentsCanBeCreatedListedAndEdited() async throws {
        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug", body: "It breaks")
            let issue = try await client.send("GET", "/repos/acme/widgets/issues/7")
            #expect(issue.status == 200)
            #expect(issue.object?["title"] as? String == "Bug")
            #expect(issue.object?["body"] as? String == "It breaks")

            let created = try await client.send("POST", "/repos/acme/widgets/issues/7/comments", json: ["body": "On it"])
            #expect(created.status == 201)
            let comment = try #require(created.object)
            let id = try #require(comment["id"] as? Int)
            #expect(comment["body"] as? String == "On it")
            #expect(comment["issue_url"] as? String == "\(emulator.baseURL.absoluteString)/repos/acme/widgets/issues/7")
            #expect((comment["user"] as? [String: Any])?["login"] as? String == emulator.state.userLogin)
            #expect(try await client.send("POST", "/repos/acme/widgets/issues/7/comments", json: ["body": "Second"]).status == 201)

            let list = try await client.send("GET", "/repos/acme/widgets/issues/7/comments")
            #expect(list.status == 200)
            #expect(list.array?.compactMap { $0["body"] as? String } == ["On it", "Second"])
            let page2 = try await client.send("GET", "/repos/acme/widgets/issues/7/comments?per_page=1&page=2")
            #expect(page2.array?.compactMap { $0["body"] as? String } == ["Second"])
            #expect(page2.headers["link"]?.contains("rel=\"prev\"") == true)

            let edited = try await client.send("PATCH", "/repos/acme/widgets/issues/comments/\(id)", json: ["body": "Done"])
            #expect(edited.status == 200)
            #expect(edited.object?["body"] as? String == "Done")
            #expect(await emulator.state.comments(owner: "acme", repo: "widgets", issue: 7).map(\.body) == ["Done", "Second"])

            #expect(try await client.send("PATCH", "/repos/acme/widgets/issues/comments/424242", json: ["body": "x"]).status == 404)
            #expect(try await client.send("POST", "/repos/acme/widgets/issues/99/comments", json: ["body": "x"]).status == 404)
            #expect(try await client.send("POST", "/repos/acme/widgets/issues/7/comments", json: [:]).status == 422)
        }
    }

    @Test func reactionIs201ThenIdempotent200() async throws {
        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
            let path = "/repos/acme/widgets/issues/7/reactions"
            let first = try await client.send("POST", path, json: ["content": "eyes"])
            #expect(first.status == 201)
            #expect(first.object?["content"] as? String == "eyes")
            let second = try await client.send("POST", path, json: ["content": "eyes"])
            #expect(second.status == 200)
            #expect(second.object?["id"] as? Int == first.object?["id"] as? Int)
            #expect(try await client.send("POST", path, json: ["content": "rocket"]).status == 201)
            let invalid = try await client.send("POST", path, json: ["content": "thumbsup"])
            #expect(invalid.status == 422)
            #expect(invalid.object?["message"] as? String == "Validation Failed")
            #expect(await emulator.state.reactions(owner: "acme", repo: "widgets", issue: 7).map(\.content) == ["eyes", "rocket"])
        }
    }

    @Test func requestsWithoutBearerOrTokenAuthorizationGet401() async throws {
        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
            let none = try await client.send("GET", "/repos/acme/widgets/issues/7", authorization: nil)
            #expect(none.status == 401)
            #expect(none.object?["message"] as? String == "Requires authentication")
            #expect(none.object?["documentation_url"] is String)
            #expect(try await client.send("GET", "/repos/acme/widgets/issues/7", authorization: "Basic dXNlcjpwdw==").status == 401)
            #expect(try await client.send("POST", Self.pullsPath, json: Self.newPull(), authorization: nil).status == 401)
            #expect(await emulator.state.pullRequests(owner: "acme", repo: "widgets").isEmpty)
            #expect(try await client.send("GET", "/repos/acme/widgets/issues/7", authorization: "token ghs_abc").status == 200)

            let recorded = await emulator.state.recordedRequests
            #expect(recorded.map(\.responseStatus) == [401, 401, 401, 200])
            #expect(recorded.map(\.hasAuthorization) == [false, true, false, true])
            #expect(recorded.last?.authorizationScheme == "token")
        }
    }

    @Test func unknownRoutesAndUnseededIssuesAre404GitHubStyle() async throws {
        try await withGitHubEmulator { _, client in
            for path in ["/repos/acme/widgets/issues/1", "/nope", "/repos/acme/widgets/issues/abc"] {
                let reply = try await client.send("GET", path)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.object?["message"] as? String == "Not Found", "\(path)")
                #expect(reply.object?["documentation_url"] is String, "\(path)")
            }
        }
    }

    @Test func injectedFaultIsServedThenCleared() async throws {
        try await withGitHubEmulator { emulator, client in
            await emulator.state.injectFault(method: "POST", pathPrefix: Self.pullsPath, status: 502, count: 2)
            await emulator.state.injectFault(
                method: "GET", pathPrefix: "/repos/acme/widgets/pulls", status: 429, headers: ["retry-after": "3"]
            )

            for _ in 0..<2 {
                let failed = try await client.send("POST", Self.pullsPath, json: Self.newPull())
                #expect(failed.status == 502)
                #expect(failed.object?["message"] as? String == "Server Error")
                #expect(failed.object?["documentation_url"] is String)
            }
            #expect(await emulator.state.pullRequests(owner: "acme", repo: "widgets").isEmpty, "faulted requests have no effect")
            #expect(try await client.send("POST", Self.pullsPath, json: Self.newPull()).status == 201, "fault is used up")

            let limited = try await client.send("GET", Self.pullsPath)
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "3")
            #expect(try await client.send("GET", Self.pullsPath).status == 200)
            #expect(await emulator.state.pendingFaults.isEmpty)

            // A fault for another path does not fire, and reset() drops pending faults.
            await emulator.state.injectFault(pathPrefix: "/repos/other", status: 500)
            #expect(try await client.send("GET", Self.pullsPath).status == 200)
            await emulator.state.reset()
            #expect(await emulator.state.pendingFaults.isEmpty)
            #expect(await emulator.state.recordedRequests.isEmpty)
        }
    }

    @Test func everyRequestIsRecorded() async throws {
        try await withGitHubEmulator { emulator, client in
            _ = try await client.send("POST", Self.pullsPath, json: ["title": "T", "head": "h", "base": "main"])
            _ = try await client.send("GET", "\(Self.pullsPath)?state=all&head=acme:h")
            let recorded = await emulator.state.recordedRequests
            #expect(recorded.count == 2)
            let post = try #require(recorded.first)
            #expect(post.method == "POST")
            #expect(post.path == Self.pullsPath)
            #expect(post.query == nil)
            #expect(post.headers["accept"] == "application/vnd.github+json")
            #expect(post.headers["x-github-api-version"] == "2022-11-28")
            #expect(post.headers["authorization"] == nil, "the token is never stored")
            #expect(post.hasAuthorization)
            #expect(post.authorizationScheme == "Bearer")
            let body = try #require(try JSONSerialization.jsonObject(with: post.body) as? [String: Any])
            #expect(body["head"] as? String == "h")
            #expect(post.responseStatus == 201)
            let list = try #require(recorded.last)
            #expect(list.query == "state=all&head=acme:h")
            #expect(list.queryParameters["head"] == "acme:h")
            #expect(list.body.isEmpty)
        }
    }

    @Test func makeApplicationWorksWithHummingbirdTesting() async throws {
        let state = GitHubEmulatorState()
        await state.seedIssue(owner: "acme", repo: "widgets", number: 3, title: "In-process")
        let app = GitHubEmulator.makeApplication(state: state, host: "127.0.0.1", port: 0, logger: GitHubEmulator.defaultLogger) { _ in }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/repos/acme/widgets/issues/3", method: .get, headers: [.authorization: "Bearer t"]
            ) { response in
                #expect(response.status == .ok)
                let issue = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(issue?["title"] as? String == "In-process")
                #expect(issue?["number"] as? Int == 3)
            }
        }
        #expect(await state.recordedRequests.map(\.path) == ["/repos/acme/widgets/issues/3"])
    }

    @Test func applicationReportsBoundPortAndStops() async throws {
        let emulator = try await GitHubEmulator.start()
        #expect(emulator.port > 0)
        #expect(emulator.baseURL.absoluteString == "http://127.0.0.1:\(emulator.port)")
        await emulator.stop()
        let client = EmulatorTestClient.gitHub(baseURL: emulator.baseURL)
        defer { client.invalidate() }
        await #expect(throws: (any Error).self, "nothing listens after stop()") {
            _ = try await client.send("GET", "/repos/acme/widgets/pulls")
        }
    }
}
