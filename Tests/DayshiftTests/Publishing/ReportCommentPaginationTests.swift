import DayshiftConfig
@testable import Emulators
import Foundation
import IssueObjects
import Testing

/// The report step finds its own comment by a hidden marker among every page of the issue's
/// comments (GitHub answers at most 100 a page), so a repeated report edits it.
@Suite("Report comment past the first page", .serialized)
struct ReportCommentPaginationTests {
    @Test("a report repeated after a crash finds its comment on page 2 and edits it instead of posting another")
    func markerOnSecondPageIsEdited() async throws {
        try await EndToEndHarness.with(configure: { $0.failPoints = ["report.comment:after"] }) { harness in
            let owner = EndToEndHarness.owner, repo = EndToEndHarness.repo, number = 61
            let state = harness.emulator.state
            await state.seedIssue(owner: owner, repo: repo, number: number, title: "a busy issue", body: "")
            for index in 1...120 {
                _ = try await state.createComment(owner: owner, repo: repo, issue: number, body: "comment \(index)")
            }
            try await harness.startServer(failPointAction: .throwCrash)
            try await harness.send(harness.payloads.issueLabeled(number: number, title: "a busy issue", body: ""))
            // The tracking comment is posted (comment 121, on page 2) when the run starts; the report
            // edits it with the final status, then the process "dies" before journaling that.
            try await harness.waitUntil(timeoutSeconds: 120, "the first report") {
                await harness.comments(number).last?.body.contains("opened #") == true
            }
            await harness.stopServer()
            let first = try #require(await harness.comments(number).last)
            #expect(first.body.contains("<!-- dayshift:report"), "the report carries its hidden marker")
            let key = harness.issueKey(number)
            let interrupted = try #require(try await harness.store.latestRun(issueKey: key))
            #expect(interrupted.status == .running)

            harness.configuration.failPoints = []
            try await harness.startServer()
            let journal = try await harness.waitForFinishedRun(number)
            #expect(journal.run.status == .succeeded)
            #expect((journal.steps[.report]?.attempt ?? 0) >= 2, "the report step ran again")
            let comments = await harness.comments(number)
            #expect(comments.count == 121, "edited, not duplicated: \(comments.count) comments")
            #expect(comments.filter { $0.body.contains("<!-- dayshift:report") }.map(\.id) == [first.id])
            let report = try #require(journal.report)
            #expect(report.commentID == Int64(first.id) && report.note == "final status in the tracking comment")
            let edited = try #require(comments.last)
            #expect(edited.id == first.id && edited.updatedAt >= first.updatedAt)
            let listed = await state.recordedRequests.filter { $0.method == "GET" && $0.path.hasSuffix("/issues/\(number)/comments") }
            #expect(listed.contains { $0.queryParameters["page"] == "2" }, "the client asked for page 2: \(listed.map { $0.query ?? "" })")
        }
    }
}
