import Foundation
import Hummingbird
import Sandboxes

/// Toolbox process endpoints under `/toolbox/{sandboxId}` (daemon v0.190, §9.2–9.3):
///
/// | endpoint | answer |
/// |---|---|
/// | `POST /process/execute` `{command, cwd?, envs?, timeout?}` | 200 `{exitCode, result}` (combined output); 408 on timeout |
/// | `POST /process/session` `{sessionId}` | 201; 409 exists |
/// | `GET /process/session` | 200 `[Session]` |
/// | `GET /process/session/{sessionId}` | 200 `{sessionId, commands}`; 404 |
/// | `DELETE /process/session/{sessionId}` | 204 (kills its commands) |
/// | `POST /process/session/{sessionId}/exec` `{command, runAsync?, async?}` | 200 `{cmdId, output, stdout?, stderr?, exitCode}`; async 202 `{cmdId}` |
/// | `GET /process/session/{sessionId}/command/{commandId}` | 200 `{id, command, exitCode?}` |
/// | `GET /process/session/{sessionId}/command/{commandId}/logs?follow` | JSON `{output, stdout, stderr}` or text, per `X-Daytona-SDK-Version` (``DaytonaOutputFormat``); `follow=true` streams combined text over plain HTTP until the command ends |
enum DaytonaToolboxProcessRoutes {
    struct ExecuteBody: Decodable {
        var command: String?
        var cwd: String?
        var envs: [String: String]?
        var timeout: Int?
    }

    struct ExecuteResponse: Encodable {
        var exitCode: Int
        var result: String
    }

    struct CreateSessionBody: Decodable { var sessionId: String? }

    struct SessionExecuteBody: Decodable {
        var command: String?
        var runAsync: Bool?
        var `async`: Bool?
        var suppressInputEcho: Bool?
    }

    struct SessionExecuteResponse: Encodable {
        var cmdId: String
        var output: String?
        var stdout: String?
        var stderr: String?
        var exitCode: Int?
    }

    struct CommandDTO: Encodable {
        var id: String
        var command: String
        var exitCode: Int?

        init(_ command: DaytonaSessionRegistry.Command) {
            id = command.id
            self.command = command.command
            exitCode = command.exitCode
        }
    }

    struct SessionDTO: Encodable {
        var sessionId: String
        var commands: [CommandDTO]
    }

    struct LogsResponse: Encodable {
        var output: String
        var stdout: String
        var stderr: String
    }

    static func add<Context: RequestContext>(to toolbox: RouterGroup<Context>, state: DaytonaEmulatorState) {
        toolbox.post("process/execute") { request, context in
            try await execute(request, context, state)
        }
        toolbox.post("process/session") { request, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let body = try await request.daytonaJSON(CreateSessionBody.self) { DaytonaToolboxError.invalidBody($0) }
            guard let base = await state.sessionsDirectory(of: target.id) else { throw DaytonaToolboxError.containerNotFound(target.id) }
            try await state.sessions.create(sandboxID: target.id, sessionID: body.sessionId ?? "", under: base)
            return DaytonaJSON.empty(.created)
        }
        toolbox.get("process/session") { _, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let sessions = await state.sessions.list(sandboxID: target.id)
            return DaytonaJSON.response(sessions.map { SessionDTO(sessionId: $0.id, commands: $0.commands.map(CommandDTO.init)) })
        }
        toolbox.get("process/session/:sessionId") { _, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let session = try await state.sessions.session(sandboxID: target.id, sessionID: sessionID(context))
            return DaytonaJSON.response(SessionDTO(sessionId: session.id, commands: session.commands.map(CommandDTO.init)))
        }
        toolbox.delete("process/session/:sessionId") { _, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            try await state.sessions.delete(sandboxID: target.id, sessionID: sessionID(context))
            return DaytonaJSON.empty(.noContent)
        }
        toolbox.post("process/session/:sessionId/exec") { request, context in
            try await sessionExecute(request, context, state)
        }
        toolbox.get("process/session/:sessionId/command/:commandId") { _, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let command = try await state.sessions.command(
                sandboxID: target.id, sessionID: sessionID(context), commandID: context.parameters.get("commandId") ?? "")
            return DaytonaJSON.response(CommandDTO(command))
        }
        toolbox.get("process/session/:sessionId/command/:commandId/logs") { request, context in
            try await logs(request, context, state)
        }
    }

    // MARK: Handlers

    static func execute(_ request: Request, _ context: some RequestContext, _ state: DaytonaEmulatorState) async throws -> Response {
        let target = try await DaytonaToolboxTarget.resolve(context, state)
        let body = try await request.daytonaJSON(ExecuteBody.self) { DaytonaToolboxError.invalidBody($0) }
        guard let command = body.command, !command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DaytonaToolboxError.badRequest("command is required")
        }
        for key in (body.envs ?? [:]).keys where !isIdentifier(key) {
            throw DaytonaToolboxError.badRequest("invalid environment variable name: \(key)")
        }
        if await state.takeExecTimeout() { throw DaytonaToolboxError.execTimeout }
        let result: CommandResult
        do {
            let invocation = SandboxCommand(
                command, workingDirectory: body.cwd, environment: body.envs ?? [:],
                timeoutSeconds: Double(max(body.timeout ?? 0, 0)), outputLimitBytes: state.configuration.execOutputLimitBytes)
            result = try await state.runCancellable(in: target.id) { [provider = target.provider, id = target.id] in
                try await provider.execute(in: id, invocation)
            }
        } catch SandboxError.commandFailedToStart(let reason) {
            // The daemon answers -1 when the process cannot be started.
            return DaytonaJSON.response(ExecuteResponse(exitCode: -1, result: reason))
        } catch {
            throw DaytonaToolboxTarget.toolboxError(error, id: target.id)
        }
        if result.timedOut { throw DaytonaToolboxError.execTimeout }
        return DaytonaJSON.response(ExecuteResponse(exitCode: Int(result.exitCode), result: result.output))
    }

    static func sessionExecute(_ request: Request, _ context: some RequestContext, _ state: DaytonaEmulatorState) async throws -> Response {
        let target = try await DaytonaToolboxTarget.resolve(context, state)
        let session = try sessionID(context)
        let body = try await request.daytonaJSON(SessionExecuteBody.self) { DaytonaToolboxError.invalidBody($0) }
        guard let command = body.command, !command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DaytonaToolboxError.badRequest("command is required")
        }
        let registry = state.sessions
        let prepared = try await registry.prepare(sandboxID: target.id, sessionID: session, command: command)
        let provider = target.provider
        let sandboxID = target.id
        let task = Task {
            let result = try? await provider.execute(
                in: sandboxID, SandboxCommand(prepared.shellCommand, timeoutSeconds: 0, outputLimitBytes: 16 * 1024))
            guard !Task.isCancelled else { return }
            await registry.finish(
                sandboxID: sandboxID, sessionID: session, commandID: prepared.commandID, exitCode: Int(result?.exitCode ?? -1))
        }
        await registry.attach(task, sandboxID: sandboxID, sessionID: session, commandID: prepared.commandID)
        if body.runAsync == true || body.async == true {
            return DaytonaJSON.response(SessionExecuteResponse(cmdId: prepared.commandID), status: .accepted)
        }
        await task.value
        // The session is gone when the sandbox stopped (or the session was deleted) meanwhile:
        // the shell died under the request, which the proxy answers with a bare 502.
        guard let finished = try? await registry.command(sandboxID: sandboxID, sessionID: session, commandID: prepared.commandID)
        else { throw CancellationError() }
        let raw = (try? Data(contentsOf: prepared.logFile)) ?? Data()
        let format = outputFormat(request)
        var response = SessionExecuteResponse(cmdId: prepared.commandID, output: format.output(raw), exitCode: finished.exitCode)
        if format == .split {
            let (stdout, stderr) = DaytonaOutputFormat.demultiplex(raw)
            response.stdout = String(decoding: stdout, as: UTF8.self)
            response.stderr = String(decoding: stderr, as: UTF8.self)
        }
        return DaytonaJSON.response(response)
    }

    static func logs(_ request: Request, _ context: some RequestContext, _ state: DaytonaEmulatorState) async throws -> Response {
        let target = try await DaytonaToolboxTarget.resolve(context, state)
        let session = try sessionID(context)
        let commandID = context.parameters.get("commandId") ?? ""
        let registry = state.sessions
        let command = try await registry.command(sandboxID: target.id, sessionID: session, commandID: commandID)
        if request.uri.queryParameters.get("follow") == "true" {
            return follow(command.logFile) { [sandboxID = target.id] in
                (try? await registry.command(sandboxID: sandboxID, sessionID: session, commandID: commandID))?.exitCode == nil
            }
        }
        let raw = (try? Data(contentsOf: command.logFile)) ?? Data()
        let format = outputFormat(request)
        if format == .split {
            let (stdout, stderr) = DaytonaOutputFormat.demultiplex(raw)
            return DaytonaJSON.response(LogsResponse(
                output: format.output(raw), stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self)))
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: format.output(raw))))
    }

    /// Streams the log (markers stripped) as it grows, until `isRunning` turns false and
    /// everything was sent: the runner's bridge for a plain-HTTP `follow=true`.
    static func follow(_ logFile: URL, isRunning: @escaping @Sendable () async -> Bool) -> Response {
        let body = ResponseBody { writer in
            var sent = 0
            while true {
                let running = await isRunning()
                let data = (try? Data(contentsOf: logFile)) ?? Data()
                if data.count > sent {
                    // Only whole lines, so a marker is never split (except at the very end).
                    let chunk = data[sent...]
                    let cut = running ? (chunk.lastIndex(of: 0x0A).map { $0 + 1 } ?? sent) : data.count
                    if cut > sent {
                        try await writer.write(ByteBuffer(bytes: DaytonaOutputFormat.stripped(Data(data[sent..<cut]))))
                        sent = cut
                    }
                }
                if !running && sent >= data.count { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
    }

    // MARK: Helpers

    static func outputFormat(_ request: Request) -> DaytonaOutputFormat {
        DaytonaOutputFormat(
            sdkVersion: request.daytonaHeader("x-daytona-sdk-version"),
            splitOutput: request.daytonaHeader("x-daytona-split-output"))
    }

    static func sessionID(_ context: some RequestContext) throws -> String {
        guard let value = context.parameters.get("sessionId"), !value.isEmpty else {
            throw DaytonaToolboxError.badRequest("session id is required")
        }
        return value
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }
}
