import CoreMetrics
import DayshiftCore
import Foundation
import IssueObjects
import Prometheus
import Store

/// The metrics of one Dayshift server, served by `GET /metrics` in Prometheus' text format.
///
/// Each built application has its own ``registry``: metrics are made through swift-metrics with a
/// `PrometheusMetricsFactory` over that registry, passed explicitly, never through the global
/// `MetricsSystem` (many applications live in one test process). The parts that record get this
/// object through the small recorder protocols of their own modules (``OutboundRequestRecorder``
/// for the GitHub and Daytona clients, ``RuntimeRecorder`` for runs, steps and the reaper).
///
/// Label values are closed sets chosen here (event names Dayshift knows, statuses, step names);
/// nothing a request or a sandbox says freely (URLs, model names, reasons) becomes a label, so no
/// secret can travel in one. See ``Name`` for every metric.
public final class DayshiftMetrics: OutboundRequestRecorder, RuntimeRecorder, Sendable {
    /// Every metric's name.
    public enum Name {
        /// Counter `{event, decision}`: webhook deliveries by GitHub event and what intake decided.
        public static let deliveries = "dayshift_deliveries_total"
        /// Counter `{status}`: runs that reached a final status.
        public static let runsFinished = "dayshift_runs_finished_total"
        /// Gauge: runs in status `running` (working, or waiting for a step's retry), read at scrape time.
        public static let runsRunning = "dayshift_runs_running"
        /// Gauge: runs waiting in the fair queue for a sandbox slot, read at scrape time.
        public static let runsQueued = "dayshift_runs_queued"
        /// Gauge: sandbox slots held by running runs (at most `runtime.max_concurrent_runs`), read at scrape time.
        public static let slotsInUse = "dayshift_sandbox_slots_in_use"
        /// Histogram `{step, outcome}`: seconds one step attempt took.
        public static let stepDuration = "dayshift_step_duration_seconds"
        /// Gauge: managed sandboxes alive after the reaper's latest sweep.
        public static let sandboxesLive = "dayshift_sandboxes_live"
        /// Counter `{service, status}`: requests to GitHub, Daytona and model APIs by HTTP status (`none`: no answer).
        public static let outboundRequests = "dayshift_outbound_requests_total"
        /// Counter `{service, status}`: those of them with no answer or a status of 400 or more.
        public static let outboundErrors = "dayshift_outbound_request_errors_total"
        /// Gauge: GitHub's `x-ratelimit-remaining` in its latest answer.
        public static let githubRateLimitRemaining = "dayshift_github_rate_limit_remaining"
        /// Counter `{provider, kind}`: model tokens metered by the LLM proxy (`kind`: input or output).
        public static let llmTokens = "dayshift_llm_tokens_total"
        /// Counter `{provider}`: model cost in US dollars metered by the LLM proxy (`llm.prices`).
        public static let llmCost = "dayshift_llm_cost_usd_total"
        /// Gauge `{replica}`: live issue-object leases this replica holds, read at scrape time
        /// (with several replicas on one PostgreSQL, each one's `/metrics` shows its own; leases on
        /// a store only one server uses have no expiry and are not counted).
        public static let leasesHeld = "dayshift_issue_object_leases_held"
        /// Gauge: bytes of the database (SQLite: page count × page size; PostgreSQL: `pg_database_size`), read at scrape time.
        public static let databaseSize = "dayshift_database_size_bytes"
    }

    /// What intake did with a webhook request (`decision` label).
    public enum IntakeDecision: String, Sendable, CaseIterable {
        /// Stored, and an issue object got a message.
        case acted
        /// Stored without work (pings, other events, other labels, refused repositories).
        case ignored
        /// A GUID seen before: nothing changed.
        case duplicate
        /// Missing or wrong signature.
        case unauthorized
        /// Missing headers, or a body that is not a JSON object.
        case badRequest = "bad_request"
        /// Body over `server.max_body_bytes`.
        case tooLarge = "too_large"
        /// The server is shutting down (503).
        case unavailable
        /// The delivery could not be stored (500; GitHub may redeliver).
        case failed = "error"
    }

    /// GitHub events named as they are in the `event` label; any other becomes `other`.
    static let knownEvents: Set<String> = [
        "issues", "issue_comment", "ping", "installation", "installation_repositories", "pull_request", "pull_request_review",
        "pull_request_review_comment", "push", "label", "repository", "meta", "check_run", "check_suite", "github_app_authorization",
    ]

    /// Step durations: from a tenth of a second (a clone of a small repository) to an hour (an agent).
    static let stepDurationBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60),
        .seconds(120), .seconds(300), .seconds(600), .seconds(1200), .seconds(1800), .seconds(3600),
    ]

    /// The registry ``exposition(store:replica:)`` writes out; this application's alone.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over ``registry`` that makes every metric here.
    let factory: PrometheusMetricsFactory
    private let runsRunning: CoreMetrics.Gauge
    private let databaseSize: CoreMetrics.Gauge
    private let runsQueued: CoreMetrics.Gauge
    private let slotsInUse: CoreMetrics.Gauge
    private let sandboxesLive: CoreMetrics.Gauge

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [Name.stepDuration: Self.stepDurationBuckets]
        self.registry = registry
        self.factory = factory
        runsRunning = CoreMetrics.Gauge(label: Name.runsRunning, factory: factory)
        databaseSize = CoreMetrics.Gauge(label: Name.databaseSize, factory: factory)
        runsQueued = CoreMetrics.Gauge(label: Name.runsQueued, factory: factory)
        slotsInUse = CoreMetrics.Gauge(label: Name.slotsInUse, factory: factory)
        sandboxesLive = CoreMetrics.Gauge(label: Name.sandboxesLive, factory: factory)
        // Present from the start (at 0), so that rates and alerts work before the first run ends.
        for status in RunStatus.allCases where status.isFinal {
            _ = CoreMetrics.Counter(label: Name.runsFinished, dimensions: [("status", status.rawValue)], factory: factory)
        }
    }

    // MARK: Intake

    /// Counts one webhook request. `event` is the `X-GitHub-Event` header as received; an event
    /// Dayshift does not know is counted as `other` (and a missing one as `none`).
    public func delivery(event: String?, decision: IntakeDecision) {
        let name: String
        if let event, !event.isEmpty {
            name = Self.knownEvents.contains(event) ? event : "other"
        } else {
            name = "none"
        }
        CoreMetrics.Counter(label: Name.deliveries, dimensions: [("event", name), ("decision", decision.rawValue)], factory: factory).increment()
    }

    // MARK: RuntimeRecorder

    public func stepEnded(_ step: StepName, outcome: StepOutcome, seconds: Double) {
        CoreMetrics.Timer(label: Name.stepDuration, dimensions: [("step", step.rawValue), ("outcome", outcome.rawValue)], factory: factory)
            .recordSeconds(max(0, seconds))
    }

    public func runFinished(_ status: RunStatus) {
        CoreMetrics.Counter(label: Name.runsFinished, dimensions: [("status", status.rawValue)], factory: factory).increment()
    }

    public func liveSandboxes(_ count: Int) {
        sandboxesLive.record(max(0, count))
    }

    // MARK: OutboundRequestRecorder

    public func requestFinished(_ service: OutboundService, status: Int?) {
        let label = status.map { (100...599).contains($0) ? String($0) : "other" } ?? "none"
        let dimensions = [("service", service.rawValue), ("status", label)]
        CoreMetrics.Counter(label: Name.outboundRequests, dimensions: dimensions, factory: factory).increment()
        if (status ?? 600) >= 400 {
            CoreMetrics.Counter(label: Name.outboundErrors, dimensions: dimensions, factory: factory).increment()
        }
    }

    public func rateLimitRemaining(_ service: OutboundService, _ remaining: Int) {
        guard service == .github else { return }
        CoreMetrics.Gauge(label: Name.githubRateLimitRemaining, factory: factory).record(max(0, remaining))
    }

    // MARK: LLM proxy

    /// Adds one metered model call: its tokens, and its cost in US dollars.
    func modelCall(provider: LLMProvider, inputTokens: Int, outputTokens: Int, costUSD: Double) {
        let provider = provider.rawValue
        CoreMetrics.Counter(label: Name.llmTokens, dimensions: [("provider", provider), ("kind", "input")], factory: factory).increment(by: max(0, inputTokens))
        CoreMetrics.Counter(label: Name.llmTokens, dimensions: [("provider", provider), ("kind", "output")], factory: factory).increment(by: max(0, outputTokens))
        if costUSD > 0, costUSD.isFinite {
            CoreMetrics.FloatingPointCounter(label: Name.llmCost, dimensions: [("provider", provider)], factory: factory).increment(by: costUSD)
        }
    }

    // MARK: Exposition

    /// The Prometheus text exposition, after reading the gauges that are measured at scrape time
    /// (running runs, the queue, this replica's leases, database size) from `store`. A gauge whose read fails keeps its last value.
    public func exposition(store: Store, replica: String) async -> String {
        if let running = try? await store.runningRunCount() { runsRunning.record(running) }
        if let owners = try? await store.liveLeaseOwners() {
            CoreMetrics.Gauge(label: Name.leasesHeld, dimensions: [("replica", replica)], factory: factory)
                .record(owners.values.count { $0.owner == replica })
        }
        if let queue = try? await store.queueSnapshot() {
            runsQueued.record(queue.waiting.count)
            slotsInUse.record(queue.holding.count)
        }
        if let bytes = try? await store.databaseSizeBytes() { databaseSize.record(bytes) }
        return render()
    }

    /// The Prometheus text exposition of what is recorded now (no gauge is read).
    public func render() -> String {
        registry.emitToString()
    }
}
