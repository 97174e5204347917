import DayshiftCore
import Foundation
import PostgresNIO

// Reads for operators (the REST API and the dashboard): filtered pages, newest first, each one
// statement (one snapshot), ordered as SQLite orders them. Each filter is bound as a parameter
// that is NULL when unset (`$n IS NULL OR …`); postgres-nio's unnamed statements are planned with
// their values, so an unset filter costs nothing.
extension PostgresStore {
    func runs(matching query: RunQuery, limit: Int) async throws -> [Run] {
        let status = query.status?.rawValue
        let prefix = query.repository.map { "\($0.lowercased)#" }
        return try await read { connection in
            try await connection.records(RunRecord.self, """
                WHERE (\(status)::text IS NULL OR status = \(status))
                  AND (\(prefix)::text IS NULL OR starts_with(issueKey, \(prefix)))
                  AND (\(query.since)::timestamptz IS NULL OR createdAt >= \(query.since))
                  AND (\(query.until)::timestamptz IS NULL OR createdAt < \(query.until))
                  AND (\(query.beforeID)::bigint IS NULL OR id < \(query.beforeID))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger).map { try $0.run() }
        }
    }

    func currentSteps(runIDs: [Int64]) async throws -> [Int64: StepName] {
        guard !runIDs.isEmpty else { return [:] }
        return try await read { connection in
            let steps = try await connection.records(StepRecord.self, "WHERE runId = ANY(\(runIDs)) AND status = \(StepStatus.running.rawValue)",
                                                     logger: self.logger)
            return Dictionary(steps.map { ($0.runId, $0.name) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func usage(runIDs: [Int64]) async throws -> [Int64: RunModelUsage] {
        guard !runIDs.isEmpty else { return [:] }
        return try await read { connection in
            let usage = try await connection.records(ModelUsageRecord.self, "WHERE runId = ANY(\(runIDs))", logger: self.logger).map(\.usage)
            return Dictionary(usage.map { ($0.runId, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func deliveries(matching query: DeliveryQuery, limit: Int) async throws -> [StoredDelivery] {
        let disposition = query.acted.map { $0 ? "acted" : "ignored" }
        return try await read { connection in
            // `lower(…) = lower(…)` for SQLite's NOCASE (repository names are ASCII).
            try await connection.rows("""
                SELECT * FROM deliveries
                WHERE (\(query.event)::text IS NULL OR event = \(query.event))
                  AND (\(disposition)::text IS NULL OR disposition = \(disposition))
                  AND (\(query.repository)::text IS NULL OR lower(repository) = lower(\(query.repository)))
                  AND (\(query.beforePosition)::bigint IS NULL OR position < \(query.beforePosition))
                ORDER BY position DESC LIMIT \(limit)
                """, logger: self.logger).map { row in
                StoredDelivery(position: try row.makeRandomAccess()["position"].decode(Int64.self),
                               delivery: try row.decode(record: DeliveryRecord.self).delivery)
            }
        }
    }

    func issueObjects(matching query: IssueObjectQuery, limit: Int) async throws -> [IssueObjectSummary] {
        try await issueObjects(prefix: query.repository.map { "\($0.lowercased)#" }, afterKey: query.afterKey, running: query.running,
                               key: nil, limit: limit)
    }

    func issueObject(key: IssueKey) async throws -> IssueObjectSummary? {
        try await issueObjects(prefix: nil, afterKey: nil, running: nil, key: key.description, limit: 1).first
    }

    func pendingMessages(limit: Int) async throws -> [InboxMessage] {
        try await read { connection in
            try await connection.records(InboxMessageRecord.self, "WHERE handledAt IS NULL ORDER BY id LIMIT \(limit)", logger: self.logger)
                .map(\.message)
        }
    }

    /// Issue objects with their run count and newest run, in one statement (one snapshot). Keys
    /// compare byte-wise (`COLLATE "C"`), as SQLite compares them, whatever the database's collation.
    private func issueObjects(prefix: String?, afterKey: String?, running: Bool?, key: String?, limit: Int) async throws -> [IssueObjectSummary] {
        try await read { connection in
            try await connection.rows("""
                SELECT o.issueKey AS objectKey, o.activatedAt AS objectActivatedAt,
                       (SELECT COUNT(*) FROM runs c WHERE c.issueKey = o.issueKey) AS objectRunCount, l.*
                FROM issue_objects o
                LEFT JOIN LATERAL (SELECT * FROM runs r WHERE r.issueKey = o.issueKey ORDER BY r.sequence DESC LIMIT 1) l ON true
                WHERE (\(key)::text IS NULL OR o.issueKey = \(key))
                  AND (\(prefix)::text IS NULL OR starts_with(o.issueKey, \(prefix)))
                  AND (\(afterKey)::text IS NULL OR o.issueKey > \(afterKey) COLLATE "C")
                  AND (\(running)::boolean IS NULL
                       OR \(running) = EXISTS (SELECT 1 FROM runs r WHERE r.issueKey = o.issueKey AND r.status = \(RunStatus.running.rawValue)))
                ORDER BY o.issueKey COLLATE "C" LIMIT \(limit)
                """, logger: self.logger).map { row in
                let columns = row.makeRandomAccess()
                let latest = columns["id"].bytes == nil ? nil : try row.decode(record: RunRecord.self).run()
                return IssueObjectSummary(issueKey: try columns["objectkey"].decode(String.self),
                                          activatedAt: try columns["objectactivatedat"].decode(Date.self),
                                          runCount: Int(try columns["objectruncount"].decode(Int64.self)), latestRun: latest)
            }
        }
    }
}
