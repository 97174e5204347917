import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
import IssueObjects
import Logging
import Store

/// Runs per second and the journal's per-step overhead, in-process on real parts: a bare git
/// repository, the GitHub emulator, a Dayshift server on loopback with its SQLite file and the
/// local sandbox runner, a trivial agent (appends one line to a file, so every step runs and a
/// pull request is opened) and `test_command: true`.
///
/// Per-step overhead is the gap between one step's effect ending and the next step's effect
/// starting: one transaction that commits the end and the next start (the journal stays in the
/// executor's memory). It is taken twice: from the journal's own log lines (`step succeeded` is
/// logged when the effect has returned, before anything is committed; `step started` right after
/// the next start commits), at nanosecond resolution; and as the brief
/// defines it, `endedAt` → next `startedAt` from the stored rows, which have 1 ms resolution.
/// The baseline is one bare SQLite write transaction with the same settings, in the same directory;
/// with `--store-url postgres://…` the server's store is that PostgreSQL database and the baseline
/// one raw write transaction on the same server (``PostgresBaseline``).
enum StepOverhead {
    static let owner = "bench"
    static let repo = "calculator"
    static let secret = "bench-webhook-secret"

    static func main(_ arguments: Arguments) async throws {
        let sequentialRuns = try arguments.int("sequential-runs", default: 10)
        let concurrentRuns = try arguments.int("concurrent-runs", default: 16)
        let root = try arguments.string("dir")
        let directory = URL(fileURLWithPath: root).appendingPathComponent("steps-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // The store: SQLite in `directory` (default), or the PostgreSQL database at `--store-url`.
        let storeURL = try arguments.string("store-url", default: "")
        let onPostgres = !storeURL.isEmpty

        // Baselines: bare one-row write transactions on the same engine, 1 s before the runs and
        // 1 s after them, as durable as the Store's commits (SQLite: WAL, synchronous=FULL, what its
        // writer runs at; PostgreSQL: synchronous_commit=on on the same server) and, for
        // comparison, without the flush (SQLite NORMAL; PostgreSQL synchronous_commit=off).
        func bare(durable: Bool) async throws -> [Double] {
            if onPostgres {
                return try await PostgresBaseline.run(url: storeURL, kind: "update", seconds: 1, synchronousCommit: durable ? "on" : "off")
                    .measured.latencies.sorted
            }
            return try SQLiteBaseline.run(directory: directory.path, kind: "update", seconds: 1, synchronous: durable ? "FULL" : "NORMAL").latencies.sorted
        }
        var baselineLatencies = try await bare(durable: true)
        var normalLatencies = try await bare(durable: false)

        let repository = try await SampleRepository.create(in: directory, name: repo)
        var emulatorLogger = Logger(label: "emulator")
        emulatorLogger.logLevel = .critical
        let emulator = try await GitHubEmulator.start(logger: emulatorLogger)
        await emulator.state.registerRepository(owner: owner, repo: repo, bareDirectory: repository.bareDirectory)
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.appendingPathComponent("data").path
        if onPostgres {
            configuration.store.url = storeURL
            // One server on this database, so the local sandbox runner is allowed.
            configuration.store.singleReplica = true
        }
        configuration.server.port = 0
        configuration.webhook.secret = secret
        configuration.github.apiURL = emulator.baseURL.absoluteString
        configuration.github.token = "bench-token"
        configuration.agent.command = "echo benchmark >> BENCHMARK.txt"
        configuration.agent.profile = .command
        configuration.agent.timeoutSeconds = 60
        configuration.agent.passEnvironment = []
        // Every run at once holds a sandbox slot: the gap measured is the journal's, not the queue's.
        configuration.runtime.maxConcurrentRuns = max(4, concurrentRuns)
        var settings = RepositorySettings()
        settings.cloneURL = repository.cloneURL
        settings.testCommand = "true"
        configuration.repositories["\(owner)/\(repo)"] = settings
        let recorder = LogRecorder()
        let server = try await DayshiftApplication.start(configuration: configuration, logger: recorder.logger(level: .debug), environment: [:])
        let store = server.application.instance.store
        let payloads = WebhookPayloadBuilder(owner: owner, repo: repo, cloneURL: repository.cloneURL)
        let webhookURL = server.baseURL.appendingPathComponent("webhooks/github")

        func send(_ number: Int) async throws {
            _ = await emulator.state.seedIssue(owner: owner, repo: repo, number: number, title: "Benchmark issue \(number)", body: "Make it faster.")
            let delivery = payloads.issueLabeled(number: number, title: "Benchmark issue \(number)", body: "Make it faster.")
            let (status, answer) = try await delivery.send(to: webhookURL, secret: secret)
            guard status == 202 else { throw BenchmarkError("delivery for #\(number): HTTP \(status) \(answer)") }
        }
        func finished(_ number: Int) async throws -> Run? {
            guard let run = try await store.latestRun(issueKey: IssueKey(repository: RepositoryName(owner: owner, name: repo), number: number).description), run.status.isFinal else { return nil }
            return run
        }
        func waitAll(_ numbers: [Int], timeout: Double = 120) async throws -> [Run] {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                var runs: [Run] = []
                for number in numbers { if let run = try await finished(number) { runs.append(run) } }
                if runs.count == numbers.count { return runs }
                try await Task.sleep(for: .milliseconds(5))
            }
            throw BenchmarkError("runs did not finish within \(timeout) s")
        }

        // Warm-up: one run (first git, first subprocess, first HTTP connection).
        try await send(1)
        _ = try await waitAll([1])
        recorder.clear()

        note("steps: \(sequentialRuns) runs one after another")
        var runSeconds: [Double] = []
        var sequentialRecords: [Run] = []
        for number in 2..<(2 + sequentialRuns) {
            let began = monotonicNanos()
            try await send(number)
            let runs = try await waitAll([number])
            runSeconds.append(Double(monotonicNanos() - began) / 1e9)
            sequentialRecords += runs
        }
        baselineLatencies += try await bare(durable: true)
        normalLatencies += try await bare(durable: false)
        let baseline = (transactions: baselineLatencies.count, latencies: Samples(baselineLatencies))
        let normal = Samples(normalLatencies)
        let sequentialEvents = recorder.snapshot()
        recorder.clear()

        note("steps: \(concurrentRuns) runs at once")
        let firstConcurrent = 2 + sequentialRuns
        let concurrentNumbers = Array(firstConcurrent..<(firstConcurrent + concurrentRuns))
        let concurrentBegan = monotonicNanos()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in concurrentNumbers { group.addTask { try await send(number) } }
            try await group.waitForAll()
        }
        let concurrentRecords = try await waitAll(concurrentNumbers)
        let concurrentSeconds = Double(monotonicNanos() - concurrentBegan) / 1e9
        let concurrentEvents = recorder.snapshot()

        let statuses = Dictionary(grouping: sequentialRecords + concurrentRecords, by: { $0.status.rawValue }).mapValues(\.count)
        let sequentialGaps = logGaps(sequentialEvents)
        let concurrentGaps = logGaps(concurrentEvents)
        let storedGaps = try await storedGaps(store: store, runs: sequentialRecords)
        let stepDurations = stepDurations(sequentialEvents)

        // Timed with the server stopped, on its database: a running server's runtime would take the
        // breakdown's issue object (its inbox message is unhandled for a moment) and supersede it.
        await server.stop()
        note("steps: journal operations one by one")
        let breakdown = try await journalBreakdown(store: store, iterations: 400)

        await emulator.stop()

        var output: [String: Any] = [
            "sequential_runs": sequentialRuns, "concurrent_runs": concurrentRuns, "statuses": statuses,
            "concurrent_seconds": round3(concurrentSeconds),
            "concurrent_runs_per_second": round3(Double(concurrentRuns) / concurrentSeconds),
            "sequential_runs_per_second": round3(Double(runSeconds.count) / runSeconds.reduce(0, +)),
            "baseline_transactions": baseline.transactions,
            "step_durations_p50_ms": stepDurations,
            "journal_operations_p50_ms": breakdown,
            "sqlite_version": RawSQLite.libraryVersion,
            "store": store.engine,
        ]
        output.merge(Samples(runSeconds.map { $0 * 1000 }).summary("run_ms")) { $1 }
        output.merge(sequentialGaps.summary("gap_ms")) { $1 }
        output.merge(concurrentGaps.summary("concurrent_gap_ms")) { $1 }
        output.merge(storedGaps.summary("stored_gap_ms")) { $1 }
        output.merge(baseline.latencies.summary("baseline_ms")) { $1 }
        output.merge(normal.summary("normal_baseline_ms")) { $1 }
        output["ratio_gap_p50_to_normal_baseline_p50"] = round3(sequentialGaps.percentile(50) / normal.percentile(50))
        output["ratio_gap_p50_to_baseline_p50"] = round3(sequentialGaps.percentile(50) / baseline.latencies.percentile(50))
        output["ratio_gap_p99_to_baseline_p99"] = round3(sequentialGaps.percentile(99) / baseline.latencies.percentile(99))
        try emit(output)
    }

    /// What the gap is made of: each journal operation the executor performs between two steps,
    /// timed alone (p50 of `iterations`, ms) on the same database, one after another. Between two
    /// steps the executor now makes one write (`store.beginStep` completing the previous step);
    /// the separate writes and the journal read are timed too, for comparison.
    static func journalBreakdown(store: Store, iterations: Int) async throws -> [String: Double] {
        let key = IssueKey(repository: RepositoryName(owner: owner, name: repo), number: 999_999)
        let guid = "journal-breakdown-\(UUID().uuidString)"
        let snapshot = IssueSnapshot(repository: "\(owner)/\(repo)", number: 999_999, title: "t", body: "b", cloneURL: "file:///x",
                                     defaultBranch: "main", requestedBy: "octocat", installationID: 1)
        let delivery = Delivery(guid: guid, event: "issues", action: "labeled", repository: "\(owner)/\(repo)", issueNumber: 999_999,
                                receivedAt: Date(), payload: Data("{}".utf8), decision: .acted(reason: "breakdown"))
        guard case .recorded(let messageID?) = try await store.recordDelivery(delivery, message: IssueMessage(issueKey: key, command: .fix, snapshot: snapshot)) else {
            throw BenchmarkError("breakdown: delivery not recorded")
        }
        let lease = try await store.activate(issueKey: key.description, owner: "bench")
        var settings = RepositorySettings()
        settings.testCommand = "true"
        let context = try RunContext(issue: snapshot, settings: settings, branchPrefix: "dayshift/issue-")
        let runID = try await store.startRun(context, lease: lease, triggerMessageID: messageID, steps: StepName.allCases).run.id
        let result = StepResult.command(CommandStepResult(outcome: nil, note: "breakdown"))
        var times: [String: [Double]] = [:]
        func time<T>(_ name: String, _ work: () async throws -> T) async rethrows -> T {
            let began = monotonicNanos()
            let value = try await work()
            times[name, default: []].append(Double(monotonicNanos() - began) / 1e6)
            return value
        }
        for _ in 0..<iterations {
            _ = try await time("read journal (store.journal)") { try await store.journal(runID: runID) }
            _ = try await time("write step start (store.beginStep)") { try await store.beginStep(.setup, runID: runID, lease: lease) }
            try await time("write step end (store.completeStep)") {
                try await store.completeStep(.setup, result: .succeeded(result), runID: runID, lease: lease)
            }
            _ = try await time("write step end + next start (store.beginStep completing:), what the executor does") {
                try await store.beginStep(.baseline, runID: runID, completing: [StepCompletion(step: .setup, end: .succeeded(result))], lease: lease)
            }
        }
        return times.mapValues { round3(Samples($0).percentile(50)) }
    }

    /// Gaps from a step's `step succeeded`/`step failed` line to the next `step started` line of the same run, in ms.
    static func logGaps(_ events: [LogRecorder.Event]) -> Samples {
        var gaps: [Double] = []
        for (_, runEvents) in Dictionary(grouping: events, by: \.run) {
            let ordered = runEvents.sorted { $0.nanos < $1.nanos }
            for (previous, next) in zip(ordered, ordered.dropFirst())
            where previous.message != "step started" && next.message == "step started" {
                gaps.append(Double(next.nanos - previous.nanos) / 1e6)
            }
        }
        return Samples(gaps)
    }

    /// p50 of each step's own time (`step started` → its end line), ms.
    static func stepDurations(_ events: [LogRecorder.Event]) -> [String: Double] {
        var durations: [String: [Double]] = [:]
        for (_, runEvents) in Dictionary(grouping: events, by: \.run) {
            let ordered = runEvents.sorted { $0.nanos < $1.nanos }
            for (previous, next) in zip(ordered, ordered.dropFirst()) where previous.message == "step started" && next.message != "step started" {
                durations[previous.step, default: []].append(Double(next.nanos - previous.nanos) / 1e6)
            }
        }
        return durations.mapValues { round3(Samples($0).percentile(50)) }
    }

    /// `endedAt` → next `startedAt` from the stored journal (1 ms resolution), ms.
    static func storedGaps(store: Store, runs: [Run]) async throws -> Samples {
        var gaps: [Double] = []
        for run in runs {
            guard let journal = try await store.journal(runID: run.id) else { continue }
            let steps = journal.stepsInOrder.filter { $0.startedAt != nil && $0.endedAt != nil }
            for (previous, next) in zip(steps, steps.dropFirst()) {
                gaps.append(next.startedAt!.timeIntervalSince(previous.endedAt!) * 1000)
            }
        }
        return Samples(gaps)
    }
}
