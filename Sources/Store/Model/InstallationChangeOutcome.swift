/// What ``Store/recordInstallationChange(_:change:)`` did.
public enum InstallationChangeOutcome: Sendable, Equatable {
    /// Stored; `cancelling` lists the issue keys of the running runs sent a cancel message.
    case recorded(cancelling: [String])
    /// A delivery with this GUID was stored before; nothing changed.
    case duplicate
}
