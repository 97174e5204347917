import GRDB

/// The schema, as named migrations in order. A migration that has shipped is never edited:
/// add a new one instead.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: deliveries, inbox, runs, steps") { db in
            try db.create(table: "deliveries") { t in
                t.primaryKey("guid", .text)
                t.column("event", .text).notNull()
                t.column("action", .text)
                t.column("repository", .text)
                t.column("issueNumber", .integer)
                t.column("receivedAt", .datetime).notNull()
                t.column("payload", .blob).notNull()
                t.column("disposition", .text).notNull()
                t.column("reason", .text).notNull()
            }
            try db.create(table: "inbox_messages") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("issueKey", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("deliveryGuid", .text).notNull().references("deliveries")
                t.column("body", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("handledAt", .datetime)
                t.column("outcome", .text)
            }
            try db.create(index: "inbox_pending", on: "inbox_messages", columns: ["issueKey", "id"], condition: Column("handledAt") == nil)
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("issueKey", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("triggerMessageId", .integer).notNull().references("inbox_messages")
                t.column("context", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.column("summary", .text)
                t.column("cancelRequestedAt", .datetime)
                t.uniqueKey(["issueKey", "sequence"])
            }
            // One running run per issue object, whatever the in-memory registry believes.
            try db.create(index: "runs_one_running_per_issue", on: "runs", columns: ["issueKey"], unique: true,
                          condition: Column("status") == "running")
            try db.create(table: "run_steps") { t in
                t.column("runId", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("position", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("attempt", .integer).notNull()
                t.column("startedAt", .datetime)
                t.column("endedAt", .datetime)
                t.column("result", .blob)
                t.column("error", .text)
                t.primaryKey(["runId", "name"])
            }
        }
        migrator.registerMigration("v2: issue object leases, alarms") { db in
            try db.create(table: "issue_objects") { t in
                t.primaryKey("issueKey", .text)
                t.column("epoch", .integer).notNull()
                t.column("owner", .text).notNull()
                t.column("activatedAt", .datetime).notNull()
            }
            try db.create(table: "alarms") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("issueKey", .text).notNull()
                t.column("runId", .integer).references("runs", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("step", .text)
                t.column("dueAt", .datetime).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("firedAt", .datetime)
            }
            try db.create(index: "alarms_due", on: "alarms", columns: ["dueAt"], condition: Column("firedAt") == nil)
        }
        migrator.registerMigration("v3: model usage per run") { db in
            // One row per run that called a model through the LLM proxy.
            try db.create(table: "run_model_usage") { t in
                t.primaryKey("runId", .integer).references("runs", onDelete: .cascade)
                t.column("requests", .integer).notNull()
                t.column("inputTokens", .integer).notNull()
                t.column("outputTokens", .integer).notNull()
                t.column("costUSD", .double).notNull()
                t.column("bytes", .integer).notNull()
                t.column("unpricedModels", .text).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4: replayed deliveries") { db in
            // The GUID of the delivery an operator replayed (`POST /api/v1/deliveries/{guid}/replay`).
            try db.alter(table: "deliveries") { t in t.add(column: "replayOf", .text) }
        }
        migrator.registerMigration("v5-agent-transcripts") { db in
            // One row per run whose agent ran under a profile: its transcript (capped) and its progress.
            try db.create(table: "agent_transcripts") { t in
                t.primaryKey("runId", .integer).references("runs", onDelete: .cascade)
                t.column("profile", .text).notNull()
                t.column("text", .text).notNull().defaults(to: "")
                t.column("totalBytes", .integer).notNull().defaults(to: 0)
                t.column("truncated", .boolean).notNull().defaults(to: false)
                t.column("turns", .integer).notNull().defaults(to: 0)
                t.column("tool", .text)
                t.column("sessionId", .text)
                t.column("updatedAt", .datetime).notNull()
            }
        }
        return migrator
    }
}
