import DayshiftCore
import Foundation
import GRDB
import Logging
import Store
import Testing

/// A database as the previous version left it: the schema its migrations created (v1 to v3),
/// written as SQL here so that later edits to `StoreMigrations` cannot change it, and rows in the
/// shapes that version wrote (a run's context, an inbox body and each step's result as JSON).
@Suite("Store: upgrade from the previous schema")
struct StoreUpgradeTests {
    static let previousSchema = [
        """
        CREATE TABLE "deliveries" ("guid" TEXT PRIMARY KEY, "event" TEXT NOT NULL, "action" TEXT, "repository" TEXT,
          "issueNumber" INTEGER, "receivedAt" DATETIME NOT NULL, "payload" BLOB NOT NULL, "disposition" TEXT NOT NULL, "reason" TEXT NOT NULL)
        """,
        """
        CREATE TABLE "inbox_messages" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "issueKey" TEXT NOT NULL, "kind" TEXT NOT NULL,
          "deliveryGuid" TEXT NOT NULL REFERENCES "deliveries"("guid"), "body" BLOB NOT NULL, "createdAt" DATETIME NOT NULL,
          "handledAt" DATETIME, "outcome" TEXT)
        """,
        #"CREATE INDEX "inbox_pending" ON "inbox_messages"("issueKey", "id") WHERE "handledAt" IS NULL"#,
        """
        CREATE TABLE "runs" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "issueKey" TEXT NOT NULL, "sequence" INTEGER NOT NULL,
          "status" TEXT NOT NULL, "triggerMessageId" INTEGER NOT NULL REFERENCES "inbox_messages"("id"), "context" BLOB NOT NULL,
          "createdAt" DATETIME NOT NULL, "finishedAt" DATETIME, "summary" TEXT, "cancelRequestedAt" DATETIME, UNIQUE("issueKey", "sequence"))
        """,
        #"CREATE UNIQUE INDEX "runs_one_running_per_issue" ON "runs"("issueKey") WHERE "status" = 'running'"#,
        """
        CREATE TABLE "run_steps" ("runId" INTEGER NOT NULL REFERENCES "runs"("id") ON DELETE CASCADE, "name" TEXT NOT NULL,
          "position" INTEGER NOT NULL, "status" TEXT NOT NULL, "attempt" INTEGER NOT NULL, "startedAt" DATETIME, "endedAt" DATETIME,
          "result" BLOB, "error" TEXT, PRIMARY KEY ("runId", "name"))
        """,
        #"CREATE TABLE "issue_objects" ("issueKey" TEXT PRIMARY KEY, "epoch" INTEGER NOT NULL, "owner" TEXT NOT NULL, "activatedAt" DATETIME NOT NULL)"#,
        """
        CREATE TABLE "alarms" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "issueKey" TEXT NOT NULL,
          "runId" INTEGER REFERENCES "runs"("id") ON DELETE CASCADE, "kind" TEXT NOT NULL, "step" TEXT, "dueAt" DATETIME NOT NULL,
          "createdAt" DATETIME NOT NULL, "firedAt" DATETIME)
        """,
        #"CREATE INDEX "alarms_due" ON "alarms"("dueAt") WHERE "firedAt" IS NULL"#,
        """
        CREATE TABLE "run_model_usage" ("runId" INTEGER PRIMARY KEY REFERENCES "runs"("id") ON DELETE CASCADE, "requests" INTEGER NOT NULL,
          "inputTokens" INTEGER NOT NULL, "outputTokens" INTEGER NOT NULL, "costUSD" DOUBLE NOT NULL, "bytes" INTEGER NOT NULL,
          "unpricedModels" TEXT NOT NULL, "updatedAt" DATETIME NOT NULL)
        """,
        #"CREATE TABLE "grdb_migrations" ("identifier" TEXT NOT NULL PRIMARY KEY)"#,
        #"INSERT INTO grdb_migrations VALUES ('v1: deliveries, inbox, runs, steps'), ('v2: issue object leases, alarms'), ('v3: model usage per run')"#,
    ]

    static let snapshot = #"{"repository":"Octo/Hello","number":42,"title":"Fix add","body":"add() is wrong","cloneURL":"https://github.com/Octo/Hello.git","defaultBranch":"main","requestedBy":"octocat","installationID":7,"isPrivate":true}"#
    static let context = #"{"issue":\#(snapshot),"cloneURL":"https://github.com/Octo/Hello.git","baseBranch":"main","testCommand":"swift test","branch":"dayshift/issue-42"}"#
    static let tests = #"{"command":"swift test","exitCode":1,"tail":"1 failure","timedOut":false,"seconds":1.5}"#
    /// Each step's result as the previous version's `StepOutput` encoded it.
    static let stepResults: [(String, String)] = [
        ("provision", #"{"sandboxID":"sb-42","sandboxHome":"/home/daytona","note":"created sandbox dayshift-octo-hello-42-r1 (daytona)"}"#),
        ("clone", #"{"commit":"1111111111111111111111111111111111111111","branch":"main"}"#),
        ("setup", #"{"note":"no setup_command"}"#),
        ("baseline", #"{"command":\#(tests)}"#),
        ("agent", #"{"command":{"command":"claude","exitCode":0,"tail":"done","timedOut":false,"seconds":30},"changedFiles":["Sources/Add.swift"],"modelUsage":{"requests":3,"inputTokens":1200,"outputTokens":340,"costUSD":0.0087}}"#),
        ("verify", #"{"command":{"command":"swift test","exitCode":0,"tail":"ok","timedOut":false,"seconds":1.2}}"#),
        ("publish", #"{"commit":"2222222222222222222222222222222222222222","branch":"dayshift/issue-42","change":{"written":["Sources/Add.swift"],"deleted":[],"bytes":120},"note":"created dayshift/issue-42: 1 files, 120 bytes"}"#),
        ("pull_request", #"{"pullRequest":{"number":5,"url":"https://github.com/Octo/Hello/pull/5","head":"dayshift/issue-42","draft":false,"updated":false}}"#),
        ("report", #"{"commentID":77}"#),
    ]

    func writePreviousDatabase(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for statement in Self.previousSchema { try db.execute(sql: statement) }
            let date = "2025-11-30 12:00:00.000"
            try db.execute(sql: """
                INSERT INTO deliveries VALUES ('guid-42', 'issues', 'labeled', 'Octo/Hello', 42, ?, X'7B7D', 'acted', 'labeled "dayshift"');
                INSERT INTO deliveries VALUES ('guid-ping', 'ping', NULL, NULL, NULL, ?, X'7B7D', 'ignored', 'ping');
                INSERT INTO inbox_messages (id, issueKey, kind, deliveryGuid, body, createdAt, handledAt, outcome)
                  VALUES (1, 'octo/hello#42', 'fix', 'guid-42', CAST(? AS BLOB), ?, ?, 'started run 1');
                INSERT INTO inbox_messages (id, issueKey, kind, deliveryGuid, body, createdAt) VALUES (2, 'octo/hello#42', 'cancel', 'guid-42', CAST(? AS BLOB), ?);
                INSERT INTO runs (id, issueKey, sequence, status, triggerMessageId, context, createdAt)
                  VALUES (1, 'octo/hello#42', 1, 'running', 1, CAST(? AS BLOB), ?);
                INSERT INTO issue_objects VALUES ('octo/hello#42', 3, 'old-host:1', ?);
                INSERT INTO alarms (issueKey, runId, kind, step, dueAt, createdAt) VALUES ('octo/hello#42', 1, 'retry', 'cleanup', '2099-01-01 00:00:00.000', ?);
                INSERT INTO run_model_usage VALUES (1, 3, 1200, 340, 0.0087, 5000, '', ?);
                """, arguments: [date, date, Self.snapshot, date, date, Self.snapshot, date, Self.context, date, date, date, date])
            for (position, name) in StepName.allCases.map(\.rawValue).enumerated() {
                let stored = Self.stepResults.first { $0.0 == name }?.1
                try db.execute(sql: """
                    INSERT INTO run_steps (runId, name, position, status, attempt, startedAt, endedAt, result)
                    VALUES (1, ?, ?, ?, ?, ?, ?, CAST(? AS BLOB))
                    """, arguments: [name, position, stored == nil ? "pending" : "succeeded", stored == nil ? 0 : 1, stored == nil ? nil : date,
                                     stored == nil ? nil : date, stored])
            }
        }
    }

    @Test("a database the previous version wrote opens, and every row reads back through the new API")
    func previousDatabaseReadsBack() async throws {
        let directory = try TestDirectory("upgrade")
        defer { directory.remove() }
        try writePreviousDatabase(at: directory.url.appendingPathComponent("dayshift.sqlite").path)
        let store = try Store(directory: directory.url, logger: Logger(label: "test"))

        #expect(try await store.delivery(guid: "guid-42")?.decision == .acted(reason: #"labeled "dayshift""#))
        #expect(try await store.delivery(guid: "guid-ping")?.decision == .ignored(reason: "ping"))
        let pending = try #require(try await store.nextPendingMessage(issueKey: "octo/hello#42"))
        #expect(pending.command == .cancel)
        #expect(pending.snapshot?.installationID == 7)

        let journal = try #require(try await store.runningJournals().first)
        #expect(journal.run.sequence == 1)
        #expect(journal.context.issue.repository == "Octo/Hello")
        #expect(journal.context.testCommand == "swift test")
        #expect(journal.provision == ProvisionResult(sandboxID: "sb-42", sandboxHome: "/home/daytona",
                                                     note: "created sandbox dayshift-octo-hello-42-r1 (daytona)"))
        #expect(journal.clone == CloneResult(commit: String(repeating: "1", count: 40), branch: "main"))
        #expect(journal.result(.setup) == .command(CommandStepResult(outcome: nil, note: "no setup_command")))
        #expect(journal.baseline?.exitCode == 1)
        #expect(journal.verify?.exitCode == 0)
        #expect(journal.agent?.changedFiles == ["Sources/Add.swift"])
        #expect(journal.agent?.modelUsage?.outputTokens == 340)
        #expect(journal.publish?.change.written == ["Sources/Add.swift"])
        #expect(journal.pullRequest == PullRequestResult(number: 5, url: "https://github.com/Octo/Hello/pull/5", head: "dayshift/issue-42",
                                                         draft: false, updated: false))
        #expect(journal.report?.commentID == 77)
        #expect(journal.steps[.cleanup]?.status == .pending)
        #expect(journal.finalStatus == .succeeded)
        #expect(try await store.succeededResults(issueKey: "octo/hello#42", step: .publish).count == 1)
        #expect(try await store.pendingAlarm(runID: journal.run.id)?.step == .cleanup)
        #expect(try await store.usage(runID: journal.run.id)?.inputTokens == 1200)

        // The new version goes on writing where the old one stopped: the next activation's epoch.
        let lease = try await store.activate(issueKey: "octo/hello#42", owner: "new-host:1")
        #expect(lease.epoch == 4)
        #expect(try await store.beginStep(.cleanup, runID: journal.run.id, lease: lease) == 1)
    }
}
