import Foundation
import Hummingbird

/// Main-API sandbox endpoints under `/api` (Daytona v0.190, `shared/reference/daytona.md` §8.1):
///
/// | endpoint | answer |
/// |---|---|
/// | `POST /sandbox` `CreateSandbox` | 200 `Sandbox` (creation-time DTO, after waiting for `started`); 400; 409 name taken |
/// | `GET /sandbox?labels&states&name&id&limit&cursor&includeErroredDeleted` | 200 `{items: [SandboxListItem], nextCursor}` |
/// | `GET /sandbox/{idOrName}` | 200 `Sandbox`; 404 |
/// | `DELETE /sandbox/{idOrName}` | 200 `Sandbox` (`destroying`); 409 mid-transition |
/// | `POST /sandbox/{idOrName}/start` | 200 `Sandbox` (latest, after waiting); 400; 409 |
/// | `POST /sandbox/{idOrName}/stop?force` | 200 `Sandbox` (`stopping`, or `destroying` if ephemeral) |
/// | `POST /sandbox/{idOrName}/archive` | 200 `Sandbox` (`archiving`); 400 unless `stopped` |
/// | `PUT /sandbox/{idOrName}/labels` `{labels}` | 200 `{labels}` (replaces all) |
/// | `POST /sandbox/{idOrName}/autostop/{interval}`, `/autoarchive/{interval}`, `/autodelete/{interval}` | 200 `Sandbox` |
/// | `POST /sandbox/{idOrName}/public/{isPublic}` | 200 `Sandbox` |
/// | `POST /sandbox/{idOrName}/network-settings` | 200 `Sandbox` |
/// | `POST /sandbox/{sandboxId}/last-activity` | 201, no body |
/// | `GET /sandbox/{sandboxId}/toolbox-proxy-url` | 200 `{url}` |
enum DaytonaSandboxRoutes {
    /// Largest `autoArchiveInterval` (30 days, in minutes); 0 means this.
    static let maxAutoArchiveInterval = 43_200

    /// `PUT /sandbox/{idOrName}/labels` body.
    struct LabelsBody: Decodable { var labels: [String: String] }

    /// `POST /sandbox/{idOrName}/network-settings` body.
    struct NetworkSettingsBody: Decodable {
        var networkBlockAll: Bool?
        var networkAllowList: String?
        var domainAllowList: String?
    }

    static func add<Context: RequestContext>(to api: RouterGroup<Context>, state: DaytonaEmulatorState) {
        api.post("sandbox") { request, _ in
            let body = try await request.daytonaJSON(DaytonaCreateSandboxRequest.self) {
                DaytonaAPIError(.badRequest, $0)
            }
            let creation = try await state.create(body)
            let id = creation.sandbox.id
            if let late = creation.lateDelaySeconds {
                try await Task.sleep(for: .seconds(late))
            } else if creation.sandbox.state != .pendingBuild {
                let reached = await waitForStarted(id, state: state)
                if reached?.state == .error {
                    throw DaytonaAPIError(.badRequest, "Sandbox failed to start: \(reached?.errorReason ?? "unknown error")")
                }
            }
            let response = DaytonaJSON.response(dto(creation.sandbox, request))
            if creation.disappears { await state.vanish(id) }
            return response
        }
        api.get("sandbox") { request, _ in
            try await list(request, state: state)
        }
        api.get("sandbox/:idOrName") { request, context in
            DaytonaJSON.response(dto(try await state.require(try idOrName(context)), request))
        }
        api.delete("sandbox/:idOrName") { request, context in
            DaytonaJSON.response(dto(try await state.delete(try idOrName(context)), request))
        }
        api.post("sandbox/:idOrName/start") { request, context in
            let (sandbox, wait) = try await state.start(try idOrName(context))
            let latest = wait ? await waitForStarted(sandbox.id, state: state) : await state.sandbox(id: sandbox.id)
            return DaytonaJSON.response(dto(latest ?? sandbox, request))
        }
        api.post("sandbox/:idOrName/stop") { request, context in
            DaytonaJSON.response(dto(try await state.stop(try idOrName(context)), request))
        }
        api.post("sandbox/:idOrName/archive") { request, context in
            DaytonaJSON.response(dto(try await state.archive(try idOrName(context)), request))
        }
        api.put("sandbox/:idOrName/labels") { request, context in
            let body = try await request.daytonaJSON(LabelsBody.self) { _ in
                DaytonaAPIError(.badRequest, "labels must be an object of string values")
            }
            let sandbox = try await state.update(try idOrName(context)) { $0.labels = body.labels }
            return DaytonaJSON.response(["labels": sandbox.labels])
        }
        api.post("sandbox/:idOrName/autostop/:interval") { request, context in
            let minutes = try interval(context)
            guard minutes >= 0 else { throw DaytonaAPIError(.badRequest, "Auto-stop interval must be non-negative") }
            return DaytonaJSON.response(dto(try await state.update(try idOrName(context)) { $0.autoStopInterval = minutes }, request))
        }
        api.post("sandbox/:idOrName/autoarchive/:interval") { request, context in
            let minutes = try interval(context)
            guard minutes >= 0 else { throw DaytonaAPIError(.badRequest, "Auto-archive interval must be non-negative") }
            let capped = minutes == 0 ? maxAutoArchiveInterval : min(minutes, maxAutoArchiveInterval)
            return DaytonaJSON.response(dto(try await state.update(try idOrName(context)) { $0.autoArchiveInterval = capped }, request))
        }
        api.post("sandbox/:idOrName/autodelete/:interval") { request, context in
            let minutes = try interval(context)
            return DaytonaJSON.response(dto(try await state.update(try idOrName(context)) { $0.autoDeleteInterval = minutes }, request))
        }
        api.post("sandbox/:idOrName/public/:isPublic") { request, context in
            let value = context.parameters.get("isPublic") == "true"
            return DaytonaJSON.response(dto(try await state.update(try idOrName(context)) { $0.isPublic = value }, request))
        }
        api.post("sandbox/:idOrName/network-settings") { request, context in
            let body = try await request.daytonaJSON(NetworkSettingsBody.self) { DaytonaAPIError(.badRequest, $0) }
            let sandbox = try await state.update(try idOrName(context)) { sandbox in
                if let value = body.networkBlockAll { sandbox.networkBlockAll = value }
                if let value = body.networkAllowList { sandbox.networkAllowList = value }
                if let value = body.domainAllowList { sandbox.domainAllowList = value }
            }
            return DaytonaJSON.response(dto(sandbox, request))
        }
        api.post("sandbox/:idOrName/last-activity") { _, context in
            let sandbox = try await state.require(try idOrName(context))
            await state.touch(sandbox.id)
            return DaytonaJSON.empty(.created)
        }
        api.get("sandbox/:idOrName/toolbox-proxy-url") { request, context in
            _ = try await state.require(try idOrName(context))
            return DaytonaJSON.response(["url": toolboxProxyURL(request)])
        }
    }

    // MARK: List

    /// `GET /sandbox`: filters, newest first, cursor pagination (`limit` 1–200, default 100).
    static func list(_ request: Request, state: DaytonaEmulatorState) async throws -> Response {
        let query = request.uri.queryParameters
        var labels: [String: String] = [:]
        if let text = query.get("labels") {
            guard let decoded = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
                throw DaytonaAPIError(.badRequest, "Invalid labels JSON")
            }
            labels = decoded
        }
        let limit = query.get("limit", as: Int.self) ?? 100
        guard (1...200).contains(limit) else { throw DaytonaAPIError(.badRequest, "limit must be between 1 and 200") }
        var offset = 0
        if let cursor = query.get("cursor"), !cursor.isEmpty {
            guard let data = Data(base64Encoded: cursor), let value = Int(String(decoding: data, as: UTF8.self)), value >= 0 else {
                throw DaytonaAPIError(.badRequest, "Invalid cursor")
            }
            offset = value
        }
        let states = Set(query.getAll("states").flatMap { $0.split(separator: ",").map(String.init) })
        let all = await state.list(
            labels: labels, states: states, namePrefix: query.get("name"), idPrefix: query.get("id"),
            includeErroredDeleted: query.get("includeErroredDeleted") == "true")
        let page = Array(all.dropFirst(offset).prefix(limit))
        let end = offset + page.count
        let nextCursor = end < all.count ? Data(String(end).utf8).base64EncodedString() : nil
        let proxy = toolboxProxyURL(request)
        return DaytonaJSON.response(ListResponse(
            items: page.map { DaytonaSandboxDTO($0, toolboxProxyURL: proxy, isListItem: true) }, nextCursor: nextCursor))
    }

    /// `{items, nextCursor}` with `nextCursor: null` on the last page (the field is required).
    struct ListResponse: Encodable {
        var items: [DaytonaSandboxDTO]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey { case items, nextCursor }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    // MARK: Helpers

    /// Polls until the sandbox is `started`, `error` or `build_failed`, gone, or the configured
    /// wait limit passed; answers its latest form (nil when gone).
    static func waitForStarted(_ id: String, state: DaytonaEmulatorState) async -> EmulatedDaytonaSandbox? {
        let deadline = ContinuousClock.now + state.configuration.startWaitLimit
        while true {
            guard let sandbox = await state.sandbox(id: id) else { return nil }
            if [.started, .error, .buildFailed].contains(sandbox.state) || ContinuousClock.now >= deadline {
                return sandbox
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    static func toolboxProxyURL(_ request: Request) -> String { "\(request.daytonaBaseURL)/toolbox" }

    static func dto(_ sandbox: EmulatedDaytonaSandbox, _ request: Request) -> DaytonaSandboxDTO {
        DaytonaSandboxDTO(sandbox, toolboxProxyURL: toolboxProxyURL(request))
    }

    static func idOrName(_ context: some RequestContext) throws -> String {
        guard let value = context.parameters.get("idOrName") else { throw DaytonaAPIError(.badRequest, "sandboxIdOrName is required") }
        return value
    }

    static func interval(_ context: some RequestContext) throws -> Int {
        guard let text = context.parameters.get("interval"), let value = Double(text), value.isFinite else {
            throw DaytonaAPIError(.badRequest, "interval must be a number")
        }
        return Int(value)
    }
}
