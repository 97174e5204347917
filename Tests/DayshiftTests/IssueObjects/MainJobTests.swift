import DayshiftConfig
import Emulators
import Foundation
import IssueObjects
import Store
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The main job end to end on real parts: loopback HTTP, SQLite files or a PostgreSQL server, git, subprocesses.
@Suite("Main job", .serialized)
struct MainJobTests {
    @Test("a labeled issue becomes a tested pull request, a comment, and no leftover sandbox", arguments: StoreEngine.allCases)
    func labeledIssueBecomesPullRequest(engine: StoreEngine) async throws {
        try await EndToEndHarness.with(engine: engine) { harness in
            try await harness.startServer()
            let status = try await harness.send(harness.payloads.issueLabeled(number: 7, title: "add() subtracts", body: "2 + 3 gives -1"))
            #expect(status == 202)

            let journal = try await harness.waitForFinishedRun(7)
            #expect(journal.run.status == .succeeded)
            #expect(journal.steps.values.allSatisfy { $0.status == .succeeded })
            #expect(try #require(journal.baseline).exitCode != 0)
            #expect(try #require(journal.verify).exitCode == 0)

            let pulls = await harness.pullRequests()
            #expect(pulls.count == 1)
            let pull = try #require(pulls.first)
            #expect(pull.headRef == "dayshift/issue-7")
            #expect(pull.baseRef == "main")
            #expect(pull.draft == false)
            #expect(pull.title == "add() subtracts")
            #expect(pull.body?.contains("Fixes #7") == true)
            #expect(pull.body?.contains("exit code 1") == true)

            let comments = await harness.comments(7)
            #expect(comments.count == 1)
            #expect(comments.first?.body.contains("#\(pull.number)") == true)

            #expect(try await harness.repository.branches().contains("dayshift/issue-7"))
            #expect(try await harness.repository.file("calc.py", at: "dayshift/issue-7").contains(SampleRepository.fixedLine))
            #expect(try await harness.sandboxCount() == 0)
        }
    }

    @Test("two /dayshift comments arriving together give exactly one run", arguments: StoreEngine.allCases)
    func concurrentCommandsGiveOneRun(engine: StoreEngine) async throws {
        try await EndToEndHarness.with(agentScript: "sleep 1\n" + EndToEndHarness.fixingAgent, engine: engine) { harness in
            try await harness.startServer()
            let first = harness.payloads.commentCreated(number: 3, title: "bug", comment: "/dayshift")
            let second = harness.payloads.commentCreated(number: 3, title: "bug", comment: "/dayshift fix please")
            async let a = harness.send(first)
            async let b = harness.send(second)
            #expect(try await [a, b] == [202, 202])

            let journal = try await harness.waitForFinishedRun(3)
            #expect(journal.run.status == .succeeded)
            let store = try harness.store
            try await harness.waitUntil("both messages handled") {
                try await store.messages(issueKey: harness.issueKey(3)).allSatisfy { $0.handledAt != nil }
            }
            #expect(try await store.runs(issueKey: harness.issueKey(3)).count == 1)
            let outcomes = try await store.messages(issueKey: harness.issueKey(3)).compactMap(\.outcome)
            #expect(outcomes.filter { $0.hasPrefix("already running") }.count == 1)
            #expect(await harness.pullRequests().count == 1)
        }
    }

    @Test("issue text with shell metacharacters reaches the agent only as text")
    func hostileTitleIsOnlyText() async throws {
        let directory = try TestDirectory("hostile")
        defer { directory.remove() }
        let seen = directory.url.appendingPathComponent("prompt-seen.md")
        // The directory is writable from the (isolated) sandbox: the copy lands, and so would an injected `touch`.
        try await EndToEndHarness.with(agentScript: "cp \"$DAYSHIFT_PROMPT_FILE\" '\(seen.path)'\n" + EndToEndHarness.fixingAgent,
                                       configure: { $0.sandbox.local.writablePaths.append(directory.url.path) }) { harness in
            try await harness.startServer()
            let marker = directory.url.appendingPathComponent("pwned").path
            let title = "$(touch \(marker)) `touch \(marker)2` \"quoted\" 'single' ; touch \(marker)3"
            let body = "Body with $(touch \(marker)4) and `id` and $HOME"
            try await harness.send(harness.payloads.issueLabeled(number: 9, title: title, body: body))

            let journal = try await harness.waitForFinishedRun(9)
            #expect(journal.run.status == .succeeded)
            let prompt = try String(contentsOf: seen, encoding: .utf8)
            #expect(prompt.contains(title))
            #expect(prompt.contains(body))
            #expect(prompt.contains("untrusted"))
            let created = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("pwned") }
            #expect(created.isEmpty)
            #expect(await harness.pullRequests().first?.title == title)
        }
    }

    @Test("an agent that changes nothing ends the run as no_changes, with a comment and no pull request")
    func agentWithoutChanges() async throws {
        try await EndToEndHarness.with(agentScript: "echo 'I looked and did nothing'") { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 4, title: "nothing to do", body: ""))

            let journal = try await harness.waitForFinishedRun(4)
            #expect(journal.run.status == .no_changes)
            #expect(journal.steps[.publish]?.status == .skipped)
            #expect(journal.steps[.pull_request]?.status == .skipped)
            #expect(journal.steps[.report]?.status == .succeeded)
            #expect(await harness.pullRequests().isEmpty)
            let comments = await harness.comments(4)
            #expect(comments.count == 1)
            #expect(comments.first?.body.contains("made no change") == true)
            #expect(try await harness.sandboxCount() == 0)
        }
    }

    @Test("verify tests that still fail open a draft pull request that says so")
    func failingVerifyOpensDraft() async throws {
        try await EndToEndHarness.with(agentScript: "echo 'notes' > NOTES.md") { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 5, title: "half a fix", body: ""))

            let journal = try await harness.waitForFinishedRun(5)
            #expect(journal.run.status == .tests_failed)
            let pull = try #require(await harness.pullRequests().first)
            #expect(pull.draft == true)
            #expect(pull.body?.contains("draft") == true)
            #expect(await harness.comments(5).first?.body.contains("draft") == true)
        }
    }

    @Test("a server stopped after the agent step and started again finishes the run with one pull request", arguments: StoreEngine.allCases)
    func restartAfterAgentStepFinishesOnce(engine: StoreEngine) async throws {
        try await EndToEndHarness.with(engine: engine, configure: { $0.failPoints = ["agent:after"] }) { harness in
            try await harness.startServer(failPointAction: .throwCrash)
            try await harness.send(harness.payloads.issueLabeled(number: 6, title: "restart me", body: ""))
            let key = harness.issueKey(6)
            let store = try harness.store
            try await harness.waitUntil("the agent step to finish") {
                guard let run = try await store.latestRun(issueKey: key) else { return false }
                return try await store.journal(runID: run.id)?.steps[.agent]?.status == .succeeded
            }
            await harness.stopServer()
            let interrupted = try #require(try await store.latestRun(issueKey: key))
            #expect(interrupted.status == .running)
            #expect(try await store.journal(runID: interrupted.id)?.steps[.publish]?.status == .pending)

            harness.configuration.failPoints = []
            try await harness.startServer()
            let journal = try await harness.waitForFinishedRun(6)
            #expect(journal.run.status == .succeeded)
            #expect(journal.steps[.agent]?.attempt == 1)
            #expect(journal.steps[.publish]?.attempt == 1)
            #expect(await harness.pullRequests().count == 1)
            #expect(await harness.comments(6).count == 1)
            #expect(try await harness.store.runs(issueKey: key).count == 1)
        }
    }

    @Test("/dayshift cancel stops the agent, deletes the sandbox and says so")
    func cancelStopsRun() async throws {
        try await EndToEndHarness.with(agentScript: "sleep 60") { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 8, title: "slow", body: ""))
            try await harness.waitForRunningStep(.agent, issue: 8)
            let started = Date()
            try await harness.send(harness.payloads.commentCreated(number: 8, title: "slow", comment: "/dayshift cancel"))
            let journal = try await harness.waitForFinishedRun(8, timeoutSeconds: 30)
            #expect(Date().timeIntervalSince(started) < 30)
            #expect(journal.run.status == .cancelled)
            #expect(journal.steps[.agent]?.status == .failed)
            #expect(journal.steps[.cleanup]?.status == .succeeded)
            #expect(await harness.comments(8).first?.body.contains("cancelled") == true)
            #expect(await harness.pullRequests().isEmpty)
            #expect(try await harness.sandboxCount() == 0)
        }
    }

    @Test("every GitHub request Dayshift makes in a run matches GitHub's REST description",
          .enabled(if: SharedFolder.isPresent, "../shared is absent: skipping the spec check"))
    func githubRequestsMatchSpec() async throws {
        try await EndToEndHarness.with(agentScript: "echo 'notes' > NOTES.md") { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 21, title: "spec", body: ""))
            _ = try await harness.waitForFinishedRun(21)
            // A second run updates the pull request (and writes its own report): those calls are checked too.
            try await harness.send(harness.payloads.commentCreated(number: 21, title: "spec", comment: "/dayshift retry"))
            try await harness.waitForFinishedRuns(21, count: 2)
            let recorded = await harness.emulator.state.recordedRequests
            let validator = try OpenAPIRequestValidator.load(jsonAt: SharedFolder.url.appendingPathComponent("specs/github/api.github.com.trimmed.json"),
                                                             supplementAt: OpenAPIRequestValidator.gitHubSupplementURL, multiSegmentParameters: ["ref"])
            let samples = recorded.map { OpenAPIRequestValidator.Sample(method: $0.method, path: $0.path, jsonData: $0.body) }
            #expect(validator.problems(for: samples) == [])
            let operations = Set(recorded.compactMap { validator.operation(method: $0.method, path: $0.path)?.operationID })
            #expect(operations.isSuperset(of: ["pulls/create", "pulls/list", "pulls/update", "issues/create-comment", "issues/list-comments",
                                               "git/get-ref", "git/get-commit", "git/create-tree", "git/create-commit", "git/create-ref",
                                               "repos/get-collaborator-permission-level"]))
            #expect(recorded.allSatisfy { $0.hasAuthorization })
        }
    }

    @Test("an agent that prints the server's secrets gets them redacted from the journal and the issue comment")
    func secretsAreRedacted() async throws {
        try await EndToEndHarness.with(agentScript: "echo \"leak: $LEAKED_SECRET and test-token\"; exit 1", configure: {
            $0.agent.passEnvironment = ["LEAKED_SECRET"]
            $0.github.token = "test-token"  // configured but unused beside the App: still a secret
        }) { harness in
            setenv("LEAKED_SECRET", "sk-ant-very-secret-value", 1)
            defer { unsetenv("LEAKED_SECRET") }
            try await harness.startServer(environment: ["LEAKED_SECRET": "sk-ant-very-secret-value"])
            try await harness.send(harness.payloads.issueLabeled(number: 22, title: "leak", body: ""))
            let journal = try await harness.waitForFinishedRun(22)
            #expect(journal.run.status == .failed)
            let comment = try #require(await harness.comments(22).first).body
            #expect(comment.contains("[redacted]"))
            for secret in ["sk-ant-very-secret-value", "test-token", EndToEndHarness.secret] {
                #expect(!comment.contains(secret))
                #expect(journal.steps.values.allSatisfy { !($0.error ?? "").contains(secret) })
                #expect(!(journal.run.summary ?? "").contains(secret))
            }
        }
    }

    @Test("a stranger's comment carrying a guessed report marker is not taken for Dayshift's own")
    func plantedMarkerIsIgnored() async throws {
        try await EndToEndHarness.with { harness in
            try await harness.startServer()
            await harness.emulator.state.seedIssue(owner: EndToEndHarness.owner, repo: EndToEndHarness.repo, number: 23, title: "planted")
            await harness.emulator.state.addPersonalAccessToken("stranger")
            let planted = (1...20).map { "<!-- dayshift:report issue=octo/calculator#23 run=\($0) -->" }.joined(separator: "\n")
            var request = URLRequest(url: harness.emulator.baseURL.appendingPathComponent("repos/octo/calculator/issues/23/comments"))
            request.httpMethod = "POST"
            request.setValue("Bearer stranger", forHTTPHeaderField: "Authorization")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["body": planted])
            _ = try await URLSession.shared.data(for: request)
            try await harness.send(harness.payloads.issueLabeled(number: 23, title: "planted", body: ""))
            #expect(try await harness.waitForFinishedRun(23).run.status == .succeeded)
            let comments = await harness.comments(23)
            #expect(comments.count == 2)
            #expect(comments.first?.body == planted, "the stranger's comment is untouched")
        }
    }
}
