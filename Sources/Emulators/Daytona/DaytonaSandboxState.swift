/// Daytona's `SandboxState` enum (v0.190 spec), as the emulator reports it in `state`.
///
/// The emulator moves through `creating`, `pending_build`, `building_snapshot`, `starting`,
/// `started`, `stopping`, `stopped`, `archiving`, `archived`, `restoring`, `destroying` and
/// `error`; the other values exist so that the type matches the spec.
public enum DaytonaSandboxState: String, Sendable, Codable, CaseIterable {
    case creating, restoring, destroyed, destroying, started, stopped, starting, stopping, error
    case buildFailed = "build_failed"
    case pendingBuild = "pending_build"
    case buildingSnapshot = "building_snapshot"
    case unknown
    case pullingSnapshot = "pulling_snapshot"
    case archived, archiving, resizing, snapshotting, forking, pausing, paused, resuming

    /// Stable states (no transition under way): `started`, `stopped`, `archived`, `paused`,
    /// `error`, `build_failed`, `destroyed`.
    public var isStable: Bool {
        switch self {
        case .started, .stopped, .archived, .paused, .error, .buildFailed, .destroyed: true
        default: false
        }
    }
}

/// Daytona's `SandboxDesiredState` enum (v0.190 spec): where a sandbox is heading.
public enum DaytonaSandboxDesiredState: String, Sendable, Codable, CaseIterable {
    case destroyed, started, stopped, resized, archived, paused
}
