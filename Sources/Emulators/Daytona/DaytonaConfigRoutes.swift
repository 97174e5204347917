import Foundation
import Hummingbird

/// Main-API discovery endpoints under `/api`:
///
/// | endpoint | answer |
/// |---|---|
/// | `GET /config` (no auth) | 200 `DaytonaConfiguration` (`proxyToolboxUrl` = this emulator's `/toolbox`) |
/// | `GET /snapshots?page&limit&name` | 200 `PaginatedSnapshots` of the configured snapshots |
/// | `GET /snapshots/{idOrName}` | 200 `SnapshotDto`; 404 |
enum DaytonaConfigRoutes {
    struct Configuration: Encodable {
        struct OIDC: Encodable { var issuer, clientId, audience, provider: String }
        var version: String
        var oidc: OIDC
        var linkedAccountsEnabled = false
        var announcements: [String: String] = [:]
        var proxyTemplateUrl: String
        var proxyToolboxUrl: String
        var defaultSnapshot: String
        var dashboardUrl: String
        var maxAutoArchiveInterval = DaytonaSandboxRoutes.maxAutoArchiveInterval
        var maintananceMode = false
        var environment = "emulator"
    }

    struct Snapshot: Encodable {
        var id: String
        var organizationId: String
        var general = true
        var name: String
        var imageName: String
        var state = "active"
        var size = 1.0
        var entrypoint: [String] = ["sleep", "infinity"]
        var cpu: Int
        var gpu: Int
        var mem: Int
        var disk: Int
        var errorReason: String? = nil
        var createdAt: String
        var updatedAt: String
        var lastUsedAt: String
        var regionIds: [String]

        enum CodingKeys: String, CodingKey {
            case id, organizationId, general, name, imageName, state, size, entrypoint, cpu, gpu, mem, disk
            case errorReason, createdAt, updatedAt, lastUsedAt, regionIds
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(organizationId, forKey: .organizationId)
            try container.encode(general, forKey: .general)
            try container.encode(name, forKey: .name)
            try container.encode(imageName, forKey: .imageName)
            try container.encode(state, forKey: .state)
            try container.encode(size, forKey: .size)
            try container.encode(entrypoint, forKey: .entrypoint)
            try container.encode(cpu, forKey: .cpu)
            try container.encode(gpu, forKey: .gpu)
            try container.encode(mem, forKey: .mem)
            try container.encode(disk, forKey: .disk)
            try container.encode(errorReason, forKey: .errorReason)  // required, nullable
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
            try container.encode(regionIds, forKey: .regionIds)
        }
    }

    struct SnapshotPage: Encodable {
        var items: [Snapshot]
        var total: Int
        var page: Int
        var totalPages: Int
    }

    /// When the emulated snapshots were made (a fixed date, so answers are stable).
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    static func add<Context: RequestContext>(to api: RouterGroup<Context>, state: DaytonaEmulatorState) {
        api.get("config") { request, _ in
            let base = request.daytonaBaseURL
            let configuration = state.configuration
            return DaytonaJSON.response(Configuration(
                version: configuration.apiVersion,
                oidc: .init(issuer: "\(base)/oidc", clientId: "daytona", audience: "daytona", provider: "emulator"),
                proxyTemplateUrl: "\(base)/preview/{{PORT}}-{{sandboxId}}",
                proxyToolboxUrl: "\(base)/toolbox",
                defaultSnapshot: configuration.defaultSnapshot,
                dashboardUrl: "\(base)/dashboard"))
        }
        api.get("snapshots") { request, _ in
            let query = request.uri.queryParameters
            let limit = min(max(query.get("limit", as: Int.self) ?? 100, 1), 200)
            let page = max(query.get("page", as: Int.self) ?? 1, 1)
            let filter = query.get("name")?.lowercased()
            let all = state.configuration.snapshots
                .filter { filter.map($0.name.lowercased().contains) ?? true }
                .map { snapshot(for: $0, state) }
            let items = Array(all.dropFirst((page - 1) * limit).prefix(limit))
            return DaytonaJSON.response(SnapshotPage(
                items: items, total: all.count, page: page, totalPages: max((all.count + limit - 1) / limit, 1)))
        }
        api.get("snapshots/:idOrName") { _, context in
            let key = context.parameters.get("idOrName") ?? ""
            guard let found = state.configuration.snapshots.first(where: { $0.name == key || snapshotID($0) == key }) else {
                throw DaytonaAPIError(.notFound, "Snapshot with ID or name \(key) not found")
            }
            return DaytonaJSON.response(snapshot(for: found, state))
        }
    }

    static func snapshotID(_ snapshot: DaytonaEmulatedSnapshot) -> String {
        "snapshot-\(snapshot.name)"
    }

    static func snapshot(for snapshot: DaytonaEmulatedSnapshot, _ state: DaytonaEmulatorState) -> Snapshot {
        let date = DaytonaJSON.timestamp(epoch)
        return Snapshot(
            id: snapshotID(snapshot), organizationId: state.configuration.organizationId, name: snapshot.name,
            imageName: snapshot.imageName, cpu: snapshot.cpu, gpu: snapshot.gpu, mem: snapshot.memory, disk: snapshot.disk,
            createdAt: date, updatedAt: date, lastUsedAt: date, regionIds: [state.configuration.defaultTarget])
    }
}
