import DayshiftConfig
import DayshiftCore
@testable import DayshiftServer
import Foundation
import Store
import Testing

/// The dashboard as a person sees it, in a real browser: Debian's headless `chromium` driven by
/// `chromium-driver` through Selenium (`Tests/browser/dashboard.py`, run with the Python of
/// `.build/browser-venv`, which `scripts/install-browser-test` makes). The script signs in, opens
/// a running run, watches a log entry arrive live, cancels the run and waits until the page
/// shows it cancelled; its screenshot is kept in `.build/test-artifacts/dashboard.png`.
///
/// Without the browser or Selenium the test fails and says how to install them: it never skips.
@Suite("Dashboard in a browser")
struct DashboardBrowserTests {
    static let token = "browser-token-\(UUID().uuidString)"

    /// The Python with Selenium: `DAYSHIFT_BROWSER_PYTHON`, else `.build/browser-venv/bin/python3`.
    static var python: URL {
        if let path = ProcessInfo.processInfo.environment["DAYSHIFT_BROWSER_PYTHON"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return RepositoryFile.url(".build/browser-venv/bin/python3")
    }

    @Test("sign in, open a running run, watch a log entry arrive live, cancel it: the page and the store show it cancelled")
    func cancelInTheBrowser() async throws {
        let missing = [Self.python.path, "/usr/bin/chromium", "/usr/bin/chromedriver"].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard missing.isEmpty else {
            Issue.record("the browser test needs \(missing.joined(separator: ", ")): run scripts/install-browser-test")
            return
        }
        try await EndToEndHarness.with(agentScript: "sleep 60", configure: { $0.server.operatorToken = Self.token }) { harness in
            let server = try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 41, title: "Slow <b>agent</b>", body: ""))
            let store = try harness.store
            let run = try await harness.waitForRunningStep(.agent, issue: 41)
            let screenshot = RepositoryFile.url(".build/test-artifacts/dashboard.png")
            try? FileManager.default.removeItem(at: screenshot)

            let result = try await Self.runScript(arguments: [
                RepositoryFile.url("Tests/browser/dashboard.py").path, "--base-url", server.baseURL.absoluteString,
                "--run-id", String(run.id), "--screenshot", screenshot.path, "--timeout", "60",
            ], token: Self.token)
            #expect(result.status == 0, "Tests/browser/dashboard.py exited \(result.status):\n\(result.output)")
            #expect(result.status != 2, "the browser could not start: see the output above")
            #expect(FileManager.default.fileExists(atPath: screenshot.path), "no screenshot at \(screenshot.path)")
            let finished = try await harness.waitForFinishedRun(41, timeoutSeconds: 60)
            #expect(finished.run.id == run.id)
            #expect(finished.run.status == .cancelled)
            let action = try await store.deliveries(matching: DeliveryQuery(event: OperatorActions.event), limit: 5)
            #expect(action.map(\.delivery.action) == ["cancel"], "the browser's cancel was stored as one operator action")
            #expect(!result.output.contains(Self.token))
        }
    }

    /// Runs the Selenium script with the operator token in its environment (not its arguments);
    /// returns its exit status and its output (stdout and stderr).
    static func runScript(arguments: [String], token: String) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DAYSHIFT_OPERATOR_TOKEN"] = token
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-browser-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: output)
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Waits without blocking a concurrency thread; the script gives up after its own timeouts,
        // and is stopped after 5 minutes if it hangs all the same.
        let deadline = ContinuousClock.now + .seconds(300)
        while process.isRunning {
            if ContinuousClock.now > deadline { process.terminate() }
            try await Task.sleep(for: .milliseconds(200))
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}
