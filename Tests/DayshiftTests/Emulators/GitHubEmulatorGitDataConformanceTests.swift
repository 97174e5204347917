import Emulators
import Foundation
import Testing

/// The emulator's Git Data API against GitHub's (2020) OpenAPI description: every request matches
/// an operation with its required fields, every answer has its schema's required properties, and
/// the writes land in the real bare repository.
@Suite("GitHub emulator Git Data API")
struct GitHubEmulatorGitDataConformanceTests {
    @Test(.enabled(if: GitHubEmulatorSpecConformanceTests.specAvailable, "shared/specs/github/api.github.com.trimmed.json not found next to the repository; Git Data conformance skipped"))
    func gitDataRequestsAndResponsesConformToSpec() async throws {
        let validator = try OpenAPIRequestValidator.load(jsonAt: GitHubEmulatorSpecConformanceTests.specURL, multiSegmentParameters: ["ref"])
        let directory = try TestDirectory("gitdata")
        defer { directory.remove() }
        let repository = try await SampleRepository.create(in: directory.url)
        let base = try await repository.head(of: "main")
        var exchanges: [(method: String, path: String, status: Int, body: Data)] = []
        var recorded: [RecordedRequest] = []
        try await withGitHubEmulator { emulator, client in
            await emulator.state.registerRepository(owner: "acme", repo: "widgets", bareDirectory: repository.bareDirectory)
            func call(_ method: String, _ path: String, _ json: [String: any Sendable]? = nil) async throws -> EmulatorTestClient.Reply {
                let reply = try await client.send(method, path, json: json)
                exchanges.append((method, path, reply.status, reply.data))
                return reply
            }
            #expect(try await call("GET", "/repos/acme/widgets/git/ref/heads/main").object?["object"] != nil)
            let commit = try await call("GET", "/repos/acme/widgets/git/commits/\(base)")
            let baseTree = try #require((commit.object?["tree"] as? [String: Any])?["sha"] as? String)
            let blob = try await call("POST", "/repos/acme/widgets/git/blobs", ["content": Data([0, 1, 2]).base64EncodedString(), "encoding": "base64"])
            let blobSHA = try #require(blob.object?["sha"] as? String)
            let tree = try await call("POST", "/repos/acme/widgets/git/trees", ["base_tree": baseTree, "tree": [
                ["path": "calc.py", "mode": "100644", "type": "blob", "content": "fixed\n"],
                ["path": "data.bin", "mode": "100644", "type": "blob", "sha": blobSHA],
                ["path": "README.md", "mode": "100644", "type": "blob", "sha": NSNull()],
            ] as [[String: any Sendable]]])
            let treeSHA = try #require(tree.object?["sha"] as? String)
            let created = try await call("POST", "/repos/acme/widgets/git/commits", ["message": "Fix", "tree": treeSHA, "parents": [base]])
            let commitSHA = try #require(created.object?["sha"] as? String)
            #expect((created.object?["verification"] as? [String: Any])?["verified"] as? Bool == true)
            #expect(try await call("POST", "/repos/acme/widgets/git/refs", ["ref": "refs/heads/dayshift/issue-7", "sha": commitSHA]).status == 201)
            #expect(try await call("PATCH", "/repos/acme/widgets/git/refs/heads/dayshift/issue-7", ["sha": commitSHA, "force": false]).status == 200)
            // Refusals GitHub makes: a second create, a non-fast-forward without force, a protected branch.
            #expect(try await client.send("POST", "/repos/acme/widgets/git/refs", json: ["ref": "refs/heads/dayshift/issue-7", "sha": commitSHA]).status == 422)
            #expect(try await client.send("PATCH", "/repos/acme/widgets/git/refs/heads/dayshift/issue-7", json: ["sha": base]).status == 422)
            await emulator.state.protectBranch(owner: "acme", repo: "widgets", branch: "main")
            #expect(try await client.send("PATCH", "/repos/acme/widgets/git/refs/heads/main", json: ["sha": commitSHA, "force": true]).status == 422)
            recorded = await emulator.state.recordedRequests
        }
        #expect(try await repository.file("calc.py", at: "dayshift/issue-7") == "fixed\n")
        #expect(try await !repository.files(at: "dayshift/issue-7").contains("README.md"))
        #expect(try await repository.head(of: "main") == base)

        let samples = recorded.map { OpenAPIRequestValidator.Sample(method: $0.method, path: $0.path, jsonData: $0.body) }
        let problems = validator.problems(for: samples)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        let operations = Set(recorded.compactMap { validator.operation(method: $0.method, path: $0.path)?.operationID })
        #expect(operations == ["git/get-ref", "git/get-commit", "git/create-blob", "git/create-tree", "git/create-commit", "git/create-ref", "git/update-ref"])
        for exchange in exchanges {
            let operation = try #require(validator.operation(method: exchange.method, path: exchange.path))
            let schema = try #require(validator.responseSchema(of: operation, status: exchange.status), "no \(exchange.status) schema for \(operation.operationID)")
            let missing = validator.missingRequired(in: try JSONSerialization.jsonObject(with: exchange.body), schema: schema, at: "", ignoring: [])
            #expect(missing.isEmpty, "\(operation.operationID) response lacks required: \(missing.joined(separator: ", "))")
        }
    }
}
