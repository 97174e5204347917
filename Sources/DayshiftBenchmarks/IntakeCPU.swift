import DayshiftConfig
import DayshiftServer
import Foundation
import GitHub
#if canImport(Glibc)
import Glibc
#endif

/// Where an intake request's CPU goes: each stage `DeliveryIntake.receive` and the webhook
/// route perform on a delivery, repeated on the benchmark payload and timed by this thread's CPU
/// clock (so other processes on the machine do not inflate it), in µs per delivery, beside the
/// HMAC the signature check needs (the unavoidable part).
enum IntakeCPU {
    static func main(_ arguments: Arguments) throws {
        let body = try Data(contentsOf: URL(fileURLWithPath: try arguments.string("body")))
        let iterations = try arguments.int("iterations", default: 2000)
        let secret = "bench-webhook-secret"
        let signature = WebhookSignature.header(for: body, secret: secret)
        let rules = TriggerRules(label: "dayshift", command: "/dayshift", allowedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"])
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: body)

        var stages: [(String, Double)] = []
        func measure(_ name: String, _ work: () throws -> Void) rethrows {
            for _ in 0..<max(10, iterations / 20) { try work() }  // warm-up
            let began = threadCPUNanos()
            for _ in 0..<iterations { try work() }
            stages.append((name, Double(threadCPUNanos() - began) / Double(iterations) / 1000))
        }
        try measure("signature (HMAC-SHA256 of the body)") {
            guard WebhookSignature.isValid(header: signature, body: body, secret: secret) else { throw BenchmarkError("bad signature") }
        }
        try measure(fallbackStage) {
            guard (try JSONSerialization.jsonObject(with: body)) is [String: Any] else { throw BenchmarkError("not an object") }
        }
        try measure("JSONDecoder().decode(WebhookPayload.self)") {
            _ = try JSONDecoder().decode(WebhookPayload.self, from: body)
        }
        measure("TriggerRules.decide") {
            _ = rules.decide(event: "issues", payload: payload, openedIssuesEnabled: false)
        }
        measure("body copy (Data of the collected buffer)") {
            _ = Data(Array(body))
        }
        let reason = "label \"bug\" is not the trigger label \"dayshift\""
        measure("response body (WebhookAnswer.body, written directly)") {
            _ = WebhookAnswer.body(["status": "accepted", "acted": "false", "reason": reason])
        }
        try measure(serializationStage) {
            _ = try JSONSerialization.data(withJSONObject: ["status": "accepted", "acted": "false", "reason": reason], options: [.sortedKeys])
        }
        // Since d5bca3f the intake runs the object check only when the typed decode fails, and
        // since 9413b03 it writes the answer without JSONSerialization, so those two are timed
        // (for comparison) but not counted in the common path's sum.
        let notInTotal = [fallbackStage, serializationStage]
        let total = stages.filter { !notInTotal.contains($0.0) }.reduce(0) { $0 + $1.1 }
        try emit([
            "iterations": iterations, "body_bytes": body.count,
            "stages_us": Dictionary(uniqueKeysWithValues: stages.map { ($0.0, round3($0.1)) }),
            "order": stages.map(\.0), "total_us": round3(total), "not_in_total": notInTotal,
            "hmac_share": round3(stages[0].1 / total),
        ])
    }

    static let fallbackStage = "JSONSerialization.jsonObject (only when the typed decode fails; every delivery before d5bca3f)"
    static let serializationStage = "response body by JSONSerialization.data, sorted keys (every delivery before 9413b03)"

    static func threadCPUNanos() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
