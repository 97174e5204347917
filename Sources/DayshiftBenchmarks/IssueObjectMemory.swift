import DayshiftConfig
import DayshiftServer
import Emulators
import Foundation
import GitHub
import IssueObjects
import Logging
import Store
#if canImport(Glibc)
import Glibc
#endif

/// Resident memory after activating N issue objects and letting them hibernate, against the
/// idle server's, and activation latency (delivery committed → message handled).
///
/// Each object gets one real `issues.closed` delivery, through the same intake the webhook route
/// uses (signature check, trigger rules, group commit), followed by the route's
/// `notifyNewMessages()`. With no running run, the object takes its lease (one write), looks for
/// a running run (a read) and marks the message handled (one write): the cheapest message that
/// activates an object. Deliveries are paced at `--rate` per second; `idle_eviction_seconds` is
/// small so that the objects hibernate soon after.
enum IssueObjectMemory {
    static func main(_ arguments: Arguments) async throws {
        let count = try arguments.int("objects", default: 10_000)
        let rate = try arguments.double("rate", default: 500)
        let idleSeconds = try arguments.double("idle-eviction-seconds", default: 1)
        let root = try arguments.string("dir")
        let directory = URL(fileURLWithPath: root).appendingPathComponent("objects-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.appendingPathComponent("data").path
        configuration.server.port = 0
        configuration.webhook.secret = "bench-webhook-secret"
        configuration.github.apiURL = "http://127.0.0.1:9"
        configuration.github.token = "bench-token"
        configuration.agent.passEnvironment = []
        configuration.runtime.idleEvictionSeconds = idleSeconds
        let recorder = LogRecorder()
        let logger = recorder.logger(level: .info)
        let instance = try DayshiftInstance(configuration: configuration, logger: logger, environment: [:])
        let server = try await instance.start()
        let intake = DeliveryIntake(store: instance.store, configuration: configuration, logger: logger)
        let payloads = WebhookPayloadBuilder(owner: "bench", repo: "objects", cloneURL: "https://github.com/bench/objects.git")
        try await Task.sleep(for: .seconds(1.5))
        let idleRSS = procStatus("VmRSS")
        note("objects: idle RSS \(idleRSS) kB; sending \(count) issues.closed deliveries at \(Int(rate))/s")

        // Paced sending: every 10 ms, the deliveries due in that slice, concurrently.
        let slice = 0.01
        let perSlice = max(1, Int((rate * slice).rounded()))
        var committed = [Int: Date](minimumCapacity: count)
        let sendBegan = monotonicNanos()
        let secret = configuration.webhook.secret
        var number = 1
        var sliceIndex: UInt64 = 0
        while number <= count {
            try await sleepUntilAsync(sendBegan + sliceIndex * UInt64(slice * 1e9))
            sliceIndex += 1
            let numbers = Array(number..<min(count + 1, number + perSlice))
            number += numbers.count
            let results = try await withThrowingTaskGroup(of: (Int, Date).self) { group in
                for n in numbers {
                    group.addTask {
                        let delivery = payloads.issueClosed(number: n, title: "Issue \(n)")
                        let outcome = try await intake.receive(body: delivery.body,
                                                               signature: WebhookSignature.header(for: delivery.body, secret: secret),
                                                               event: delivery.event, guid: delivery.guid)
                        guard case .accepted(acted: true, _) = outcome else { throw BenchmarkError("#\(n): \(outcome)") }
                        return (n, Date())
                    }
                }
                return try await group.reduce(into: [(Int, Date)]()) { $0.append($1) }
            }
            for (n, date) in results { committed[n] = date }
            instance.runtime.notifyNewMessages()
        }
        let sendSeconds = Double(monotonicNanos() - sendBegan) / 1e9
        note("objects: sent in \(String(format: "%.1f", sendSeconds)) s; waiting for the inbox to drain")

        let deadline = Date().addingTimeInterval(120)
        while try !instance.store.issueKeysWithPendingMessages().isEmpty {
            guard Date() < deadline else { throw BenchmarkError("messages still pending after 120 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let drainedSeconds = Double(monotonicNanos() - sendBegan) / 1e9
        let liveAfterHandling = await instance.runtime.liveObjectCount()
        let handledRSS = procStatus("VmRSS")
        note("objects: all handled after \(String(format: "%.1f", drainedSeconds)) s; \(liveAfterHandling) live objects, RSS \(handledRSS) kB")

        let evictionDeadline = Date().addingTimeInterval(60)
        while await instance.runtime.liveObjectCount() > 0, Date() < evictionDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let liveAfterHibernation = await instance.runtime.liveObjectCount()
        try await Task.sleep(for: .seconds(1))
        let hibernatedRSS = procStatus("VmRSS")
        let peakRSS = procStatus("VmHWM")
        _ = glibcMallocTrim(0)
        let trimmedRSS = procStatus("VmRSS")

        // Activation latency from the stored handledAt (1 ms resolution) and our commit instants.
        let database = try RawSQLite(path: "\(configuration.dataDirectory)/dayshift.sqlite", readOnly: true)
        let rows = try database.prepare("SELECT issueKey, handledAt, outcome FROM inbox_messages")
        var latencies: [Double] = []
        var outcomes: [String: Int] = [:]
        while try rows.step() {
            guard let key = rows.text(0), let handled = rows.text(1).flatMap(parseDatabaseDate),
                  let n = key.split(separator: "#").last.flatMap({ Int($0) }), let commit = committed[n] else { continue }
            latencies.append(max(0, handled.timeIntervalSince(commit) * 1000))
            outcomes[rows.text(2) ?? "?", default: 0] += 1
        }
        await server.stop()

        let mb = { (kb: Int) in round3(Double(kb) / 1024) }
        var output: [String: Any] = [
            "objects": count, "target_rate": rate, "send_seconds": round3(sendSeconds), "drained_seconds": round3(drainedSeconds),
            "handled_per_second": round3(Double(count) / drainedSeconds), "outcomes": outcomes,
            "idle_rss_mb": mb(idleRSS), "handled_rss_mb": mb(handledRSS), "hibernated_rss_mb": mb(hibernatedRSS),
            "peak_rss_mb": mb(peakRSS), "trimmed_rss_mb": mb(trimmedRSS),
            "above_idle_mb": mb(hibernatedRSS - idleRSS), "above_idle_after_malloc_trim_mb": mb(trimmedRSS - idleRSS),
            "ratio_rss_to_idle": round3(Double(hibernatedRSS) / Double(idleRSS)),
            "live_objects_after_handling": liveAfterHandling, "live_objects_after_hibernation": liveAfterHibernation,
            "idle_eviction_seconds": idleSeconds, "log_lines": recorder.lines.load(ordering: .relaxed),
        ]
        output.merge(Samples(latencies).summary("activation_ms")) { $1 }
        try emit(output)
    }

    /// Sleeps without holding one of the cooperative pool's threads.
    private static func sleepUntilAsync(_ deadline: UInt64) async throws {
        let now = monotonicNanos()
        if deadline > now { try await Task.sleep(nanoseconds: deadline - now) }
    }
}

/// glibc's `malloc_trim` (not in the Glibc module map): returns free heap pages to the kernel,
/// to tell memory the allocator merely keeps from memory still in use.
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> Int32
