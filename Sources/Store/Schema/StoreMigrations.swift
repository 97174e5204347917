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
        migrator.registerMigration("v5: retention and lookup indexes") { db in
            // Retention and the operator API's time filters pick deliveries by age and runs by end
            // time; deleting a delivery or a message checks the rows that reference it. Without these
            // each retention batch scanned whole tables.
            try db.create(index: "deliveries_received", on: "deliveries", columns: ["receivedAt"])
            try db.create(index: "inbox_messages_delivery", on: "inbox_messages", columns: ["deliveryGuid"])
            try db.create(index: "runs_trigger_message", on: "runs", columns: ["triggerMessageId"])
            try db.create(index: "runs_finished", on: "runs", columns: ["finishedAt"], condition: Column("finishedAt") != nil)
        }
        migrator.registerMigration("v6: run queue and daily budget notices") { db in
            // The fair queue of runs waiting for a sandbox slot, and the ledger of runs per day.
            try db.create(table: "run_queue") { t in
                t.primaryKey("runId", .integer).references("runs", onDelete: .cascade)
                t.column("issueKey", .text).notNull()
                t.column("repository", .text).notNull()
                t.column("installation", .integer).notNull()
                t.column("enqueuedAt", .datetime).notNull()
                t.column("admittedAt", .datetime)
                t.column("admission", .integer)
                t.column("releasedAt", .datetime)
                t.column("notifiedAt", .datetime)
            }
            try db.create(index: "run_queue_waiting", on: "run_queue", columns: ["runId"], condition: Column("admittedAt") == nil)
            try db.create(index: "run_queue_holding", on: "run_queue", columns: ["runId"],
                          condition: Column("admittedAt") != nil && Column("releasedAt") == nil)
            try db.create(index: "run_queue_by_day", on: "run_queue", columns: ["enqueuedAt"])
            // Daily-budget refusals: the issue is told once per UTC day.
            try db.create(table: "budget_notices") { t in
                t.column("issueKey", .text).notNull()
                t.column("day", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("commentedAt", .datetime)
                t.primaryKey(["issueKey", "day"])
            }
        }
        migrator.registerMigration("v7: trigger origins, installation blocks, follow-up queue") { db in
            // Who asked (JSON of `TriggerOrigin`) and the trigger's identity across deliveries
            // (`comment:<id>`, `labeled:…`): a trigger acted on once is never acted on again.
            try db.alter(table: "inbox_messages") { t in
                t.add(column: "origin", .blob)
                t.add(column: "triggerKey", .text)
            }
            try db.create(index: "inbox_trigger_once", on: "inbox_messages", columns: ["issueKey", "triggerKey"], unique: true,
                          condition: Column("triggerKey") != nil)
            // Installations GitHub told us are suspended or deleted, and repositories removed from one.
            try db.create(table: "installation_blocks") { t in
                t.column("installationId", .integer).notNull()
                t.column("repository", .text).notNull()  // "" blocks the whole installation
                t.column("reason", .text).notNull()
                t.column("since", .datetime).notNull()
                t.primaryKey(["installationId", "repository"])
            }
            // Follow-ups that arrived while a run was running: one run takes them all when it ends.
            try db.create(table: "follow_up_queue") { t in
                t.column("messageId", .integer).primaryKey().references("inbox_messages", onDelete: .cascade)
                t.column("issueKey", .text).notNull().indexed()
            }
        }
        migrator.registerMigration("v8: agent transcripts and progress") { db in
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
        migrator.registerMigration("v9: lease expiry and lease history") { db in
            // A lease taken on a shared store expires unless its replica renews it; one taken on a
            // store that only one server uses has no expiry (NULL) and never blocks a later one.
            try db.alter(table: "issue_objects") { t in t.add(column: "expiresAt", .datetime) }
            // One row per activation: who held the issue object, from when, until when.
            try db.create(table: "issue_object_leases") { t in
                t.column("issueKey", .text).notNull()
                t.column("epoch", .integer).notNull()
                t.column("owner", .text).notNull()
                t.column("acquiredAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
                t.column("releasedAt", .datetime)
                t.primaryKey(["issueKey", "epoch"])
            }
            try db.create(index: "issue_object_leases_acquired", on: "issue_object_leases", columns: ["acquiredAt"])
            try db.create(index: "issue_objects_owner", on: "issue_objects", columns: ["owner"], condition: Column("expiresAt") != nil)
        }
        return migrator
    }
}
