import DayshiftConfig
import DayshiftCore
import Foundation
import IssueObjects
import Logging
import Store
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Time from a restart to every one of N in-flight runs having begun its next step.
///
/// The database is left as a crash would leave it: N issues, each with a run `running`, its
/// journal saying provision, clone, setup and baseline succeeded and the agent step `running`
/// (attempt 1) — the long step, where most runs are when a server dies. It is written through
/// the Store API (deliveries, messages, leases, runs), plus one transaction that sets the step
/// rows. Then `dayshift serve` (the release binary, a real process start) is started on it, and
/// the database is polled read-only until every run's agent step shows attempt 2, i.e. its
/// `beginStep` committed. (The resumed attempts then find their sandbox gone, a transient error,
/// and schedule a retry: no subprocess runs while we measure.)
///
/// Baselines: the same binary started on an empty database (time to answer `/healthz`), and N
/// bare SQLite write transactions with the same settings (the floor of journaling N step starts).
enum Recovery {
    static func main(_ arguments: Arguments) async throws {
        let runs = try arguments.int("runs", default: 1000)
        let trials = try arguments.int("trials", default: 1)
        let binary = try arguments.string("dayshift")
        let root = try arguments.string("dir")
        let directory = URL(fileURLWithPath: root).appendingPathComponent("recovery-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // Each trial: the baselines, then a fresh seeded database and a restart on it.
        var results: [[String: Any]] = []
        var reads: (repeated: Double, once: Double, batched: Double) = (.nan, .nan, .nan)
        for trial in 1...trials {
            let trialDirectory = directory.appendingPathComponent("trial-\(trial)")
            note("recovery \(trial)/\(trials): baseline (\(runs) bare SQLite write transactions)")
            let bare = try SQLiteBaseline.run(directory: trialDirectory.path, kind: "update", seconds: 60, maxTransactions: runs)
            let bareNormal = try SQLiteBaseline.run(directory: trialDirectory.path, kind: "update", seconds: 60, maxTransactions: runs,
                                                    synchronous: "NORMAL")
            note("recovery \(trial)/\(trials): baseline (start on an empty database)")
            let empty = try await measureStart(binary: binary, dataDirectory: trialDirectory.appendingPathComponent("empty"), expectedRuns: 0)
            note("recovery \(trial)/\(trials): seeding \(runs) runs left running in the agent step")
            let seeded = trialDirectory.appendingPathComponent("seeded")
            let seedBegan = monotonicNanos()
            try await seed(dataDirectory: seeded, runs: runs)
            let seedSeconds = Double(monotonicNanos() - seedBegan) / 1e9
            note("recovery \(trial)/\(trials): restarting on them")
            let recovery = try await measureStart(binary: binary, dataDirectory: seeded, expectedRuns: runs)
            if trial == trials {
                note("recovery: timing the journal reads a resumed run makes")
                reads = try await journalReads(dataDirectory: seeded, stepsBeforeResumed: 5)
            }
            results.append([
                "recovery_seconds": round3(recovery.allBegun), "first_resumed_seconds": round3(recovery.firstBegun),
                "half_resumed_seconds": round3(recovery.halfBegun), "first_poll_seconds": round3(recovery.firstPoll),
                "resumed_at_first_poll": recovery.begunAtFirstPoll, "polls": recovery.polls,
                "ready_seconds": round3(recovery.ready), "empty_ready_seconds": round3(empty.ready), "seed_seconds": round3(seedSeconds),
                "resumed": recovery.begun,
                "resumed_per_second": round3(Double(recovery.begun) / max(1e-9, recovery.allBegun - recovery.firstBegun)),
                "bare_transactions_seconds": round3(bare.seconds), "bare_transaction_p50_ms": round3(bare.latencies.percentile(50)),
                "bare_normal_transactions_seconds": round3(bareNormal.seconds),
                "ratio_recovery_to_bare_transactions": round3(recovery.allBegun / bare.seconds),
                "ratio_recovery_to_empty_start": round3(recovery.allBegun / empty.ready),
                "log_resuming_line": recovery.logMentionsResume,
            ])
        }
        // The trial with the median recovery time stands for the run; every trial is kept.
        let ordered = results.sorted { ($0["recovery_seconds"] as! Double) < ($1["recovery_seconds"] as! Double) }
        var output = ordered[(ordered.count - 1) / 2]
        output["runs"] = runs
        output["trials"] = results
        output["recovery_seconds_all"] = results.map { $0["recovery_seconds"] as! Double }
        output["journal_loads_per_resumed_run"] = 1
        output["journal_loads_seconds_five_per_run"] = round3(reads.repeated)
        output["journal_load_once_seconds"] = round3(reads.once)
        output["journal_load_batched_seconds"] = round3(reads.batched)
        try emit(output)
    }

    struct StartTiming {
        var ready: Double = .nan
        var firstBegun: Double = .nan
        var allBegun: Double = .nan
        var halfBegun: Double = .nan
        var firstPoll: Double = .nan
        var begunAtFirstPoll = 0
        var polls = 0
        var begun = 0
        var logMentionsResume = false
    }

    /// Starts `dayshift serve` on `dataDirectory` and times it: until `/healthz` answers and, when
    /// `expectedRuns` > 0, until that many agent steps have attempt ≥ 2. Then stops it.
    static func measureStart(binary: String, dataDirectory: URL, expectedRuns: Int) async throws -> StartTiming {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let port = try freePort()
        let configPath = dataDirectory.deletingLastPathComponent().appendingPathComponent("\(dataDirectory.lastPathComponent).yaml")
        try Data("""
        server:
          host: 127.0.0.1
          port: \(port)
          shutdown_grace_seconds: 1
        data_dir: \(dataDirectory.path)
        github:
          api_url: http://127.0.0.1:9
        agent:
          command: sleep 30
          pass_environment: []

        """.utf8).write(to: configPath)
        let logPath = dataDirectory.deletingLastPathComponent().appendingPathComponent("\(dataDirectory.lastPathComponent).log")
        _ = FileManager.default.createFile(atPath: logPath.path, contents: nil)
        let log = try FileHandle(forWritingTo: logPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", configPath.path]
        var environment = ProcessInfo.processInfo.environment
        environment["DAYSHIFT_WEBHOOK_SECRET"] = "bench-webhook-secret"
        environment["DAYSHIFT_GITHUB_TOKEN"] = "bench-token"
        environment["DAYSHIFT_LOG_LEVEL"] = "info"
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        let databasePath = dataDirectory.appendingPathComponent("dayshift.sqlite").path
        let health = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)

        var timing = StartTiming()
        let started = monotonicNanos()
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning, Date() < deadline { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            try? log.close()
        }
        // `/healthz` is probed from its own thread: a server busy resuming may take a while to
        // answer, and that must not delay the database polls (nor be charged to them).
        let readyAt = Mutex<Double>(.nan)
        let stopProbing = Atomic<Bool>(false)
        let prober = Thread {
            while !stopProbing.load(ordering: .relaxed) {
                if (try? HTTPConnection(port: port).roundTrip(health)) == 200 {
                    readyAt.withLock { $0 = Double(monotonicNanos() - started) / 1e9 }
                    return
                }
                usleep(2_000)
            }
        }
        prober.start()
        defer { stopProbing.store(true, ordering: .relaxed) }
        var reader: RawSQLite?
        let deadline = started + 120_000_000_000
        while monotonicNanos() < deadline {
            if expectedRuns > 0 {
                if reader == nil { reader = try? RawSQLite(path: databasePath, readOnly: true) }
                if let reader, let begun = try? reader.scalarInt("SELECT COUNT(*) FROM run_steps WHERE name = 'agent' AND attempt >= 2") {
                    // The instant the count was read, not when the poll began.
                    let elapsed = Double(monotonicNanos() - started) / 1e9
                    if begun > 0, timing.firstBegun.isNaN { timing.firstBegun = elapsed }
                    if begun * 2 >= expectedRuns, timing.halfBegun.isNaN { timing.halfBegun = elapsed }
                    if timing.polls == 0 { timing.firstPoll = elapsed; timing.begunAtFirstPoll = begun }
                    timing.polls += 1
                    timing.begun = begun
                    if begun >= expectedRuns { timing.allBegun = elapsed }
                }
            }
            timing.ready = readyAt.withLock { $0 }
            if !timing.ready.isNaN, expectedRuns == 0 || !timing.allBegun.isNaN { break }
            guard process.isRunning else { throw BenchmarkError("dayshift serve exited early; see \(logPath.path)") }
            usleep(2_000)
        }
        if expectedRuns > 0, timing.allBegun.isNaN { throw BenchmarkError("only \(timing.begun) of \(expectedRuns) runs resumed within 120 s") }
        timing.logMentionsResume = (try? String(contentsOf: logPath, encoding: .utf8))?.contains("resuming unfinished runs") ?? false
        return timing
    }

    /// Writes N issues with a run left `running` in its agent step, as a killed server leaves them.
    static func seed(dataDirectory: URL, runs: Int) async throws {
        var logger = Logger(label: "seed")
        logger.logLevel = .warning
        let store = try Store(directory: dataDirectory, logger: logger)
        let now = Date()
        var batch: [(delivery: Delivery, message: IssueMessage?)] = []
        var contexts: [RunContext] = []
        for n in 1...runs {
            let key = IssueKey(repository: RepositoryName(owner: "bench", name: "recovery"), number: n)
            let guid = "seed-\(n)-\(UUID().uuidString)"
            let snapshot = IssueSnapshot(repository: "bench/recovery", number: n, title: "Issue \(n)", body: "Fix it.",
                                         cloneURL: "https://github.com/bench/recovery.git", defaultBranch: "main", requestedBy: "octocat",
                                         installationID: 1)
            var settings = RepositorySettings()
            settings.testCommand = "true"
            contexts.append(try RunContext(issue: snapshot, settings: settings, branchPrefix: "dayshift/issue-"))
            let delivery = Delivery(guid: guid, event: "issues", action: "labeled", repository: "bench/recovery", issueNumber: n,
                                    receivedAt: now, payload: Data("{}".utf8), decision: .acted(reason: "labeled \"dayshift\""))
            let message = IssueMessage(issueKey: key, command: .fix, snapshot: snapshot)
            batch.append((delivery, message))
        }
        let outcomes = try await store.recordDeliveries(batch)
        for (index, outcome) in outcomes.enumerated() {
            guard case .recorded(let messageID?) = outcome else { throw BenchmarkError("seed delivery \(index): \(outcome)") }
            let lease = try await store.activate(issueKey: IssueKey(repository: RepositoryName(owner: "bench", name: "recovery"), number: index + 1).description, owner: "crashed-host:1")
            _ = try await store.startRun(contexts[index], lease: lease, triggerMessageID: messageID, steps: StepName.allCases)
        }
        // The journal as the crashed process left it (one transaction, same rows the executor writes).
        let database = try RawSQLite(path: dataDirectory.appendingPathComponent("dayshift.sqlite").path)
        try database.configureLikeDayshift()
        let stamp = databaseDateText(now)
        // `run_steps.result` as the executor stores it (one flat JSON object per step).
        let results: [(StepName, [String: String])] = [
            (.provision, ["note": "created sandbox (local)"]),
            (.clone, ["commit": String(repeating: "0", count: 40), "branch": "main"]),
            (.setup, ["note": "no setup_command"]),
            (.baseline, ["note": "baseline"]),
        ]
        try database.execute("BEGIN IMMEDIATE")
        let done = try database.prepare("UPDATE run_steps SET status = 'succeeded', attempt = 1, startedAt = ?, endedAt = ?, result = ? WHERE runId = ? AND name = ?")
        let running = try database.prepare("UPDATE run_steps SET status = 'running', attempt = 1, startedAt = ? WHERE runId = ? AND name = 'agent'")
        // A run at its agent step holds a sandbox slot (it claimed one before its first step).
        let admitted = try database.prepare("UPDATE run_queue SET admittedAt = ?, admission = runId WHERE runId = ?")
        let runIDs = try database.prepare("SELECT id FROM runs WHERE status = 'running'")
        var ids: [Int] = []
        while try runIDs.step() { ids.append(runIDs.int(0)) }
        for id in ids {
            for (step, output) in results {
                var output = output
                if step == .provision { output["sandboxID"] = "bench-missing-sandbox-\(id)" }
                done.bind(1, text: stamp)
                done.bind(2, text: stamp)
                done.bind(3, blob: Array(try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])))
                done.bind(4, int: id)
                done.bind(5, text: step.rawValue)
                try done.step()
                done.reset()
            }
            running.bind(1, text: stamp)
            running.bind(2, int: id)
            try running.step()
            running.reset()
            admitted.bind(1, text: stamp)
            admitted.bind(2, int: id)
            try admitted.step()
            admitted.reset()
        }
        try database.execute("COMMIT")
        guard ids.count == runs else { throw BenchmarkError("seeded \(ids.count) running runs, wanted \(runs)") }
    }

    /// The journal loads of a resume: before this change `RunExecutor.execute()` loaded the journal
    /// once per step already done (5 times for a run resumed at its agent step); now a restart
    /// loads every running run's journal in one batched read. This times, for every running run,
    /// `repeated` loads one by one, one load each, and the one batched read.
    static func journalReads(dataDirectory: URL, stepsBeforeResumed: Int) async throws -> (repeated: Double, once: Double, batched: Double) {
        var logger = Logger(label: "reads")
        logger.logLevel = .warning
        let store = try Store(directory: dataDirectory, logger: logger)
        let ids = try await store.runningRuns().map(\.id)
        func load(_ id: Int64) async throws {
            guard try await store.journal(runID: id) != nil else { throw BenchmarkError("run \(id) vanished") }
        }
        for id in ids.prefix(50) { try await load(id) }  // warm the connections and caches
        var began = monotonicNanos()
        for id in ids { for _ in 0..<stepsBeforeResumed { try await load(id) } }
        let repeated = Double(monotonicNanos() - began) / 1e9
        began = monotonicNanos()
        for id in ids { try await load(id) }
        let once = Double(monotonicNanos() - began) / 1e9
        began = monotonicNanos()
        let journals = try await store.runningJournals()
        guard journals.count == ids.count else { throw BenchmarkError("batched read found \(journals.count) of \(ids.count) runs") }
        return (repeated, once, Double(monotonicNanos() - began) / 1e9)
    }

    /// A port nothing listens on now (bind to 0, read it, close).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw BenchmarkError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
