/// What network an isolated command sees (`sandbox.local.network`).
public enum SandboxNetwork: String, Sendable, Equatable, CaseIterable {
    /// The host's network, loopback included (default): package downloads, git over HTTPS, and
    /// Dayshift's own HTTP endpoints on loopback work.
    case host
    /// Only a private loopback device (`bwrap --unshare-net`): no connection leaves the sandbox.
    case none
}
