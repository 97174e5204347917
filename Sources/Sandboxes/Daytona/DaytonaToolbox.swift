import Foundation

/// The toolbox (daemon) of one sandbox, reached through the proxy at `{toolboxProxyUrl}/{sandboxId}`
/// with the same bearer token (`daytona.md` §1, §9). Calls throw ``DaytonaError``; the provider maps
/// them to ``SandboxError`` and handles "sandbox not running".
struct DaytonaToolbox: Sendable {
    /// Seconds added to a command's own timeout for the HTTP timeout of `POST /process/execute`.
    static let executeMarginSeconds = 10.0

    let client: DaytonaAPIClient
    let sandboxID: String
    /// `{toolboxProxyUrl}/{sandboxId}`, no trailing slash.
    let baseURL: URL

    init(client: DaytonaAPIClient, sandboxID: String, proxyURL: String) throws {
        var text = proxyURL.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: "\(text)/\(DaytonaAPIClient.segment(sandboxID))"), url.scheme != nil else {
            throw DaytonaError.invalidResponse(call: "toolbox", reason: "invalid toolboxProxyUrl \"\(proxyURL)\"")
        }
        self.client = client
        self.sandboxID = sandboxID
        self.baseURL = url
    }

    // MARK: Info

    /// `GET /user-home-dir` → `{dir}`: the sandbox user's home directory.
    func userHomeDirectory() async throws -> String {
        let response = try await client.send(call("GET", "/user-home-dir", idempotent: true))
        return try client.decode(DaytonaDirectoryBody.self, response, call: "toolbox GET /user-home-dir").dir
    }

    // MARK: Process

    /// `POST /process/execute` `{command, cwd, timeout}` → `{exitCode, result}`; 200 even for a
    /// non-zero exit, 408 when `timeoutSeconds` passed. The HTTP timeout is the command's plus
    /// ``executeMarginSeconds``. Never retried after a 5xx or a lost answer.
    func execute(_ command: String, cwd: String?, timeoutSeconds: Int?) async throws -> DaytonaExecuteResponse {
        let body = try DaytonaAPIClient.json(DaytonaExecuteBody(command: command, cwd: cwd, timeout: timeoutSeconds))
        let httpTimeout = timeoutSeconds.map { Double($0) + Self.executeMarginSeconds } ?? 24 * 3600
        let response = try await client.send(
            call("POST", "/process/execute", body: body, idempotent: false, timeoutSeconds: httpTimeout))
        return try client.decode(DaytonaExecuteResponse.self, response, call: "toolbox POST /process/execute")
    }

    /// `POST /process/session` `{sessionId}` → 201.
    func createSession(_ sessionID: String) async throws {
        let body = try DaytonaAPIClient.json(DaytonaCreateSessionBody(sessionId: sessionID))
        _ = try await client.send(call("POST", "/process/session", body: body, idempotent: false))
    }

    /// `POST /process/session/{sid}/exec` `{command, runAsync: true}` → 202 `{cmdId}`.
    func startSessionCommand(_ sessionID: String, command: String) async throws -> String {
        let path = "/process/session/\(DaytonaAPIClient.segment(sessionID))/exec"
        let body = try DaytonaAPIClient.json(DaytonaSessionExecBody(command: command, runAsync: true, async: true))
        let response = try await client.send(call("POST", path, body: body, idempotent: false))
        let decoded = try client.decode(DaytonaSessionExecResponse.self, response, call: "toolbox POST \(path)")
        guard let commandID = decoded.cmdId, !commandID.isEmpty else {
            throw DaytonaError.invalidResponse(call: "toolbox POST \(path)", reason: "no cmdId in the answer")
        }
        return commandID
    }

    /// `GET /process/session/{sid}/command/{cid}` → `{id, command, exitCode?}`; `exitCode` is absent
    /// while the command runs.
    func sessionCommand(_ sessionID: String, _ commandID: String) async throws -> DaytonaSessionCommandStatus {
        let path = "/process/session/\(DaytonaAPIClient.segment(sessionID))/command/\(DaytonaAPIClient.segment(commandID))"
        let response = try await client.send(call("GET", path, idempotent: true))
        return try client.decode(DaytonaSessionCommandStatus.self, response, call: "toolbox GET \(path)")
    }

    /// `GET /process/session/{sid}/command/{cid}/logs` (not followed): the whole log so far, as JSON
    /// `{output, stdout, stderr}` or text (see ``DaytonaSessionLogs``).
    func sessionLogs(_ sessionID: String, _ commandID: String) async throws -> DaytonaHTTPResponse {
        let path = "/process/session/\(DaytonaAPIClient.segment(sessionID))/command/\(DaytonaAPIClient.segment(commandID))/logs"
        return try await client.send(call("GET", path, idempotent: true, timeoutSeconds: max(client.requestTimeoutSeconds, 120)))
    }

    /// `DELETE /process/session/{sid}` → 204; kills the session's shell and what runs in it.
    func deleteSession(_ sessionID: String) async throws {
        _ = try await client.send(call("DELETE", "/process/session/\(DaytonaAPIClient.segment(sessionID))", idempotent: true))
    }

    // MARK: Git

    /// `POST /git/clone` `{url, path, branch?, username?, password?}` → 200. Credentials go in the
    /// body only, and only when both are set.
    func gitClone(_ body: DaytonaGitCloneBody, timeoutSeconds: Double) async throws {
        _ = try await client.send(
            call("POST", "/git/clone", body: try DaytonaAPIClient.json(body), idempotent: false, timeoutSeconds: timeoutSeconds))
    }

    // MARK: Files

    /// `POST /files/bulk-upload`, as the SDKs send even one file: a multipart form with a text part
    /// `files[0].path` (the absolute destination) before a part `files[0].file` (filename = the
    /// destination, `application/octet-stream`). The daemon creates parent directories and overwrites.
    func upload(path: String, contents: Data, timeoutSeconds: Double) async throws {
        let form = DaytonaMultipart.encode([
            .init(name: "files[0].path", data: Data(path.utf8)),
            .init(name: "files[0].file", filename: path, contentType: "application/octet-stream", data: contents),
        ])
        _ = try await client.send(
            call("POST", "/files/bulk-upload", body: form.body, contentType: form.contentType, idempotent: false,
                 timeoutSeconds: timeoutSeconds))
    }

    /// The file at `path` (absolute): `POST /files/bulk-download` `{paths:[path]}` as the SDKs do (a
    /// multipart answer with a `file` part, or an `error` part holding a JSON error), falling back to
    /// `GET /files/download?path=` when the daemon has no bulk route (404/405 that is not "sandbox not
    /// running").
    /// - Throws: ``DaytonaError`` 404 (`FILE_NOT_FOUND`) for a missing file, 400 for a directory.
    func download(path: String, timeoutSeconds: Double) async throws -> Data {
        let bulkPath = "/files/bulk-download"
        let response: DaytonaHTTPResponse
        do {
            let body = try DaytonaAPIClient.json(DaytonaBulkDownloadBody(paths: [path]))
            // A read: safe to repeat after a 5xx.
            response = try await client.send(
                call("POST", bulkPath, body: body, idempotent: true, timeoutSeconds: timeoutSeconds))
        } catch let error as DaytonaError where (error.status == 404 || error.status == 405) && !error.isSandboxNotRunning {
            return try await downloadSingle(path: path, timeoutSeconds: timeoutSeconds)
        }
        guard let parts = DaytonaMultipart.decode(response.body, contentType: response.contentType) else {
            throw DaytonaError.invalidResponse(call: "toolbox POST \(bulkPath)", reason: "not a multipart answer")
        }
        if let file = parts.first(where: { $0.name == "file" }) { return file.data }
        if let failure = parts.first(where: { $0.name == "error" }) {
            let decoded = DaytonaHTTPFailure.decode(
                call: "toolbox POST \(bulkPath)", status: 500, body: failure.data, headers: [:], redactor: client.redactor)
            var status = decoded.status
            if let object = (try? JSONSerialization.jsonObject(with: failure.data)) as? [String: Any],
                let code = object["statusCode"] as? Int
            {
                status = code
            }
            if decoded.code == "FILE_NOT_FOUND" { status = 404 }
            throw DaytonaError.response(
                DaytonaHTTPFailure(call: decoded.call, status: status, message: decoded.message, code: decoded.code,
                                   retryAfterSeconds: nil, headers: [:]))
        }
        throw DaytonaError.invalidResponse(call: "toolbox POST \(bulkPath)", reason: "no file part in the answer")
    }

    /// `GET /files/download?path=` → the bytes (octet-stream).
    func downloadSingle(path: String, timeoutSeconds: Double) async throws -> Data {
        try await client.send(
            call("GET", "/files/download", query: [("path", path)], idempotent: true, timeoutSeconds: timeoutSeconds)
        ).body
    }

    // MARK: Building calls

    func call(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String? = nil, idempotent: Bool, timeoutSeconds: Double? = nil
    ) -> DaytonaCall {
        DaytonaCall(
            service: .toolbox, method: method, url: DaytonaAPIClient.url(baseURL, path, query), path: path, body: body,
            contentType: body == nil ? nil : (contentType ?? "application/json"),
            timeoutSeconds: timeoutSeconds ?? client.requestTimeoutSeconds, idempotent: idempotent)
    }
}
