import DayshiftConfig
import DayshiftCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Store
import Testing

@testable import DayshiftServer

/// What an attacker with or without the operator token tried, kept as tests.
@Suite("Operator API: safety")
struct OperatorAPISafetyTests {
    @Test("GET /api/v1/config hides credentials inside URLs, the store password and the values of sandbox environment variables")
    func configurationHidesEmbeddedCredentials() async throws {
        let directory = try TestDirectory("operator-config")
        defer { directory.remove() }
        let planted = "ghp_\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        var configuration = OfflineApplication.configuration(in: directory)
        OperatorAPITests.withToken(&configuration)
        configuration.github.apiURL = "http://user:\(planted)@127.0.0.1:9"
        configuration.sandbox.daytona.environment = ["GH_TOKEN": planted]
        configuration.store.password = planted
        var repository = RepositorySettings()
        repository.cloneURL = "https://x-access-token:\(planted)@github.com/octo/hello.git"
        configuration.repositories["octo/hello"] = repository
        try await OfflineApplication.build(configuration).test(.router) { client in
            try await client.execute(uri: "/api/v1/config", method: .get, headers: [.authorization: "Bearer \(OperatorAPITests.token)"]) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(!SecretForms.occurs(planted, in: text), "\(text)")
                #expect(text.contains(#""api_url":"http://[redacted]@127.0.0.1:9""#), "\(text)")
                #expect(text.contains(#""GH_TOKEN":"[set]""#), "\(text)")
                #expect(text.contains(#""password":"[set]""#), "\(text)")
            }
        }
    }

    @Test("many cancels at once stop the run once: its report and cleanup still run, and it finishes once")
    func concurrentCancels() async throws {
        try await EndToEndHarness.with(agentScript: "sleep 60", configure: OperatorAPITests.withToken) { harness in
            let server = try await harness.startServer()
            let api = OperatorClient(baseURL: server.baseURL, token: OperatorAPITests.token)
            try await harness.send(harness.payloads.issueLabeled(number: 24, title: "slow", body: ""))
            let store = try harness.store
            let key = harness.issueKey(24)
            let run = try await harness.waitForRunningStep(.agent, issue: 24)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await api.call("POST", "runs/\(run.id)/cancel").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 202 || $0 == 409 }, "\(statuses)")
            let journal = try await harness.waitForFinishedRun(24, timeoutSeconds: 60)
            #expect(journal.run.status == .cancelled)
            #expect(journal.steps[.report]?.status == .succeeded, "\(String(describing: journal.steps[.report]))")
            #expect(journal.steps[.cleanup]?.status == .succeeded)
            try await harness.waitUntil("every cancel handled") { try await store.pendingMessages(limit: 100).isEmpty }
            let outcomes = try await store.messages(issueKey: key).compactMap(\.outcome)
            #expect(outcomes.filter { $0.hasPrefix("cancelling run") }.count == 1, "\(outcomes)")
            #expect(await harness.comments(24).count == 1)
        }
    }

    @Test("a NUL character in a path or query parameter is a 400 with problem details", arguments: [
        "/api/v1/deliveries/%00", "/api/v1/issues?repository=owner/repo%00", "/api/v1/runs?issue=%00",
    ])
    func nulInParameters(uri: String) async throws {
        let directory = try TestDirectory("operator-nul")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        OperatorAPITests.withToken(&configuration)
        try await OfflineApplication.build(configuration).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(OperatorAPITests.token)"]) { response in
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("NUL"))
            }
        }
    }

    @Test("live log streams are bounded: slots run out and come back")
    func streamSlots() {
        let slots = LogStreamSlots(limit: 2)
        #expect(slots.take() && slots.take())
        #expect(!slots.available && !slots.take())
        slots.release()
        #expect(slots.available && slots.take())
    }

    @Test("while the server shuts down a new live log stream gets 503, and a GUID path parameter is percent-decoded")
    func streamWhileDrainingAndEncodedGUID() async throws {
        let directory = try TestDirectory("operator-drain")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        OperatorAPITests.withToken(&configuration)
        let app = try OfflineApplication.build(configuration)
        let store = app.instance.store
        let key = StoreSeed.key(1)
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        let run = try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: try await StoreSeed.message(store, key),
                                           steps: StepName.allCases).run
        // Received now: the application's retention pass, running beside the test, keeps it.
        var delivery = StoreSeed.delivery(key, guid: "a b%c")
        delivery.receivedAt = Date()
        _ = try await store.recordDelivery(delivery, message: nil)
        #expect(try await store.delivery(guid: "a b%c") != nil)
        let auth: HTTPFields = [.authorization: "Bearer \(OperatorAPITests.token)"]
        try await app.test(.router) { client in
            let status = try await client.execute(uri: "/api/v1/deliveries/a%20b%25c", method: .get, headers: auth) { "\($0.status) \(String(buffer: $0.body))" }
            #expect(status.hasPrefix("200"), "\(status)")
            app.instance.gate.close()
            try await client.execute(uri: "/api/v1/runs/\(run.id)/logs/stream", method: .get, headers: auth) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
