import DayshiftConfig
import DayshiftServer
import Foundation
import IssueObjects
import Logging
import Store
#if canImport(Glibc)
import Glibc
#endif

/// Resident memory after activating N issue objects and letting them hibernate, against the
/// idle server's, and activation latency (delivery received → message handled).
///
/// Each object gets one real, signed `issues.closed` delivery over HTTP on the server's webhook
/// /// route, sent by a child process (`send-closed`) at `--rate` per second. With no running run, the
/// object takes its lease (one write), looks for a running run (a read) and marks the message
/// handled (one write): the cheapest message that activates an object. `idle_eviction_seconds`
/// is small so that the objects hibernate soon after.
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
        let server = try await DayshiftApplication.start(configuration: configuration, logger: logger, environment: [:])
        try await Task.sleep(for: .seconds(1.5))
        let idleRSS = procStatus("VmRSS")
        note("objects: idle RSS \(idleRSS) kB; sending \(count) issues.closed deliveries at \(Int(rate))/s")

        // The load comes from a child process (`send-closed`), over HTTP, so that this process's
        // memory is the server's alone.
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        sender.arguments = ["send-closed", "--port", "\(server.baseURL.port ?? 0)", "--objects", "\(count)", "--rate", "\(rate)",
                            "--secret", configuration.webhook.secret]
        let pipe = Pipe()
        sender.standardOutput = pipe
        let sendBegan = monotonicNanos()
        try sender.run()
        // Wait on a Dispatch thread, not on one of the (2) threads the server's tasks run on.
        let senderOutput = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sender.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        guard sender.terminationStatus == 0,
              let sent = try JSONSerialization.jsonObject(with: senderOutput) as? [String: Any] else {
            throw BenchmarkError("send-closed failed (exit \(sender.terminationStatus))")
        }
        let sendSeconds = Double(monotonicNanos() - sendBegan) / 1e9
        guard (sent["failures"] as? Int) == 0, (sent["unexpected_status"] as? Int) == 0 else { throw BenchmarkError("send-closed: \(sent)") }
        let deadline = Date().addingTimeInterval(120)
        while try await !server.application.instance.store.issueKeysWithPendingMessages().isEmpty {
            guard Date() < deadline else { throw BenchmarkError("messages still pending after 120 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let drainedSeconds = Double(monotonicNanos() - sendBegan) / 1e9
        let liveAfterHandling = await server.application.instance.runtime.liveObjectCount()
        let handledRSS = procStatus("VmRSS")
        note("objects: all handled after \(String(format: "%.1f", drainedSeconds)) s; \(liveAfterHandling) live objects, RSS \(handledRSS) kB")

        let evictionDeadline = Date().addingTimeInterval(60)
        while await server.application.instance.runtime.liveObjectCount() > 0, Date() < evictionDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let liveAfterHibernation = await server.application.instance.runtime.liveObjectCount()
        try await Task.sleep(for: .seconds(1))
        let hibernatedRSS = procStatus("VmRSS")
        let peakRSS = procStatus("VmHWM")
        _ = glibcMallocTrim(0)
        let trimmedRSS = procStatus("VmRSS")

        // Activation latency: the message's createdAt (the instant intake began on the delivery,
        // before its commit) → handledAt (set as the object marks it handled); both stored, 1 ms resolution.
        let database = try RawSQLite(path: "\(configuration.dataDirectory)/dayshift.sqlite", readOnly: true)
        let rows = try database.prepare("SELECT createdAt, handledAt, outcome FROM inbox_messages")
        var latencies: [Double] = []
        var outcomes: [String: Int] = [:]
        while try rows.step() {
            guard let created = rows.text(0).flatMap(parseDatabaseDate), let handled = rows.text(1).flatMap(parseDatabaseDate) else { continue }
            latencies.append(handled.timeIntervalSince(created) * 1000)
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
            "sender_achieved_rate": sent["achieved_rate"] ?? -1, "intake_http_p50_ms": sent["latency_ms_p50"] ?? -1,
            "intake_http_p99_ms": sent["latency_ms_p99"] ?? -1,
        ]
        output.merge(Samples(latencies).summary("activation_ms")) { $1 }
        try emit(output)
    }
}

/// glibc's `malloc_trim` (not in the Glibc module map): returns free heap pages to the kernel,
/// to tell memory the allocator merely keeps from memory still in use.
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> Int32
