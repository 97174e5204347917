import Foundation
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private typealias Fixture = LocalSandboxFixture

@Suite("LocalSandboxProvider", .timeLimit(.minutes(1)))
struct LocalSandboxProviderTests {
    // MARK: Lifecycle

    @Test func createFindGetDelete() async throws {
        try await Fixture.withProvider { provider, _ in
            #expect(provider.kind == "local")
            let a = try await provider.create(
                SandboxCreateRequest(name: "a", labels: ["dayshift.managed": "true", "dayshift.run": "1"]))
            let b = try await provider.create(
                SandboxCreateRequest(name: "b", labels: ["dayshift.managed": "true", "dayshift.run": "2"]))

            #expect(a.id == a.id.lowercased() && UUID(uuidString: a.id) != nil)
            #expect(a.state == "started")
            #expect(a.homeDirectory == provider.rootDirectory.appendingPathComponent("\(a.id)/home").path)
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: a.homeDirectory, isDirectory: &isDirectory) && isDirectory.boolValue)
            let entries = try FileManager.default.contentsOfDirectory(
                atPath: provider.rootDirectory.appendingPathComponent(a.id).path)
            #expect(entries.sorted() == ["home", "sandbox.json", "tmp"])

            #expect(try await provider.find(labels: ["dayshift.run": "2"]) == [b])
            #expect(try await provider.find(labels: ["dayshift.managed": "true"]).map(\.id).sorted() == [a.id, b.id].sorted())
            #expect(try await provider.find(labels: [:]).count == 2)
            #expect(try await provider.find(labels: ["dayshift.run": "3"]).isEmpty)
            #expect(try await provider.get(id: a.id) == a)
            #expect(try await provider.get(id: UUID().uuidString.lowercased()) == nil)
            #expect(try await provider.get(id: "../\(a.id)") == nil)

            try await provider.delete(id: a.id)
            #expect(try await provider.get(id: a.id) == nil)
            #expect(!FileManager.default.fileExists(atPath: provider.rootDirectory.appendingPathComponent(a.id).path))
            #expect(try await provider.find(labels: [:]) == [b])
            try await provider.delete(id: a.id)  // missing → success
            try await provider.delete(id: "..")  // not an id → nothing happens
            #expect(try await provider.get(id: b.id) == b)
        }
    }

    @Test func duplicateNameIsRefusedUntilDeleted() async throws {
        try await Fixture.withProvider { provider, _ in
            let first = try await provider.create(SandboxCreateRequest(name: "dayshift-octo-hello-42-r1", labels: [:]))
            await #expect(throws: SandboxError.createFailed("sandbox with name dayshift-octo-hello-42-r1 already exists")) {
                _ = try await provider.create(SandboxCreateRequest(name: "dayshift-octo-hello-42-r1", labels: [:]))
            }
            #expect(try await provider.find(labels: [:]).count == 1)
            try await provider.delete(id: first.id)
            let second = try await provider.create(SandboxCreateRequest(name: "dayshift-octo-hello-42-r1", labels: [:]))
            #expect(second.id != first.id)
        }
    }

    @Test func directoryWithoutValidMetadataIsIgnored() async throws {
        try await Fixture.withProvider { provider, _ in
            let good = try await provider.create(SandboxCreateRequest(name: "good", labels: [:]))
            let brokenID = UUID().uuidString.lowercased()
            let broken = provider.rootDirectory.appendingPathComponent(brokenID)
            try FileManager.default.createDirectory(at: broken.appendingPathComponent("home"), withIntermediateDirectories: true)
            try Data("{\"id\": ".utf8).write(to: broken.appendingPathComponent("sandbox.json"))
            let bare = provider.rootDirectory.appendingPathComponent(UUID().uuidString.lowercased())
            try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)

            #expect(try await provider.find(labels: [:]) == [good])
            #expect(try await provider.get(id: brokenID) == nil)
            await #expect(throws: SandboxError.notFound(brokenID)) {
                _ = try await provider.execute(in: brokenID, SandboxCommand("true"))
            }
        }
    }

    // MARK: Execute

    @Test func executeCapturesCombinedOutputAndExitCodes() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "exec", labels: [:]))
            let result = try await provider.execute(in: sandbox.id, SandboxCommand("echo out; echo err >&2; exit 3"))
            #expect(result.exitCode == 3)
            #expect(result.output == "out\nerr\n")
            #expect(!result.timedOut && !result.outputTruncated)
            #expect(result.durationSeconds > 0 && result.durationSeconds < 50)  // measured, and below the suite's one-minute limit

            #expect(try await provider.execute(in: sandbox.id, SandboxCommand("true")).exitCode == 0)
            // Killed by a signal: 128 + 9.
            #expect(try await provider.execute(in: sandbox.id, SandboxCommand("kill -9 $$")).exitCode == 137)

            // Working directory: home by default, relative paths against home.
            #expect(try await provider.execute(in: sandbox.id, SandboxCommand("pwd")).output == sandbox.homeDirectory + "\n")
            _ = try await provider.execute(in: sandbox.id, SandboxCommand("mkdir -p sub/dir"))
            let pwd = try await provider.execute(in: sandbox.id, SandboxCommand("pwd", workingDirectory: "sub/dir"))
            #expect(pwd.output == sandbox.homeDirectory + "/sub/dir\n")
            await #expect(throws: SandboxError.self) {
                _ = try await provider.execute(in: sandbox.id, SandboxCommand("pwd", workingDirectory: "missing"))
            }
        }
    }

    @Test func executeOnMissingSandboxThrowsNotFound() async throws {
        try await Fixture.withProvider { provider, _ in
            let id = UUID().uuidString.lowercased()
            await #expect(throws: SandboxError.notFound(id)) {
                _ = try await provider.execute(in: id, SandboxCommand("true"))
            }
        }
    }

    @Test func outputLimitKeepsTheTail() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "tail", labels: [:]))
            let result = try await provider.execute(
                in: sandbox.id,
                SandboxCommand("head -c 200000 /dev/zero | tr '\\000' a; printf END", outputLimitBytes: 100))
            #expect(result.exitCode == 0)
            #expect(result.outputTruncated)
            #expect(result.output.utf8.count == 100)
            #expect(result.output == String(repeating: "a", count: 97) + "END")

            let small = try await provider.execute(in: sandbox.id, SandboxCommand("printf 12345", outputLimitBytes: 5))
            #expect(small.output == "12345" && !small.outputTruncated)
        }
    }

    @Test func environmentIsMinimalAndLayered() async throws {
        let leaked = "DAYSHIFT_TEST_SERVER_SECRET_\(UInt32.random(in: 0...UInt32.max))"
        setenv(leaked, "server-secret-value", 1)
        defer { unsetenv(leaked) }
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(
                SandboxCreateRequest(name: "env", labels: [:], environment: ["FROM_SANDBOX": "s", "OVERRIDDEN": "sandbox"]))
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("env", environment: ["FROM_COMMAND": "c", "OVERRIDDEN": "command"]))
            #expect(result.exitCode == 0)
            let variables = Dictionary(
                result.output.split(separator: "\n").compactMap { line -> (String, String)? in
                    guard let equals = line.firstIndex(of: "=") else { return nil }
                    return (String(line[..<equals]), String(line[line.index(after: equals)...]))
                }, uniquingKeysWith: { _, last in last })
            #expect(variables[leaked] == nil)
            #expect(!result.output.contains("server-secret-value"))
            #expect(variables["HOME"] == sandbox.homeDirectory)
            #expect(variables["TMPDIR"] == provider.rootDirectory.appendingPathComponent("\(sandbox.id)/tmp").path)
            #expect(variables["LANG"] == "C.UTF-8")
            #expect(variables["PATH"] == ProcessInfo.processInfo.environment["PATH"])
            #expect(variables["FROM_SANDBOX"] == "s")
            #expect(variables["FROM_COMMAND"] == "c")
            #expect(variables["OVERRIDDEN"] == "command")
        }
    }

    // MARK: Deadline and cancellation

    @Test func deadlineKillsAForegroundCommand() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "deadline", labels: [:]))
            let start = Date()
            let result = try await provider.execute(in: sandbox.id, SandboxCommand("echo before; sleep 300", timeoutSeconds: 1))
            #expect(Date().timeIntervalSince(start) < 50)  // the command sleeps 300 s: well under it, with room for a loaded CI machine
            #expect(result.exitCode == 124)
            #expect(result.timedOut)
            #expect(result.output == "before\n")
        }
    }

    @Test func deadlineKillsABackgroundChildHoldingStdout() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "background", labels: [:]))
            let start = Date()
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("sleep 300 & echo $! > bg.pid; wait", timeoutSeconds: 1))
            #expect(Date().timeIntervalSince(start) < 50)  // the command sleeps 300 s: well under it, with room for a loaded CI machine
            #expect(result.exitCode == 124 && result.timedOut)
            let pid = try #require(pid_t(try await readFile(provider, sandbox.id, "bg.pid")))
            #expect(await Fixture.waitUntilDead(pid))
        }
    }

    @Test func deadlineStaysArmedAfterTheCommandClosesItsOutput() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "closed", labels: [:]))
            let start = Date()
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("echo bye; exec >/dev/null 2>&1; sleep 300", timeoutSeconds: 1))
            #expect(Date().timeIntervalSince(start) < 50)  // the command sleeps 300 s: well under it, with room for a loaded CI machine
            #expect(result.exitCode == 124 && result.timedOut)
            #expect(result.output == "bye\n")
        }
    }

    @Test func backgroundChildDoesNotOutliveACommandThatExits() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "leftover", labels: [:]))
            let start = Date()
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("sleep 300 & echo $! > bg.pid; echo done", timeoutSeconds: 20))
            #expect(Date().timeIntervalSince(start) < 50)  // the command sleeps 300 s: well under it, with room for a loaded CI machine
            #expect(result.exitCode == 0 && !result.timedOut)
            #expect(result.output == "done\n")
            let pid = try #require(pid_t(try await readFile(provider, sandbox.id, "bg.pid")))
            #expect(await Fixture.waitUntilDead(pid))
        }
    }

    @Test func cancellingTheTaskKillsTheProcessGroup() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "cancel", labels: [:]))
            let task = Task {
                try await provider.execute(
                    in: sandbox.id, SandboxCommand("sleep 300 & echo $! > bg.pid; echo $$ > sh.pid; wait", timeoutSeconds: 60))
            }
            // Wait for the command to be running.
            let pidFile = URL(fileURLWithPath: sandbox.homeDirectory).appendingPathComponent("sh.pid")
            let waitStart = Date()
            while (try? String(contentsOf: pidFile, encoding: .utf8))?.hasSuffix("\n") != true {
                try #require(Date().timeIntervalSince(waitStart) < 10, "command did not start")
                try await Task.sleep(for: .milliseconds(20))
            }
            let start = Date()
            task.cancel()
            await #expect(throws: CancellationError.self) { _ = try await task.value }
            #expect(Date().timeIntervalSince(start) < 50)  // the command sleeps 300 s: well under it, with room for a loaded CI machine
            let shell = try #require(pid_t(try await readFile(provider, sandbox.id, "sh.pid")))
            let child = try #require(pid_t(try await readFile(provider, sandbox.id, "bg.pid")))
            #expect(await Fixture.waitUntilDead(shell))
            #expect(await Fixture.waitUntilDead(child))
        }
    }

    // MARK: Git

    @Test func gitCloneOfALocalBareRepository() async throws {
        try await Fixture.withProvider { provider, root in
            let bare = try Fixture.makeBareRepository(in: root)
            let sandbox = try await provider.create(SandboxCreateRequest(name: "git", labels: [:]))

            // Default branch, plain path URL.
            try await provider.gitClone(in: sandbox.id, GitCloneRequest(url: bare.path, path: "repo"))
            #expect(try await readFile(provider, sandbox.id, "repo/README.md") == "main")
            await #expect(throws: SandboxError.fileNotFound("repo/feature.txt")) {
                _ = try await provider.downloadFile(in: sandbox.id, path: "repo/feature.txt")
            }

            // Named branch, file:// URL, absolute destination inside the sandbox.
            let destination = sandbox.homeDirectory + "/work/feature"
            try await provider.gitClone(
                in: sandbox.id, GitCloneRequest(url: bare.absoluteURL.absoluteString, path: destination, branch: "feature"))
            #expect(try await readFile(provider, sandbox.id, "work/feature/feature.txt") == "feature")
            let head = try await provider.execute(
                in: sandbox.id, SandboxCommand("git rev-parse --abbrev-ref HEAD", workingDirectory: "work/feature"))
            #expect(head.output == "feature\n")

            // A missing branch is git's own error.
            await #expect {
                try await provider.gitClone(
                    in: sandbox.id, GitCloneRequest(url: bare.path, path: "nope", branch: "does-not-exist"))
            } throws: { error in
                guard case SandboxError.gitFailed(let message) = error else { return false }
                return message.contains("does-not-exist")
            }
            // Outside the sandbox.
            await #expect(throws: SandboxError.invalidPath("../../escaped")) {
                try await provider.gitClone(in: sandbox.id, GitCloneRequest(url: bare.path, path: "../../escaped"))
            }
            #expect(!FileManager.default.fileExists(atPath: provider.rootDirectory.appendingPathComponent("escaped").path))
        }
    }

    @Test func gitCloneNeverReportsTheCredentials() async throws {
        try await Fixture.withProvider { provider, root in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "secret", labels: [:]))
            let password = "pw-\(UUID().uuidString)"
            let username = "user-\(UInt32.random(in: 0...UInt32.max))"
            let failingURLs = [
                // git echoes the path in its error; the password is part of it.
                "file://\(root.path)/missing-\(password)/repo.git",
                // Credentials embedded in the URL itself; nothing listens on port 9.
                "https://\(username):\(password)@127.0.0.1:9/repo.git",
            ]
            for url in failingURLs {
                await #expect {
                    try await provider.gitClone(
                        in: sandbox.id, GitCloneRequest(url: url, path: "repo", username: username, password: password))
                } throws: { error in
                    guard case SandboxError.gitFailed(let message) = error else { return false }
                    let text = "\(error) \(message) \(String(reflecting: error))"
                    return !message.isEmpty && !text.contains(password) && !text.contains(username)
                }
            }
            // The one-shot askpass helper is gone.
            let tmp = try FileManager.default.contentsOfDirectory(
                atPath: provider.rootDirectory.appendingPathComponent("\(sandbox.id)/tmp").path)
            #expect(tmp.filter { $0.contains("askpass") }.isEmpty)
        }
    }

    @Test func askPassHelperAnswersFromTheEnvironment() async throws {
        let directory = try Fixture.makeTemporaryDirectory()
        defer { Fixture.removeTree(directory) }
        let credentials = try GitCredentialEnvironment.prepare(username: "octo", password: "tok-123", in: directory)
        let script = try #require(credentials.askPassScript)
        #expect(credentials.environment["GIT_ASKPASS"] == script.path)
        #expect(credentials.environment["GIT_TERMINAL_PROMPT"] == "0")
        #expect(!(try String(contentsOf: script, encoding: .utf8)).contains("tok-123"))
        let runner = ProcessRunner()
        let username = try await runner.run(
            .init(executable: script.path, arguments: ["Username for 'https://github.com': "],
                  environment: credentials.environment, timeoutSeconds: 10))
        let password = try await runner.run(
            .init(executable: script.path, arguments: ["Password for 'https://octo@github.com': "],
                  environment: credentials.environment, timeoutSeconds: 10))
        #expect(username.output == "octo\n")
        #expect(password.output == "tok-123\n")
        #expect(credentials.redact("fatal: https://octo:tok-123@x/ tok-123") == "fatal: https://***@x/ ***")
        credentials.remove()
        #expect(!FileManager.default.fileExists(atPath: script.path))

        let none = try GitCredentialEnvironment.prepare(username: "octo", password: nil, in: directory)
        #expect(none.askPassScript == nil && none.environment["GIT_ASKPASS"] == nil)
    }

    // MARK: Files

    @Test func uploadDownloadRoundTrip() async throws {
        try await Fixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "files", labels: [:]))
            let bytes = Data((0..<4096).map { _ in UInt8.random(in: 0...255) })
            try await provider.uploadFile(in: sandbox.id, path: "a/b/c.bin", contents: bytes)
            #expect(try await provider.downloadFile(in: sandbox.id, path: "a/b/c.bin") == bytes)
            #expect(try await provider.downloadFile(in: sandbox.id, path: sandbox.homeDirectory + "/a/b/c.bin") == bytes)
            #expect(try await provider.downloadFile(in: sandbox.id, path: "a/./x/../b/c.bin") == bytes)
            // Overwrite, and the command sees the file.
            try await provider.uploadFile(in: sandbox.id, path: "a/b/c.bin", contents: Data("hello".utf8))
            #expect(try await provider.execute(in: sandbox.id, SandboxCommand("cat a/b/c.bin")).output == "hello")

            await #expect(throws: SandboxError.fileNotFound("missing.txt")) {
                _ = try await provider.downloadFile(in: sandbox.id, path: "missing.txt")
            }
            await #expect(throws: SandboxError.fileNotFound("a/b")) {
                _ = try await provider.downloadFile(in: sandbox.id, path: "a/b")
            }
            let gone = UUID().uuidString.lowercased()
            await #expect(throws: SandboxError.notFound(gone)) {
                try await provider.uploadFile(in: gone, path: "x", contents: Data())
            }
        }
    }

    @Test func pathsEscapingTheSandboxAreRefused() async throws {
        try await Fixture.withProvider { provider, root in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "escape", labels: [:]))
            let outside = root.appendingPathComponent("outside.txt")
            try Data("outside".utf8).write(to: outside)

            for path in ["../../escape.txt", "a/../../../escape.txt", root.path + "/escape.txt", "../sandbox.json"] {
                await #expect(throws: SandboxError.invalidPath(path)) {
                    try await provider.uploadFile(in: sandbox.id, path: path, contents: Data("x".utf8))
                }
            }
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("escape.txt").path))
            for path in ["/etc/passwd", "../../outside.txt", outside.path] {
                await #expect(throws: SandboxError.invalidPath(path)) {
                    _ = try await provider.downloadFile(in: sandbox.id, path: path)
                }
            }
            // Symlinks pointing out of the sandbox.
            _ = try await provider.execute(in: sandbox.id, SandboxCommand("ln -s '\(root.path)' out && ln -s '\(outside.path)' file"))
            await #expect(throws: SandboxError.invalidPath("out/outside.txt")) {
                _ = try await provider.downloadFile(in: sandbox.id, path: "out/outside.txt")
            }
            await #expect(throws: SandboxError.invalidPath("file")) {
                _ = try await provider.downloadFile(in: sandbox.id, path: "file")
            }
            await #expect(throws: SandboxError.invalidPath("out/new/file.txt")) {
                try await provider.uploadFile(in: sandbox.id, path: "out/new/file.txt", contents: Data("x".utf8))
            }
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("new").path))
            #expect(try String(contentsOf: outside, encoding: .utf8) == "outside")
        }
    }

    private func readFile(_ provider: LocalSandboxProvider, _ id: String, _ path: String) async throws -> String {
        let data = try await provider.downloadFile(in: id, path: path)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite("LocalSandbox OutputTail")
struct LocalSandboxOutputTailTests {
    @Test func keepsTheLastBytes() {
        var tail = OutputTail(limit: 5)
        tail.append(Array("hello".utf8))
        #expect(!tail.isTruncated && tail.text == "hello")
        tail.append(Array(" world".utf8))
        #expect(tail.text == "world")
        #expect(tail.isTruncated)
        #expect(tail.totalByteCount == 11)
        for _ in 0..<100 { tail.append(Array("xy".utf8)) }
        #expect(tail.bytes.count == 5 && tail.text == "yxyxy")
    }

    @Test func dropsAHalfCharacterAtTheFront() {
        var tail = OutputTail(limit: 4)
        tail.append(Array("aé€".utf8))  // 1 + 2 + 3 bytes; the last 4 start inside "é"
        #expect(tail.text == "€")
        var zero = OutputTail(limit: 0)
        zero.append(Array("abc".utf8))
        #expect(zero.text == "" && zero.isTruncated)
    }
}
