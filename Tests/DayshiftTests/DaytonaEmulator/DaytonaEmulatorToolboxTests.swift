import Emulators
import Foundation
import Testing

/// The toolbox under `/toolbox/{sandboxId}` over real HTTP: one-shot exec, sessions, git clone,
/// file upload and download (`shared/reference/daytona.md` §9).
@Suite("DaytonaEmulatorToolboxTests")
struct DaytonaEmulatorToolboxTests {
    static let newSDK = ["X-Daytona-SDK-Version": "0.190.0"]

    @Test func executeRunsThroughTheShellWithCombinedOutput() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox(["env": ["FROM_CREATE": "yes"]])
            let reply = try await client.execute(id, "echo out; echo err >&2; echo $FROM_CREATE; exit 7")
            #expect(reply.status == 200, "a non-zero exit is still 200")
            #expect(reply.object?["exitCode"] as? Int == 7)
            #expect(reply.object?["result"] as? String == "out\nerr\nyes\n")

            _ = try await client.execute(id, "mkdir -p a/b")
            let cwd = try await client.execute(id, "pwd", extra: ["cwd": "a/b"])
            let home = try #require(try await client.send("GET", "/toolbox/\(id)/user-home-dir").object?["dir"] as? String)
            #expect(cwd.object?["result"] as? String == "\(home)/a/b\n")
            #expect(try await client.send("GET", "/toolbox/\(id)/work-dir").object?["dir"] as? String == home)
            #expect(try await client.send("GET", "/toolbox/\(id)/project-dir").object?["dir"] as? String == home)
            let env = try await client.execute(id, "echo $ONE", extra: ["envs": ["ONE": "1"]])
            #expect(env.object?["result"] as? String == "1\n")
            #expect(try await client.send("GET", "/toolbox/\(id)/version").object?["version"] as? String == "0.190.0")
        }
    }

    @Test func executeRejectsBadInputAndTimesOut() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox()
            let empty = try await client.execute(id, "  ")
            #expect(empty.status == 400 && empty.object?["code"] as? String == "BAD_REQUEST")
            let badEnv = try await client.execute(id, "true", extra: ["envs": ["1BAD": "x"]])
            #expect(badEnv.status == 400)
            let clock = ContinuousClock()
            let start = clock.now
            let slow = try await client.execute(id, "sleep 20", extra: ["timeout": 1])
            #expect(slow.status == 408 && slow.object?["code"] as? String == "REQUEST_TIMEOUT")
            #expect(slow.message == "request timeout: command execution timeout")
            #expect(clock.now - start < .seconds(10))
            let body = try #require(slow.object)
            #expect(Set(body.keys) == ["statusCode", "message", "code", "timestamp", "path", "method"])
            #expect(body["path"] as? String == "/process/execute" && body["method"] as? String == "POST")
        }
    }

    @Test func sessionKeepsDirectoryAndExportsAndSplitsOutput() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox()
            let base = "/toolbox/\(id)/process/session"
            #expect(try await client.send("POST", base, json: ["sessionId": "s1"]).status == 201)
            #expect(try await client.send("POST", base, json: ["sessionId": "s1"]).status == 409)
            #expect(try await client.send("POST", base, json: ["sessionId": "entrypoint"]).status == 400)

            _ = try await client.execute(id, "mkdir -p work")
            let first = try await client.send("POST", "\(base)/s1/exec", json: ["command": "cd work && export FOO=bar"], headers: Self.newSDK)
            #expect(first.status == 200 && first.object?["exitCode"] as? Int == 0)
            let second = try await client.send(
                "POST", "\(base)/s1/exec", json: ["command": "echo $FOO; basename $(pwd); echo oops >&2; exit 3"], headers: Self.newSDK)
            #expect(second.status == 200)
            #expect(second.object?["exitCode"] as? Int == 3)
            #expect(second.object?["stdout"] as? String == "bar\nwork\n")
            #expect(second.object?["stderr"] as? String == "oops\n")
            let raw = try #require(second.object?["output"] as? String)
            #expect(raw.contains("\u{1}\u{1}\u{1}bar\n") && raw.contains("\u{2}\u{2}\u{2}oops\n"), "output keeps the markers")
            let cmdId = try #require(second.object?["cmdId"] as? String)

            let session = try await client.send("GET", "\(base)/s1")
            #expect(session.object?["sessionId"] as? String == "s1")
            #expect((session.object?["commands"] as? [[String: Any]])?.count == 2)
            let command = try await client.send("GET", "\(base)/s1/command/\(cmdId)")
            #expect(command.object?["exitCode"] as? Int == 3 && command.object?["id"] as? String == cmdId)
            #expect((try await client.send("GET", base).array)?.count == 1)

            #expect(try await client.send("DELETE", "\(base)/s1").status == 204)
            let gone = try await client.send("GET", "\(base)/s1")
            #expect(gone.status == 404 && gone.message == "not found: session not found")
        }
    }

    @Test func asyncCommandIsPolledAndItsLogsFollowTheSDKVersionHeader() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            let home = try #require(await emulator.state.sandbox(id: id)?.homeDirectory)
            let base = "/toolbox/\(id)/process/session"
            _ = try await client.send("POST", base, json: ["sessionId": "bg"])
            // The command runs until the test lets it finish (by creating `go`), so "running" is a
            // state the test holds, not a race against a sleep.
            let started = try await client.send(
                "POST", "\(base)/bg/exec",
                json: ["command": "echo one; touch waiting; while [ ! -e go ]; do sleep 0.02; done; echo two >&2", "runAsync": true])
            #expect(started.status == 202)
            #expect(started.object?["exitCode"] == nil)
            let cmdId = try #require(started.object?["cmdId"] as? String)
            let begun = ContinuousClock.now + .seconds(30)
            while !FileManager.default.fileExists(atPath: home + "/waiting") {
                try #require(ContinuousClock.now < begun, "the command never started")
                try await Task.sleep(for: .milliseconds(20))
            }
            let running = try await client.send("GET", "\(base)/bg/command/\(cmdId)")
            #expect(running.status == 200 && running.object?["id"] != nil, "\(running.text)")
            #expect(running.object?["exitCode"] == nil, "exitCode is absent while the command runs: \(running.text)")
            #expect(FileManager.default.createFile(atPath: home + "/go", contents: nil))

            let deadline = ContinuousClock.now + .seconds(30)
            while try await client.send("GET", "\(base)/bg/command/\(cmdId)").object?["exitCode"] == nil {
                try #require(ContinuousClock.now < deadline)
                try await Task.sleep(for: .milliseconds(20))
            }
            let logs = "\(base)/bg/command/\(cmdId)/logs"
            let split = try await client.send("GET", logs, headers: Self.newSDK)
            #expect(split.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(split.object?["stdout"] as? String == "one\n" && split.object?["stderr"] as? String == "two\n")
            let plain = try await client.send("GET", logs)
            #expect(plain.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(plain.text == "one\ntwo\n", "no version header: combined, markers stripped")
            let marked = try await client.send("GET", logs, headers: ["X-Daytona-Split-Output": "true"])
            #expect(marked.text == "\u{1}\u{1}\u{1}one\n\u{2}\u{2}\u{2}two\n")
            let old = try await client.send("GET", logs, headers: ["X-Daytona-SDK-Version": "0.100.0"])
            #expect(old.text == marked.text, "0.27 ≤ version < 0.167: raw text")
            let ancient = try await client.send("GET", logs, headers: ["X-Daytona-SDK-Version": "0.20.0"])
            #expect(ancient.text == plain.text)
            let followed = try await client.send("GET", logs + "?follow=true")
            #expect(followed.text == "one\ntwo\n")
            #expect(try await client.send("GET", "\(base)/bg/command/nope").status == 404)
        }
    }

    @Test func gitCloneUsesRealGit() async throws {
        let scratch = try LocalSandboxFixture.makeTemporaryDirectory()
        defer { LocalSandboxFixture.removeTree(scratch) }
        let bare = try LocalSandboxFixture.makeBareRepository(in: scratch)
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox()
            let clone = try await client.send("POST", "/toolbox/\(id)/git/clone", json: ["url": bare.absoluteString, "path": "repo"])
            #expect(clone.status == 200, "\(clone.text)")
            #expect(try await client.execute(id, "cat repo/README.md").object?["result"] as? String == "main\n")
            let branch = try await client.send(
                "POST", "/toolbox/\(id)/git/clone", json: ["url": bare.path, "path": "feature", "branch": "feature"])
            #expect(branch.status == 200)
            #expect(try await client.execute(id, "cat feature/feature.txt").object?["result"] as? String == "feature\n")
            let again = try await client.send("POST", "/toolbox/\(id)/git/clone", json: ["url": bare.path, "path": "repo"])
            #expect(again.status == 409, "the destination exists: \(again.text)")
            let missing = try await client.send(
                "POST", "/toolbox/\(id)/git/clone", json: ["url": scratch.appendingPathComponent("none.git").path, "path": "x"])
            #expect(missing.status == 404, "\(missing.text)")
            let noURL = try await client.send("POST", "/toolbox/\(id)/git/clone", json: ["path": "x"])
            #expect(noURL.status == 400)
        }
    }

    @Test func uploadAndDownloadFiles() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox()
            let bytes = Data((0..<512).map { UInt8($0 % 256) })

            let single = multipart([("file", "blob.bin", bytes)])
            let upload = try await client.send(
                "POST", "/toolbox/\(id)/files/upload?path=dir/blob.bin", body: single.body, contentType: single.contentType)
            #expect(upload.status == 200)
            let download = try await client.send("GET", "/toolbox/\(id)/files/download?path=dir/blob.bin")
            #expect(download.status == 200 && download.data == bytes)
            #expect(download.headers["content-type"] == "application/octet-stream")

            let bulk = multipart([
                ("files[0].path", nil, Data("one/a.txt".utf8)), ("files[1].path", nil, Data("two/b.txt".utf8)),
                ("files[0].file", "a.txt", Data("A".utf8)), ("files[1].file", "b.txt", Data("B".utf8)),
            ])
            let bulkUpload = try await client.send(
                "POST", "/toolbox/\(id)/files/bulk-upload", body: bulk.body, contentType: bulk.contentType)
            #expect(bulkUpload.status == 200, "\(bulkUpload.text)")
            #expect(try await client.execute(id, "cat one/a.txt two/b.txt").object?["result"] as? String == "AB")

            let missing = try await client.send("GET", "/toolbox/\(id)/files/download?path=nope.txt")
            #expect(missing.status == 404 && missing.data.isEmpty, "the daemon answers a bare 404")
            #expect(try await client.send("GET", "/toolbox/\(id)/files/download?path=dir").status == 400)

            let many = try await client.send("POST", "/toolbox/\(id)/files/bulk-download", json: ["paths": ["one/a.txt", "nope.txt"]])
            #expect(many.status == 200)
            #expect(many.headers["content-type"] == "multipart/form-data; boundary=DAYTONA-FILE-BOUNDARY")
            let text = many.text
            #expect(text.contains("name=\"file\"; filename=\"one/a.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nA\r\n"))
            #expect(text.contains("name=\"error\"; filename=\"nope.txt\"\r\nContent-Type: application/json"))
            #expect(text.hasSuffix("--DAYTONA-FILE-BOUNDARY--\r\n"))

            let escape = multipart([("file", "x", Data("x".utf8))])
            let outside = try await client.send(
                "POST", "/toolbox/\(id)/files/upload?path=/etc/dayshift-escape", body: escape.body, contentType: escape.contentType)
            #expect(outside.status == 400, "absolute paths must stay inside the sandbox")
        }
    }

    @Test func unknownSandboxAnswersContainerNotFound() async throws {
        try await withDaytonaEmulator { _, client in
            let reply = try await client.execute("00000000-0000-4000-8000-000000000000", "true")
            #expect(reply.status == 404 && reply.message?.hasPrefix("not found: sandbox container not found") == true)
        }
    }

    /// A `multipart/form-data` body of `(name, filename, data)` parts.
    func multipart(_ parts: [(String, String?, Data)]) -> (body: Data, contentType: String) {
        let boundary = "test-boundary-\(UUID().uuidString)"
        var body = Data()
        for (name, filename, data) in parts {
            var disposition = "form-data; name=\"\(name)\""
            if let filename { disposition += "; filename=\"\(filename)\"" }
            body.append(Data("--\(boundary)\r\nContent-Disposition: \(disposition)\r\n\r\n".utf8))
            body.append(data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }
}
