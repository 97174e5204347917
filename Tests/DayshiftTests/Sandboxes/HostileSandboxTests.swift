import Foundation
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A hostile "test suite" run through the embedded runner looks for the server's secrets, its
/// database and other sandboxes, and tries to write outside its sandbox.
///
/// Serialized: each test plants a server's world under `/opt`, and another server's world is not
/// this server's to hide.
@Suite("Bubblewrap against a hostile test suite", .enabled(if: IsolationFixture.available, IsolationFixture.unavailableReason),
       .serialized, .timeLimit(.minutes(3)))
struct HostileSandboxTests {
    @Test("with bubblewrap the hostile suite finds no secret, cannot open the database and cannot write outside")
    func isolated() async throws {
        let world = try HostileWorld()
        defer { world.remove() }
        try await IsolationFixture.withProvider(directory: world.directory, hiddenPaths: world.protectedPaths) { provider, _ in
            let report = try await world.attack(with: provider)
            #expect(report.found.isEmpty, "found: \(report.found)")
            #expect(report.wrote.isEmpty, "wrote: \(report.wrote)")
            #expect(!report.environmentLeak)
            #expect(report.processes <= 4, "only the sandbox's own processes are visible, saw \(report.processes)")
            #expect(report.ownFileWritten, "the sandbox itself stays writable")
            #expect(!FileManager.default.fileExists(atPath: world.directory.appendingPathComponent("data/hostile").path))
        }
    }

    @Test("the same suite without isolation finds the secrets (the check can fail)")
    func notIsolated() async throws {
        let world = try HostileWorld()
        defer { world.remove() }
        let provider = LocalSandboxProvider(
            rootDirectory: world.directory.appendingPathComponent("data/sandboxes"), logger: LocalSandboxFixture.quietLogger)
        let report = try await world.attack(with: provider, systemTargets: false)
        #expect(report.found.contains { $0.hasSuffix("dayshift.sqlite") }, "\(report.found)")
        #expect(report.found.contains { $0.hasPrefix("/proc/") }, "\(report.found)")
        #expect(report.wrote.contains { $0.hasSuffix("dayshift.sqlite") }, "\(report.wrote)")
    }
}

/// A server's world in a directory: `data/dayshift.sqlite`, `dayshift.yaml`, `secrets/webhook-secret`,
/// a "server" process holding the secrets in its environment and command line, and a second sandbox.
/// Under `/opt` when it is writable (a visible path, so hiding is put to the test), else in the
/// temporary directory.
struct HostileWorld {
    let directory: URL
    let webhookSecret = "whsec-" + UUID().uuidString.lowercased()
    let githubToken = "ghtok-" + UUID().uuidString.lowercased()
    private let server: Process

    init() throws {
        let opt = URL(fileURLWithPath: "/opt/dayshift-hostile-\(UUID().uuidString.prefix(8).lowercased())")
        if (try? FileManager.default.createDirectory(at: opt, withIntermediateDirectories: false)) != nil {
            directory = opt
        } else {
            directory = try LocalSandboxFixture.makeTemporaryDirectory()
        }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: directory.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        try Data("SQLite format 3 \(githubToken)".utf8).write(to: directory.appendingPathComponent("data/dayshift.sqlite"))
        try Data("webhook:\n  secret_file: secrets/webhook-secret\n".utf8).write(to: directory.appendingPathComponent("dayshift.yaml"))
        try Data(webhookSecret.utf8).write(to: directory.appendingPathComponent("secrets/webhook-secret"))
        server = Process()
        server.executableURL = URL(fileURLWithPath: "/bin/sh")
        server.arguments = ["-c", "exec sleep 120", "dayshift-serve", githubToken]
        server.environment = ["DAYSHIFT_WEBHOOK_SECRET": webhookSecret, "DAYSHIFT_GITHUB_TOKEN": githubToken, "PATH": "/usr/bin:/bin"]
        try server.run()
        setenv("DAYSHIFT_HOSTILE_TEST_SECRET", webhookSecret, 1)
    }

    /// What the server hides besides `data_dir`: its configuration file and secret files.
    var protectedPaths: [String] {
        [directory.appendingPathComponent("dayshift.yaml").path, directory.appendingPathComponent("secrets").path]
    }

    func remove() {
        kill(server.processIdentifier, SIGKILL)  // SIGTERM may be blocked in children of the test runner
        server.waitUntilExit()
        unsetenv("DAYSHIFT_HOSTILE_TEST_SECRET")
        LocalSandboxFixture.removeTree(directory)
    }

    struct Report: Decodable {
        var found: [String]
        var wrote: [String]
        var environmentLeak: Bool
        var processes: Int
        var ownFileWritten: Bool
    }

    /// Makes a victim sandbox and an attacker sandbox, runs the hostile suite in the attacker.
    /// - Parameter systemTargets: also try to write in `/usr`, `/etc`, `/opt` and `/` (only where
    ///   that cannot succeed: never without isolation, as root).
    func attack(with provider: LocalSandboxProvider, systemTargets: Bool = true) async throws -> Report {
        let victim = try await provider.create(SandboxCreateRequest(name: "victim", labels: [:]))
        try await provider.uploadFile(in: victim.id, path: "victim-secret.txt", contents: Data(githubToken.utf8))
        let attacker = try await provider.create(SandboxCreateRequest(name: "attacker", labels: [:]))
        let data = directory.appendingPathComponent("data").path
        let targets = (systemTargets ? ["/usr/hostile", "/etc/hostile", "/opt/hostile", "/hostile"] : []) + [
            "\(data)/hostile", "\(data)/dayshift.sqlite", "\(directory.path)/hostile", "\(victim.homeDirectory)/hostile",
            "\(victim.homeDirectory)/victim-secret.txt",
        ]
        // The secrets travel reversed, so the script's own file never matches what it looks for.
        let script = Self.script
            .replacingOccurrences(of: "@SECRETS@", with: Self.pythonList([webhookSecret, githubToken].map { String($0.reversed()) }))
            .replacingOccurrences(of: "@TARGETS@", with: Self.pythonList(targets))
            .replacingOccurrences(of: "@READS@", with: Self.pythonList([
                "\(data)/dayshift.sqlite", "\(directory.path)/secrets/webhook-secret", "\(directory.path)/dayshift.yaml",
                "\(victim.homeDirectory)/victim-secret.txt",
            ]))
        try await provider.uploadFile(in: attacker.id, path: "hostile.py", contents: Data(script.utf8))
        let result = try await provider.execute(in: attacker.id, SandboxCommand("python3 hostile.py", timeoutSeconds: 150))
        #expect(result.exitCode == 0, "\(result.output)")
        let line = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(result.output)")
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    static func pythonList(_ items: [String]) -> String {
        "[" + items.map { "'" + $0 + "'" }.joined(separator: ", ") + "]"
    }

    static let script = """
        import glob, json, os
        secrets = [s[::-1].encode() for s in @SECRETS@]
        names = {'dayshift.sqlite', 'victim-secret.txt'}
        found, wrote = [], []
        for path in glob.glob('/proc/*/environ') + glob.glob('/proc/*/cmdline'):
            try:
                data = open(path, 'rb').read()
            except OSError:
                continue
            if any(s in data for s in secrets):
                found.append(path)
        for root, dirs, files in os.walk('/'):
            # Pseudo file systems, and big trees no server data lives in here (to keep the walk short).
            if root in ('/proc', '/sys', '/dev', '/usr', '/opt/swift', '/opt/swift-packages', '/work', '/farm') or root.startswith('/root/.'):
                dirs[:] = []
                continue
            dirs[:] = [d for d in dirs if d not in ('.build', '.git', 'node_modules')]
            for name in files:
                if name in names:
                    found.append(os.path.join(root, name))
        for path in @READS@:
            try:
                if open(path, 'rb').read():
                    found.append('read ' + path)
            except OSError:
                pass
        for path in @TARGETS@:
            try:
                with open(path, 'a') as f:
                    f.write('owned')
                wrote.append(path)
            except OSError:
                pass
        own = False
        try:
            with open('own.txt', 'w') as f:
                f.write('mine')
            own = True
        except OSError:
            pass
        leak = any(s in (k + '=' + v).encode() for k, v in os.environ.items() for s in secrets)
        processes = len([d for d in os.listdir('/proc') if d.isdigit()])
        print(json.dumps({'found': found, 'wrote': wrote, 'environmentLeak': leak, 'processes': processes, 'ownFileWritten': own}))

        """
}
