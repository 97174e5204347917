import Emulators
import Foundation
import Sandboxes
import Testing

extension DaytonaClient {
    /// Sandbox lifecycle against the Daytona emulator over real loopback HTTP.
    @Suite("Daytona lifecycle", .timeLimit(.minutes(2)))
    struct LifecycleTests {
        @Test func createFindGetStopStartDelete() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                #expect(provider.kind == "daytona")
                let request = DaytonaFixture.request(run: 7, environment: ["RUN_ONLY": "1"])
                let sandbox = try await provider.create(request)

                #expect(sandbox.name == "dayshift-octo-hello-42-r7")
                #expect(sandbox.labels == request.labels)
                #expect(sandbox.state == "started")
                let emulated = try #require(await fixture.state.sandbox(id: sandbox.id))
                #expect(sandbox.homeDirectory == emulated.homeDirectory, "home directory comes from the toolbox")
                #expect(abs(sandbox.createdAt.timeIntervalSince(emulated.createdAt)) < 1)
                #expect(emulated.env == ["SANDBOX_WIDE": "yes", "RUN_ONLY": "1"])
                #expect(emulated.autoStopInterval == 30 && emulated.autoArchiveInterval == 60 && emulated.autoDeleteInterval == 120)

                // What went over the wire.
                let creates = await fixture.requests("POST", "/sandbox")
                #expect(creates.count == 1)
                let body = try #require(try JSONSerialization.jsonObject(with: creates[0].body) as? [String: Any])
                #expect(body["name"] as? String == "dayshift-octo-hello-42-r7")
                #expect(body["labels"] as? [String: String] == request.labels)
                #expect(body["cpu"] == nil && body["memory"] == nil && body["disk"] == nil, "never resources with a snapshot")
                #expect(body["autoStopInterval"] as? Int == 30)
                for recorded in await fixture.requests() {
                    #expect(recorded.hasAuthorization)
                    #expect(recorded.headers["x-daytona-source"] == "sdk-swift")
                    #expect(recorded.headers["x-daytona-sdk-version"] == "0.190.0")
                }

                #expect(try await provider.find(labels: ["dayshift.run": "7"]).map(\.id) == [sandbox.id])
                #expect(try await provider.find(labels: ["dayshift.managed": "true"]).map(\.id) == [sandbox.id])
                #expect(try await provider.find(labels: ["dayshift.run": "8"]).isEmpty)
                let listed = try #require(await fixture.requests("GET", "/sandbox").last)
                #expect(listed.query?.contains("labels=") == true)
                #expect(try await provider.get(id: sandbox.id) == sandbox)
                #expect(try await provider.get(id: UUID().uuidString.lowercased()) == nil)

                try await provider.stop(id: sandbox.id)
                #expect(try await provider.get(id: sandbox.id)?.state == "stopped")
                let restarted = try await provider.start(id: sandbox.id)
                #expect(restarted.state == "started")

                try await provider.delete(id: sandbox.id)
                #expect(try await provider.get(id: sandbox.id) == nil)
                #expect(try await provider.find(labels: ["dayshift.run": "7"]).isEmpty)
                try await provider.delete(id: sandbox.id)  // gone → success
                try await provider.delete(id: UUID().uuidString.lowercased())
            }
        }

        @Test func findFollowsEveryPage() async throws {
            try await withDaytona(tweak: { $0.listPageSize = 2 }) { fixture in
                var created: [String] = []
                for run in 1...5 { created.append(try await fixture.provider.create(DaytonaFixture.request(run: run)).id) }
                await fixture.state.clearRecordedRequests()
                let found = try await fixture.provider.find(labels: ["dayshift.managed": "true"])
                #expect(Set(found.map(\.id)) == Set(created))
                #expect(found.count == 5)
                #expect(found.map(\.createdAt) == found.map(\.createdAt).sorted(), "oldest first")
                let pages = await fixture.requests("GET", "/sandbox")
                #expect(pages.count == 3)
                #expect(pages.dropFirst().allSatisfy { $0.query?.contains("cursor=") == true })
            }
        }

        @Test func recreatingAdoptsInsteadOfDuplicating() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let first = try await provider.create(DaytonaFixture.request(run: 3))
                // Same request again (a retried provision step): adopted by name.
                let again = try await provider.create(DaytonaFixture.request(run: 3))
                #expect(again.id == first.id)
                // Another name but the same run label: adopted by label.
                let renamed = try await provider.create(DaytonaFixture.request(run: 3, name: "dayshift-other-name-r3"))
                #expect(renamed.id == first.id)
                #expect(await fixture.requests("POST", "/sandbox").count == 1)
                #expect(await fixture.state.sandboxes.count == 1)

                // A stopped leftover is started again when adopted.
                try await provider.stop(id: first.id)
                let revived = try await provider.create(DaytonaFixture.request(run: 3))
                #expect(revived.id == first.id && revived.state == "started")
                #expect(await fixture.requests("POST", "/sandbox/\(first.id)/start").count == 1)
            }
        }

        @Test func concurrentCreatesMakeOneSandbox() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                async let a = provider.create(DaytonaFixture.request(run: 11))
                async let b = provider.create(DaytonaFixture.request(run: 11))
                async let c = provider.create(DaytonaFixture.request(run: 11))
                let ids = try await [a.id, b.id, c.id]
                #expect(Set(ids).count == 1)
                #expect(await fixture.state.sandboxes.filter { $0.desiredState != .destroyed }.count == 1)
            }
        }

        @Test func failedLeftoverIsReplaced() async throws {
            try await withDaytona(faults: [.createEndsInError(reason: "disk full")]) { fixture in
                await #expect(throws: SandboxError.createFailed("disk full")) {
                    _ = try await fixture.provider.create(DaytonaFixture.request(run: 4))
                }
                await fixture.state.clearFaults()
                let sandbox = try await fixture.provider.create(DaytonaFixture.request(run: 4))
                #expect(sandbox.state == "started")
                #expect(await fixture.state.sandboxes.filter { $0.state == .started }.map(\.id) == [sandbox.id])
            }
        }
    }
}
