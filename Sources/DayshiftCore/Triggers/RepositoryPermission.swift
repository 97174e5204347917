/// A person's role on a repository, lowest first: `read` < `triage` < `write` < `maintain` < `admin`
/// (GitHub's `GET /repos/{owner}/{repo}/collaborators/{username}/permission`, field `role_name`,
/// else `permission`). `none` is below all.
public enum RepositoryPermission: String, Sendable, Codable, CaseIterable, Comparable {
    case none, read, triage, write, maintain, admin

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// The level an answer of the permission endpoint names: its `role_name` when it is one of
    /// the five built-in roles, else its `permission` (`admin`, `write`, `read`, `none`); a custom
    /// role's name falls back to `permission`.
    public init(roleName: String?, permission: String?) {
        if let roleName, let role = Self(rawValue: roleName.lowercased()) {
            self = role
        } else {
            self = Self(rawValue: (permission ?? "none").lowercased()) ?? .none
        }
    }
}
