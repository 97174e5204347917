import DayshiftConfig
import DayshiftServer
import Emulators
import Foundation
import Logging
import Store
import Testing

/// Every real payload under `../shared/fixtures/github/webhooks` is decoded and either acted on
/// or ignored with a recorded reason.
@Suite("GitHub's real webhook payloads", .enabled(if: SharedFolder.isPresent, "../shared is absent: skipping the fixture payloads"))
struct WebhookFixtureTests {
    static var fixtures: [String] {
        let root = SharedFolder.url.appendingPathComponent("fixtures/github/webhooks")
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test("each fixture is stored with a disposition and a reason", arguments: fixtures)
    func fixture(path: String) async throws {
        let directory = try TestDirectory("fixture")
        defer { directory.remove() }
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.path
        configuration.webhook.secret = "fixture-secret"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = try Store(directory: directory.url, logger: logger)
        let intake = DeliveryIntake(store: store, configuration: configuration, logger: logger)
        let body = try Data(contentsOf: SharedFolder.url.appendingPathComponent("fixtures/github/webhooks/\(path)"))
        let event = String(path.split(separator: "/").first ?? "")
        let guid = UUID().uuidString
        let outcome = try await intake.receive(body: body, signature: WebhookDelivery(event: event, body: body).headers(secret: "fixture-secret")["X-Hub-Signature-256"],
                                         event: event, guid: guid)
        switch outcome {
        case .accepted, .pong: break
        default: Issue.record("unexpected outcome \(outcome) for \(path)")
        }
        let stored = try #require(try await store.delivery(guid: guid))
        #expect(!stored.decision.reason.isEmpty)
        if path.hasPrefix("issues/labeled") {
            // The fixture's label is not "dayshift", so it is ignored, and the reason says why.
            #expect(stored.decision.reason.contains("label"))
        }
        if event == "pull_request" || event.hasPrefix("pull_request_review") {
            #expect(!stored.decision.isActed)
        }
        if event.hasPrefix("installation") {
            // Deleted, created, repositories added or removed: each changes where Dayshift may work.
            #expect(stored.decision.isActed)
            #expect(stored.decision.reason.contains("installation"))
        }
        if path.hasPrefix("issue_comment/edited") {
            #expect(!stored.decision.isActed)
            #expect(stored.decision.reason.contains("edited"))
        }
    }
}
