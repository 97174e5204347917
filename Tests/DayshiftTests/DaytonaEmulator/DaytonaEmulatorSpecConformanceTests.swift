import Emulators
import Foundation
import Testing

/// Every request a client sends to the emulator, and the JSON the emulator answers, checked
/// against Daytona's own v0.190 OpenAPI documents (`../shared/specs/daytona/`).
@Suite("DaytonaEmulatorSpecConformanceTests")
struct DaytonaEmulatorSpecConformanceTests {
    /// One request/answer pair of the scripted session.
    struct Exchange {
        var method: String
        var path: String
        var reply: EmulatorTestClient.Reply
    }

    /// Response fields the spec marks required that the emulator leaves out on purpose: none.
    static let responseFieldsNotEmulated: Set<String> = []

    @Test(.enabled(if: DaytonaSpecValidation.isAvailable, "../shared/specs/daytona not found next to the repository; spec conformance skipped"))
    func everyRecordedRequestAndJSONAnswerMatchesTheSpec() async throws {
        let api = try #require(DaytonaSpecValidation.api, "api-openapi.yaml did not parse")
        let toolbox = try #require(DaytonaSpecValidation.toolbox, "toolbox-openapi.yaml did not parse")
        let scratch = try LocalSandboxFixture.makeTemporaryDirectory()
        defer { LocalSandboxFixture.removeTree(scratch) }
        let bare = try LocalSandboxFixture.makeBareRepository(in: scratch)

        try await withDaytonaEmulator { emulator, client in
            var exchanges: [Exchange] = []
            func call(_ method: String, _ path: String, json: Any? = nil, body: Data? = nil, contentType: String? = nil,
                      headers: [String: String] = ["X-Daytona-SDK-Version": "0.190.0"]) async throws -> EmulatorTestClient.Reply {
                let reply = try await client.send(method, path, json: json, body: body, contentType: contentType, headers: headers)
                exchanges.append(Exchange(method: method, path: path, reply: reply))
                return reply
            }

            // Main API.
            _ = try await call("GET", "/api/config")
            let created = try await call("POST", "/api/sandbox", json: [
                "name": "spec", "snapshot": "daytona-small", "labels": ["dayshift.managed": "true"], "env": ["A": "1"],
                "autoStopInterval": 60, "autoArchiveInterval": 120, "autoDeleteInterval": -1, "public": false,
                "networkBlockAll": false, "target": "us", "user": "daytona",
            ])
            let id = try #require(created.object?["id"] as? String)
            try await client.waitForState(id, "started")
            _ = try await call("GET", "/api/sandbox/\(id)")
            _ = try await call("GET", "/api/sandbox/spec?verbose=true")
            _ = try await call("GET", "/api/sandbox?labels=%7B%22dayshift.managed%22%3A%22true%22%7D&limit=10")
            _ = try await call("GET", "/api/sandbox/\(id)/toolbox-proxy-url")
            _ = try await call("PUT", "/api/sandbox/\(id)/labels", json: ["labels": ["dayshift.managed": "true", "run": "1"]])
            _ = try await call("POST", "/api/sandbox/\(id)/autostop/30")
            _ = try await call("POST", "/api/sandbox/\(id)/autoarchive/60")
            _ = try await call("POST", "/api/sandbox/\(id)/autodelete/-1")
            _ = try await call("POST", "/api/sandbox/\(id)/public/false")
            _ = try await call("POST", "/api/sandbox/\(id)/network-settings", json: ["networkBlockAll": false])
            _ = try await call("POST", "/api/sandbox/\(id)/last-activity")
            _ = try await call("GET", "/api/snapshots")
            _ = try await call("GET", "/api/snapshots/daytona-small")

            // Toolbox.
            let box = "/toolbox/\(id)"
            _ = try await call("GET", "\(box)/version")
            _ = try await call("GET", "\(box)/user-home-dir")
            _ = try await call("GET", "\(box)/work-dir")
            _ = try await call("POST", "\(box)/process/execute", json: ["command": "echo hi", "cwd": ".", "envs": ["B": "2"], "timeout": 30])
            _ = try await call("POST", "\(box)/process/session", json: ["sessionId": "spec"])
            _ = try await call("GET", "\(box)/process/session")
            let sync = try await call("POST", "\(box)/process/session/spec/exec", json: ["command": "echo out; echo err >&2"])
            let cmdId = try #require(sync.object?["cmdId"] as? String)
            _ = try await call("POST", "\(box)/process/session/spec/exec", json: ["command": "true", "runAsync": true])
            _ = try await call("GET", "\(box)/process/session/spec")
            _ = try await call("GET", "\(box)/process/session/spec/command/\(cmdId)")
            _ = try await call("GET", "\(box)/process/session/spec/command/\(cmdId)/logs")
            _ = try await call("DELETE", "\(box)/process/session/spec")
            _ = try await call("POST", "\(box)/git/clone", json: ["url": bare.absoluteString, "path": "repo", "branch": "main"])
            let boundary = "spec-boundary"
            var form = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n\r\nhello\r\n".utf8)
            form.append(Data("--\(boundary)--\r\n".utf8))
            _ = try await call("POST", "\(box)/files/upload?path=f.txt", body: form, contentType: "multipart/form-data; boundary=\(boundary)")
            var bulk = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files[0].path\"\r\n\r\ng.txt\r\n".utf8)
            bulk.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files[0].file\"; filename=\"g.txt\"\r\n\r\ng\r\n".utf8))
            bulk.append(Data("--\(boundary)--\r\n".utf8))
            _ = try await call("POST", "\(box)/files/bulk-upload", body: bulk, contentType: "multipart/form-data; boundary=\(boundary)")
            _ = try await call("GET", "\(box)/files/download?path=f.txt")
            _ = try await call("POST", "\(box)/files/bulk-download", json: ["paths": ["f.txt", "g.txt"]])

            // Lifecycle.
            _ = try await call("POST", "/api/sandbox/\(id)/stop?force=false")
            try await client.waitForState(id, "stopped")
            _ = try await call("POST", "/api/sandbox/\(id)/archive")
            try await client.waitForState(id, "archived")
            _ = try await call("POST", "/api/sandbox/\(id)/start")
            try await client.waitForState(id, "started")
            _ = try await call("DELETE", "/api/sandbox/\(id)")

            #expect(exchanges.allSatisfy { $0.reply.status < 300 }, "\(exchanges.filter { $0.reply.status >= 300 }.map { "\($0.method) \($0.path) \($0.reply.status) \($0.reply.text)" })")

            // Requests: every path and method exists in the spec, every required body field is there.
            let recorded = await emulator.state.recordedRequests
            #expect(recorded.filter { $0.surface == .api }.count >= 20)
            #expect(recorded.filter { $0.surface == .toolbox }.count >= 15)
            let problems = DaytonaSpecValidation.problems(recorded)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

            // Answers: JSON bodies carry every required property of the documented schema.
            var checked = 0
            for exchange in exchanges where exchange.reply.headers["content-type"]?.hasPrefix("application/json") == true {
                let isToolbox = exchange.path.hasPrefix("/toolbox/")
                let validator = isToolbox ? toolbox : api
                let specPath = DaytonaRecordedRequest.specPath(
                    of: String(exchange.path.split(separator: "?")[0]), surface: isToolbox ? .toolbox : .api)
                let operation = try #require(validator.operation(method: exchange.method, path: specPath), "\(exchange.method) \(specPath)")
                guard let schema = validator.responseSchema(of: operation, status: exchange.reply.status),
                    let body = exchange.reply.json
                else { continue }
                let missing = validator.missingRequired(in: body, schema: schema, at: "", ignoring: Self.responseFieldsNotEmulated)
                #expect(missing.isEmpty, "\(exchange.method) \(exchange.path) (\(operation.operationID)) answer lacks \(missing)")
                checked += 1
            }
            #expect(checked >= 20, "only \(checked) JSON answers had a schema to check")
        }
    }

    @Test(.enabled(if: DaytonaSpecValidation.isAvailable, "../shared/specs/daytona not found; skipped"))
    func theValidatorCatchesADeviation() throws {
        // Guards the test above: an unknown path and a body without a required field are reported.
        let bogus = DaytonaRecordedRequest(
            method: "POST", path: "/toolbox/x/process/execute", query: nil, headers: ["content-type": "application/json"],
            hasAuthorization: true, body: Data(#"{"cwd":"."}"#.utf8), responseStatus: 400, surface: .toolbox)
        let unknown = DaytonaRecordedRequest(
            method: "GET", path: "/api/sandboxes", query: nil, headers: [:], hasAuthorization: true, body: Data(),
            responseStatus: 404, surface: .api)
        let problems = DaytonaSpecValidation.problems([bogus, unknown])
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("`command`") })
        #expect(problems.contains { $0.contains("/sandboxes") && $0.contains("no operation") })
    }
}
