import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
import GitHub
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IssueObjects
import Logging
import NIOCore
import Sandboxes
import Testing

/// `GET /metrics` through the router of the application `buildApplication` builds (a real SQLite
/// file; GitHub and Daytona at a closed loopback port), and the GitHub client's recording.
@Suite("Metrics endpoint")
struct MetricsEndpointTests {
    let builder = WebhookPayloadBuilder(owner: "octo", repo: "hello", cloneURL: "https://github.com/octo/hello.git")

    func withApp(configure: (inout DayshiftConfiguration) -> Void = { _ in },
                 _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
        let directory = try TestDirectory("metrics")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        // Runs started here only fail (nothing answers): no grace needed to stop them.
        configuration.server.shutdownGraceSeconds = 0
        configure(&configuration)
        let app = try OfflineApplication.build(configuration)
        let secret = configuration.webhook.secret
        try await app.test(.router) { client in try await body(client, secret) }
    }

    static func post(_ client: any TestClientProtocol, _ delivery: WebhookDelivery, secret: String,
                     event: String? = nil) async throws -> HTTPResponse.Status {
        var fields = HTTPFields()
        for (name, value) in delivery.headers(secret: secret) {
            fields[HTTPField.Name(name)!] = value
        }
        if let event { fields[HTTPField.Name("X-GitHub-Event")!] = event }
        return try await client.execute(uri: "/webhooks/github", method: .post, headers: fields, body: ByteBuffer(bytes: delivery.body)) { $0.status }
    }

    static func scrape(_ client: any TestClientProtocol) async throws -> PrometheusText {
        try await client.execute(uri: "/metrics", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            return PrometheusText(String(buffer: response.body))
        }
    }

    @Test("deliveries are counted by event and decision: acted, ignored, duplicate, unauthorized")
    func deliveriesCounted() async throws {
        try await withApp { client, secret in
            let labeled = builder.issueLabeled(number: 42, title: "t", body: "b")
            #expect(try await Self.post(client, labeled, secret: secret) == .accepted)
            #expect(try await Self.post(client, labeled, secret: secret) == .ok)
            let otherLabel = builder.issueLabeled(number: 43, title: "t", body: "b", label: "bug")
            #expect(try await Self.post(client, otherLabel, secret: secret) == .accepted)
            let forged = builder.issueLabeled(number: 44, title: "t", body: "b")
            #expect(try await Self.post(client, forged, secret: "not-the-secret") == .unauthorized)

            let metrics = try await Self.scrape(client)
            let name = DayshiftMetrics.Name.deliveries
            #expect(metrics.value(name, ["event": "issues", "decision": "acted"]) == 1)
            #expect(metrics.value(name, ["event": "issues", "decision": "duplicate"]) == 1)
            #expect(metrics.value(name, ["event": "issues", "decision": "ignored"]) == 1)
            #expect(metrics.value(name, ["event": "issues", "decision": "unauthorized"]) == 1)
            #expect(metrics.sum(name) == 4)
        }
    }

    @Test("every metric family is dayshift_…, runs by final status start at 0, and the database size is read at scrape time")
    func families() async throws {
        try await withApp { client, _ in
            let metrics = try await Self.scrape(client)
            #expect(!metrics.families.isEmpty)
            #expect(metrics.families.allSatisfy { $0.hasPrefix("dayshift_") })
            for status in RunStatus.allCases where status.isFinal {
                #expect(metrics.value(DayshiftMetrics.Name.runsFinished, ["status": status.rawValue]) == 0)
            }
            #expect(metrics.value(DayshiftMetrics.Name.runsRunning) == 0)
            #expect((metrics.value(DayshiftMetrics.Name.databaseSize) ?? 0) > 0)
        }
    }

    @Test("/metrics never shows a secret: not the webhook secret, tokens or API keys, nor what a request's headers carry")
    func noSecrets() async throws {
        // Made at test time, each recognisable, none of them a real credential.
        let webhookSecret = "whsec-\(UUID().uuidString)"
        let githubToken = "ghtok-\(UUID().uuidString)"
        let daytonaKey = "dtnkey-\(UUID().uuidString)"
        let anthropicKey = "antkey-\(UUID().uuidString)"
        let openaiKey = "oaikey-\(UUID().uuidString)"
        try await withApp(configure: { configuration in
            configuration.webhook.secret = webhookSecret
            configuration.github.token = githubToken
            configuration.sandbox.daytona.apiKey = daytonaKey
            configuration.llm.anthropic.apiKey = anthropicKey
            configuration.llm.openai.apiKey = openaiKey
        }) { client, secret in
            #expect(secret == webhookSecret)
            let labeled = builder.issueLabeled(number: 7, title: webhookSecret, body: githubToken)
            #expect(try await Self.post(client, labeled, secret: secret) == .accepted)
            // An event header carrying a secret (or any free text) is counted as `other`.
            let sneaky = builder.issueLabeled(number: 8, title: "t", body: "b")
            #expect(try await Self.post(client, sneaky, secret: secret, event: githubToken) == .accepted)
            let forged = builder.issueLabeled(number: 9, title: "t", body: "b")
            #expect(try await Self.post(client, forged, secret: daytonaKey, event: anthropicKey) == .unauthorized)

            let metrics = try await Self.scrape(client)
            for planted in [webhookSecret, githubToken, daytonaKey, anthropicKey, openaiKey] {
                #expect(!metrics.text.contains(planted))
            }
            #expect(metrics.value(DayshiftMetrics.Name.deliveries, ["event": "other", "decision": "ignored"]) == 1)
            #expect(metrics.value(DayshiftMetrics.Name.deliveries, ["event": "other", "decision": "unauthorized"]) == 1)
        }
    }

    @Test("live sandboxes are what the reaper's sweep leaves alive")
    func liveSandboxes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-live-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let provider = LocalSandboxProvider(rootDirectory: root, logger: quiet)
        for (name, run) in [("running", "1"), ("finished", "2"), ("also-running", "3")] {
            _ = try await provider.create(SandboxCreateRequest(name: name, labels: ["dayshift.managed": "true", "dayshift.run": run]))
        }
        let metrics = DayshiftMetrics()
        let reaper = SandboxReaper(provider: provider, graceSeconds: 0, logger: quiet, recorder: metrics) { run in run != 2 }
        #expect(PrometheusText(metrics.render()).value(DayshiftMetrics.Name.sandboxesLive) == 0)
        let sweep = await reaper.sweep()
        #expect(sweep.reaped.map(\.name) == ["finished"])
        #expect(PrometheusText(metrics.render()).value(DayshiftMetrics.Name.sandboxesLive) == 2)
    }

    @Test("the GitHub client counts each request by status and keeps x-ratelimit-remaining")
    func githubRequestsAndRateLimit() async throws {
        let state = GitHubEmulatorState()
        await state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
        let emulator = try await GitHubEmulator.start(state: state)
        do {
            let metrics = DayshiftMetrics()
            let client = GitHubClient(baseURL: emulator.baseURL, sleep: { _ in }, now: { state.now() }, token: { "any-token" }, recorder: metrics)
            await state.injectFault(pathPrefix: "/repos/acme/widgets/issues/7/comments", status: 429,
                                    headers: ["retry-after": "1", "x-ratelimit-remaining": "17"])
            _ = try await client.createIssueComment(RepositoryName(owner: "acme", name: "widgets"), issue: 7, body: "hello")
            await #expect(throws: GitHubAPIError.self) {
                _ = try await client.issueComments(RepositoryName(owner: "acme", name: "nowhere"), issue: 1)
            }
            let text = PrometheusText(metrics.render())
            let requests = DayshiftMetrics.Name.outboundRequests
            #expect(text.value(requests, ["service": "github", "status": "429"]) == 1)
            #expect(text.value(requests, ["service": "github", "status": "201"]) == 1)
            #expect(text.value(requests, ["service": "github", "status": "404"]) == 1)
            #expect(text.sum(DayshiftMetrics.Name.outboundErrors, ["service": "github"]) == 2)
            #expect(text.value(DayshiftMetrics.Name.outboundErrors, ["service": "github", "status": "201"]) == nil)
            #expect(text.value(DayshiftMetrics.Name.githubRateLimitRemaining) == 17)
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }
}
