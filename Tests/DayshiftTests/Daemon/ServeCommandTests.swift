import DayshiftServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dayshift serve` as an operator meets it: the real binary, its exit status and its standard error.
@Suite("dayshift serve as a daemon", .serialized)
struct ServeCommandTests {
    /// Secrets made for this run; never written into the repository.
    static let webhookSecret = "whs-" + UUID().uuidString
    static let githubToken = "tok-" + UUID().uuidString

    static func environment(_ directory: TestDirectory, _ extra: [String: String] = [:]) -> [String: String] {
        ["DAYSHIFT_DATA_DIR": directory.url.appendingPathComponent("state/data").path, "DAYSHIFT_SANDBOX_ISOLATION": "none",
         "DAYSHIFT_WEBHOOK_SECRET": webhookSecret, "DAYSHIFT_GITHUB_TOKEN": githubToken].merging(extra) { _, new in new }
    }

    @Test("--version prints the version")
    func version() async throws {
        let directory = try TestDirectory("version")
        defer { directory.remove() }
        let result = try await DayshiftCommand.run(["--version"], in: directory)
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == DayshiftVersion.current)
    }

    @Test("without a webhook secret, or without GitHub credentials, serve refuses to start in one line naming what is missing",
          arguments: [("DAYSHIFT_WEBHOOK_SECRET", "no webhook secret"), ("DAYSHIFT_GITHUB_TOKEN", "no GitHub credentials")])
    func refusesWithout(variable: String, problem: String) async throws {
        let directory = try TestDirectory("refuse")
        defer { directory.remove() }
        var environment = Self.environment(directory)
        environment[variable] = nil
        let result = try await DayshiftCommand.run(["serve", "--port", "0"], environment: environment, in: directory)
        #expect(result.status == 2)
        let lines = result.errors.split(separator: "\n")
        #expect(lines.count == 1, "\(result.errors)")
        #expect(lines.first?.hasPrefix("dayshift: config: ") == true)
        #expect(lines.first?.contains(problem) == true)
        #expect(lines.first?.contains(variable) == true)
    }

    @Test("DAYSHIFT_LOG_LEVEL=verbose is refused in one line naming the variable")
    func unknownLogLevel() async throws {
        let directory = try TestDirectory("loglevel")
        defer { directory.remove() }
        let result = try await DayshiftCommand.run(["serve"], environment: Self.environment(directory, ["DAYSHIFT_LOG_LEVEL": "verbose"]), in: directory)
        #expect(result.status == 2)
        #expect(result.errors.split(separator: "\n").count == 1)
        #expect(result.errors.contains("DAYSHIFT_LOG_LEVEL") && result.errors.contains("verbose"))
    }

    @Test("a port already in use gives one line with the address")
    func portInUse() async throws {
        let directory = try TestDirectory("port")
        defer { directory.remove() }
        let listener = try TCPListener()
        defer { listener.close() }
        let result = try await DayshiftCommand.run(["serve", "--port", "\(listener.port)", "--log-level", "error"],
                                                   environment: Self.environment(directory), in: directory)
        #expect(result.status == 2)
        let lines = result.errors.split(separator: "\n")
        #expect(lines.count == 1, "\(result.errors)")
        #expect(lines.first?.contains("127.0.0.1:\(listener.port) is already in use") == true)
    }

    @Test("under systemd: READY=1 once listening, JSON logs, \"stopping\" at SIGTERM, STOPPING=1, \"stopped\", exit 0; private data")
    func lifecycle() async throws {
        let directory = try TestDirectory("lifecycle")
        defer { directory.remove() }
        let notify = try DatagramListener(path: directory.url.appendingPathComponent("notify").path)
        let port = try FreePort.next()
        let server = try DayshiftCommand(["serve", "--port", "\(port)"], environment: Self.environment(directory, ["NOTIFY_SOCKET": notify.path]),
                                         in: directory)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let ready = try #require(notify.receive(), "no READY=1 within 30 s; stderr: \(server.errors)")
        #expect(ready == "READY=1\nSTATUS=listening on http://127.0.0.1:\(port)")
        // Ready means listening.
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)

        kill(server.process.processIdentifier, SIGTERM)
        try await server.waitForLog("\"message\":\"stopping\"", timeoutSeconds: 60)
        #expect(notify.receive() == "STOPPING=1\nSTATUS=stopping")
        #expect(try await server.waitForExit(timeoutSeconds: 60) == 0)

        let lines = server.jsonLines
        #expect(lines.allSatisfy { $0 != nil }, "every line is a JSON object: \(server.errors)")
        let messages = lines.compactMap { $0?["message"] as? String }
        let starting = try #require(lines.compactMap { $0 }.first { $0["message"] as? String == "dayshift starting" })
        #expect(starting["version"] as? String == DayshiftVersion.current)
        #expect(lines.compactMap { $0 }.allSatisfy { ($0["time"] as? String)?.hasSuffix("Z") == true && $0["level"] is String })
        let stopping = try #require(messages.firstIndex(of: "stopping"))
        let stopped = try #require(messages.firstIndex(of: "stopped"))
        #expect(stopping < stopped && stopped == messages.count - 1)
        #expect(!server.errors.contains(Self.webhookSecret) && !server.errors.contains(Self.githubToken))

        // data_dir (and not its parent) is private to the server's user, and so is the database.
        let data = directory.url.appendingPathComponent("state/data")
        #expect(try Self.mode(data) == 0o700)
        #expect(try Self.mode(data.deletingLastPathComponent()) != 0o700)
        for name in ["dayshift.sqlite", "dayshift.sqlite-wal", "dayshift.sqlite-shm"] where FileManager.default.fileExists(atPath: data.appendingPathComponent(name).path) {
            #expect(try Self.mode(data.appendingPathComponent(name)) == 0o600, "\(name)")
        }
        #expect(try Self.mode(data.appendingPathComponent("dayshift.sqlite")) == 0o600)
    }

    @Test("at start, serve says in one line whether the configured agent's executable is in a sandbox",
          arguments: [("/nonexistent/dayshift-no-claude", "/nonexistent/dayshift-no-claude (from agent.profile claude-code) is not found in a sandbox"),
                      ("/bin/sh", "agent: /bin/sh found in a sandbox at /bin/sh")])
    func agentExecutableAtStart(executable: String, line: String) async throws {
        let directory = try TestDirectory("serve-agent")
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("dayshift.yaml")
        try Data("agent:\n  profile: claude-code\n  executable: \(executable)\n".utf8).write(to: config)
        let server = try DayshiftCommand(["serve", "--port", "0", "--config", config.path], environment: Self.environment(directory), in: directory)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        try await server.waitForLog(line)
        #expect(server.errors.split(separator: "\n").filter { $0.contains(executable) && $0.contains("sandbox") }.count == 1)
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.waitForExit(timeoutSeconds: 60) == 0)
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}

/// A TCP socket listening on a free loopback port, to stand in for another server.
final class TCPListener: @unchecked Sendable {
    private let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed") }
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, 1) == 0 else { Glibc.close(descriptor); throw HarnessError("bind() or listen() failed") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
