import Emulators
import Foundation
import GitHub
import Synchronization

/// An open-loop (constant arrival rate) load generator, as wrk2 does it: request `i` is due at
/// `start + i / rate` whatever happened before, and its latency is measured from that due time,
/// so a stall of the server shows as latency of every request that should have been sent during
/// it (no coordinated omission). `--connections` threads each hold one keep-alive connection and
/// take the next due request.
enum OpenLoop {
    static func main(_ arguments: Arguments) throws {
        let port = try arguments.int("port")
        let rate = try arguments.double("rate")
        let seconds = try arguments.double("seconds", default: 10)
        let connections = try arguments.int("connections", default: 8)
        let bodyPath = try arguments.string("body")
        let signature = try arguments.string("signature")
        let event = try arguments.string("event", default: "issues")
        let expect = try arguments.int("expect", default: 202)
        let body = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bodyPath)))
        let template = WebhookRequestTemplate(event: event, signature: signature, body: body)
        let result = try run(port: port, rate: rate, seconds: seconds, connections: connections, template: template, expect: expect)
        try emit(result)
    }

    /// `send-closed`: one signed `issues.closed` delivery for each of issues 1…N (repository
    /// `bench/objects`), at a constant rate — the load of the issue-object benchmark, from its own
    /// process so that the server's memory is only the server's.
    static func sendClosed(_ arguments: Arguments) throws {
        let port = try arguments.int("port")
        let count = try arguments.int("objects")
        let rate = try arguments.double("rate")
        let connections = try arguments.int("connections", default: 8)
        let secret = try arguments.string("secret")
        let payloads = WebhookPayloadBuilder(owner: "bench", repo: "objects", cloneURL: "https://github.com/bench/objects.git")
        let result = try run(port: port, rate: rate, total: count, connections: connections, expect: 202) { i in
            let delivery = payloads.issueClosed(number: i + 1, title: "Issue \(i + 1)")
            let template = WebhookRequestTemplate(event: delivery.event, signature: WebhookSignature.header(for: delivery.body, secret: secret),
                                                  body: Array(delivery.body))
            return template.request(guid: delivery.guid)
        }
        try emit(result)
    }

    final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let unexpected = Atomic<Int>(0)
        let latencies: Mutex<[Double]> = Mutex([])
        let serviceTimes: Mutex<[Double]> = Mutex([])
    }

    static func run(port: Int, rate: Double, seconds: Double, connections: Int, template: WebhookRequestTemplate, expect: Int) throws -> [String: Any] {
        let prefix = UUID().uuidString.lowercased().prefix(24)
        return try run(port: port, rate: rate, total: Int(rate * seconds), connections: connections, expect: expect) { i in
            template.request(guid: "\(prefix)-\(String(format: "%012x", i))")
        }
    }

    /// Sends `total` requests at `rate`, request `i` built by `build(i)`.
    static func run(port: Int, rate: Double, total: Int, connections: Int, expect: Int,
                    build: @escaping @Sendable (Int) -> [UInt8]) throws -> [String: Any] {
        let interval = 1e9 / rate
        let shared = Shared()
        var pool: [HTTPConnection] = []
        for _ in 0..<connections { pool.append(try HTTPConnection(port: port)) }
        let start = monotonicNanos() + 50_000_000
        let group = DispatchGroup()
        nonisolated(unsafe) let workers = pool
        for index in 0..<connections {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let connection = workers[index]
                var latencies: [Double] = []
                var service: [Double] = []
                latencies.reserveCapacity(total / connections + 16)
                while true {
                    let i = shared.next.add(1, ordering: .relaxed).oldValue
                    if i >= total { break }
                    let due = start + UInt64(Double(i) * interval)
                    let request = build(i)
                    sleepUntil(nanos: due)
                    let sentAt = monotonicNanos()
                    do {
                        let status = try connection.roundTrip(request)
                        if status != expect { shared.unexpected.add(1, ordering: .relaxed) }
                    } catch {
                        shared.failures.add(1, ordering: .relaxed)
                    }
                    let done = monotonicNanos()
                    latencies.append(Double(done - due) / 1e6)
                    service.append(Double(done - sentAt) / 1e6)
                }
                shared.latencies.withLock { $0 += latencies }
                shared.serviceTimes.withLock { $0 += service }
            }
            thread.start()
        }
        group.wait()
        let elapsed = Double(monotonicNanos() - start) / 1e9
        let latencies = Samples(shared.latencies.withLock { $0 })
        let service = Samples(shared.serviceTimes.withLock { $0 })
        var output: [String: Any] = [
            "target_rate": round3(rate), "achieved_rate": round3(Double(latencies.count) / elapsed), "requests": latencies.count,
            "seconds": round3(elapsed), "connections": connections,
            "failures": shared.failures.load(ordering: .relaxed), "unexpected_status": shared.unexpected.load(ordering: .relaxed),
        ]
        output.merge(latencies.summary("latency_ms")) { $1 }
        output.merge(service.summary("service_ms")) { $1 }
        return output
    }
}
