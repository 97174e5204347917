import DayshiftConfig
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which repositories Dayshift works on: `github.allowed_owners` and `github.allowed_repositories`,
/// shell-style globs (`acme`, `acme-*`, `acme/*`, `octo/hello`), compared case-insensitively as
/// GitHub's names are. An empty list allows everything.
struct RepositoryScope: Sendable {
    var allowedOwners: [String]
    var allowedRepositories: [String]

    init(_ settings: GitHubSettings) {
        allowedOwners = settings.allowedOwners.map { $0.lowercased() }
        allowedRepositories = settings.allowedRepositories.map { $0.lowercased() }
    }

    /// `nil` when `fullName` (`owner/name`) is in scope, else why not, in words for the delivery's record.
    func refusal(for fullName: String) -> String? {
        let name = fullName.lowercased()
        let owner = String(name.split(separator: "/").first ?? "")
        if !allowedOwners.isEmpty, !allowedOwners.contains(where: { Self.matches($0, owner) }) {
            return "owner \(owner) is not in github.allowed_owners"
        }
        if !allowedRepositories.isEmpty, !allowedRepositories.contains(where: { Self.matches($0, name) }) {
            return "repository \(name) is not in github.allowed_repositories"
        }
        return nil
    }

    /// `fnmatch(3)` with `FNM_PATHNAME`, so `*` never crosses the `/` between owner and name.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, FNM_PATHNAME) == 0
    }
}
