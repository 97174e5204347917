import Foundation

/// The toolbox's session shells (`/process/session…`), emulated on top of one-shot processes.
///
/// Daytona keeps one long-lived shell per session. The emulator runs each command as its own
/// `/bin/sh` process through the local runner instead, and carries the shell's state over: the
/// working directory and the exported variables are saved when a command ends and restored
/// before the next one (plain, unexported shell variables and shell functions do not carry
/// over). Each command's stdout and stderr lines go to one log file with Daytona's 3-byte
/// markers (`01 01 01` stdout, `02 02 02` stderr); a last line without a newline gets one.
/// Commands read end-of-file on stdin.
///
/// Files live under the emulator's sandbox root, outside the sandbox home:
/// `.daytona-sessions/<sandboxId>/<n>/{cwd,env,<cmdId>.cmd,<cmdId>.log,<cmdId>.exit}`.
actor DaytonaSessionRegistry {
    /// One command of a session.
    struct Command: Sendable {
        var id: String
        var command: String
        /// Nil while the command runs.
        var exitCode: Int?
        var logFile: URL
    }

    struct Session {
        var id: String
        var directory: URL
        var commands: [Command] = []
        var tasks: [String: Task<Void, Never>] = [:]
    }

    /// Everything needed to run one command.
    struct Prepared: Sendable {
        var commandID: String
        /// The `/bin/sh -c` text that runs the command inside the session's saved state.
        var shellCommand: String
        var logFile: URL
    }

    private var sessions: [String: [String: Session]] = [:]
    private var nextDirectory = 0

    // MARK: Sessions

    /// `POST /process/session`: a new, empty session.
    /// - Throws: 400 for the reserved id `entrypoint` or an empty id, 409 when it exists.
    func create(sandboxID: String, sessionID: String, under base: URL) throws(DaytonaToolboxError) {
        guard !sessionID.isEmpty else { throw .invalidBody("sessionId is required") }
        guard sessionID != "entrypoint" else { throw .badRequest("session id 'entrypoint' is reserved") }
        guard sessions[sandboxID]?[sessionID] == nil else { throw .conflict("session already exists") }
        nextDirectory += 1
        let directory = base.appendingPathComponent(String(nextDirectory), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .internalError("cannot create the session: \(error.localizedDescription)")
        }
        sessions[sandboxID, default: [:]][sessionID] = Session(id: sessionID, directory: directory)
    }

    /// `GET /process/session/{sessionId}`: the session's id and commands.
    func session(sandboxID: String, sessionID: String) throws(DaytonaToolboxError) -> (id: String, commands: [Command]) {
        let session = try require(sandboxID, sessionID)
        return (session.id, session.commands)
    }

    /// `GET /process/session`: every session of the sandbox, by id.
    func list(sandboxID: String) -> [(id: String, commands: [Command])] {
        (sessions[sandboxID] ?? [:]).values.sorted { $0.id < $1.id }.map { ($0.id, $0.commands) }
    }

    /// `DELETE /process/session/{sessionId}`: kills its running commands and forgets it.
    func delete(sandboxID: String, sessionID: String) throws(DaytonaToolboxError) {
        let session = try require(sandboxID, sessionID)
        end(session)
        sessions[sandboxID]?[sessionID] = nil
    }

    /// Ends every session of a sandbox (stop, delete, vanish).
    func removeAll(sandboxID: String) {
        for session in (sessions.removeValue(forKey: sandboxID) ?? [:]).values { end(session) }
    }

    /// Ends every session of every sandbox.
    func shutdown() {
        for sandboxID in Array(sessions.keys) { removeAll(sandboxID: sandboxID) }
    }

    // MARK: Commands

    /// Registers a command and writes its files; run ``Prepared/shellCommand`` next, then report
    /// with ``attach(_:sandboxID:sessionID:commandID:)`` and ``finish(sandboxID:sessionID:commandID:exitCode:)``.
    func prepare(sandboxID: String, sessionID: String, command: String) throws(DaytonaToolboxError) -> Prepared {
        let session = try require(sandboxID, sessionID)
        let commandID = UUID().uuidString.lowercased()
        let base = session.directory.appendingPathComponent(commandID)
        let logFile = base.appendingPathExtension("log")
        do {
            try Data((command + "\n").utf8).write(to: base.appendingPathExtension("cmd"))
            try Data().write(to: logFile)
        } catch {
            throw .internalError("cannot prepare the command: \(error.localizedDescription)")
        }
        sessions[sandboxID]?[sessionID]?.commands.append(Command(id: commandID, command: command, logFile: logFile))
        return Prepared(
            commandID: commandID, shellCommand: Self.script(session: session.directory.path, command: base.path),
            logFile: logFile)
    }

    /// Keeps the task running a command, so that deleting the session cancels it.
    func attach(_ task: Task<Void, Never>, sandboxID: String, sessionID: String, commandID: String) {
        guard sessions[sandboxID]?[sessionID] != nil else {
            task.cancel()
            return
        }
        sessions[sandboxID]?[sessionID]?.tasks[commandID] = task
    }

    /// Records the exit code of a finished command.
    func finish(sandboxID: String, sessionID: String, commandID: String, exitCode: Int) {
        guard var session = sessions[sandboxID]?[sessionID],
            let index = session.commands.firstIndex(where: { $0.id == commandID })
        else { return }
        session.commands[index].exitCode = exitCode
        session.tasks[commandID] = nil
        sessions[sandboxID]?[sessionID] = session
    }

    /// `GET /process/session/{sessionId}/command/{commandId}`.
    /// - Throws: 404 `session not found` / `command not found`.
    func command(sandboxID: String, sessionID: String, commandID: String) throws(DaytonaToolboxError) -> Command {
        let session = try require(sandboxID, sessionID)
        guard let command = session.commands.first(where: { $0.id == commandID }) else {
            throw .notFound("command not found")
        }
        return command
    }

    // MARK: Internals

    private func require(_ sandboxID: String, _ sessionID: String) throws(DaytonaToolboxError) -> Session {
        guard let session = sessions[sandboxID]?[sessionID] else { throw .notFound("session not found") }
        return session
    }

    private func end(_ session: Session) {
        for task in session.tasks.values { task.cancel() }
    }

    /// The shell text running `<command>.cmd` in the session's saved directory and exported
    /// environment, labelling stdout/stderr lines into `<command>.log`, saving the state and the
    /// exit code (`<command>.exit`) when it ends (an `exit` in the command included).
    static func script(session: String, command: String) -> String {
        // `read` takes one line at a time from a pipe (awk would wait for a full input buffer).
        let stdoutLabel = #"while IFS= read -r __dt_l || [ -n "$__dt_l" ]; do printf '\001\001\001%s\n' "$__dt_l"; done"#
        let stderrLabel = #"while IFS= read -r __dt_l || [ -n "$__dt_l" ]; do printf '\002\002\002%s\n' "$__dt_l"; done"#
        return """
            __dt_s=\(quote(session)); __dt_c=\(quote(command))
            if [ -f "$__dt_s/cwd" ]; then cd "$(cat "$__dt_s/cwd")" 2>/dev/null || true; fi
            if [ -f "$__dt_s/env" ]; then . "$__dt_s/env" 2>/dev/null || true; fi
            { ( trap '__dt_rc=$?; pwd > "$__dt_s/cwd"; export -p > "$__dt_s/env"; echo "$__dt_rc" > "$__dt_c.exit"' EXIT
                . "$__dt_c.cmd" < /dev/null
              ) 2>&1 1>&3 3>&- | { \(stderrLabel); } >> "$__dt_c.log"; } 3>&1 | { \(stdoutLabel); } >> "$__dt_c.log"
            exit "$(cat "$__dt_c.exit" 2>/dev/null || echo 1)"
            """
    }

    /// `text` single-quoted for `/bin/sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
