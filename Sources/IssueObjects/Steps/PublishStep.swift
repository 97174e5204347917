import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub

/// publish: reads the agent's change out of the sandbox (only the files the agent changed) and
/// writes it to GitHub from the server as one commit on the run's branch, whose parent is the base
/// commit the run cloned (``GitDataPublisher``). No credential that can write ever enters the
/// sandbox. A change that holds any secret Dayshift knows, in any of its encodings, is refused
/// before anything is sent, with a message naming the file, never the secret.
///
/// Safe to repeat: the commit is found again on the branch (same tree, same parent), and the branch
/// is moved only from a commit Dayshift wrote.
struct PublishStep: RunStep {
    let name = StepName.publish

    static let indexPath = ".dayshift/publish-index"
    static let diffPath = ".dayshift/publish-diff"
    static let blobsPath = ".dayshift/publish-blobs"

    func perform(_ context: StepContext) async throws -> StepResult {
        let journal = context.journal
        guard let base = journal.clone?.commit else { throw StepFailure("no base commit: the clone step left none") }
        guard let repository = RepositoryName(fullName: journal.context.issue.repository) else {
            throw StepFailure("bad repository name \(journal.context.issue.repository)")
        }
        let change = try await readChange(context, base: base)
        guard !change.entries.isEmpty else { throw StepFailure("nothing to publish: the change is empty") }
        if let path = secretHolder(in: change, redactor: context.dependencies.redactor) {
            throw StepFailure("the change holds a secret that Dayshift uses, in \(path); nothing was published. Remove it and ask again.")
        }
        let client = try await context.github(for: repository)
        let publisher = GitDataPublisher(client: client, repository: repository, writesPerMinute: context.settings.github.writesPerMinute)
        let ownCommits = try await context.dependencies.store.succeededResults(issueKey: journal.run.issueKey, step: .publish)
            .compactMap { result -> String? in if case .publish(let published) = result { published.commit } else { nil } }
        let branch = journal.context.branch
        let outcome = try await context.call("publish.commit") {
            try await publisher.publish(change, branch: branch, base: base, message: ReportText.commitMessage(journal), ownCommits: Set(ownCommits))
        }
        return .publish(PublishResult(commit: outcome.commit, branch: branch, change: ChangeSummary(change),
                          note: "\(outcome.action) \(branch): \(change.entries.count) files, \(change.byteCount) bytes"))
    }

    /// Runs git in the sandbox to list the change and its blobs, downloads both, and checks them.
    func readChange(_ context: StepContext, base: String) async throws -> SandboxChange {
        let paths = context.journal.agent?.changedFiles ?? []
        let sandbox = try await context.sandbox()
        let provider = context.dependencies.sandboxes
        try await provider.uploadFile(in: sandbox.id, path: StepContext.changedPathsPath, contents: Data(paths.joined(separator: "\0").utf8))
        try await context.runChecked(SandboxChange.command(base: base, changedPaths: StepContext.changedPathsPath, index: Self.indexPath,
                                                           diff: Self.diffPath, blobs: Self.blobsPath),
                                     what: "reading the change")
        let diff = try await context.downloadBounded(Self.diffPath, maxBytes: 64 << 20, what: "the list of changed paths")
        let blobs = try await context.downloadBounded(Self.blobsPath, maxBytes: SandboxChange.maxTotalBytes + (64 << 20), what: "the changed files")
        do {
            return try SandboxChange(diff: diff, blobs: blobs)
        } catch let invalid as SandboxChange.Invalid {
            throw StepFailure(invalid.description)
        }
    }

    /// The first path whose name or contents hold a secret, if any.
    func secretHolder(in change: SandboxChange, redactor: SecretRedactor) -> String? {
        for entry in change.entries {
            if redactor.containsSecret(Data(entry.path.utf8)) { return "a file name" }
            switch entry.kind {
            case .file(let data, _), .symlink(let data):
                if redactor.containsSecret(data) { return redactor.redact(entry.path) }
            case .submodule, .deleted:
                continue
            }
        }
        return nil
    }
}
