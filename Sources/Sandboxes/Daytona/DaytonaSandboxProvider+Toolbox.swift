import Foundation
import Logging

extension DaytonaSandboxProvider {
    // MARK: - Process

    /// Runs `command` through `/bin/sh` in the sandbox and returns its exit code and the tail of its
    /// combined output.
    ///
    /// - Commands with a timeout of at most ``DaytonaSandboxSettings/sessionThresholdSeconds``: one
    ///   toolbox `POST /process/execute` `{command, cwd, timeout}` with an HTTP timeout of the command's
    ///   plus ``DaytonaToolbox/executeMarginSeconds``. A 408 (or the HTTP timeout) is a timeout: exit
    ///   code 124, `timedOut`, no output (Daytona drops it).
    /// - Longer commands, or none (`timeoutSeconds <= 0`): a toolbox session (``DaytonaSessionCommand``);
    ///   the deadline is enforced here, and cancelling the task deletes the session, killing the command.
    ///
    /// The command travels base64-encoded in `sh -c` (``DaytonaShellCommand``), with
    /// ``SandboxCommand/environment`` exported first and stdin at `/dev/null`. The working directory is
    /// resolved against the home directory (the home directory when `nil`).
    ///
    /// A sandbox found stopped or archived is started and the command sent once more — only when it
    /// cannot have run yet. `process/execute` is never repeated after a 5xx while the sandbox runs.
    /// - Throws: ``SandboxError/notFound(_:)`` when the sandbox is gone,
    ///   ``SandboxError/commandFailedToStart(_:)`` for every other failure (Daytona's message, or exit
    ///   code -1: the daemon could not start the shell), `CancellationError`.
    public func execute(in sandboxID: String, _ command: SandboxCommand) async throws -> CommandResult {
        do {
            let directory = try await resolve(command.workingDirectory, in: sandboxID)
            let timeout = command.timeoutSeconds
            if !(timeout > 0 && timeout.isFinite) || timeout > settings.sessionThresholdSeconds {
                return try await executeInSession(sandboxID, command, directory: directory)
            }
            let wire = try DaytonaShellCommand.wire(command.command, environment: command.environment)
            let seconds = max(1, Int(timeout.rounded(.up)))
            let start = clock.now()
            let result = try await withToolbox(sandboxID, "execute") { toolbox in
                do {
                    let response = try await toolbox.execute(wire, cwd: directory, timeoutSeconds: seconds)
                    let exitCode = response.exitCode ?? response.code ?? -1
                    guard exitCode != -1 else {
                        let detail = (response.result ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                        throw SandboxError.commandFailedToStart(
                            "the toolbox could not run the command" + (detail.isEmpty ? "" : ": \(detail)"))
                    }
                    var tail = OutputTail(limit: command.outputLimitBytes)
                    tail.append(Array((response.result ?? "").utf8))
                    return CommandResult(
                        exitCode: Int32(clamping: exitCode), output: tail.text, outputTruncated: tail.isTruncated,
                        durationSeconds: self.clock.seconds(since: start))
                } catch let error as DaytonaError where error.status == 408 || error.isTimeout {
                    return CommandResult(
                        exitCode: ProcessRunner.timeoutExitCode, output: "", timedOut: true,
                        durationSeconds: self.clock.seconds(since: start))
                }
            }
            logger.info(
                "command finished",
                metadata: [
                    "sandbox.id": "\(sandboxID)", "exit_code": "\(result.exitCode)", "timed_out": "\(result.timedOut)",
                    "duration_s": "\(String(format: "%.3f", result.durationSeconds))",
                ])
            return result
        } catch {
            throw mapped(error) { .commandFailedToStart($0) }
        }
    }

    private func executeInSession(_ sandboxID: String, _ command: SandboxCommand, directory: String) async throws -> CommandResult {
        let wire = try DaytonaShellCommand.wire(command.command, environment: command.environment, workingDirectory: directory)
        let running = DaytonaFlag()
        let result = try await withToolbox(sandboxID, "session command", retryable: { !running.isSet }) { toolbox in
            try await DaytonaSessionCommand(toolbox: toolbox, clock: self.clock, logger: self.logger)
                .run(wire, timeoutSeconds: command.timeoutSeconds, outputLimitBytes: command.outputLimitBytes, started: { running.set() })
        }
        let missing = DaytonaShellCommand.missingDirectoryMessage(directory)
        if result.exitCode == 1, result.output.trimmingCharacters(in: .whitespacesAndNewlines) == missing {
            throw SandboxError.commandFailedToStart("no such working directory: \(directory)")
        }
        logger.info(
            "session command finished",
            metadata: [
                "sandbox.id": "\(sandboxID)", "exit_code": "\(result.exitCode)", "timed_out": "\(result.timedOut)",
                "duration_s": "\(String(format: "%.3f", result.durationSeconds))",
            ])
        return result
    }

    // MARK: - Git

    /// Toolbox `POST /git/clone` `{url, path, branch?, username?, password?}`; the credentials travel
    /// in the body only, and only when both are set. `path` is resolved against the home directory.
    /// HTTP timeout: ``DaytonaSandboxSettings/cloneTimeoutSeconds``.
    /// - Throws: ``SandboxError/notFound(_:)``; ``SandboxError/gitFailed(_:)`` with Daytona's message
    ///   (401/403 read as bad or insufficient credentials, 404 as repository or branch not found),
    ///   the credentials and URL user-info replaced by `***`; `CancellationError`.
    public func gitClone(in sandboxID: String, _ request: GitCloneRequest) async throws {
        let hasCredentials = !(request.username ?? "").isEmpty && !(request.password ?? "").isEmpty
        let redactor = client.redactor.adding(hasCredentials ? [request.password] : [])
        do {
            let path = try await resolve(request.path, in: sandboxID)
            let body = DaytonaGitCloneBody(
                url: request.url, path: path, branch: (request.branch?.isEmpty ?? true) ? nil : request.branch,
                username: hasCredentials ? request.username : nil, password: hasCredentials ? request.password : nil)
            logger.info(
                "cloning", metadata: ["sandbox.id": "\(sandboxID)", "url": "\(Self.redactUserInfo(request.url))", "path": "\(path)"])
            try await withToolbox(sandboxID, "git clone") { toolbox in
                try await toolbox.gitClone(body, timeoutSeconds: self.settings.cloneTimeoutSeconds)
            }
        } catch let error as DaytonaError {
            var message = error.failure?.message ?? error.description
            switch error.status {
            case 401, 403: message = "bad or insufficient credentials: \(message)"
            case 404: message = "repository or branch not found: \(message)"
            case 409: message = "conflict: \(message)"
            default: if error.failure == nil { message = error.description }
            }
            throw SandboxError.gitFailed(Self.redactUserInfo(redactor.redact(message)))
        } catch {
            throw mapped(error, redactor: redactor) { .gitFailed(Self.redactUserInfo($0)) }
        }
    }

    // MARK: - Files

    /// Writes `contents` to `path` (resolved against the home directory) with toolbox
    /// `POST /files/bulk-upload`, as the SDKs send it; parent directories are created, an existing
    /// file is replaced.
    /// - Throws: ``SandboxError/notFound(_:)``, ``DaytonaError`` (e.g. 400 for a directory),
    ///   `CancellationError`.
    public func uploadFile(in sandboxID: String, path: String, contents: Data) async throws {
        do {
            let target = try await resolve(path, in: sandboxID)
            try await withToolbox(sandboxID, "upload") { toolbox in
                try await toolbox.upload(path: target, contents: contents, timeoutSeconds: self.fileTimeoutSeconds)
            }
        } catch let error as DaytonaError {
            throw error
        } catch {
            throw mapped(error) { .commandFailedToStart($0) }
        }
    }

    /// Reads the file at `path` (resolved against the home directory) with toolbox
    /// `POST /files/bulk-download` (fallback `GET /files/download`).
    /// - Throws: ``SandboxError/fileNotFound(_:)`` when there is no file there (a directory counts as
    ///   no file), ``SandboxError/notFound(_:)``, ``DaytonaError``, `CancellationError`.
    public func downloadFile(in sandboxID: String, path: String) async throws -> Data {
        do {
            let target = try await resolve(path, in: sandboxID)
            return try await withToolbox(sandboxID, "download") { toolbox in
                try await toolbox.download(path: target, timeoutSeconds: self.fileTimeoutSeconds)
            }
        } catch let error as DaytonaError where error.status == 404 || error.status == 400 {
            throw SandboxError.fileNotFound(path)
        }
    }

    var fileTimeoutSeconds: Double { max(settings.requestTimeoutSeconds, 300) }

    // MARK: - Toolbox access and recovery

    /// The toolbox of `sandboxID`: its `toolboxProxyUrl` (remembered, else from `GET /sandbox/{id}`,
    /// else `GET /sandbox/{id}/toolbox-proxy-url`) plus `/{id}`.
    /// - Throws: ``SandboxError/notFound(_:)``, ``DaytonaError``.
    func toolbox(for sandboxID: String) async throws -> DaytonaToolbox {
        if let url = cache.entry(sandboxID)?.toolboxProxyURL {
            return try DaytonaToolbox(client: client, sandboxID: sandboxID, proxyURL: url)
        }
        guard let dto = try await client.getSandbox(sandboxID), !DaytonaState.gone.contains(dto.stateOrUnknown) else {
            throw SandboxError.notFound(sandboxID)
        }
        let url: String
        if let known = dto.toolboxProxyUrl, !known.isEmpty {
            url = known
        } else {
            url = try await client.toolboxProxyURL(dto.id)
        }
        cache.remember(dto.id, toolboxProxyURL: url)
        return try DaytonaToolbox(client: client, sandboxID: dto.id, proxyURL: url)
    }

    /// Runs `operation` on the sandbox's toolbox. When the toolbox answers in a way that can mean
    /// "not running" (400 "Is the Sandbox started?", any 404, 502/503/504, no connection), the state
    /// is checked with `GET /sandbox/{id}`:
    /// - gone → ``SandboxError/notFound(_:)``;
    /// - not `started` → it is started, waited for, and `operation` runs once more (when `retryable`);
    /// - `started` → `operation` runs once more only when the answer said "not running"; otherwise the
    ///   original error is thrown (a 5xx is never followed by a second non-idempotent call).
    func withToolbox<T: Sendable>(
        _ sandboxID: String, _ what: String, retryable: () -> Bool = { true },
        _ operation: (DaytonaToolbox) async throws -> T
    ) async throws -> T {
        let toolbox = try await self.toolbox(for: sandboxID)
        do {
            return try await operation(toolbox)
        } catch let error as DaytonaError where Self.mayMeanNotRunning(error) {
            guard let dto = try await client.getSandbox(sandboxID), !DaytonaState.gone.contains(dto.stateOrUnknown) else {
                cache.forget(sandboxID)
                throw SandboxError.notFound(sandboxID)
            }
            let isStarted = dto.state == DaytonaState.started
            guard retryable(), !isStarted || error.isSandboxNotRunning else { throw error }
            logger.warning(
                "sandbox not running; starting it and retrying once",
                metadata: metadata(dto, ["operation": "\(what)", "error": "\(error)"]))
            let started = try await waitUntilStarted(dto, deadline: clock.now() + .seconds(clamped: settings.startTimeoutSeconds))
            cache.remember(started.id, toolboxProxyURL: started.toolboxProxyUrl)
            return try await operation(try await self.toolbox(for: sandboxID))
        }
    }

    private static func mayMeanNotRunning(_ error: DaytonaError) -> Bool {
        if error.isSandboxNotRunning || error.isGatewayFailure || error.status == 404 { return true }
        if case .transport(_, _, false) = error { return true }
        return false
    }

    /// `path` against the sandbox's home directory (absolute paths unchanged); the home directory for
    /// `nil` or an empty path. The home directory is asked once (`GET /user-home-dir`) and remembered.
    func resolve(_ path: String?, in sandboxID: String) async throws -> String {
        if let path, path.hasPrefix("/") { return path }
        let home: String
        if let known = cache.entry(sandboxID)?.homeDirectory {
            home = known
        } else {
            home = try await withToolbox(sandboxID, "home directory") { try await $0.userHomeDirectory() }
            cache.remember(sandboxID, homeDirectory: home)
        }
        guard let path, !path.isEmpty, path != "." else { return home }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return (home.hasSuffix("/") ? home : home + "/") + relative
    }

    /// `error` as thrown at the protocol boundary: cancellation and ``SandboxError`` unchanged, the
    /// rest through `make` with a redacted description.
    func mapped(_ error: any Error, redactor: DaytonaRedactor? = nil, _ make: (String) -> SandboxError) -> any Error {
        if error is CancellationError || error is SandboxError { return error }
        if let urlError = error as? URLError, urlError.code == .cancelled { return CancellationError() }
        return make((redactor ?? client.redactor).redact("\(error)"))
    }

    /// `url` with any `user:password@` replaced by `***@`.
    static func redactUserInfo(_ text: String) -> String {
        var result = text
        var searchFrom = result.startIndex
        while let scheme = result.range(of: "://", range: searchFrom..<result.endIndex) {
            let rest = result[scheme.upperBound...]
            let end = rest.firstIndex(where: { $0 == "/" || $0.isWhitespace || $0 == "\"" || $0 == "'" }) ?? result.endIndex
            if let at = result[scheme.upperBound..<end].lastIndex(of: "@") {
                let offset = result.distance(from: result.startIndex, to: scheme.upperBound) + 4
                result.replaceSubrange(scheme.upperBound..<at, with: "***")
                searchFrom = result.index(result.startIndex, offsetBy: min(offset, result.count))
            } else {
                searchFrom = scheme.upperBound
            }
        }
        return result
    }
}
