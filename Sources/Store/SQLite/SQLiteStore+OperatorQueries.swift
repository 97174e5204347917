import DayshiftCore
import Foundation
import GRDB

// Reads for operators (the REST API and the dashboard): filtered pages, newest first, each in one read.
extension SQLiteStore {
    func runs(matching query: RunQuery, limit: Int) async throws -> [Run] {
        try await database.read { db in
            var request = RunRecord.all()
            if let status = query.status { request = request.filter(RunRecord.Columns.status == status.rawValue) }
            if let repository = query.repository { request = request.filter(Self.inRepository(repository)) }
            if let since = query.since { request = request.filter(RunRecord.Columns.createdAt >= since) }
            if let until = query.until { request = request.filter(RunRecord.Columns.createdAt < until) }
            if let beforeID = query.beforeID { request = request.filter(RunRecord.Columns.id < beforeID) }
            return try request.order(RunRecord.Columns.id.desc).limit(limit).fetchAll(db).map { try $0.run() }
        }
    }

    func currentSteps(runIDs: [Int64]) async throws -> [Int64: StepName] {
        guard !runIDs.isEmpty else { return [:] }
        return try await database.read { db in
            let rows = try StepRecord.filter(runIDs.contains(StepRecord.Columns.runId) && StepRecord.Columns.status == StepStatus.running.rawValue)
                .fetchAll(db)
            return Dictionary(rows.map { ($0.runId, $0.step.name) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func usage(runIDs: [Int64]) async throws -> [Int64: RunModelUsage] {
        guard !runIDs.isEmpty else { return [:] }
        return try await database.read { db in
            let rows = try ModelUsageRecord.filter(runIDs.contains(ModelUsageRecord.Columns.runId)).fetchAll(db)
            return Dictionary(rows.map { ($0.usage.runId, $0.usage) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func deliveries(matching query: DeliveryQuery, limit: Int) async throws -> [StoredDelivery] {
        try await database.read { db in
            var request = DeliveryRecord.all().select(AllColumns(), Column.rowID.forKey("position"))
            if let event = query.event { request = request.filter(DeliveryRecord.Columns.event == event) }
            if let acted = query.acted { request = request.filter(DeliveryRecord.Columns.disposition == (acted ? "acted" : "ignored")) }
            if let repository = query.repository {
                request = request.filter(DeliveryRecord.Columns.repository.collating(.nocase) == repository)
            }
            if let before = query.beforePosition { request = request.filter(Column.rowID < before) }
            return try Row.fetchAll(db, request.order(Column.rowID.desc).limit(limit)).map { row in
                StoredDelivery(position: row["position"], delivery: try DeliveryRecord(row: row).delivery)
            }
        }
    }

    func issueObjects(matching query: IssueObjectQuery, limit: Int) async throws -> [IssueObjectSummary] {
        try await database.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let repository = query.repository {
                let prefix = "\(repository.lowercased)#"
                conditions.append("substr(o.issueKey, 1, length(?)) = ?")
                arguments += [prefix, prefix]
            }
            if let afterKey = query.afterKey {
                conditions.append("o.issueKey > ?")
                arguments += [afterKey]
            }
            if let running = query.running {
                conditions.append("\(running ? "" : "NOT ")EXISTS (SELECT 1 FROM runs r WHERE r.issueKey = o.issueKey AND r.status = ?)")
                arguments += [RunStatus.running.rawValue]
            }
            arguments += [limit]
            return try Self.issueObjects(db, sql: """
                SELECT o.issueKey, o.activatedAt FROM issue_objects o
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY o.issueKey LIMIT ?
                """, arguments: arguments)
        }
    }

    func issueObject(key: IssueKey) async throws -> IssueObjectSummary? {
        try await database.read { db in
            try Self.issueObjects(db, sql: "SELECT o.issueKey, o.activatedAt FROM issue_objects o WHERE o.issueKey = ?",
                                  arguments: [key.description]).first
        }
    }

    func pendingMessages(limit: Int) async throws -> [InboxMessage] {
        try await database.read { db in
            try InboxMessageRecord.filter(InboxMessageRecord.Columns.handledAt == nil).order(InboxMessageRecord.Columns.id).limit(limit)
                .fetchAll(db).map(\.message)
        }
    }

    private static func issueObjects(_ db: Database, sql: String, arguments: StatementArguments) throws -> [IssueObjectSummary] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let key: String = row["issueKey"]
            let runCount = try Int.fetchOne(db, RunRecord.filter(RunRecord.Columns.issueKey == key).select(count(RunRecord.Columns.id))) ?? 0
            let latest = try RunRecord.filter(RunRecord.Columns.issueKey == key).order(RunRecord.Columns.sequence.desc).fetchOne(db)?.run()
            return IssueObjectSummary(issueKey: key, activatedAt: row["activatedAt"], runCount: runCount, latestRun: latest)
        }
    }

    /// Runs whose issue key starts with `owner/repo#` (keys are stored lowercased).
    private static func inRepository(_ repository: RepositoryName) -> SQLExpression {
        let prefix = "\(repository.lowercased)#"
        return SQL("substr(issueKey, 1, length(\(prefix))) = \(prefix)").sqlExpression
    }
}
