import Foundation
import Logging

/// Runs one long command (the agent) in its own toolbox session (`daytona.md` §9.3), so no HTTP
/// request has to stay open for its whole run:
///
/// 1. `POST /process/session` with a fresh id `dayshift-<uuid>`;
/// 2. `POST /process/session/{sid}/exec` with `runAsync: true` → `cmdId`;
/// 3. poll `GET /process/session/{sid}/command/{cid}` at the SDK cadence (100 ms for 5 s, then ×1.1
///    up to 1 s) until `exitCode` is present or the deadline passes (these polls also count as
///    sandbox activity, so auto-stop does not strike mid-run);
/// 4. `GET …/logs` once, stream markers stripped, only the last `outputLimitBytes` kept;
/// 5. `DELETE /process/session/{sid}`, which kills the shell and everything it started.
///
/// The session is deleted in every case: at the deadline (the result has exit code 124 and
/// `timedOut`), on an error, and when the calling task is cancelled (the deletion runs in a detached
/// task so the cancellation cannot stop it), so cancelling kills the agent.
struct DaytonaSessionCommand: Sendable {
    let toolbox: DaytonaToolbox
    let clock: DaytonaClock
    let logger: Logger

    /// - Parameters:
    ///   - wire: the command line (see ``DaytonaShellCommand``).
    ///   - timeoutSeconds: deadline from the start; none when `<= 0` or not finite.
    ///   - outputLimitBytes: bytes kept from the end of the combined output.
    ///   - started: called once the command runs (after step 2), for the caller's recovery logic.
    func run(
        _ wire: String, timeoutSeconds: Double, outputLimitBytes: Int, started: @Sendable () -> Void = {}
    ) async throws -> CommandResult {
        let sessionID = "dayshift-\(UUID().uuidString.lowercased())"
        let start = clock.now()
        try await toolbox.createSession(sessionID)
        do {
            let commandID = try await toolbox.startSessionCommand(sessionID, command: wire)
            started()
            logger.debug(
                "session command started",
                metadata: ["sandbox.id": "\(toolbox.sandboxID)", "session": "\(sessionID)", "command.id": "\(commandID)"])
            let hasDeadline = timeoutSeconds > 0 && timeoutSeconds.isFinite
            var cadence = DaytonaPollCadence()
            var exitCode: Int?
            while true {
                if let code = try await toolbox.sessionCommand(sessionID, commandID).exitCode {
                    exitCode = code
                    break
                }
                let elapsed = clock.seconds(since: start)
                if hasDeadline, elapsed >= timeoutSeconds { break }
                var wait = cadence.next()
                if hasDeadline { wait = min(wait, max(0.01, timeoutSeconds - elapsed)) }
                try await clock.sleep(.seconds(clamped: wait))
            }
            let output = await readLogs(sessionID, commandID, limit: outputLimitBytes)
            await deleteSession(sessionID)
            let duration = clock.seconds(since: start)
            guard let exitCode else {
                logger.warning(
                    "session command timed out; session deleted",
                    metadata: ["sandbox.id": "\(toolbox.sandboxID)", "timeout_s": "\(timeoutSeconds)"])
                return CommandResult(
                    exitCode: ProcessRunner.timeoutExitCode, output: output.text, outputTruncated: output.isTruncated,
                    timedOut: true, durationSeconds: duration)
            }
            return CommandResult(
                exitCode: Int32(clamping: exitCode), output: output.text, outputTruncated: output.isTruncated,
                durationSeconds: duration)
        } catch {
            await deleteSession(sessionID)
            throw error
        }
    }

    /// The tail of the command's combined output; a note instead when the logs cannot be read.
    private func readLogs(_ sessionID: String, _ commandID: String, limit: Int) async -> OutputTail {
        do {
            let response = try await toolbox.sessionLogs(sessionID, commandID)
            return DaytonaSessionLogs.combinedOutput(body: response.body, contentType: response.contentType, limit: limit)
        } catch {
            logger.warning("cannot read session command logs", metadata: ["sandbox.id": "\(toolbox.sandboxID)", "error": "\(error)"])
            var tail = OutputTail(limit: limit)
            tail.append(Array("[dayshift: the command's output could not be read: \(error)]\n".utf8))
            return tail
        }
    }

    /// Deletes the session from a detached task, so that a cancelled caller still kills the command.
    private func deleteSession(_ sessionID: String) async {
        let toolbox = self.toolbox
        let deletion = Task.detached { try await toolbox.deleteSession(sessionID) }
        do {
            try await deletion.value
        } catch {
            logger.warning(
                "cannot delete toolbox session",
                metadata: ["sandbox.id": "\(toolbox.sandboxID)", "session": "\(sessionID)", "error": "\(error)"])
        }
    }
}
