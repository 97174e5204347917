import Foundation
import IssueObjects
import Logging
import Sandboxes
import Synchronization
import Testing

extension DaytonaClient {
    /// The leak reaper over the local runner (any provider works the same way).
    @Suite("SandboxReaper", .timeLimit(.minutes(1)))
    struct SandboxReaperTests {
        private static let logger = Logger(label: "dayshift.tests.reaper") { _ in SwiftLogNoOpLogHandler() }

        /// Runs `body` with a local provider on a fresh root.
        private func withProvider(_ body: (LocalSandboxProvider) async throws -> Void) async throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-reaper-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: root) }
            try await body(LocalSandboxProvider(rootDirectory: root, logger: Self.logger))
        }

        private func managed(_ run: String?) -> [String: String] {
            var labels = ["dayshift.managed": "true", "dayshift.issue": "octo/hello#1"]
            if let run { labels["dayshift.run"] = run }
            return labels
        }

        @Test func reapsSandboxesOfInactiveMissingOrUnparseableRuns() async throws {
            try await withProvider { provider in
                let active = try await provider.create(SandboxCreateRequest(name: "active", labels: managed("1")))
                let finished = try await provider.create(SandboxCreateRequest(name: "finished", labels: managed("2")))
                let unlabelled = try await provider.create(SandboxCreateRequest(name: "unlabelled", labels: managed(nil)))
                let garbled = try await provider.create(SandboxCreateRequest(name: "garbled", labels: managed("r-7")))
                let foreign = try await provider.create(SandboxCreateRequest(name: "foreign", labels: ["dayshift.run": "2"]))

                let asked = Mutex<[Int64]>([])
                let reaper = SandboxReaper(
                    provider: provider, intervalSeconds: 300, graceSeconds: 600, logger: Self.logger,
                    now: { Date().addingTimeInterval(3600) },
                    isRunActive: { run in
                        asked.withLock { $0.append(run) }
                        return run == 1
                    })
                let sweep = await reaper.sweep()

                #expect(sweep.examined == 4)
                #expect(sweep.kept == 1)
                #expect(sweep.failures == 0)
                let reasons = Dictionary(uniqueKeysWithValues: sweep.reaped.map { ($0.name, $0.reason) })
                #expect(reasons == [
                    "finished": "run 2 is not running",
                    "unlabelled": "no dayshift.run label",
                    "garbled": "unparseable dayshift.run label \"r-7\"",
                ])
                #expect(Set(sweep.reaped.map(\.id)) == [finished.id, unlabelled.id, garbled.id])
                #expect(asked.withLock { $0.sorted() } == [1, 2])
                #expect(try await provider.get(id: active.id) != nil)
                #expect(try await provider.get(id: foreign.id) != nil, "sandboxes without dayshift.managed are not Dayshift's")
                for id in [finished.id, unlabelled.id, garbled.id] {
                    #expect(try await provider.get(id: id) == nil)
                }
                // A second sweep finds nothing more to do.
                let again = await reaper.sweep()
                #expect(again.reaped.isEmpty && again.examined == 1 && again.kept == 1)
            }
        }

        @Test func youngSandboxesAreLeftAlone() async throws {
            try await withProvider { provider in
                let young = try await provider.create(SandboxCreateRequest(name: "young", labels: managed("9")))
                let reaper = SandboxReaper(
                    provider: provider, graceSeconds: 600, logger: Self.logger,
                    isRunActive: { _ in Issue.record("a young sandbox's run must not even be asked"); return false })
                let sweep = await reaper.sweep()
                #expect(sweep.reaped.isEmpty && sweep.kept == 1)
                #expect(try await provider.get(id: young.id) != nil)

                // Past the grace period (measured from createdAt) it goes.
                let later = SandboxReaper(
                    provider: provider, graceSeconds: 600, logger: Self.logger,
                    now: { young.createdAt.addingTimeInterval(600) }, isRunActive: { _ in false })
                #expect(await later.sweep().reaped.map(\.id) == [young.id])
            }
        }

        @Test func aRunThatCannotBeCheckedKeepsItsSandbox() async throws {
            struct StoreDown: Error {}
            try await withProvider { provider in
                let sandbox = try await provider.create(SandboxCreateRequest(name: "unsure", labels: managed("5")))
                let reaper = SandboxReaper(
                    provider: provider, graceSeconds: 0, logger: Self.logger, now: { Date().addingTimeInterval(60) },
                    isRunActive: { _ in throw StoreDown() })
                let sweep = await reaper.sweep()
                #expect(sweep.reaped.isEmpty && sweep.failures == 1 && sweep.kept == 0)
                #expect(try await provider.get(id: sandbox.id) != nil)
            }
        }

        @Test func serviceSweepsAtStartAndThenPeriodically() async throws {
            try await withProvider { provider in
                let first = try await provider.create(SandboxCreateRequest(name: "first", labels: managed("1")))
                let reaper = SandboxReaper(
                    provider: provider, intervalSeconds: 0.2, graceSeconds: 0, logger: Self.logger,
                    now: { Date().addingTimeInterval(60) }, isRunActive: { _ in false })
                let service = Task { try await reaper.run() }
                defer { service.cancel() }

                #expect(await eventually { try await provider.get(id: first.id) == nil }, "swept at start")
                let second = try await provider.create(SandboxCreateRequest(name: "second", labels: managed("2")))
                #expect(await eventually { try await provider.get(id: second.id) == nil }, "swept again after the interval")

                service.cancel()
                try await service.value  // returns once cancelled
            }
        }

        private func eventually(seconds: Double = 10, _ condition: () async throws -> Bool) async -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if (try? await condition()) == true { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
    }
}
