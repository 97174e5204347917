import DayshiftConfig
import Foundation
import Testing

/// `Config/dayshift.service`: what it promises, and `systemd-analyze verify` where systemd is installed.
@Suite("systemd unit")
struct SystemdUnitTests {
    /// `Key=value` lines of the unit, comments and blank lines left out, in order.
    static func assignments() throws -> [(key: String, value: String)] {
        try RepositoryFile.text("Config/dayshift.service").split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix("["), let equals = trimmed.firstIndex(of: "=") else { return nil }
            return (String(trimmed[..<equals]), String(trimmed[trimmed.index(after: equals)...]))
        }
    }

    static func values(_ key: String) throws -> [String] { try assignments().filter { $0.key == key }.map(\.value) }

    static let systemdAnalyze: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("notify-type, restarted on failure, with a state directory and the hardening it promises")
    func promises() throws {
        let expected = [
            "Type": "notify", "NotifyAccess": "main", "Restart": "on-failure", "StateDirectory": "dayshift", "StateDirectoryMode": "0700",
            "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "UMask": "0077",
        ]
        for (key, value) in expected {
            #expect(try Self.values(key) == [value], "\(key)")
        }
        // bwrap builds every sandbox from user namespaces and mounts a fresh /proc: nothing may forbid that.
        #expect(try Self.values("RestrictNamespaces").first?.split(separator: " ").contains("user") == true)
        for key in ["ProtectKernelTunables", "ProtectKernelLogs", "ProcSubset", "PrivateUsers", "MemoryDenyWriteExecute"] {
            #expect(try Self.values(key).isEmpty, "\(key) would stop bubblewrap or the sandboxes' runtimes")
        }
        #expect(try Self.values("ExecStart").first?.hasSuffix("dayshift serve --config /etc/dayshift/dayshift.yaml") == true)
        // Longer than the server's own grace period, so SIGTERM's graceful stop can finish.
        let stopSeconds = try #require(try Self.values("TimeoutStopSec").first.flatMap { Double($0) })
        #expect(stopSeconds > DayshiftConfiguration().server.shutdownGraceSeconds)
    }

    @Test("each credential it loads reaches the configuration through a DAYSHIFT_*_FILE variable, and serve then has what it needs")
    func credentials() throws {
        let credentials = try TestDirectory("credentials")
        defer { credentials.remove() }
        var written: [String: String] = [:]
        for line in try Self.values("LoadCredential") {
            let name = try #require(line.split(separator: ":").first.map(String.init))
            let secret = UUID().uuidString + UUID().uuidString
            try Data("\(secret)\n".utf8).write(to: credentials.url.appendingPathComponent(name))
            written[name] = secret
        }
        #expect(Set(written.keys) == ["webhook-secret", "github-app-key"])
        // What systemd does: %d is $CREDENTIALS_DIRECTORY.
        var environment = ["DAYSHIFT_GITHUB_APP_ID": "123456"]
        for line in try Self.values("Environment") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            environment[parts[0]] = parts[1].replacingOccurrences(of: "%d", with: credentials.path)
        }
        let configuration = try DayshiftConfiguration.parse(yaml: "", environment: environment)
        #expect(configuration.webhook.secret == written["webhook-secret"])
        #expect(configuration.github.privateKeyPEM == written["github-app-key"])
        #expect(configuration.dataDirectory == "/var/lib/dayshift")
        try configuration.checkServeRequirements()
    }

    @Test("systemd-analyze verify finds nothing to say about it",
          .enabled(if: SystemdUnitTests.systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd); the unit was not verified"))
    func verify() throws {
        let directory = try TestDirectory("unit")
        defer { directory.remove() }
        // verify checks that ExecStart's program exists: point it at the binary these tests were built with.
        let binary = try ServerProcess.binary.path
        let unit = try RepositoryFile.text("Config/dayshift.service").replacingOccurrences(of: "/usr/local/bin/dayshift", with: binary)
        let path = directory.url.appendingPathComponent("dayshift.service")
        try Data(unit.utf8).write(to: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.systemdAnalyze))
        process.arguments = ["verify", path.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Other units of the machine may draw remarks; none may be about this one.
        let remarks = output.split(separator: "\n").filter { $0.contains("dayshift.service") }
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(remarks.isEmpty, "\(remarks.joined(separator: "\n"))")
    }
}
