import DayshiftCore
import Foundation

/// GitHub's Git Data API (`../shared/reference/github.md` §6): how Dayshift writes a commit on the
/// server, with an installation token, without `git push`. All calls need `contents: write`
/// (reads: `contents: read`).
extension GitHubClient {
    /// `GET /repos/{owner}/{repo}/git/ref/heads/{branch}` → the branch's ref, or `nil` on 404.
    /// - Throws: ``GitHubAPIError`` for any other failure.
    public func branchReference(_ repo: RepositoryName, branch: String) async throws -> GitReference? {
        do {
            let ref: GitReference = try await send("GET", "/repos/\(repo.owner)/\(repo.name)/git/ref/heads/\(branch)")
            return ref
        } catch let error as GitHubAPIError where error.status == 404 {
            return nil
        }
    }

    /// `GET /repos/{owner}/{repo}/git/commits/{commit_sha}`.
    public func commit(_ repo: RepositoryName, sha: String) async throws -> GitCommit {
        try await send("GET", "/repos/\(repo.owner)/\(repo.name)/git/commits/\(sha)")
    }

    /// `POST /repos/{owner}/{repo}/git/blobs` with `encoding: base64` → the blob's sha.
    public func createBlob(_ repo: RepositoryName, contents: Data) async throws -> String {
        let created: ObjectID = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/git/blobs",
                                               body: ["content": contents.base64EncodedString(), "encoding": "base64"])
        return created.sha
    }

    /// `POST /repos/{owner}/{repo}/git/trees` with `base_tree` and `tree` → the new tree's sha.
    /// Paths not listed keep their entry from `baseTree`.
    public func createTree(_ repo: RepositoryName, baseTree: String, entries: [GitTreeEntry]) async throws -> String {
        let created: ObjectID = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/git/trees",
                                               body: ["base_tree": baseTree, "tree": entries.map(\.json)])
        return created.sha
    }

    /// `POST /repos/{owner}/{repo}/git/commits` with no `author` or `committer`, so that GitHub
    /// attributes the commit to the App's bot and signs it ("Verified") → the commit's sha.
    public func createCommit(_ repo: RepositoryName, message: String, tree: String, parents: [String]) async throws -> String {
        let created: ObjectID = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/git/commits",
                                               body: ["message": message, "tree": tree, "parents": parents])
        return created.sha
    }

    /// `POST /repos/{owner}/{repo}/git/refs` with `ref: refs/heads/{branch}`.
    /// - Throws: ``GitHubAPIError`` 422 "Reference already exists" when the branch exists.
    public func createBranch(_ repo: RepositoryName, branch: String, sha: String) async throws {
        let _: GitReference = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/git/refs",
                                             body: ["ref": "refs/heads/\(branch)", "sha": sha])
    }

    /// `PATCH /repos/{owner}/{repo}/git/refs/heads/{branch}` with `sha` and `force`.
    /// - Throws: ``GitHubAPIError`` 422 "Update is not a fast forward" when `force` is false and
    ///   `sha` does not descend from the branch's head.
    public func updateBranch(_ repo: RepositoryName, branch: String, sha: String, force: Bool) async throws {
        let _: GitReference = try await send("PATCH", "/repos/\(repo.owner)/\(repo.name)/git/refs/heads/\(branch)",
                                             body: ["sha": sha, "force": force])
    }
}
