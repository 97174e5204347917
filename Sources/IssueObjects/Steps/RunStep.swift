import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import Sandboxes

/// One step of a run. A step must be safe to run again after a crash: it finds what an earlier
/// attempt did (a sandbox by its labels, a pull request by its head, a comment by its marker)
/// and adopts it instead of doing it twice.
protocol RunStep: Sendable {
    var name: StepName { get }
    /// Does the step's work and returns what later steps need.
    /// - Throws: ``StepFailure`` to fail the run with a message; any other error fails it too.
    func perform(_ context: StepContext) async throws -> StepResult
}

/// What a step sees: the dependencies, the journal so far, and the attempt number.
struct StepContext: Sendable {
    var dependencies: RunDependencies
    var journal: RunJournal
    var attempt: Int

    /// The clone, relative to the sandbox home.
    static let repositoryPath = "repo"
    /// Dayshift's own files in the sandbox, outside the clone so they are never committed.
    static let promptPath = ".dayshift/prompt.md"
    static let changedPathsPath = ".dayshift/changed-paths"

    var settings: DayshiftConfiguration { dependencies.configuration }

    /// Wraps an external call in its `site:before` / `site:after` fail points.
    @discardableResult
    func call<T>(_ site: String, _ body: () async throws -> T) async throws -> T {
        try await dependencies.failPoints.around(site, body)
    }

    /// The run's sandbox, as provisioned.
    /// - Throws: ``StepFailure`` when the provision step left none, ``SandboxError/notFound(_:)`` when it is gone.
    func sandbox() async throws -> Sandbox {
        guard let id = journal.sandboxID else { throw StepFailure("no sandbox was provisioned") }
        guard let sandbox = try await dependencies.sandboxes.get(id: id) else { throw SandboxError.notFound(id) }
        return sandbox
    }

    /// Runs a command in the clone.
    func run(_ command: String, timeoutSeconds: Double = 120, environment: [String: String] = [:]) async throws -> CommandResult {
        guard let id = journal.sandboxID else { throw StepFailure("no sandbox was provisioned") }
        return try await dependencies.sandboxes.execute(in: id, SandboxCommand(command, workingDirectory: Self.repositoryPath,
                                                                               environment: environment, timeoutSeconds: timeoutSeconds))
    }

    /// Downloads a file Dayshift's own command wrote in the sandbox, after checking its size there,
    /// so that a sandbox cannot make the server hold more than `maxBytes` in memory.
    /// - Parameter path: relative to the sandbox home.
    /// - Throws: ``StepFailure`` when the file is larger than `maxBytes`.
    func downloadBounded(_ path: String, maxBytes: Int, what: String) async throws -> Data {
        let size = try await runChecked("wc -c < \"$HOME/\(path)\"", what: "measuring \(what)")
        guard let bytes = Int(size.trimmingCharacters(in: .whitespaces)), bytes <= maxBytes else {
            throw StepFailure("\(what) is \(size) bytes, over the \(maxBytes)-byte limit")
        }
        return try await dependencies.sandboxes.downloadFile(in: try await sandbox().id, path: path)
    }

    /// Runs a command in the clone and fails the step unless it exits 0.
    /// - Returns: the output, trimmed of surrounding white space.
    @discardableResult
    func runChecked(_ command: String, what: String, environment: [String: String] = [:]) async throws -> String {
        let result = try await run(command, environment: environment)
        // Dayshift's own plumbing (git, ls) finishes in moments: a timeout there is the sandbox's
        // trouble (e.g. Daytona's 408), not a verdict, so it is retried like other transient errors.
        if result.timedOut { throw PlumbingTimeout(what: what) }
        guard result.exitCode == 0 else {
            throw StepFailure("\(what) failed (exit \(result.exitCode)): \(publicOutput(result.lastLines(5)))")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Keeps a command's end for the journal.
    func outcome(_ command: String, _ result: CommandResult) -> CommandOutcome {
        var outcome = CommandOutcome(command: command, result: result, tailLines: settings.steps.outputTailLines)
        outcome.tail = publicOutput(outcome.tail)
        return outcome
    }

    /// Output from the sandbox made fit to keep and show: secrets redacted, and the sandbox's
    /// absolute paths on the server's machine shown relative to the repository.
    func publicOutput(_ text: String) -> String {
        var text = dependencies.redactor.redact(text)
        if let home = journal.provision?.sandboxHome, home.count > 1 {
            text = text.replacingOccurrences(of: "\(home)/\(Self.repositoryPath)/", with: "")
                .replacingOccurrences(of: "\(home)/\(Self.repositoryPath)", with: ".")
                .replacingOccurrences(of: home, with: "~")
        }
        return text
    }

    /// A GitHub client for `repository` whose every request carries a token good for that one
    /// repository (an installation access token narrowed to it, or the personal access token).
    func github(for repository: RepositoryName) async throws -> GitHubClient {
        try await dependencies.github.client(for: repository, installationID: journal.context.issue.installationID)
    }
}

/// A command Dayshift runs for itself (not the operator's setup, tests or agent) timed out.
/// Transient: the step is retried.
struct PlumbingTimeout: TransientError, CustomStringConvertible {
    var what: String
    var description: String { "\(what) timed out in the sandbox" }
    var isTransient: Bool { true }
}
