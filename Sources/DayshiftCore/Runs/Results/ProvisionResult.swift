/// The provision step's output: the sandbox the run works in.
public struct ProvisionResult: Sendable, Equatable {
    /// The provider's sandbox id.
    public var sandboxID: String
    /// The sandbox's home directory (absolute, on the sandbox's machine), so that output can show
    /// paths relative to the repository; `nil` when the provider does not say.
    public var sandboxHome: String?
    /// e.g. `created sandbox dayshift-octo-hello-42-r3 (local)` or `adopted sandbox …`.
    public var note: String?

    public init(sandboxID: String, sandboxHome: String?, note: String? = nil) {
        self.sandboxID = sandboxID
        self.sandboxHome = sandboxHome
        self.note = note
    }
}
