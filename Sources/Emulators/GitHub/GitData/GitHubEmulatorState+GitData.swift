import Foundation
import GitHub

/// Which emulated repositories have a real git repository behind them, and which of their
/// branches are protected.
struct GitHostingState: Sendable {
    var repositories: [GitHubEmulatorState.RepoKey: EmulatedGitRepository] = [:]
    /// `owner/repo` (lowercased) → protected branch names.
    var protectedBranches: [GitHubEmulatorState.RepoKey: Set<String>] = [:]
}

extension GitHubEmulatorState {
    /// Puts a local bare repository behind `owner/repo`: the Git Data API endpoints
    /// (`/repos/{owner}/{repo}/git/…`) then read and write its objects and branches, and a clone
    /// of it sees what was written. Without one, those endpoints answer 404.
    public func registerRepository(owner: String, repo: String, bareDirectory: URL) {
        git.repositories[RepoKey(owner, repo)] = EmulatedGitRepository(directory: bareDirectory)
    }

    /// Protects `branch`: every write to it over the API (`POST /git/refs`, `PATCH /git/refs/…`)
    /// is refused with 422 "Protected branch update failed", as GitHub does for a branch protection
    /// rule that the App may not bypass.
    public func protectBranch(owner: String, repo: String, branch: String) {
        git.protectedBranches[RepoKey(owner, repo), default: []].insert(branch)
    }

    func gitRepository(owner: String, repo: String) throws -> EmulatedGitRepository {
        guard let repository = git.repositories[RepoKey(owner, repo)] else { throw GitHubAPIError.notFound }
        return repository
    }

    func isProtected(owner: String, repo: String, branch: String) -> Bool {
        git.protectedBranches[RepoKey(owner, repo)]?.contains(branch) == true
    }

    /// The name and e-mail GitHub gives commits created over the API without `author`/`committer`:
    /// the App's bot (``userLogin``).
    nonisolated var botIdentity: (name: String, email: String) {
        (userLogin, "\(userID)+\(userLogin)@users.noreply.github.com")
    }
}

extension GitHubEmulatorState {
    /// The emulator's clock now (commit dates, timestamps).
    func currentDate() -> Date { now() }
}
