import Emulators
import Foundation
import Testing

/// Daytona's official Python SDK (version pinned in `scripts/daytona-sdk/requirements.txt`)
/// runs its scripted session (`scripts/daytona-sdk/conformance.py`) against an in-process
/// emulator: whatever the SDK needs, the emulator must serve.
///
/// The venv is made once under `.build/daytona-sdk-venv` by `scripts/daytona-sdk/ensure-venv`
/// (PyPI must be reachable the first time). Skipped only when `python3` or its `venv` module is
/// missing.
@Suite("DaytonaEmulatorSDKConformanceTests")
struct DaytonaEmulatorSDKConformanceTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scripts = repository.appendingPathComponent("scripts/daytona-sdk", isDirectory: true)

    /// Whether `python3 -c 'import venv, ensurepip'` works (what `ensure-venv` needs).
    static var canMakeVenv: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import venv, ensurepip"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test(
        .enabled(if: canMakeVenv, "python3 with the venv module is not available; the Daytona SDK conformance run is skipped"),
        .timeLimit(.minutes(15)))
    func officialPythonSDKSessionPassesAgainstTheEmulator() async throws {
        let venv = try await Self.run(
            Self.scripts.appendingPathComponent("ensure-venv").path, [], environment: [:], timeout: .seconds(840))
        try #require(venv.status == 0, "ensure-venv failed (exit \(venv.status)):\n\(venv.output)")
        let python = try #require(
            venv.output.split(separator: "\n").last.map(String.init), "ensure-venv printed no interpreter path")

        let state = DaytonaEmulatorState()
        try await withDaytonaEmulator(state: state) { emulator, _ in
            let session = try await Self.run(
                python, [Self.scripts.appendingPathComponent("conformance.py").path],
                environment: [
                    "DAYTONA_API_URL": emulator.apiURL.absoluteString,
                    "DAYTONA_API_KEY": EmulatorTestClient.daytonaAPIKey,
                ],
                timeout: .seconds(300))
            #expect(session.status == 0, "conformance.py failed (exit \(session.status)):\n\(session.output)")
            #expect(session.output.contains("conformance: all checks passed"), "\(session.output)")

            let recorded = await state.recordedRequests
            #expect(recorded.contains { $0.headers["x-daytona-source"] == "sdk-python" }, "the requests came from the SDK")
            let serverErrors = recorded.filter { $0.responseStatus >= 500 }
            #expect(serverErrors.isEmpty, "\(serverErrors.map { "\($0.method) \($0.path) → \($0.responseStatus)" })")
            if DaytonaSpecValidation.isAvailable {
                // The SDK's Socket.IO attempt (state events) is not part of the REST spec.
                let problems = DaytonaSpecValidation.problems(recorded) { $0.path.hasPrefix("/api/socket.io") }
                #expect(problems.isEmpty, "the SDK sent requests the v0.190 spec does not describe:\n\(problems.joined(separator: "\n"))")
            }
        }
    }

    /// Runs `executable arguments` with this process's environment plus `environment`, and
    /// answers its exit status and combined output (killed after `timeout`).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], timeout: Duration
    ) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-sdk-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let watchdog = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled, process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (status, output)
    }
}
