import DayshiftCore
import Foundation

/// What a database backend implements: every ``Store`` operation, with the same meaning and the
/// same transaction boundaries (each requirement is documented on ``Store``'s method of the same
/// name). SQLite (`SQLiteStore`) and PostgreSQL (`PostgresStore`) implement it; nothing outside
/// this module sees a backend.
protocol StoreBackend: Sendable {
    /// The engine and its version, e.g. `sqlite 3.40.1`.
    var engine: String { get }
    func settings() async throws -> StoreSettings
    func close() async
    func saveAgentTranscript(runID: Int64, _ transcript: AgentTranscript, at date: Date) async throws
    func recordAgentProgress(runID: Int64, _ progress: AgentProgress) async throws
    func agentTranscript(runID: Int64) async throws -> AgentTranscript?
    func agentProgress(runID: Int64) async throws -> AgentProgress?
    func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date) async throws
    func pendingAlarm(runID: Int64, now: Date) async throws -> Alarm?
    func fireDueAlarms(now: Date) async throws -> [Alarm]
    func nextAlarmDue() async throws -> Date?
    func alarms(runID: Int64) async throws -> [Alarm]
    func recordBudgetRefusal(_ refusal: DailyBudgetRefusal, messageID: Int64, lease: IssueLease, at date: Date) async throws -> Bool
    func markBudgetNoticeCommented(issueKey: String, day: String, at date: Date) async throws
    func recordDelivery(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome
    func recordDeliveries(_ batch: [(delivery: Delivery, message: IssueMessage?)]) async throws -> [DeliveryOutcome]
    func delivery(guid: String) async throws -> Delivery?
    func recentDeliveries(limit: Int) async throws -> [Delivery]
    func deliveryCount() async throws -> Int
    func queueFollowUp(messageID: Int64, outcome: String, lease: IssueLease, at date: Date) async throws
    func queuedFollowUps(issueKey: String) async throws -> [InboxMessage]
    func checkWritable() async throws
    func pendingMigrations() async throws -> [String]
    func runningRunCount() async throws -> Int
    func databaseSizeBytes() async throws -> Int
    func issueKeysWithPendingMessages() async throws -> [String]
    func nextPendingMessage(issueKey: String) async throws -> InboxMessage?
    func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date) async throws
    func messages(issueKey: String) async throws -> [InboxMessage]
    func recordInstallationChange(_ delivery: Delivery, change: InstallationChange) async throws -> InstallationChangeOutcome
    func installationBlock(installationID: Int64, repository: String) async throws -> String?
    func runCount(issueKey: String, since: Date) async throws -> Int
    func activate(issueKeys: [String], owner: String, leaseSeconds: Double?, at date: Date) async throws -> [IssueLease]
    func renewLeases(_ leases: [IssueLease], leaseSeconds: Double, at date: Date) async throws -> [IssueLease]
    func releaseLeases(_ leases: [IssueLease], at date: Date) async throws
    func liveLeaseOwners(at date: Date) async throws -> [String: (owner: String, expiresAt: Date)]
    func leaseHistory(issueKey: String?) async throws -> [LeaseTerm]
    func wakeUps(ignoring owner: String) -> AsyncStream<Void>
    func wakeOtherReplicas(from owner: String) async throws
    func sweepingAlone(_ sweep: ClusterSweep, _ body: @Sendable () async -> Void) async throws -> Bool
    func claimForServing(alone: Bool) async throws -> ServingClaim?
    func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date) async throws
    func usage(runID: Int64) async throws -> RunModelUsage?
    func runs(matching query: RunQuery, limit: Int) async throws -> [Run]
    func currentSteps(runIDs: [Int64]) async throws -> [Int64: StepName]
    func usage(runIDs: [Int64]) async throws -> [Int64: RunModelUsage]
    func deliveries(matching query: DeliveryQuery, limit: Int) async throws -> [StoredDelivery]
    func issueObjects(matching query: IssueObjectQuery, limit: Int) async throws -> [IssueObjectSummary]
    func issueObject(key: IssueKey) async throws -> IssueObjectSummary?
    func pendingMessages(limit: Int) async throws -> [InboxMessage]
    func claimSlot(runID: Int64, limit: Int, at date: Date) async throws -> SlotClaim
    func admitWaitingRuns(limit: Int, at date: Date) async throws -> [String]
    func issueKeysHoldingSlots() async throws -> [String]
    func markQueueNotified(runID: Int64, at date: Date) async throws
    func queueSnapshot() async throws -> QueueSnapshot
    func admissionOrder(limit: Int) async throws -> [String]
    func dailyUsage(repository: String, installation: Int64, on date: Date) async throws -> (repository: DailyUsage, installation: DailyUsage)
    func pruneDeliveries(actedBefore: Date?, ignoredBefore: Date?, limit: Int) async throws -> DeliveryPruning
    func pruneRunJournals(finishedBefore: Date, limit: Int) async throws -> RunJournalPruning
    func pruneLeaseHistory(acquiredBefore: Date, limit: Int) async throws -> Int
    func startRun(_ context: RunContext, lease: IssueLease, triggerMessageID: Int64, steps: [StepName], budget: DailyBudget, at date: Date, takingQueuedFollowUps: Bool) async throws -> RunJournal
    func runningRun(issueKey: String) async throws -> Run?
    func latestRun(issueKey: String) async throws -> Run?
    func runs(issueKey: String) async throws -> [Run]
    func run(id: Int64) async throws -> Run?
    func runningRuns() async throws -> [Run]
    func journal(runID: Int64) async throws -> RunJournal?
    func runningJournals() async throws -> [RunJournal]
    func succeededResults(issueKey: String, step: StepName) async throws -> [StepResult]
    func beginStep(_ step: StepName, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws -> Int
    func completeStep(_ step: StepName, result: StepEnd, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws
    func requestCancel(runID: Int64, lease: IssueLease, at date: Date) async throws
    func finishRun(runID: Int64, status: RunStatus, summary: String, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws
    func appliedMigrations() async throws -> [String]
}
