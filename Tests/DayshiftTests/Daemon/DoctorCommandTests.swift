import DayshiftConfig
import DayshiftServer
import Emulators
import Foundation
import HTTPServing
import Logging
import Store
import Testing

/// `dayshift doctor` and `dayshift deliver`: the real binary against the GitHub emulator and a server on loopback.
@Suite("dayshift doctor and deliver")
struct DoctorCommandTests {
    @Test("doctor on a broken configuration names each problem on its own line and exits 1")
    func brokenConfiguration() async throws {
        let directory = try TestDirectory("doctor-broken")
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("dayshift.yaml")
        try Data("""
            data_dir: \(directory.path)/data
            github:
              api_url: http://127.0.0.1:9
            agent:
              command: no-such-agent-\(UUID().uuidString.prefix(6)) --print
            sandbox:
              local:
                isolation: none

            """.utf8).write(to: config)
        let result = try await DayshiftCommand.run(["doctor", "--config", config.path], environment: ["DAYSHIFT_GITHUB_TOKEN": "not-a-real-token"],
                                                   in: directory, timeoutSeconds: 120)
        #expect(result.status == 1, "\(result.output)\(result.errors)")
        let failures = result.output.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(failures.count == 3, "\(result.output)")
        #expect(failures.contains { $0.hasPrefix("FAIL  webhook secret: not set") })
        #expect(failures.contains { $0.hasPrefix("FAIL  GitHub: http://127.0.0.1:9") })
        #expect(failures.contains { $0.contains("agent: no-such-agent") && $0.contains("not found in a sandbox") })
        #expect(result.output.contains("ok    GitHub credentials: a personal access token"))
        #expect(!result.output.contains("not-a-real-token"))
        // Nothing was migrated or left behind: no database, no sandbox.
        #expect(try Store.inspect(directory: directory.url.appendingPathComponent("data")) == nil)
        let sandboxes = directory.url.appendingPathComponent("data/sandboxes").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: sandboxes)) ?? []).filter { !$0.hasPrefix(".") }.isEmpty)
    }

    @Test("doctor on a working configuration: every line ok or note, the App authenticated by the emulator, exit 0, no secret printed")
    func workingConfiguration() async throws {
        let directory = try TestDirectory("doctor-ok")
        defer { directory.remove() }
        let emulator = try await GitHubEmulator.start()
        let key = try await emulator.state.registerApp(id: 777, slug: "dayshift-doctor")
        let keyFile = directory.url.appendingPathComponent("app.pem")
        try Data(key.utf8).write(to: keyFile)
        let secret = "doctor-secret-\(UUID().uuidString)"
        let result = try await DayshiftCommand.run(["doctor"], environment: [
            "DAYSHIFT_DATA_DIR": directory.url.appendingPathComponent("data").path,
            "DAYSHIFT_WEBHOOK_SECRET": secret,
            "DAYSHIFT_GITHUB_APP_ID": "777",
            "DAYSHIFT_GITHUB_PRIVATE_KEY_FILE": keyFile.path,
            "DAYSHIFT_GITHUB_API_URL": emulator.baseURL.absoluteString,
            "DAYSHIFT_SANDBOX_ISOLATION": "none",
            "DAYSHIFT_CONFIG": try Self.agentConfig(directory, command: "sh -c true"),
        ], in: directory, timeoutSeconds: 120)
        await emulator.stop()
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("ok    GitHub: \(emulator.baseURL.absoluteString): App dayshift-doctor (id 777)"), "\(result.output)")
        #expect(result.output.contains("ok    agent: sh found in a sandbox"), "\(result.output)")
        #expect(!result.output.contains("FAIL"))
        #expect(!SecretForms.occurs(secret, in: result.output) && !SecretForms.occurs(key, in: result.output))

        // A personal access token is proved with GET /rate_limit.
        let tokenEmulator = try await GitHubEmulator.start()
        let withToken = try await DayshiftCommand.run(["doctor"], environment: [
            "DAYSHIFT_DATA_DIR": directory.url.appendingPathComponent("data").path,
            "DAYSHIFT_WEBHOOK_SECRET": secret,
            "DAYSHIFT_GITHUB_TOKEN": "doctor-token",
            "DAYSHIFT_GITHUB_API_URL": tokenEmulator.baseURL.absoluteString,
            "DAYSHIFT_SANDBOX_ISOLATION": "none",
            "DAYSHIFT_CONFIG": try Self.agentConfig(directory, command: "sh -c true"),
        ], in: directory, timeoutSeconds: 120)
        await tokenEmulator.stop()
        #expect(withToken.status == 0, "\(withToken.output)\(withToken.errors)")
        #expect(withToken.output.contains("ok    GitHub: \(tokenEmulator.baseURL.absoluteString): token accepted; 5000 of 5000 core requests left"),
                "\(withToken.output)")
    }

    @Test("doctor fails an agent script the isolated sandbox cannot see, and passes it once listed in read_only_paths")
    func agentScriptVisibility() async throws {
        let directory = try TestDirectory("doctor-script")
        defer { directory.remove() }
        let script = directory.url.appendingPathComponent("agent.sh")
        try Data("echo agent\n".utf8).write(to: script)
        func doctor(readOnly: Bool) async throws -> (status: Int32, output: String, errors: String) {
            let config = directory.url.appendingPathComponent("dayshift.yaml")
            try Data("""
                data_dir: \(directory.path)/data
                agent:
                  command: sh \(script.path)
                sandbox:
                  local:
                    isolation: bubblewrap
                \(readOnly ? "    read_only_paths: [/usr, /bin, /lib, /lib64, /etc, \(script.path)]" : "")

                """.utf8).write(to: config)
            return try await DayshiftCommand.run(["doctor", "--config", config.path], environment: ["DAYSHIFT_WEBHOOK_SECRET": "s"],
                                                 in: directory, timeoutSeconds: 120)
        }
        let hidden = try await doctor(readOnly: false)
        #expect(hidden.output.contains("FAIL  agent: \(script.path) (from agent.command) is not visible in a sandbox; list it in sandbox.local.read_only_paths"),
                "\(hidden.output)\(hidden.errors)")
        let listed = try await doctor(readOnly: true)
        #expect(listed.output.contains("ok    agent: sh found in a sandbox"), "\(listed.output)\(listed.errors)")
    }

    @Test("deliver signs an issues.labeled delivery with the configured secret; the server stores it and acts")
    func deliverLabeled() async throws {
        let directory = try TestDirectory("deliver")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        configuration.server.shutdownGraceSeconds = 0  // the run it starts can only fail: stop at once
        let server = try await DayshiftApplication.start(configuration: configuration, logger: OfflineApplication.quietLogger, environment: [:])
        let url = server.baseURL.appendingPathComponent("webhooks/github").absoluteString
        // The server's address alone is enough: deliver posts to its /webhooks/github.
        let sent = try await DayshiftCommand.run(["deliver", "--url", server.baseURL.absoluteString, "--labeled", "Octo/Hello#7", "--title", "add() is wrong"],
                                                 environment: ["DAYSHIFT_WEBHOOK_SECRET": configuration.webhook.secret], in: directory)
        let wrong = try await DayshiftCommand.run(["deliver", "--url", url, "--labeled", "octo/hello#8"],
                                                  environment: ["DAYSHIFT_WEBHOOK_SECRET": "another-secret"], in: directory)
        let store = server.application.instance.store
        let stored = try await store.deliveries(matching: DeliveryQuery(), limit: 10)
        await server.stop()
        #expect(sent.status == 0, "\(sent.output)\(sent.errors)")
        #expect(sent.output.hasPrefix("issues delivery ") && sent.output.contains("HTTP 202"), "\(sent.output)")
        #expect(wrong.status == 1 && wrong.output.contains("HTTP 401"), "\(wrong.output)\(wrong.errors)")
        #expect(stored.count == 1)
        #expect(stored.first?.delivery.decision.isActed == true)
        #expect(stored.first?.delivery.issueNumber == 7)
    }

    /// A configuration file setting only `agent.command`.
    static func agentConfig(_ directory: TestDirectory, command: String) throws -> String {
        let file = directory.url.appendingPathComponent("agent.yaml")
        try Data("agent:\n  command: \(command)\n".utf8).write(to: file)
        return file.path
    }
}
