import Foundation
import Testing

@testable import Sandboxes

extension DaytonaClient {
    /// Pure pieces of the Daytona client: log demultiplexing, retry decisions, error decoding,
    /// redaction, multipart, the shell wrapper.
    @Suite("Daytona client units")
    struct UnitTests {
        @Test func pathSegmentsCannotStepOutOfTheirCollection() {
            #expect(DaytonaAPIClient.segment("..") == "%2E%2E")
            #expect(DaytonaAPIClient.segment(".") == "%2E")
            #expect(DaytonaAPIClient.segment("a/../b") == "a%2F..%2Fb")
            #expect(DaytonaAPIClient.segment("3f1c-9a") == "3f1c-9a")
        }

        // MARK: Session logs (§9.3)

        @Test func demuxSplitsStreamsAndKeepsWriteOrder() {
            let log: [UInt8] = [1, 1, 1] + Array("out1\n".utf8) + [2, 2, 2] + Array("err1\n".utf8) + [1, 1, 1] + Array("out2\n".utf8)
            let demuxed = DaytonaLogDemuxer.demux(log, limit: 1024)
            #expect(demuxed.combined.text == "out1\nerr1\nout2\n")
            #expect(demuxed.stdout.text == "out1\nout2\n")
            #expect(demuxed.stderr.text == "err1\n")
        }

        @Test func demuxHoldsBackMarkersSplitAcrossChunks() {
            let log: [UInt8] = [1, 1, 1] + Array("a".utf8) + [2, 2, 2] + Array("b".utf8) + [1, 1, 1] + Array("c".utf8)
            // Every possible single cut, and byte-by-byte.
            for cut in 0...log.count {
                var demuxer = DaytonaLogDemuxer(limit: 100)
                demuxer.append(log[..<cut])
                demuxer.append(log[cut...])
                demuxer.finish()
                #expect(demuxer.combined.text == "abc", "cut at \(cut)")
                #expect(demuxer.stdout.text == "ac", "cut at \(cut)")
                #expect(demuxer.stderr.text == "b", "cut at \(cut)")
            }
            var bytewise = DaytonaLogDemuxer(limit: 100)
            for byte in log { bytewise.append([byte]) }
            bytewise.finish()
            #expect(bytewise.combined.text == "abc")
        }

        @Test func demuxKeepsLoneControlBytesAndTextWithoutMarkers() {
            #expect(DaytonaLogDemuxer.demux(Array("plain\n".utf8), limit: 100).combined.text == "plain\n")
            let stray: [UInt8] = Array("x".utf8) + [1] + Array("y".utf8) + [2, 2]
            #expect(DaytonaLogDemuxer.demux(stray, limit: 100).combined.bytes == stray)
        }

        @Test func demuxKeepsOnlyTheTail() {
            var log: [UInt8] = []
            for index in 0..<100 { log += [1, 1, 1] + Array("line \(index)\n".utf8) }
            let demuxed = DaytonaLogDemuxer.demux(log, limit: 16)
            #expect(demuxed.combined.text == "line 98\nline 99\n")
            #expect(demuxed.combined.isTruncated)
            #expect(!demuxed.combined.text.contains("\u{1}"))
        }

        @Test func sessionLogsAcceptJSONAndText() {
            let raw = "\u{1}\u{1}\u{1}hello\n\u{2}\u{2}\u{2}oops\n"
            let json = try! JSONSerialization.data(withJSONObject: ["output": raw, "stdout": "hello\n", "stderr": "oops\n"])
            #expect(DaytonaSessionLogs.combinedOutput(body: json, contentType: "application/json", limit: 100).text == "hello\noops\n")
            #expect(DaytonaSessionLogs.combinedOutput(body: Data(raw.utf8), contentType: "text/plain", limit: 100).text == "hello\noops\n")
            let split = try! JSONSerialization.data(withJSONObject: ["stdout": "a\n", "stderr": "b\n"])
            #expect(DaytonaSessionLogs.combinedOutput(body: split, contentType: "application/json", limit: 100).text == "a\nb\n")
        }

        // MARK: Retry policy (§4)

        @Test func headerDelayPrefersRetryAfterThenReset() {
            #expect(DaytonaRetryPolicy.headerDelay(["retry-after": "3"]) == 3)
            #expect(DaytonaRetryPolicy.headerDelay(["retry-after-sandbox-create": "7", "retry-after": "2"]) == 7)
            #expect(DaytonaRetryPolicy.headerDelay([
                "x-ratelimit-reset-authenticated": "50", "x-ratelimit-remaining-authenticated": "10",
                "x-ratelimit-reset-sandbox-create": "12", "x-ratelimit-remaining-sandbox-create": "0",
            ]) == 12)
            #expect(DaytonaRetryPolicy.headerDelay(["x-ratelimit-reset-sandbox-create": "4"]) == 4)
            #expect(DaytonaRetryPolicy.headerDelay(["content-type": "application/json"]) == nil)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(DaytonaRetryPolicy.headerDelay(["retry-after": "1800000005"], now: now) == 5)
            #expect(DaytonaRetryPolicy.headerDelay(["retry-after": "Fri, 15 Jan 2027 08:00:05 GMT"], now: now) == 5)
        }

        @Test func backoffDoublesWithJitterAndIsClamped() {
            let policy = DaytonaRetryPolicy(initialBackoffSeconds: 1, maxWaitSeconds: 5, jitter: 0.2)
            #expect(policy.delay(retry: 1, headerDelay: nil, random: 0.5) == 1)
            #expect(policy.delay(retry: 2, headerDelay: nil, random: 0.5) == 2)
            #expect(policy.delay(retry: 3, headerDelay: nil, random: 0.5) == 4)
            #expect(policy.delay(retry: 4, headerDelay: nil, random: 0.5) == 5)
            #expect(abs(policy.delay(retry: 2, headerDelay: nil, random: 0) - 1.6) < 1e-9)
            #expect(abs(policy.delay(retry: 2, headerDelay: nil, random: 0.999999) - 2.4) < 1e-5)
            #expect(policy.delay(retry: 1, headerDelay: 3, random: 0) == 3)
            #expect(policy.delay(retry: 1, headerDelay: 60, random: 0) == 5)
        }

        @Test func onlySafeFailuresAreRetried() {
            func failure(_ status: Int, _ message: String = "x") -> DaytonaError {
                .response(DaytonaHTTPFailure(call: "c", status: status, message: message, code: nil, retryAfterSeconds: nil, headers: [:]))
            }
            typealias Policy = DaytonaRetryPolicy
            #expect(Policy.reason(for: failure(429), idempotent: false, retriesConflicts: false) == .rateLimited)
            #expect(Policy.reason(for: failure(502), idempotent: true, retriesConflicts: false) == .serverError)
            #expect(Policy.reason(for: failure(502), idempotent: false, retriesConflicts: false) == nil)
            #expect(Policy.reason(for: failure(500), idempotent: false, retriesConflicts: true) == nil)
            #expect(Policy.reason(for: failure(409, "Sandbox state change in progress"), idempotent: false, retriesConflicts: true) == .conflict)
            #expect(Policy.reason(for: failure(409, "Sandbox state change in progress"), idempotent: true, retriesConflicts: false) == nil)
            #expect(Policy.reason(for: failure(409, "Sandbox with name x already exists"), idempotent: true, retriesConflicts: true) == nil)
            #expect(Policy.reason(for: failure(400), idempotent: true, retriesConflicts: true) == nil)
            #expect(Policy.reason(for: failure(408), idempotent: true, retriesConflicts: true) == nil)
            let lost = DaytonaError.transport(call: "c", reason: "r", timedOut: true)
            #expect(Policy.reason(for: lost, idempotent: true, retriesConflicts: false) == .noAnswer)
            #expect(Policy.reason(for: lost, idempotent: false, retriesConflicts: true) == nil)
        }

        @Test func pollCadenceMatchesTheSDKs() {
            var cadence = DaytonaPollCadence()
            var waits: [Double] = []
            for _ in 0..<120 { waits.append(cadence.next()) }
            #expect(waits.prefix(50).allSatisfy { abs($0 - 0.1) < 1e-9 })  // 50 × 100 ms = 5 s
            #expect(abs(waits[50] - 0.11) < 1e-9)
            #expect(abs(waits[51] - 0.121) < 1e-9)
            #expect(waits.last == 1.0)
            #expect(waits.allSatisfy { $0 <= 1.0 })
        }

        // MARK: Errors (§3)

        @Test func decodesBothErrorShapesAndEmptyBodies() {
            let redactor = DaytonaRedactor(secrets: [])
            let nest = Data(#"{"path":"/api/sandbox","timestamp":"2026-01-01T00:00:00Z","statusCode":400,"error":"Bad Request","message":["cpu must be a number","name is too long"]}"#.utf8)
            let api = DaytonaHTTPFailure.decode(call: "POST /sandbox", status: 400, body: nest, headers: [:], redactor: redactor)
            #expect(api.message == "cpu must be a number, name is too long")
            #expect(api.code == "Bad Request")
            #expect(api.description == "Daytona POST /sandbox: 400 cpu must be a number, name is too long (Bad Request)")

            let go = Data(#"{"statusCode":404,"message":"not found: session not found","code":"NOT_FOUND","timestamp":"x","path":"/process/session/x","method":"GET"}"#.utf8)
            let toolbox = DaytonaHTTPFailure.decode(call: "toolbox GET /process/session/x", status: 404, body: go, headers: [:], redactor: redactor)
            #expect(toolbox.message == "not found: session not found")
            #expect(toolbox.code == "NOT_FOUND")

            let bare = DaytonaHTTPFailure.decode(call: "toolbox GET /files", status: 502, body: Data(), headers: [:], redactor: redactor)
            #expect(bare.message.lowercased() == "bad gateway")
            #expect(bare.code == nil)

            let text = DaytonaHTTPFailure.decode(call: "c", status: 500, body: Data("upstream exploded\n".utf8), headers: [:], redactor: redactor)
            #expect(text.message == "upstream exploded")

            let limited = DaytonaHTTPFailure.decode(
                call: "POST /sandbox", status: 429, body: Data(), headers: ["retry-after-sandbox-create": "9"], redactor: redactor)
            #expect(limited.retryAfterSeconds == 9)
            #expect(limited.description.contains("retry after 9 s"))
        }

        @Test func classifiesNotRunningAndQuotaAnswers() {
            func failure(_ status: Int, _ message: String) -> DaytonaError {
                .response(DaytonaHTTPFailure(call: "c", status: status, message: message, code: nil, retryAfterSeconds: nil, headers: [:]))
            }
            #expect(failure(400, "bad request: failed to resolve container IP after 3 attempts: no IP address found. Is the Sandbox started?").isSandboxNotRunning)
            #expect(failure(404, "not found: sandbox container not found: abc").isSandboxNotRunning)
            #expect(!failure(404, "not found: file not found").isSandboxNotRunning)
            #expect(!failure(400, "bad request: invalid path").isSandboxNotRunning)
            #expect(failure(400, "Total CPU limit exceeded. Maximum allowed: 10").isQuotaExceeded)
            #expect(failure(409, "Sandbox with name x already exists").isAlreadyExists)
            #expect(!failure(409, "Sandbox state change in progress").isAlreadyExists)
            #expect(failure(502, "").isGatewayFailure)
        }

        @Test func redactorHidesKeysAndBearerTokens() {
            let redactor = DaytonaRedactor(secrets: ["dtn_secret123", "s3cr3t pass"])
            #expect(redactor.redact("key dtn_secret123 leaked") == "key *** leaked")
            #expect(redactor.redact("Authorization: Bearer abc.def and bearer xyz") == "Authorization: Bearer *** and bearer ***")
            #expect(redactor.redact("pw=s3cr3t%20pass") == "pw=***")
            #expect(!redactor.redact(#"{"auth":"Bearer dtn_secret123"}"#).contains("dtn_secret123"))
            #expect(DaytonaSandboxProvider.redactUserInfo("fatal: https://user:tok@github.com/o/r.git and http://x@h/") ==
                    "fatal: https://***@github.com/o/r.git and http://***@h/")
            let settings = DaytonaSandboxSettings(apiKey: "dtn_secret123")
            #expect(!"\(settings)".contains("dtn_secret123"))
        }

        // MARK: Multipart and shell wrapper

        @Test func multipartRoundTripsBinaryParts() throws {
            let binary = Data([0, 13, 10, 45, 45, 255, 1, 1, 1])
            let encoded = DaytonaMultipart.encode([
                .init(name: "files[0].path", data: Data("/home/daytona/a b.txt".utf8)),
                .init(name: "files[0].file", filename: "/home/daytona/a b.txt", contentType: "application/octet-stream", data: binary),
            ], boundary: "XYZ")
            #expect(encoded.contentType == "multipart/form-data; boundary=XYZ")
            let parts = try #require(DaytonaMultipart.decode(encoded.body, contentType: encoded.contentType))
            #expect(parts.count == 2)
            #expect(parts[0].name == "files[0].path" && parts[0].filename == nil)
            #expect(String(decoding: parts[0].data, as: UTF8.self) == "/home/daytona/a b.txt")
            #expect(parts[1].filename == "/home/daytona/a b.txt")
            #expect(parts[1].contentType == "application/octet-stream")
            #expect(parts[1].data == binary)
            #expect(DaytonaMultipart.boundary(of: #"multipart/form-data; boundary="DAYTONA-FILE-BOUNDARY""#) == "DAYTONA-FILE-BOUNDARY")
            #expect(DaytonaMultipart.decode(Data("x".utf8), contentType: "application/json") == nil)
        }

        @Test func shellWrapperRunsTheScriptVerbatim() throws {
            let script = "printf '%s|%s\\n' \"$GREETING\" \"$(pwd)\"; echo \"multi\nline\" >&2; exit 3"
            let directory = FileManager.default.temporaryDirectory.path
            let wire = try DaytonaShellCommand.wire(script, environment: ["GREETING": "it's \"quoted\" $HOME"], workingDirectory: directory)
            #expect(!wire.contains("GREETING"))
            #expect(wire.hasPrefix("sh -c 'eval \"$(echo ") && wire.hasSuffix(" | base64 -d)\"' < /dev/null"))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", wire]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 3)
            let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
            #expect(output.contains("it's \"quoted\" $HOME|"))
            #expect(output.contains(resolved) || output.contains(directory))
            #expect(output.contains("multi\nline\n"))
            #expect(throws: SandboxError.self) { try DaytonaShellCommand.wire("true", environment: ["BAD-NAME": "x"]) }
        }
    }
}
