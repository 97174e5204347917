/// A repository named by owner and name, e.g. `octo/hello`, spelled as given (GitHub keeps the
/// case a repository was created with; compare through ``IssueKey`` for case-insensitive identity).
public struct RepositoryName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The user or organization, e.g. `octo`.
    public var owner: String
    /// The repository's name, e.g. `hello`.
    public var name: String

    /// A name from its two parts, as given.
    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    /// Parses `owner/name`; `nil` when there are not exactly two non-empty parts.
    public init?(fullName: String) {
        let parts = fullName.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(owner: String(parts[0]), name: String(parts[1]))
    }

    /// `owner/name`.
    public var description: String { "\(owner)/\(name)" }

    /// The same name with owner and repository lowercased (GitHub's names are case-insensitive).
    public var lowercased: RepositoryName { RepositoryName(owner: owner.lowercased(), name: name.lowercased()) }
}
