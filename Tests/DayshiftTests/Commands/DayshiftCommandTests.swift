import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The `demo` and `emulator` commands of the built `dayshift` executable, run as child processes.
@Suite("dayshift commands", .serialized)
struct DayshiftCommandTests {
    @Test("dayshift demo --json turns the sample issue into a pull request, with the tests failing before and passing after")
    func demoSucceeds() async throws {
        let command = try CommandProcess(["demo", "--json", "--timeout", "240"])
        defer { command.remove() }
        let status = try await command.waitForExit(timeoutSeconds: 300)
        let output = command.standardOutput
        #expect(status == 0, "stderr: \(command.standardError.suffix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "one JSON object: \(output)")
        let run = try #require(report["run"] as? [String: Any])
        #expect(run["status"] as? String == "succeeded")
        let pull = try #require(report["pull_request"] as? [String: Any], "\(output)")
        #expect((pull["number"] as? Int ?? 0) > 0)
        #expect((pull["head"] as? String)?.hasPrefix("dayshift/") == true)
        let tests = try #require(report["tests"] as? [String: Any])
        let before = try #require(tests["before"] as? [String: Any])
        let after = try #require(tests["after"] as? [String: Any])
        #expect((before["exit_code"] as? Int).map { $0 != 0 } == true, "the sample's test fails before the fix")
        #expect(after["exit_code"] as? Int == 0, "and passes after it")
        #expect(report["comments"] as? Int == 1)
    }

    @Test("dayshift demo --keep leaves a dayshift.yaml that dayshift serve starts on, and its operator API shows the demo's run")
    func demoKeepServes() async throws {
        let demo = try CommandProcess(["demo", "--json", "--keep", "--timeout", "240"])
        defer { demo.remove() }
        #expect(try await demo.waitForExit(timeoutSeconds: 300) == 0, "stderr: \(demo.standardError.suffix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(demo.standardOutput.utf8)) as? [String: Any])
        let workspace = URL(fileURLWithPath: try #require(report["workspace"] as? String))
        defer { try? FileManager.default.removeItem(at: workspace) }
        #expect(report["serve_command"] as? String == "dayshift serve --config \(workspace.path)/dayshift.yaml")
        let tokenFile = workspace.appendingPathComponent("operator-token")
        #expect(report["operator_token_file"] as? String == tokenFile.path)
        #expect((try FileManager.default.attributesOfItem(atPath: tokenFile.path)[.posixPermissions] as? Int) == 0o600)
        let token = try String(contentsOf: tokenFile, encoding: .utf8)

        let port = try FreePort.next()
        let serve = try CommandProcess(["serve", "--config", workspace.appendingPathComponent("dayshift.yaml").path, "--port", String(port)])
        defer { serve.remove() }
        let runs = URL(string: "http://127.0.0.1:\(port)/api/v1/runs")!
        let answer = try await serve.waitForAnswer(runs, token: token)
        #expect(answer.status == 200, "\(answer) stderr: \(serve.standardError.suffix(2000))")
        let items = (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])?["items"] as? [[String: Any]]
        #expect(items?.count == 1)
        #expect(items?.first?["status"] as? String == "succeeded")
        #expect(try await CommandProcess.request(runs, token: "not-" + token).status == 401)
        #expect(try await serve.stop(signal: SIGTERM) == 0, "stderr: \(serve.standardError.suffix(2000))")
    }

    @Test("dayshift emulator github listens on its port, accepts only the given token, and stops on SIGTERM")
    func githubEmulatorServesAndStops() async throws {
        let port = try FreePort.next()
        let token = "ghp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let command = try CommandProcess(["emulator", "github", "--port", String(port), "--token", token])
        defer { command.remove() }
        let comments = URL(string: "http://127.0.0.1:\(port)/repos/octo/calculator/issues/1/comments")!
        let answer = try await command.waitForAnswer(comments, token: token)
        #expect(answer.status == 200 && answer.body == "[]", "\(answer)")
        #expect(try await CommandProcess.request(comments, token: "not-" + token).status == 401, "another token is refused")
        #expect(try await command.stop(signal: SIGTERM) == 0, "stderr: \(command.standardError.suffix(2000))")
        let afterStop = try? await CommandProcess.request(comments, token: token)
        #expect(afterStop == nil, "nothing listens after the stop")
    }

    @Test("dayshift emulator daytona prints its URLs, serves sandboxes to its API key, and stops on SIGTERM")
    func daytonaEmulatorServesAndStops() async throws {
        let port = try FreePort.next()
        let apiKey = "dtn_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let command = try CommandProcess(["emulator", "daytona", "--port", String(port), "--api-key", apiKey, "--log-level", "warning"])
        defer { command.remove() }
        let sandboxes = URL(string: "http://127.0.0.1:\(port)/api/sandbox")!
        let answer = try await command.waitForAnswer(sandboxes, token: apiKey)
        let listed = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        #expect(answer.status == 200 && (listed?["items"] as? [Any])?.isEmpty == true, "no sandbox yet: \(answer)")
        #expect(command.standardOutput.contains("DAYTONA_API_URL=http://127.0.0.1:\(port)/api\n"), "\(command.standardOutput)")
        #expect(command.standardOutput.contains("DAYTONA_TOOLBOX_URL=http://127.0.0.1:\(port)/toolbox\n"))
        let created = try await CommandProcess.request(sandboxes, token: apiKey, method: "POST", body: Data("{}".utf8))
        #expect(created.status == 200, "\(created)")
        let id = try #require((try? JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try await CommandProcess.request(sandboxes.appendingPathComponent(id), token: apiKey).status == 200)
        #expect(try await CommandProcess.request(sandboxes, token: "not-" + apiKey).status == 401, "another key is refused")
        #expect(try await command.stop(signal: SIGTERM) == 0, "stderr: \(command.standardError.suffix(2000))")
        let afterStop = try? await CommandProcess.request(sandboxes, token: apiKey)
        #expect(afterStop == nil, "nothing listens after the stop")
    }
}

/// One `dayshift` subcommand as a child process, its output kept in files.
final class CommandProcess: @unchecked Sendable {
    let process = Process()
    let directory: TestDirectory
    private let stdoutURL: URL
    private let stderrURL: URL

    init(_ arguments: [String]) throws {
        directory = try TestDirectory("command")
        stdoutURL = directory.url.appendingPathComponent("stdout")
        stderrURL = directory.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = try ServerProcess.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DAYSHIFT_") }
        process.currentDirectoryURL = directory.url
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var standardOutput: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit by itself; returns its exit status.
    func waitForExit(timeoutSeconds: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw HarnessError("\(process.arguments ?? []) still running after \(timeoutSeconds) s; stderr: \(standardError.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Sends `signal` and waits for the exit.
    func stop(signal: Int32, timeoutSeconds: Double = 30) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return try await waitForExit(timeoutSeconds: timeoutSeconds)
    }

    /// Polls `url` until it answers (the process listens), failing early if the process exits.
    func waitForAnswer(_ url: URL, token: String, timeoutSeconds: Double = 60) async throws -> (status: Int, body: String) {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            guard process.isRunning else {
                throw HarnessError("exited with \(process.terminationStatus) before listening; stderr: \(standardError.suffix(2000))")
            }
            if let answer = try? await Self.request(url, token: token) { return answer }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("nothing answered at \(url) within \(timeoutSeconds) s")
    }

    static func request(_ url: URL, token: String, method: String = "GET", body: Data? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Kills the process if it still runs, and removes its files.
    func remove() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        directory.remove()
    }
}
