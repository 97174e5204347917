import DayshiftConfig
import DayshiftCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Store
import Testing

/// What an attacker with or without the operator token tried, kept as tests.
@Suite("Operator API: safety")
struct OperatorAPISafetyTests {
    @Test("GET /api/v1/config hides credentials inside URLs and the values of sandbox environment variables")
    func configurationHidesEmbeddedCredentials() async throws {
        let directory = try TestDirectory("operator-config")
        defer { directory.remove() }
        let planted = "ghp_\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        var configuration = OfflineApplication.configuration(in: directory)
        OperatorAPITests.withToken(&configuration)
        configuration.github.apiURL = "http://user:\(planted)@127.0.0.1:9"
        configuration.sandbox.daytona.environment = ["GH_TOKEN": planted]
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
            try await harness.waitUntil("the agent step to start") {
                guard let run = try await store.latestRun(issueKey: key) else { return false }
                return try await store.journal(runID: run.id)?.steps[.agent]?.status == .running
            }
            let run = try #require(try await store.latestRun(issueKey: key))
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
}
