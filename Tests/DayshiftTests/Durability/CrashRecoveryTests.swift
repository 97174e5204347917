import DayshiftConfig
import DayshiftCore
import Foundation
import Store
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Crash injection with the real binary: the process exits at a fail point (as a kill would),
/// starts again on the same data directory, and the run finishes exactly once.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    /// Every fail point a first run reaches (`pull_request.update` needs an existing pull request: see below).
    static let points: [String] = FailPoint.allSites.filter { $0 != "pull_request.update" }.flatMap { ["\($0):before", "\($0):after"] }

    @Test("a process that dies at any fail point resumes and finishes with one PR, one comment, no sandbox", arguments: StoreEngine.allCases, points)
    func resumesAfterFailPoint(engine: StoreEngine, point: String) async throws {
        let harness = try await ProcessHarness(engine: engine)
        do {
            try await harness.start(failPoints: [point])
            #expect(try await harness.sendLabeled(1) == 202)
            let exit = try #require(try await harness.server?.waitForExit(timeoutSeconds: 60))
            #expect(exit == 86, "the fail point \(point) should end the process with 86")

            let restarted = try await harness.start()
            let runs = try await harness.waitForFinishedRuns([1])
            #expect(runs[1]?.status == .succeeded)
            #expect(await harness.emulator.state.pullRequests(owner: ProcessHarness.owner, repo: ProcessHarness.repo).count == 1)
            #expect(await harness.emulator.state.comments(owner: ProcessHarness.owner, repo: ProcessHarness.repo, issue: 1).count == 1)
            #expect(await harness.emulator.state.reactions(owner: ProcessHarness.owner, repo: ProcessHarness.repo, issue: 1).map(\.content) == ["eyes", "rocket"])
            #expect(try await harness.leftoverSandboxes().isEmpty)
            let store = try await harness.store()
            #expect(try await store.messages(issueKey: harness.issueKey(1)).allSatisfy { $0.handledAt != nil })
            #expect(try await store.runs(issueKey: harness.issueKey(1)).count == 1)
            #expect(try await restarted.stop(signal: SIGTERM) == 0)
        } catch {
            await harness.tearDown()
            throw error
        }
        await harness.tearDown()
    }

    @Test("a second run that dies while updating the pull request resumes and still leaves one PR", arguments: ["pull_request.update:before", "pull_request.update:after"])
    func resumesAfterUpdateFailPoint(point: String) async throws {
        let harness = try await ProcessHarness()
        do {
            try await harness.start()
            #expect(try await harness.sendLabeled(1) == 202)
            _ = try await harness.waitForFinishedRuns([1])
            try await harness.server?.stop(signal: SIGTERM)

            try await harness.start(failPoints: [point])
            let retry = harness.payloads.commentCreated(number: 1, title: "issue 1", comment: "/dayshift retry")
            _ = try await retry.send(to: try #require(harness.server).baseURL.appendingPathComponent("webhooks/github"), secret: ProcessHarness.secret)
            #expect(try await harness.server?.waitForExit(timeoutSeconds: 60) == 86)

            let restarted = try await harness.start()
            try await harness.waitUntilRuns(issue: 1, count: 2)
            let store = try await harness.store()
            let runs = try await store.runs(issueKey: harness.issueKey(1))
            #expect(runs.map(\.status) == [.succeeded, .succeeded])
            #expect(await harness.emulator.state.pullRequests(owner: ProcessHarness.owner, repo: ProcessHarness.repo).count == 1)
            #expect(await harness.emulator.state.comments(owner: ProcessHarness.owner, repo: ProcessHarness.repo, issue: 1).count == 2, "one report per run")
            #expect(try await harness.leftoverSandboxes().isEmpty)
            #expect(try await restarted.stop(signal: SIGTERM) == 0)
        } catch {
            await harness.tearDown()
            throw error
        }
        await harness.tearDown()
    }

    /// With the default 4 sandbox slots most of the 50 runs wait in the queue, so the kills also land
    /// between queueing, taking a slot and starting: no slot is lost (every run finishes).
    @Test("SIGKILL at random moments while 50 issues are in flight: every issue ends with one PR")
    func randomKillsWithFiftyIssues() async throws {
        let harness = try await ProcessHarness()
        let numbers = Array(1...50)
        do {
            var server = try await harness.start()
            for number in numbers { #expect(try await harness.sendLabeled(number) == 202) }
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 300...2500, using: &generator)))
                try await server.stop(signal: SIGKILL)
                server = try await harness.start()
            }
            let runs = try await harness.waitForFinishedRuns(numbers, timeoutSeconds: 300)
            let pulls = await harness.emulator.state.pullRequests(owner: ProcessHarness.owner, repo: ProcessHarness.repo)
            let journals = try await harness.store()
            for number in numbers {
                var failure: JournalStep?
                if let run = runs[number] { failure = try await journals.journal(runID: run.id)?.failedStep }
                #expect(runs[number]?.status == .succeeded, "issue \(number): \(failure.map { "\($0.name.rawValue) failed: \($0.error ?? "")" } ?? "")")
                #expect(pulls.filter { $0.headRef == "dayshift/issue-\(number)" }.count == 1, "issue \(number)")
                // One comment, kills or not: the tracking comment (a run that waited for a sandbox slot
                // said so there), whose last edit is the report.
                let comments = await harness.emulator.state.comments(owner: ProcessHarness.owner, repo: ProcessHarness.repo, issue: number)
                #expect(comments.count == 1, "issue \(number): \(comments.map(\.body))")
                #expect(comments.first?.body.contains("<!-- dayshift:report") == true, "issue \(number)")
            }
            let store = try await harness.store()
            for number in numbers {
                #expect(try await store.messages(issueKey: harness.issueKey(number)).allSatisfy { $0.handledAt != nil })
                #expect(try await store.runs(issueKey: harness.issueKey(number)).count == 1)
            }
            #expect(try await harness.leftoverSandboxes().isEmpty)
            #expect(try await server.stop(signal: SIGTERM) == 0)
        } catch {
            await harness.tearDown()
            throw error
        }
        await harness.tearDown()
    }

    @Test("an agent that outlives a killed server is stopped before the step runs again")
    func orphanedAgentIsStopped() async throws {
        // The sign lives in a directory the (isolated) sandbox may write, so the test sees it.
        let signs = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-agent-started-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: signs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: signs) }
        let started = signs.appendingPathComponent("started")
        // A unique name per agent process ($$ repeats across PID namespaces).
        let agent = "touch '\(started.path)'; sleep 3; touch \"late-$(cat /proc/sys/kernel/random/uuid).txt\"\n" + EndToEndHarness.fixingAgent
        let harness = try await ProcessHarness(agentScript: agent, writablePaths: [signs.path])
        do {
            var server = try await harness.start()
            #expect(try await harness.sendLabeled(1) == 202)
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: started.path), Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try #require(FileManager.default.fileExists(atPath: started.path), "the agent never started within 60 s")
            try await server.stop(signal: SIGKILL)  // the agent is mid-sleep: it outlives the server
            server = try await harness.start()
            let runs = try await harness.waitForFinishedRuns([1])
            #expect(runs[1]?.status == .succeeded)
            let files = try await harness.repository.files(at: "dayshift/issue-1")
            #expect(files.filter { $0.hasPrefix("late-") }.count == 1, "\(files)")
            #expect(try await server.stop(signal: SIGTERM) == 0)
        } catch {
            await harness.tearDown()
            throw error
        }
        await harness.tearDown()
    }
}
