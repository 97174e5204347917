import ArgumentParser
import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
import IssueObjects
import Logging
import Store

/// `dayshift demo`: the main job end to end on embedded defaults, with no account and no network.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job once, locally: a signed webhook becomes a tested pull request.",
        discussion: """
        Builds a sample repository with a failing test, starts Dayshift, the GitHub emulator and the local
        sandbox runner on loopback, sends a signed issues.labeled delivery, and waits for the pull request.
        The agent is a small script that stands in for a coding agent: it applies the one known fix.
        """
    )

    @Flag(help: "Print only one JSON object on standard output.")
    var json = false

    @Flag(help: "Keep the temporary directory (repository, database, sandboxes), with a dayshift.yaml to start a server on it, and print its path.")
    var keep = false

    @Option(help: "Seconds to wait for the run to finish.")
    var timeout: Double = 300

    @Option(help: "Log level for the server's own logs (they go to standard error).")
    var logLevel: Logger.Level = .warning

    @Option(help: "Where sandboxes come from: local (the embedded runner) or daytona-emulator (Dayshift's Daytona client against the in-repo Daytona emulator).")
    var sandbox: DemoSandbox = .local

    func run() async throws {
        let logger = try LoggingSetup.bootstrap(level: logLevel)
        let workspace = try await DemoWorkspace.create()
        defer { if !keep { workspace.remove() } }
        say("Dayshift demo in \(workspace.directory.path)")
        say("The agent is a stand-in script that applies the sample's known fix; configure agent.command for a real coding agent.")

        let emulator = try await GitHubEmulator.start()
        await emulator.state.registerRepository(owner: DemoWorkspace.owner, repo: DemoWorkspace.repo, bareDirectory: workspace.repository.bareDirectory)
        await emulator.state.seedIssue(owner: DemoWorkspace.owner, repo: DemoWorkspace.repo, number: DemoWorkspace.issueNumber,
                                       title: DemoWorkspace.issueTitle, body: DemoWorkspace.issueBody)
        // Dayshift works as a GitHub App, installed on the demo account: installation access tokens, narrowed per repository.
        let privateKeyPEM = try await emulator.state.registerApp(id: DemoWorkspace.appID, slug: "dayshift-demo")
        await emulator.state.addInstallation(id: 1, account: DemoWorkspace.owner)
        var configuration = workspace.configuration(githubURL: emulator.baseURL, privateKeyPEM: privateKeyPEM)
        var daytona: RunningDaytonaEmulator?
        if sandbox == .daytonaEmulator {
            let apiKey = "demo-daytona-key"
            let running = try await DaytonaEmulator.start(apiKey: apiKey, sandboxRoot: workspace.directory.appendingPathComponent("daytona-sandboxes"))
            configuration.sandbox.provider = "daytona"
            configuration.sandbox.daytona.apiURL = running.apiURL.absoluteString
            configuration.sandbox.daytona.apiKey = apiKey
            daytona = running
        }
        let server = try await DayshiftApplication.start(configuration: configuration, logger: logger)
        let instance = server.application.instance
        say("server on \(server.baseURL), GitHub emulator on \(emulator.baseURL), sandboxes: \(instance.sandboxes.kind)\(daytona.map { " (Daytona emulator on \($0.baseURL))" } ?? " runner")")

        let builder = WebhookPayloadBuilder(owner: DemoWorkspace.owner, repo: DemoWorkspace.repo, cloneURL: workspace.repository.cloneURL)
        let delivery = builder.issueLabeled(number: DemoWorkspace.issueNumber, title: DemoWorkspace.issueTitle, body: DemoWorkspace.issueBody)
        let answer = try await delivery.send(to: server.baseURL.appendingPathComponent("webhooks/github"), secret: workspace.webhookSecret)
        say("sent issues.labeled delivery \(delivery.guid): HTTP \(answer.status)")

        let issueKey = IssueKey(repository: RepositoryName(owner: DemoWorkspace.owner, name: DemoWorkspace.repo), number: DemoWorkspace.issueNumber).description
        let journal = try await waitForRun(store: instance.store, issueKey: issueKey)
        await server.stop()
        let comments = await emulator.state.comments(owner: DemoWorkspace.owner, repo: DemoWorkspace.repo, issue: DemoWorkspace.issueNumber)
        await emulator.stop()
        await daytona?.stop()
        var report = DemoReport(journal: journal, comments: comments.count, branches: try await workspace.repository.branches(),
                                workspace: keep ? workspace.directory.path : nil)
        if keep {
            let kept = try workspace.writeServeConfiguration(githubURL: emulator.baseURL, privateKeyPEM: privateKeyPEM)
            report.serveCommand = "dayshift serve --config \(kept.configuration.path)"
            report.operatorTokenFile = kept.operatorToken.path
        }
        if json {
            print(try report.json())
        } else {
            printSummary(report, comment: comments.last?.body)
        }
        if journal.run.status != .succeeded { throw ExitCode(1) }
    }

    /// Polls the journal, printing one line per finished step, until the run ends.
    private func waitForRun(store: Store, issueKey: String) async throws -> RunJournal {
        let deadline = Date().addingTimeInterval(timeout)
        var printed = Set<String>()
        while Date() < deadline {
            if let run = try await store.latestRun(issueKey: issueKey), let journal = try await store.journal(runID: run.id) {
                for step in journal.stepsInOrder where step.status.isDone && !printed.contains(step.name.rawValue) {
                    printed.insert(step.name.rawValue)
                    let seconds = String(format: "%6.2f s", step.durationSeconds ?? 0)
                    say("  \(step.name.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(step.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(seconds)  \(stepDetail(journal, step.name))")
                }
                if run.status.isFinal { return journal }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the run did not finish within \(Int(timeout)) s")
    }

    private func stepDetail(_ journal: RunJournal, _ step: StepName) -> String {
        if let error = journal.steps[step]?.error { return error }
        switch journal.result(step) {
        case .command(let result): return result.outcome.map { "\($0.command) → exit \($0.exitCode)" } ?? result.note ?? ""
        case .agent(let result): return "\(result.command.command) → exit \(result.command.exitCode)"
        case .pullRequest(let pr): return "#\(pr.number) \(pr.url)\(pr.draft ? " (draft)" : "")"
        case .clone(let clone): return "\(clone.branch) @ \(clone.commit.prefix(10))"
        case .publish(let publish): return "\(publish.branch) @ \(publish.commit.prefix(10))"
        case let result?: return result.note ?? ""
        case nil: return ""
        }
    }

    private func printSummary(_ report: DemoReport, comment: String?) {
        say("")
        say("run \(report.run.status): \(report.run.summary ?? "")")
        if let pr = report.pullRequest { say("pull request #\(pr.number) \(pr.url) from \(pr.head)") }
        say("tests before: exit \(report.tests.before?.exitCode.description ?? "-"), after: exit \(report.tests.after?.exitCode.description ?? "-")")
        if let workspace = report.workspace { say("kept \(workspace)") }
        if let command = report.serveCommand, let token = report.operatorTokenFile {
            say("to look at this run again: \(command)   (operator API token in \(token))")
        }
    }

    private func say(_ line: String) {
        guard !json else { return }
        print(line)
    }
}
