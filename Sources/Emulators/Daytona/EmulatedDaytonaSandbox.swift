import Foundation

/// One sandbox of the Daytona emulator: the fields of Daytona's `Sandbox` DTO (v0.190 spec)
/// plus where its files live on this machine.
///
/// Rendered by `GET /api/sandbox/{idOrName}` and the other sandbox endpoints (see
/// ``DaytonaSandboxDTO``); inspect it with ``DaytonaEmulatorState/sandboxes``.
public struct EmulatedDaytonaSandbox: Sendable, Equatable, Codable {
    /// Lowercase UUID; the toolbox routing key (`/toolbox/{id}/…`).
    public var id: String
    /// Unique among live sandboxes; defaults to ``id``.
    public var name: String
    /// The emulated organization (``DaytonaEmulatorConfiguration/organizationId``).
    public var organizationId: String
    /// Snapshot name, nil for a declarative build (`buildInfo`).
    public var snapshot: String?
    /// OS user reported by the DTO (commands really run as the emulator's own user).
    public var user: String
    /// Environment of every command (`CreateSandbox.env`).
    public var env: [String: String]
    /// Labels (`GET /sandbox?labels=` filters on them; the SDKs add `code-toolbox-language`).
    public var labels: [String: String]
    /// `public`: whether preview links need no token.
    public var isPublic: Bool
    /// Egress policy as given (not enforced: commands reach the network as the emulator does).
    public var networkBlockAll: Bool
    /// Comma-separated CIDRs, as given (not enforced).
    public var networkAllowList: String?
    /// Comma-separated domains, as given (not enforced).
    public var domainAllowList: String?
    /// Region id, e.g. `us`.
    public var target: String
    /// vCPUs (integers, as the SDKs require; from the snapshot, or from the request for a build).
    public var cpu: Int
    /// GPUs.
    public var gpu: Int
    /// Memory in GiB.
    public var memory: Int
    /// Disk in GiB.
    public var disk: Int
    /// The state reported in the DTO, transitional ones included.
    public var state: DaytonaSandboxState
    /// Where the sandbox is heading.
    public var desiredState: DaytonaSandboxDesiredState
    /// True while a transition is under way; lifecycle calls then answer 409.
    public var pending: Bool
    /// Why the sandbox is in `error` (``DaytonaFault/createEndsInError(reason:)``).
    public var errorReason: String?
    /// Whether `POST /recover` could help (always false in the emulator).
    public var recoverable: Bool?
    /// Minutes (0 disables auto-stop).
    public var autoStopInterval: Int
    /// Minutes (0 means the maximum).
    public var autoArchiveInterval: Int
    /// Minutes (-1 never, 0 ephemeral: stop destroys it).
    public var autoDeleteInterval: Int
    /// The Dockerfile of a declarative build, nil for a snapshot-based sandbox.
    public var dockerfileContent: String?
    /// When `POST /sandbox` made it.
    public var createdAt: Date
    /// The last state or setting change.
    public var updatedAt: Date
    /// The last lifecycle call, toolbox call or `POST /sandbox/{id}/last-activity`.
    public var lastActivityAt: Date
    /// Daemon version reported by the toolbox `GET /version` and the DTO's `daemonVersion`.
    public var daemonVersion: String
    /// Absolute host path of the sandbox home, which is also its work directory: relative toolbox
    /// paths start here.
    public var homeDirectory: String

    /// Whether the sandbox is ephemeral (`autoDeleteInterval == 0`): stop destroys it.
    public var isEphemeral: Bool { autoDeleteInterval == 0 }
}
