import Agents
import Foundation
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The runner's guarantees (deadline, process-group kill, clean-up of leftovers, orphans of a dead
/// server) hold when every command runs inside bwrap's PID namespace.
@Suite("Bubblewrap process control", .enabled(if: IsolationFixture.available, IsolationFixture.unavailableReason),
       .timeLimit(.minutes(2)))
struct IsolatedProcessControlTests {
    @Test func commandsRunIsolatedInTheirSandbox() async throws {
        try await IsolationFixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "basic", labels: [:], environment: ["FROM_SANDBOX": "s"]))
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("id -u; pwd; echo hi > file.txt && cat file.txt; echo $FROM_SANDBOX $TERM; ls /proc | grep -c '^[0-9]'",
                                               environment: ["FROM_COMMAND": "c"]))
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(result.exitCode == 0, "\(result.output)")
            #expect(lines.count == 5, "\(result.output)")
            #expect(lines.first == "1000")
            #expect(lines.dropFirst().first == sandbox.homeDirectory)
            #expect(lines.dropFirst(2).first == "hi")
            #expect(lines.dropFirst(3).first == "s dumb")
            #expect((Int(lines.last ?? "") ?? 99) <= 4, "only the sandbox's own processes are in /proc: \(result.output)")
            // Written inside, owned by the server's user outside: the server can read and delete it.
            let data = try await provider.downloadFile(in: sandbox.id, path: "file.txt")
            #expect(String(decoding: data, as: UTF8.self) == "hi\n")
            try await provider.delete(id: sandbox.id)
        }
    }

    @Test func aMissingWorkingDirectoryFailsToStart() async throws {
        try await IsolationFixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "cwd", labels: [:]))
            await #expect(throws: SandboxError.self) {
                _ = try await provider.execute(in: sandbox.id, SandboxCommand("true", workingDirectory: "missing"))
            }
        }
    }

    @Test func deadlineKillsEveryProcessOfTheCommand() async throws {
        try await IsolationFixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "deadline", labels: [:]))
            let marker = IsolationFixture.uniqueSleep()
            // One child in the sandbox's session, one that leaves it (setsid): both must go.
            let start = Date()
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("echo before; setsid sleep \(marker) & sleep \(marker) & wait", timeoutSeconds: 1))
            #expect(Date().timeIntervalSince(start) < 100)  // the command sleeps 200 s or more: well under it, on a loaded CI machine too
            #expect(result.exitCode == 124 && result.timedOut)
            #expect(result.output.hasPrefix("before\n"))
            #expect(await IsolationFixture.waitUntilNoProcess(containing: marker))
        }
    }

    @Test func backgroundChildrenDoNotOutliveTheCommand() async throws {
        try await IsolationFixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "leftover", labels: [:]))
            let marker = IsolationFixture.uniqueSleep()
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("setsid sleep \(marker) & sleep \(marker) & echo done", timeoutSeconds: 20))
            #expect(result.exitCode == 0 && result.output == "done\n", "\(result.output)")
            #expect(await IsolationFixture.waitUntilNoProcess(containing: marker))
        }
    }

    @Test func cancellingTheTaskKillsTheSandboxProcesses() async throws {
        try await IsolationFixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "cancel", labels: [:]))
            let marker = IsolationFixture.uniqueSleep()
            let task = Task {
                try await provider.execute(in: sandbox.id, SandboxCommand("sleep \(marker) & touch started; wait", timeoutSeconds: 60))
            }
            let startedFile = URL(fileURLWithPath: sandbox.homeDirectory).appendingPathComponent("started")
            let waitStart = Date()
            while !FileManager.default.fileExists(atPath: startedFile.path) {
                try #require(Date().timeIntervalSince(waitStart) < 20, "command did not start")
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!IsolationFixture.hostProcesses(containing: marker).isEmpty)
            task.cancel()
            await #expect(throws: CancellationError.self) { _ = try await task.value }
            #expect(await IsolationFixture.waitUntilNoProcess(containing: marker))
        }
    }

    @Test("a command left running by a crashed server is killed before the next command in its sandbox")
    func orphanOfADeadServerIsKilled() async throws {
        try await IsolationFixture.withProvider { provider, root in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "orphan", labels: [:]))
            let marker = IsolationFixture.uniqueSleep()
            // Stand-in for a crashed server: a host process that ran the sandbox's command and then
            // died, leaving its process group behind (recorded as the runner records its own).
            // The "server" is a shell that starts bwrap in a session of its own and exits at once.
            let bwrap = try #require(IsolationFixture.bwrap)
            let pidFile = root.appendingPathComponent("orphan.pid")
            let deadServer = Process()
            deadServer.executableURL = URL(fileURLWithPath: "/bin/sh")
            deadServer.arguments = [
                "-c", "setsid \(bwrap) --unshare-user --unshare-pid --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 "
                    + "-- /usr/bin/sleep \(marker) >\(root.path)/orphan.log 2>&1 & echo $! > \(pidFile.path)",
            ]
            try deadServer.run()
            // Not `waitUntilExit()`: Foundation would wait for the orphan too (it inherits Foundation's exit pipe).
            var pid: pid_t?
            let spawnStart = Date()
            while pid == nil {
                try #require(Date().timeIntervalSince(spawnStart) < 10, "the stand-in server did not start its command")
                try await Task.sleep(for: .milliseconds(20))
                pid = (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            let orphanPID = try #require(pid)
            let leaderStart = try #require(Self.startTime(orphanPID))
            let records = root.appendingPathComponent("data/sandboxes/\(sandbox.id)/processes")
            try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
            // The server's start time never matches: that server is gone.
            try Data("\(deadServer.processIdentifier) 1 \(leaderStart)\n".utf8).write(to: records.appendingPathComponent(String(orphanPID)))
            let waitStart = Date()
            while IsolationFixture.hostProcesses(containing: marker).isEmpty {
                let log = (try? String(contentsOf: root.appendingPathComponent("orphan.log"), encoding: .utf8)) ?? ""
                try #require(Date().timeIntervalSince(waitStart) < 10, "the orphan did not start: \(log)")
                try await Task.sleep(for: .milliseconds(20))
            }

            let result = try await provider.execute(in: sandbox.id, SandboxCommand("echo next"))
            #expect(result.exitCode == 0 && result.output == "next\n")
            #expect(await IsolationFixture.waitUntilNoProcess(containing: marker))
        }
    }

    @Test("the agent's kill of an earlier attempt is harmless inside a PID namespace")
    func killEarlierAttemptInsideANamespace() async throws {
        try await IsolationFixture.withProvider { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "agent", labels: [:]))
            // What an agent wrapper leaves in a namespace of its own, and older formats.
            for recorded in ["0", "1", "2 pid:[4026531836]", "garbage"] {
                _ = try await provider.execute(in: sandbox.id, SandboxCommand("mkdir -p .dayshift && echo '\(recorded)' > .dayshift/agent.pgid"))
                let result = try await provider.execute(in: sandbox.id, SandboxCommand(CommandAgent.killEarlierAttempt + "; echo alive"))
                #expect(result.exitCode == 0 && result.output == "alive\n", "recorded \(recorded): \(result.output)")
            }
        }
    }

    static func startTime(_ pid: pid_t) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
