import Emulators
import Foundation
import Testing

/// Drives every emulated endpoint, then checks the recorded requests and the response bodies
/// against GitHub's (2020) OpenAPI description in `shared/specs/github/`.
@Suite("GitHubEmulatorSpecConformanceTests")
struct GitHubEmulatorSpecConformanceTests {
    /// `<repo>/../shared/specs/github/api.github.com.trimmed.json`, located from this file.
    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Emulators
        .deletingLastPathComponent()  // DayshiftTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <repo>
        .appendingPathComponent("../shared/specs/github/api.github.com.trimmed.json")
        .standardizedFileURL

    static var specAvailable: Bool { FileManager.default.fileExists(atPath: specURL.path) }

    /// Response properties the 2020 schemas require but the emulator deliberately does not
    /// produce in full. Each entry skips that property and everything under it.
    static let responseFieldsNotEmulated: Set<String> = [
        // `pull-request.head.repo` / `.base.repo` are full `repository` objects: ~80 required
        // fields (dozens of URL templates, permissions, counts, licence, timestamps) that
        // describe GitHub's repository model, not pull-request behaviour. The emulator sends an
        // abbreviated repository (id, node_id, name, full_name, owner, private, fork, url,
        // html_url); Dayshift only reads `head.ref`/`head.label`/`head.sha` and `base.ref`.
        "head.repo", "base.repo",
    ]

    struct Exchange {
        var method: String
        var path: String
        var status: Int
        var body: Data
    }

    @Test(.enabled(if: specAvailable, "shared/specs/github/api.github.com.trimmed.json not found next to the repository; spec conformance skipped"))
    func recordedRequestsAndResponsesConformToSpec() async throws {
        let validator = try OpenAPIRequestValidator.load(jsonAt: Self.specURL)
        var exchanges: [Exchange] = []
        var recorded: [RecordedRequest] = []

        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug", body: "Broken")
            func call(_ method: String, _ path: String, _ json: [String: any Sendable]? = nil) async throws -> EmulatorTestClient.Reply {
                let reply = try await client.send(method, path, json: json)
                exchanges.append(Exchange(method: method, path: path.components(separatedBy: "?")[0], status: reply.status, body: reply.data))
                return reply
            }
            #expect(try await call("GET", "/repos/acme/widgets/issues/7").status == 200)
            let comment = try await call("POST", "/repos/acme/widgets/issues/7/comments", ["body": "Working on it"])
            let commentID = try #require(comment.object?["id"] as? Int)
            #expect(try await call("GET", "/repos/acme/widgets/issues/7/comments?per_page=10").status == 200)
            #expect(try await call("PATCH", "/repos/acme/widgets/issues/comments/\(commentID)", ["body": "Done"]).status == 200)
            #expect(try await call("POST", "/repos/acme/widgets/issues/7/reactions", ["content": "eyes"]).status == 201)
            #expect(try await call("POST", "/repos/acme/widgets/issues/comments/\(commentID)/reactions", ["content": "rocket"]).status == 201)
            #expect(try await call("POST", "/repos/acme/widgets/issues/comments/\(commentID)/reactions", ["content": "rocket"]).status == 200)
            let pull = try await call("POST", "/repos/acme/widgets/pulls", [
                "title": "Fix #7", "head": "acme:dayshift/issue-7", "base": "main", "body": "Closes #7",
                "draft": false, "maintainer_can_modify": true,
            ])
            let number = try #require(pull.object?["number"] as? Int)
            #expect(try await call("GET", "/repos/acme/widgets/pulls?head=acme:dayshift/issue-7&state=open").array?.count == 1)
            #expect(try await call("GET", "/repos/acme/widgets/pulls/\(number)").status == 200)
            #expect(try await call("PATCH", "/repos/acme/widgets/pulls/\(number)", ["body": "Closes #7 (updated)"]).status == 200)
            recorded = await emulator.state.recordedRequests
        }

        // Every endpoint was driven and every request was recorded.
        #expect(recorded.count == exchanges.count)
        #expect(exchanges.allSatisfy { (200..<300).contains($0.status) })
        let operationIDs = recorded.compactMap { validator.operation(method: $0.method, path: $0.path)?.operationID }
        #expect(operationIDs == [
            "issues/get", "issues/create-comment", "issues/list-comments", "issues/update-comment",
            "reactions/create-for-issue", "reactions/create-for-issue-comment", "reactions/create-for-issue-comment",
            "pulls/create", "pulls/list", "pulls/get", "pulls/update",
        ])

        // Requests: matching operation and required body fields.
        let samples = recorded.map { OpenAPIRequestValidator.Sample(method: $0.method, path: $0.path, jsonData: $0.body) }
        let requestProblems = validator.problems(for: samples)
        #expect(requestProblems.isEmpty, "\(requestProblems.joined(separator: "\n"))")

        // Responses: required properties of the documented success schema.
        var checkedSchemas: Set<String> = []
        for exchange in exchanges {
            let operation = try #require(validator.operation(method: exchange.method, path: exchange.path))
            // reactions/create-for-issue documents only 201 in 2020; an existing reaction is 200 today.
            let schema = try #require(
                validator.responseSchema(of: operation, status: exchange.status),
                "no \(exchange.status) response schema for \(operation.operationID)"
            )
            let body = try JSONSerialization.jsonObject(with: exchange.body)
            let missing = validator.missingRequired(in: body, schema: schema, at: "", ignoring: Self.responseFieldsNotEmulated)
            #expect(missing.isEmpty, "\(operation.operationID) response lacks required: \(missing.joined(separator: ", "))")
            checkedSchemas.insert(operation.operationID)
        }
        #expect(checkedSchemas.count == 10)

        // The named component schemas too (list answers use pull-request-simple).
        let pullBody = try #require(exchanges.first { $0.method == "POST" && $0.path.hasSuffix("/pulls") }?.body)
        let commentBody = try #require(exchanges.first { $0.method == "POST" && $0.path.hasSuffix("/comments") }?.body)
        for (name, data) in [("pull-request", pullBody), ("pull-request-simple", pullBody), ("issue-comment", commentBody)] {
            let schema = try #require(validator.schema(named: name))
            let missing = validator.missingRequired(
                in: try JSONSerialization.jsonObject(with: data), schema: schema, at: "", ignoring: Self.responseFieldsNotEmulated
            )
            #expect(missing.isEmpty, "\(name): \(missing.joined(separator: ", "))")
        }
    }

    /// `GET /repos/{owner}/{repo}/collaborators/{username}/permission`, which the 2020 description
    /// lacks: checked against GitHub's current operation (`github-openapi-supplement.json`).
    @Test(.enabled(if: specAvailable, "shared/specs/github/api.github.com.trimmed.json not found next to the repository; spec conformance skipped"))
    func collaboratorPermissionConformsToSpec() async throws {
        let validator = try OpenAPIRequestValidator.load(jsonAt: Self.specURL, supplementAt: OpenAPIRequestValidator.gitHubSupplementURL)
        try await withGitHubEmulator { emulator, client in
            await emulator.state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug", body: "Broken")
            await emulator.state.setCollaboratorRole(owner: "acme", repo: "widgets", login: "triager", role: "triage")
            await emulator.state.setCollaboratorRole(owner: "acme", repo: "widgets", login: "keeper", role: "maintain")
            await emulator.state.setCollaboratorRole(owner: "acme", repo: "widgets", login: "reader", role: "read")
            for (login, permission, role) in [("triager", "read", "triage"), ("keeper", "write", "maintain"), ("reader", "read", "read"),
                                              ("ACME", "admin", "admin"), ("someone", "write", "write")] {
                let path = "/repos/acme/widgets/collaborators/\(login)/permission"
                let reply = try await client.send("GET", path, json: nil)
                #expect(reply.status == 200)
                let operation = try #require(validator.operation(method: "GET", path: path))
                #expect(operation.operationID == "repos/get-collaborator-permission-level")
                let schema = try #require(validator.responseSchema(of: operation, status: 200))
                #expect(validator.missingRequired(in: try JSONSerialization.jsonObject(with: reply.data), schema: schema, at: "", ignoring: []) == [])
                #expect(reply.object?["permission"] as? String == permission)
                #expect(reply.object?["role_name"] as? String == role)
                #expect((reply.object?["user"] as? [String: Any])?["login"] as? String == login)
            }
            #expect(try await client.send("GET", "/repos/acme/unknown/collaborators/someone/permission", json: nil).status == 404)
            let recorded = await emulator.state.recordedRequests
            let samples = recorded.map { OpenAPIRequestValidator.Sample(method: $0.method, path: $0.path, jsonData: $0.body) }
            #expect(validator.problems(for: samples) == [])
        }
    }

    /// Endpoints added for the GitHub App side. The 2020 description has `apps/get-repo-installation`,
    /// `apps/create-installation-access-token` and `issues/add-labels`; it lacks
    /// `pulls/request-reviewers`, which is therefore only checked to be absent (and exercised
    /// elsewhere) rather than validated.
    @Test(.enabled(if: specAvailable, "shared/specs/github/api.github.com.trimmed.json not found next to the repository; spec conformance of App endpoints skipped"))
    func appEndpointRequestsAndResponsesConformToSpec() async throws {
        let validator = try OpenAPIRequestValidator.load(jsonAt: Self.specURL)
        var exchanges: [Exchange] = []
        var recorded: [RecordedRequest] = []
        try await GitHubAppFixture.run { fixture in
            let http = EmulatorTestClient.gitHub(baseURL: fixture.emulator.baseURL)
            defer { http.invalidate() }
            let jwt = try fixture.jwt(claims: [
                "iat": Int(fixture.state.now().timeIntervalSince1970) - 60,
                "exp": Int(fixture.state.now().timeIntervalSince1970) + 500, "iss": String(GitHubAppFixture.appID),
            ])
            func call(_ method: String, _ path: String, _ json: [String: any Sendable]?, _ token: String) async throws -> EmulatorTestClient.Reply {
                let reply = try await http.send(method, path, json: json, authorization: "Bearer \(token)")
                exchanges.append(Exchange(method: method, path: path, status: reply.status, body: reply.data))
                return reply
            }
            #expect(try await call("GET", "/repos/acme/widgets/installation", nil, jwt).status == 200)
            let minted = try await call("POST", "/app/installations/77/access_tokens",
                                        ["repositories": ["widgets"], "permissions": ["issues": "write", "pull_requests": "write"]], jwt)
            #expect(minted.status == 201)
            let token = try #require(minted.object?["token"] as? String)
            #expect(try await call("POST", "/repos/acme/widgets/issues/7/labels", ["labels": ["dayshift"]], token).status == 200)
            recorded = await fixture.state.recordedRequests
        }
        let operationIDs = recorded.compactMap { validator.operation(method: $0.method, path: $0.path)?.operationID }
        #expect(operationIDs == ["apps/get-repo-installation", "apps/create-installation-access-token", "issues/add-labels"])
        let samples = recorded.map { OpenAPIRequestValidator.Sample(method: $0.method, path: $0.path, jsonData: $0.body) }
        let requestProblems = validator.problems(for: samples)
        #expect(requestProblems.isEmpty, "\(requestProblems.joined(separator: "\n"))")
        for exchange in exchanges {
            let operation = try #require(validator.operation(method: exchange.method, path: exchange.path))
            let schema = try #require(validator.responseSchema(of: operation, status: exchange.status),
                                      "no \(exchange.status) response schema for \(operation.operationID)")
            let missing = validator.missingRequired(
                in: try JSONSerialization.jsonObject(with: exchange.body), schema: schema, at: "",
                ignoring: Self.responseFieldsNotEmulated.union(["repositories"])
            )
            #expect(missing.isEmpty, "\(operation.operationID) response lacks required: \(missing.joined(separator: ", "))")
        }
        for name in ["installation", "installation-token"] {
            #expect(validator.schema(named: name) != nil, "component schema \(name)")
        }
        #expect(validator.operation(method: "POST", path: "/repos/a/b/pulls/1/requested_reviewers") == nil,
                "pulls/request-reviewers is not in the trimmed 2020 spec; if it appears, validate it here too")
    }

    @Test(.enabled(if: specAvailable, "shared/specs/github/api.github.com.trimmed.json not found; skipped"))
    func validatorFlagsNonConformingRequestsAgainstTheRealSpec() throws {
        let validator = try OpenAPIRequestValidator.load(jsonAt: Self.specURL)
        let problems = validator.problems(for: [
            .init(method: "POST", path: "/repos/a/b/pulls", body: ["title": "no head or base"]),
            .init(method: "PATCH", path: "/repos/a/b/issues/comments/5", body: [String: Any]()),
            .init(method: "POST", path: "/repos/a/b/issues/7/reactions", body: [String: Any]()),
            .init(method: "GET", path: "/repos/a/b/teleport", body: nil),
        ])
        #expect(problems.contains { $0.contains("pulls/create") && $0.contains("`head`") })
        #expect(problems.contains { $0.contains("pulls/create") && $0.contains("`base`") })
        #expect(problems.contains { $0.contains("issues/update-comment") && $0.contains("`body`") })
        #expect(problems.contains { $0.contains("reactions/create-for-issue") && $0.contains("`content`") })
        #expect(problems.contains { $0.contains("/repos/a/b/teleport") && $0.contains("no operation") })
        #expect(problems.count == 5, "\(problems)")

        // A bare pull request without its required fields is caught by the response check too.
        let schema = try #require(validator.schema(named: "pull-request"))
        let missing = validator.missingRequired(in: ["number": 1, "head": ["ref": "x"]], schema: schema, at: "")
        #expect(missing.contains("title"))
        #expect(missing.contains("head.sha"))
    }
}
