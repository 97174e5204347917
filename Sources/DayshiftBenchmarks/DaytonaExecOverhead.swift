import Emulators
import Foundation
import Logging
import Sandboxes

/// `daytona-exec [--count N]`: Dayshift's Daytona client per toolbox `POST /process/execute`
/// (`DaytonaSandboxProvider.execute`), against plain `curl` sending the same request to the same
/// emulator endpoint in the same run: one curl process with keep-alive for all N requests
/// (`curl -K`), so both sides pay only HTTP and the emulator's own work (`true` run as a
/// subprocess), and the ratio shows the client's overhead.
enum DaytonaExecOverhead {
    static func main(_ arguments: Arguments) async throws {
        let count = try arguments.int("count", default: 300)
        let apiKey = "bench-daytona-key"
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-bench-daytona-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let emulator = try await DaytonaEmulator.start(apiKey: apiKey, sandboxRoot: root)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let provider = DaytonaSandboxProvider(settings: DaytonaSandboxSettings(apiURL: emulator.apiURL, apiKey: apiKey), logger: logger)
        let sandbox = try await provider.create(SandboxCreateRequest(name: "bench-exec", labels: [:]))
        let command = SandboxCommand("true", timeoutSeconds: 30)
        for _ in 0..<20 { _ = try await provider.execute(in: sandbox.id, command) }

        var clientSamples: [Double] = []
        for _ in 0..<count {
            let start = monotonicNanos()
            _ = try await provider.execute(in: sandbox.id, command)
            clientSamples.append(Double(monotonicNanos() - start) / 1000)
        }

        let url = emulator.toolboxURL.appendingPathComponent(sandbox.id).appendingPathComponent("process/execute").absoluteString
        // The very command line the client sends for `true` (the SDKs' base64 `sh -c` wrapper),
        // so that the emulator does the same work for both sides.
        let wire = "sh -c 'eval \"$(echo \(Data("true".utf8).base64EncodedString()) | base64 -d)\"' < /dev/null"
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["command": wire, "timeout": 30]), as: UTF8.self)
        let quoted = body.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let entry = """
            url = "\(url)"
            header = "Authorization: Bearer \(apiKey)"
            header = "Content-Type: application/json"
            data = "\(quoted)"
            output = "/dev/null"

            """
        let config = root.appendingPathComponent("curl.conf")
        try Data((0..<count).map { _ in entry }.joined(separator: "next\n").utf8).write(to: config)
        _ = try runCurl(config: config)  // warm-up (process start, connection)
        let curlSeconds = try runCurl(config: config)
        await emulator.stop()

        let clientMean = clientSamples.reduce(0, +) / Double(clientSamples.count)
        let curlMean = curlSeconds * 1_000_000 / Double(count)
        let result: [String: Any] = [
            "count": count,
            "client_us_mean": round3(clientMean),
            "client_us_p50": round3(Samples(clientSamples).percentile(50)),
            "client_us_p99": round3(Samples(clientSamples).percentile(99)),
            "curl_us_mean": round3(curlMean),
            "ratio_client_to_curl": round3(clientMean / curlMean),
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }

    /// Runs `curl -s -K config` and returns its wall time in seconds.
    static func runCurl(config: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-K", config.path]
        let start = monotonicNanos()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkError("curl exited \(process.terminationStatus)") }
        return Double(monotonicNanos() - start) / 1_000_000_000
    }
}
