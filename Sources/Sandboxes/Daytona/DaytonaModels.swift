import Foundation

/// Sandbox states this client acts on (Daytona's `SandboxState`, `daytona.md` §6).
enum DaytonaState {
    static let started = "started"
    static let stopped = "stopped"
    static let archived = "archived"
    static let paused = "paused"
    static let error = "error"
    static let buildFailed = "build_failed"
    static let destroyed = "destroyed"
    static let destroying = "destroying"

    /// States a sandbox never leaves by itself and that `POST /sandbox/{id}/start` accepts.
    static let startable: Set<String> = [stopped, archived, paused]
    /// Failed states: waiting for `started` ends here.
    static let failed: Set<String> = [error, buildFailed]
    /// A sandbox on its way out; treated as gone.
    static let gone: Set<String> = [destroyed, destroying]
}

/// The fields of Daytona's `Sandbox` / `SandboxListItem` DTO this client reads. Unknown fields are
/// ignored and every field but `id` may be missing or of an unexpected type.
struct DaytonaSandboxDTO: Decodable, Sendable, Equatable {
    var id: String
    var name: String?
    var labels: [String: String]
    var state: String?
    var desiredState: String?
    var errorReason: String?
    var recoverable: Bool?
    /// Toolbox base of this sandbox's region, e.g. `https://proxy.app.daytona.io/toolbox` (v0.150+).
    var toolboxProxyUrl: String?
    /// ISO-8601.
    var createdAt: String?
    /// OS user, e.g. `daytona`.
    var user: String?

    init(id: String, name: String? = nil, labels: [String: String] = [:], state: String? = nil, desiredState: String? = nil,
         errorReason: String? = nil, recoverable: Bool? = nil, toolboxProxyUrl: String? = nil, createdAt: String? = nil, user: String? = nil) {
        self.id = id
        self.name = name
        self.labels = labels
        self.state = state
        self.desiredState = desiredState
        self.errorReason = errorReason
        self.recoverable = recoverable
        self.toolboxProxyUrl = toolboxProxyUrl
        self.createdAt = createdAt
        self.user = user
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, labels, state, desiredState, errorReason, recoverable, toolboxProxyUrl, createdAt, user
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        labels = ((try? container.decodeIfPresent([String: String].self, forKey: .labels)) ?? nil) ?? [:]
        state = try? container.decodeIfPresent(String.self, forKey: .state)
        desiredState = try? container.decodeIfPresent(String.self, forKey: .desiredState)
        errorReason = try? container.decodeIfPresent(String.self, forKey: .errorReason)
        recoverable = try? container.decodeIfPresent(Bool.self, forKey: .recoverable)
        toolboxProxyUrl = try? container.decodeIfPresent(String.self, forKey: .toolboxProxyUrl)
        createdAt = try? container.decodeIfPresent(String.self, forKey: .createdAt)
        user = try? container.decodeIfPresent(String.self, forKey: .user)
    }

    var stateOrUnknown: String { state ?? "unknown" }

    /// `createdAt` parsed (with or without fractional seconds), or `nil`.
    var createdDate: Date? {
        guard let createdAt else { return nil }
        if let date = try? Date(createdAt, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(createdAt, strategy: Date.ISO8601FormatStyle()) { return date }
        return nil
    }

    /// The home directory Daytona images give `user` (`/root` for root, else `/home/<user>`); used only
    /// until the toolbox's `GET /user-home-dir` has answered.
    var guessedHomeDirectory: String {
        let user = (self.user?.isEmpty == false ? self.user : nil) ?? "daytona"
        return user == "root" ? "/root" : "/home/\(user)"
    }
}

/// One page of `GET /sandbox`: `{items, nextCursor}` (v0.180+), or a plain array of sandboxes (before).
struct DaytonaSandboxPage: Decodable, Sendable {
    var items: [DaytonaSandboxDTO]
    var nextCursor: String?

    private enum CodingKeys: String, CodingKey { case items, nextCursor }

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [DaytonaSandboxDTO] = []
            while !array.isAtEnd { items.append(try array.decode(DaytonaSandboxDTO.self)) }
            self.items = items
            self.nextCursor = nil
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decode([DaytonaSandboxDTO].self, forKey: .items)
        nextCursor = try? container.decodeIfPresent(String.self, forKey: .nextCursor)
    }
}

/// `CreateSandbox` as Dayshift sends it. No `cpu`/`memory`/`disk`: with a snapshot they are refused
/// (`daytona.md` §8.2).
struct DaytonaCreateSandboxBody: Encodable, Sendable, Equatable {
    var name: String?
    var snapshot: String?
    var env: [String: String]
    var labels: [String: String]
    var target: String?
    var autoStopInterval: Int
    var autoArchiveInterval: Int
    var autoDeleteInterval: Int
    var networkBlockAll: Bool
    var networkAllowList: String?
    var `public` = false
}

/// `{url}` of `GET /sandbox/{id}/toolbox-proxy-url`.
struct DaytonaURLBody: Decodable { var url: String }

// MARK: - Toolbox

/// Toolbox `ExecuteRequest`: `timeout` in whole seconds (none when absent).
struct DaytonaExecuteBody: Encodable, Sendable {
    var command: String
    var cwd: String?
    var timeout: Int?
}

/// Toolbox `ExecuteResponse`: `result` is stdout and stderr combined. Some daemons say `code`.
struct DaytonaExecuteResponse: Decodable, Sendable {
    var exitCode: Int?
    var code: Int?
    var result: String?
}

/// Toolbox `CreateSessionRequest`.
struct DaytonaCreateSessionBody: Encodable, Sendable { var sessionId: String }

/// Toolbox `SessionExecuteRequest`; `async` is the legacy alias of `runAsync`, sent for old daemons.
struct DaytonaSessionExecBody: Encodable, Sendable {
    var command: String
    var runAsync: Bool
    var async: Bool
}

/// Toolbox `SessionExecuteResponse` (202 for async: only `cmdId`).
struct DaytonaSessionExecResponse: Decodable, Sendable {
    var cmdId: String?
    var exitCode: Int?
}

/// Toolbox `Command`: `exitCode` is absent while the command runs.
struct DaytonaSessionCommandStatus: Decodable, Sendable {
    var id: String?
    var exitCode: Int?
}

/// Toolbox `SessionCommandLogsResponse` (sent when `X-Daytona-SDK-Version` ≥ 0.167).
struct DaytonaSessionLogsBody: Decodable, Sendable {
    var output: String?
    var stdout: String?
    var stderr: String?
}

/// Toolbox `GitCloneRequest` (snake_case fields kept as Daytona spells them).
struct DaytonaGitCloneBody: Encodable, Sendable {
    var url: String
    var path: String
    var branch: String?
    var username: String?
    var password: String?
}

/// `{dir}` of `GET /user-home-dir` and `GET /work-dir`.
struct DaytonaDirectoryBody: Decodable { var dir: String }

/// `{paths}` of `POST /files/bulk-download`.
struct DaytonaBulkDownloadBody: Encodable { var paths: [String] }
