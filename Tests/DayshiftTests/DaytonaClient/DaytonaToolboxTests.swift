import Emulators
import Foundation
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DaytonaClient {
    /// Commands, sessions, git and files through the emulator's toolbox.
    @Suite("Daytona toolbox", .timeLimit(.minutes(2)))
    struct ToolboxTests {
        @Test func executeReturnsExitCodeCombinedOutputAndHonoursCwdAndEnvironment() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                _ = try await provider.execute(in: sandbox.id, SandboxCommand("mkdir -p work/sub"))
                let result = try await provider.execute(in: sandbox.id, SandboxCommand(
                    "echo out; echo err >&2; printf '%s|%s|%s\\n' \"$GREETING\" \"$SANDBOX_WIDE\" \"$(pwd)\"; exit 3",
                    workingDirectory: "work/sub", environment: ["GREETING": "it's \"quoted\""], timeoutSeconds: 30))
                #expect(result.exitCode == 3)
                #expect(!result.timedOut)
                #expect(result.output.contains("out\n"))
                #expect(result.output.contains("err\n"))
                #expect(result.output.contains("it's \"quoted\"|yes|\(sandbox.homeDirectory)/work/sub\n"))

                let executes = await fixture.requests("POST", "/process/execute")
                let lastExecute = try #require(executes.last)
                let body = try #require(try JSONSerialization.jsonObject(with: lastExecute.body) as? [String: Any])
                #expect(body["timeout"] as? Int == 30)
                #expect(body["cwd"] as? String == "\(sandbox.homeDirectory)/work/sub")
                #expect((body["command"] as? String)?.contains("GREETING") == false, "the script travels base64-encoded")

                let quiet = try await provider.execute(in: sandbox.id, SandboxCommand("true"))
                #expect(quiet.exitCode == 0 && quiet.output.isEmpty)
            }
        }

        @Test func executeKeepsTheTailAndReportsTimeouts() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                let long = try await provider.execute(in: sandbox.id, SandboxCommand(
                    "for i in $(seq 1 2000); do echo line-$i; done", outputLimitBytes: 20))
                #expect(long.output == "line-1999\nline-2000\n")
                #expect(long.outputTruncated)

                let slow = try await provider.execute(in: sandbox.id, SandboxCommand("sleep 20", timeoutSeconds: 1))
                #expect(slow.timedOut)
                #expect(slow.exitCode == 124)
                #expect(slow.durationSeconds < 15)

                let missing = "\(sandbox.homeDirectory)/no/such/dir"
                await #expect(throws: SandboxError.commandFailedToStart("no such working directory: \(missing)")) {
                    _ = try await provider.execute(in: sandbox.id, SandboxCommand("true", workingDirectory: "no/such/dir", timeoutSeconds: 600))
                }
                await #expect(throws: SandboxError.self) {
                    _ = try await provider.execute(in: sandbox.id, SandboxCommand("true", workingDirectory: "no/such/dir", timeoutSeconds: 10))
                }
                await #expect(throws: SandboxError.notFound("missing-sandbox")) {
                    _ = try await provider.execute(in: "missing-sandbox", SandboxCommand("true"))
                }
            }
        }

        @Test func longCommandRunsInASessionWithLogs() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                let result = try await provider.execute(in: sandbox.id, SandboxCommand(
                    "echo first; sleep 0.3; echo problem >&2; sleep 0.3; echo \"$MODE in $(pwd)\"; exit 7",
                    workingDirectory: ".", environment: ["MODE": "agent"], timeoutSeconds: 600))
                #expect(result.exitCode == 7)
                #expect(!result.timedOut)
                // The emulator labels stdout and stderr through two `awk` pipes, and mawk buffers its
                // input, so the two streams may arrive in either order: compare the lines as a set.
                // (Write-order demultiplexing itself is covered by DaytonaUnitTests.)
                #expect(result.output.split(separator: "\n").sorted() == ["agent in \(sandbox.homeDirectory)", "first", "problem"])
                #expect(result.output.hasSuffix("\n"))
                #expect(!result.output.unicodeScalars.contains { $0.value == 1 || $0.value == 2 }, "stream markers stripped")

                #expect(await fixture.requests("POST", "/process/execute").isEmpty)
                #expect(await fixture.requests("POST", "/process/session").count == 1)
                let exec = try #require(await fixture.requests("POST", prefix: "/process/session/").first { $0.specPath.hasSuffix("/exec") })
                #expect(exec.responseStatus == 202)
                let execBody = try #require(try JSONSerialization.jsonObject(with: exec.body) as? [String: Any])
                #expect(execBody["runAsync"] as? Bool == true)
                #expect(await fixture.requests("GET", prefix: "/process/session/").contains { $0.specPath.hasSuffix("/logs") })
                let deletes = await fixture.requests("DELETE", prefix: "/process/session/")
                #expect(deletes.count == 1 && deletes.first?.responseStatus == 204)
            }
        }

        @Test func sessionDeadlineKillsTheCommand() async throws {
            try await withDaytona(tweak: { $0.sessionThresholdSeconds = 0.5 }) { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                let started = Date()
                let result = try await provider.execute(in: sandbox.id, SandboxCommand(
                    "echo before; echo $$ > deadline.pid; exec sleep 30", timeoutSeconds: 1.5))
                #expect(result.timedOut && result.exitCode == 124)
                // (Output of a killed session command is not asserted: the emulator's mawk labeller
                // loses lines still in its input buffer.)
                #expect(Date().timeIntervalSince(started) < 15)
                #expect(await fixture.requests("DELETE", prefix: "/process/session/").count == 1)
                let pid = try #require(pid_t(String(decoding: try await provider.downloadFile(in: sandbox.id, path: "deadline.pid"), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(await LocalSandboxFixture.waitUntilDead(pid, seconds: 5))
            }
        }

        @Test func cancellingAnAgentDeletesItsSession() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                let pidFile = URL(fileURLWithPath: sandbox.homeDirectory).appendingPathComponent("agent.pid")
                let agent = Task {
                    try await provider.execute(in: sandbox.id, SandboxCommand("echo $$ > agent.pid; exec sleep 60", timeoutSeconds: 1800))
                }
                #expect(await eventually { FileManager.default.fileExists(atPath: pidFile.path) && (try? String(contentsOf: pidFile, encoding: .utf8))?.isEmpty == false })
                let pid = try #require(pid_t(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(LocalSandboxFixture.isAlive(pid))
                agent.cancel()
                await #expect(throws: CancellationError.self) { _ = try await agent.value }
                let deletes = await fixture.requests("DELETE", prefix: "/process/session/")
                #expect(deletes.count == 1 && deletes.first?.responseStatus == 204)
                #expect(await LocalSandboxFixture.waitUntilDead(pid, seconds: 5), "deleting the session kills the agent")
            }
        }

        @Test func cloneSendsCredentialsInTheBodyAndMapsFailures() async throws {
            let parent = try LocalSandboxFixture.makeTemporaryDirectory()
            defer { LocalSandboxFixture.removeTree(parent) }
            let bare = try LocalSandboxFixture.makeBareRepository(in: parent)
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                try await provider.gitClone(in: sandbox.id, GitCloneRequest(url: bare.absoluteString, path: "repo", branch: "feature"))
                let check = try await provider.execute(in: sandbox.id, SandboxCommand("cat feature.txt && git branch --show-current", workingDirectory: "repo"))
                #expect(check.output == "feature\nfeature\n")
                let clone = try #require(await fixture.requests("POST", "/git/clone").first)
                let body = try #require(try JSONSerialization.jsonObject(with: clone.body) as? [String: Any])
                #expect(body["path"] as? String == "\(sandbox.homeDirectory)/repo")
                #expect(body["branch"] as? String == "feature")
                #expect(body["username"] == nil && body["password"] == nil, "no credentials unless both are set")

                let secret = "ghp_SuperSecretToken42"
                do {
                    try await provider.gitClone(in: sandbox.id, GitCloneRequest(
                        url: "https://x-access-token:\(secret)@127.0.0.1:1/none.git", path: "other", username: "x-access-token", password: secret))
                    Issue.record("cloning from a closed port must fail")
                } catch let error as SandboxError {
                    guard case .gitFailed(let message) = error else { Issue.record("expected gitFailed, got \(error)"); return }
                    #expect(!message.contains(secret))
                    #expect(!"\(error)".contains(secret))
                }
                let sent = try #require(await fixture.requests("POST", "/git/clone").last)
                let sentBody = try #require(try JSONSerialization.jsonObject(with: sent.body) as? [String: Any])
                #expect(sentBody["password"] as? String == secret && sentBody["username"] as? String == "x-access-token")

                await #expect(throws: SandboxError.self) {
                    try await provider.gitClone(in: sandbox.id, GitCloneRequest(url: parent.appendingPathComponent("missing.git").path, path: "missing"))
                }
            }
        }

        @Test func uploadAndDownloadFiles() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                let binary = Data((0..<4096).map { UInt8($0 % 256) }) + Data("\r\n--boundary-like--\r\n".utf8)
                try await provider.uploadFile(in: sandbox.id, path: "deep/dir/blob.bin", contents: binary)
                #expect(try await provider.downloadFile(in: sandbox.id, path: "deep/dir/blob.bin") == binary)
                #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.homeDirectory + "/deep/dir/blob.bin")) == binary)
                try await provider.uploadFile(in: sandbox.id, path: "\(sandbox.homeDirectory)/deep/dir/blob.bin", contents: Data("v2".utf8))
                #expect(try await provider.downloadFile(in: sandbox.id, path: "deep/dir/blob.bin") == Data("v2".utf8))

                let upload = try #require(await fixture.requests("POST", "/files/bulk-upload").first)
                #expect(upload.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") == true)
                let text = String(decoding: upload.body, as: UTF8.self)
                #expect(text.contains("name=\"files[0].path\""))
                #expect(text.contains("name=\"files[0].file\"; filename=\"\(sandbox.homeDirectory)/deep/dir/blob.bin\""))
                #expect(text.range(of: "files[0].path")!.lowerBound < text.range(of: "files[0].file")!.lowerBound)
                #expect(await fixture.requests("POST", "/files/bulk-download").count == 2)

                await #expect(throws: SandboxError.fileNotFound("nope.txt")) {
                    _ = try await provider.downloadFile(in: sandbox.id, path: "nope.txt")
                }
                await #expect(throws: SandboxError.fileNotFound("deep")) {
                    _ = try await provider.downloadFile(in: sandbox.id, path: "deep")
                }
            }
        }

        @Test func stoppedOrArchivedSandboxIsStartedBeforeTheToolboxCall() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                try await provider.stop(id: sandbox.id)
                let result = try await provider.execute(in: sandbox.id, SandboxCommand("echo awake", timeoutSeconds: 30))
                #expect(result.output == "awake\n")
                let refused = await fixture.requests("POST", "/process/execute").first
                #expect(refused?.responseStatus == 400, "the first try met a stopped sandbox")
                #expect(await fixture.requests("POST", "/sandbox/\(sandbox.id)/start").count == 1)

                try await provider.stop(id: sandbox.id)
                #expect(try await rawAPICall(fixture, "POST", "/sandbox/\(sandbox.id)/archive") == 200)
                #expect(await eventually { await fixture.state.sandbox(id: sandbox.id)?.state == .archived })
                try await provider.uploadFile(in: sandbox.id, path: "after-archive.txt", contents: Data("ok".utf8))
                #expect(try await provider.downloadFile(in: sandbox.id, path: "after-archive.txt") == Data("ok".utf8))
                #expect(await fixture.requests("POST", "/files/bulk-upload").first?.responseStatus == 404, "container not found while archived")
                #expect(await fixture.requests("POST", "/sandbox/\(sandbox.id)/start").count == 2)

                // A long command (session) on a stopped sandbox: started, then run.
                try await provider.stop(id: sandbox.id)
                let long = try await provider.execute(in: sandbox.id, SandboxCommand("echo long-awake", timeoutSeconds: 600))
                #expect(long.exitCode == 0 && long.output == "long-awake\n")
                #expect(await fixture.requests("POST", "/sandbox/\(sandbox.id)/start").count == 3)
            }
        }
    }
}
