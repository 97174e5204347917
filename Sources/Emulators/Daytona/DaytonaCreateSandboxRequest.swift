/// The body of `POST /api/sandbox` (Daytona's `CreateSandbox`, v0.190): every field optional.
/// Unknown fields (newer SDKs send `kvm`, `secrets`, `ttlMinutes`, …) are ignored.
struct DaytonaCreateSandboxRequest: Decodable, Sendable {
    struct BuildInfo: Decodable, Sendable {
        var dockerfileContent: String?
        var contextHashes: [String]?
    }

    struct Volume: Decodable, Sendable {
        var volumeId: String
        var mountPath: String
    }

    var name: String?
    var snapshot: String?
    var user: String?
    var env: [String: String]?
    var labels: [String: String]?
    var `public`: Bool?
    var networkBlockAll: Bool?
    var networkAllowList: String?
    var domainAllowList: String?
    var target: String?
    var cpu: Int?
    var gpu: Int?
    var memory: Int?
    var disk: Int?
    var autoStopInterval: Int?
    var autoArchiveInterval: Int?
    var autoDeleteInterval: Int?
    var buildInfo: BuildInfo?
    var volumes: [Volume]?

    /// Whether any resource field was given (allowed only with `buildInfo`).
    var hasResources: Bool { cpu != nil || gpu != nil || memory != nil || disk != nil }
}
