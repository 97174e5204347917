import DayshiftCore
import Foundation
import GitHub

/// Writes a ``SandboxChange`` to GitHub as one commit on a branch, from the server, with GitHub's
/// Git Data API (`../shared/reference/github.md` §6): blobs for what cannot travel inline, trees
/// chained on the base commit's tree, a commit whose only parent is the base commit the run cloned,
/// then the branch. Commits are made without `author`/`committer`, so GitHub attributes them to the
/// App and marks them verified.
///
/// Never overwrites someone else's work: an existing branch is moved only when its head is a commit
/// Dayshift wrote (``ownCommits``), or when its head already is this very change (a repeat after a
/// crash), and otherwise the publish is refused with ``BranchTaken``.
///
/// Sized for large changes without tripping GitHub's secondary limits: UTF-8 files of up to
/// ``inlineFileBytes`` go inline in tree requests of at most ``treeRequestBytes`` /
/// ``treeRequestEntries``; other files become blobs, paced to ``writesPerMinute``.
struct GitDataPublisher: Sendable {
    var client: GitHubClient
    var repository: RepositoryName
    /// Largest file sent inline in a tree request (bytes).
    var inlineFileBytes = 512 * 1024
    /// Largest tree request body, roughly (bytes).
    var treeRequestBytes = 8 * 1024 * 1024
    /// Most entries per tree request.
    var treeRequestEntries = 1_000
    /// Content-creating requests per minute once more than ``burst`` have been sent; 0 = no pacing.
    var writesPerMinute = 150
    /// Requests sent before pacing starts.
    var burst = 60

    /// The branch holds commits Dayshift did not write: publishing would overwrite them.
    struct BranchTaken: TransientError, CustomStringConvertible {
        var branch: String
        var head: String
        /// Always false: someone else's commits stay until a person moves them.
        var isTransient: Bool { false }
        var description: String {
            "branch \(branch) has a commit Dayshift did not write (head \(head.prefix(12))); Dayshift does not overwrite other people's work. Delete or rename the branch, then ask again."
        }
    }

    /// What ``publish(_:branch:base:message:ownCommits:)`` did.
    struct Outcome: Equatable {
        var commit: String
        /// `created`, `updated` (moved from an earlier Dayshift commit) or `adopted` (already there).
        var action: String
    }

    /// Publishes `change` on `branch` as one commit on top of `base`.
    /// - Parameters:
    ///   - ownCommits: commits Dayshift wrote on this branch before (earlier runs); the branch may move from these.
    /// - Throws: ``BranchTaken``; ``GitHubAPIError`` (e.g. 404 when `base` is not on GitHub).
    func publish(_ change: SandboxChange, branch: String, base: String, message: String, ownCommits: Set<String>) async throws -> Outcome {
        let baseCommit = try await client.commit(repository, sha: base)
        let tree = try await writeTree(change, baseTree: baseCommit.tree.sha)
        let head = try await client.branchReference(repository, branch: branch)?.object.sha
        if let head {
            if try await isThisChange(head, tree: tree, base: base) { return Outcome(commit: head, action: "adopted") }
            guard ownCommits.contains(head) else { throw BranchTaken(branch: branch, head: head) }
        }
        let commit = try await client.createCommit(repository, message: message, tree: tree, parents: [base])
        if head != nil {
            try await client.updateBranch(repository, branch: branch, sha: commit, force: true)
            return Outcome(commit: commit, action: "updated")
        }
        do {
            try await client.createBranch(repository, branch: branch, sha: commit)
            return Outcome(commit: commit, action: "created")
        } catch let error as GitHubAPIError where error.status == 422 {
            // Created meanwhile (a lost answer, or someone else): judge the head found now.
            guard let now = try await client.branchReference(repository, branch: branch)?.object.sha else { throw error }
            if try await isThisChange(now, tree: tree, base: base) { return Outcome(commit: now, action: "adopted") }
            throw BranchTaken(branch: branch, head: now)
        }
    }

    /// True when `head` is a commit of `tree` whose only parent is `base`: this change, published before.
    private func isThisChange(_ head: String, tree: String, base: String) async throws -> Bool {
        let commit = try await client.commit(repository, sha: head)
        return commit.tree.sha == tree && commit.parents.map(\.sha) == [base]
    }

    /// Writes the trees for `change` on top of `baseTree` and returns the last one.
    func writeTree(_ change: SandboxChange, baseTree: String) async throws -> String {
        var pacer = Pacer(writesPerMinute: writesPerMinute, burst: burst)
        var entries: [GitTreeEntry] = []
        for entry in change.entries {
            entries.append(try await treeEntry(entry, pacer: &pacer))
        }
        var tree = baseTree
        var batch: [GitTreeEntry] = []
        var batchBytes = 0
        for entry in entries {
            if !batch.isEmpty, batch.count >= treeRequestEntries || batchBytes + entry.weight > treeRequestBytes {
                try await pacer.wait()
                tree = try await client.createTree(repository, baseTree: tree, entries: batch)
                batch = []
                batchBytes = 0
            }
            batch.append(entry)
            batchBytes += entry.weight
        }
        if !batch.isEmpty {
            try await pacer.wait()
            tree = try await client.createTree(repository, baseTree: tree, entries: batch)
        }
        return tree
    }

    private func treeEntry(_ entry: SandboxChange.Entry, pacer: inout Pacer) async throws -> GitTreeEntry {
        func contents(_ data: Data, mode: GitTreeEntry.Mode) async throws -> GitTreeEntry {
            if data.count <= inlineFileBytes, let text = String(data: data, encoding: .utf8), Data(text.utf8) == data {
                return GitTreeEntry(path: entry.path, mode: mode, change: .content(text))
            }
            try await pacer.wait()
            return GitTreeEntry(path: entry.path, mode: mode, change: .object(sha: try await client.createBlob(repository, contents: data)))
        }
        switch entry.kind {
        case .file(let data, let executable): return try await contents(data, mode: executable ? .executable : .file)
        case .symlink(let target): return try await contents(target, mode: .symlink)
        case .submodule(let commit): return GitTreeEntry(path: entry.path, mode: .submodule, change: .object(sha: commit))
        case .deleted: return GitTreeEntry(path: entry.path, mode: .file, change: .delete)
        }
    }
}

/// Spaces content-creating requests: the first `burst` go at once, then at most `writesPerMinute`.
struct Pacer {
    var writesPerMinute: Int
    var burst: Int
    private var sent = 0

    init(writesPerMinute: Int, burst: Int) {
        self.writesPerMinute = writesPerMinute
        self.burst = burst
    }

    mutating func wait() async throws {
        sent += 1
        guard writesPerMinute > 0, sent > burst else { return }
        try await Task.sleep(for: .milliseconds(60_000 / writesPerMinute))
    }
}
