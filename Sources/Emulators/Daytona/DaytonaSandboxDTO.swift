import Foundation

/// Daytona's `Sandbox` DTO (v0.190 spec) as the emulator renders it from an
/// ``EmulatedDaytonaSandbox``: every required field (`id`, `organizationId`, `name`, `user`,
/// `env`, `labels`, `public`, `networkBlockAll`, `target`, `cpu`, `gpu`, `memory`, `disk`,
/// `toolboxProxyUrl`) and the optional ones that apply; absent optionals are omitted.
///
/// Also carries `kvm: false`, which the official Python SDK (0.226) requires though neither the
/// v0.190 nor the v0.205 spec names it. With `isListItem` it is Daytona's `SandboxListItem`
/// (no `env`, `volumes`, `buildInfo`, `networkAllowList`, `domainAllowList`).
struct DaytonaSandboxDTO: Encodable {
    struct BuildInfo: Encodable {
        var dockerfileContent: String
        var contextHashes: [String]
        var createdAt: String
        var updatedAt: String
        var snapshotRef: String
    }

    struct Volume: Encodable {
        var volumeId: String
        var mountPath: String
    }

    var id: String
    var organizationId: String
    var name: String
    var snapshot: String?
    var user: String
    var env: [String: String]?
    var labels: [String: String]
    var `public`: Bool
    var networkBlockAll: Bool
    var networkAllowList: String?
    var domainAllowList: String?
    var kvm: Bool
    var target: String
    var cpu: Int
    var gpu: Int
    var memory: Int
    var disk: Int
    var state: String
    var desiredState: String
    var errorReason: String?
    var recoverable: Bool?
    var backupState: String
    var autoStopInterval: Int
    var autoArchiveInterval: Int
    var autoDeleteInterval: Int
    var volumes: [Volume]?
    var buildInfo: BuildInfo?
    var createdAt: String
    var updatedAt: String
    var lastActivityAt: String
    var sandboxClass: String
    var daemonVersion: String
    var runnerId: String
    var toolboxProxyUrl: String

    /// - Parameters:
    ///   - toolboxProxyURL: `http://host:port/toolbox`.
    ///   - isListItem: render the reduced `SandboxListItem` of `GET /sandbox`.
    init(_ sandbox: EmulatedDaytonaSandbox, toolboxProxyURL: String, isListItem: Bool = false) {
        id = sandbox.id
        organizationId = sandbox.organizationId
        name = sandbox.name
        snapshot = sandbox.snapshot
        user = sandbox.user
        env = isListItem ? nil : sandbox.env
        labels = sandbox.labels
        `public` = sandbox.isPublic
        networkBlockAll = sandbox.networkBlockAll
        networkAllowList = isListItem ? nil : sandbox.networkAllowList
        domainAllowList = isListItem ? nil : sandbox.domainAllowList
        kvm = false
        target = sandbox.target
        cpu = sandbox.cpu
        gpu = sandbox.gpu
        memory = sandbox.memory
        disk = sandbox.disk
        state = sandbox.state.rawValue
        desiredState = sandbox.desiredState.rawValue
        errorReason = sandbox.errorReason
        recoverable = sandbox.recoverable
        backupState = "None"
        autoStopInterval = sandbox.autoStopInterval
        autoArchiveInterval = sandbox.autoArchiveInterval
        autoDeleteInterval = sandbox.autoDeleteInterval
        volumes = isListItem ? nil : []
        let created = DaytonaJSON.timestamp(sandbox.createdAt)
        buildInfo = isListItem ? nil : sandbox.dockerfileContent.map {
            BuildInfo(
                dockerfileContent: $0, contextHashes: [], createdAt: created, updatedAt: created,
                snapshotRef: "emulated-build-\(sandbox.id)")
        }
        createdAt = created
        updatedAt = DaytonaJSON.timestamp(sandbox.updatedAt)
        lastActivityAt = DaytonaJSON.timestamp(sandbox.lastActivityAt)
        sandboxClass = "container"
        daemonVersion = sandbox.daemonVersion
        runnerId = "emulated-runner"
        toolboxProxyUrl = toolboxProxyURL
    }
}
