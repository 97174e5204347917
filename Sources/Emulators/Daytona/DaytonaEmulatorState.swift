import Foundation
import Logging
import Sandboxes

/// The world behind one Daytona emulator: its sandboxes (each backed by a directory of the
/// embedded ``LocalSandboxProvider``, so commands really run and git really clones), their
/// state machine, the active faults, and the log of every request.
///
/// Tests create one, optionally with faults, hand it to ``DaytonaEmulator/start(host:port:state:apiKey:sandboxRoot:logger:)``
/// and inspect it afterwards. The emulator serves one organization; every API key accepted by
/// the server sees all sandboxes.
public actor DaytonaEmulatorState {
    /// Identities, snapshots and timing.
    public nonisolated let configuration: DaytonaEmulatorConfiguration
    nonisolated let logger: Logger
    /// Session shells and their commands (toolbox `/process/session…`).
    nonisolated let sessions: DaytonaSessionRegistry

    var records: [String: EmulatedDaytonaSandbox] = [:]
    /// Why a sandbox being created will end in `error` (``DaytonaFault/createEndsInError(reason:)``).
    var createErrors: [String: String] = [:]
    /// Names held by creations still in progress.
    var reservedNames: Set<String> = []
    var activeFaults: [DaytonaFault]
    /// Every time a fault acted, in order (see ``firedFaults``).
    var firings: [DaytonaFault] = []
    var requests: [DaytonaRecordedRequest] = []
    var transitionTasks: [String: Task<Void, Never>] = [:]
    /// Set by ``holdTransitions()``: state-machine steps that come due wait in ``heldTransitions``.
    var transitionsHeld = false
    /// Sandboxes whose next state-machine step came due while transitions were held.
    var heldTransitions: [String] = []
    /// One-shot work started by requests (`/process/execute`, `/git/clone`), cancelled at shutdown.
    private var requestCancellers: [UUID: (sandboxID: String, cancel: @Sendable () -> Void)] = [:]
    private var provider: LocalSandboxProvider?
    private var rootURL: URL?
    private var ownsRoot = false
    /// Set by ``shutdown()``: no new sandbox root is made until ``reopen()``.
    private var isShutDown = false

    /// Creates an empty emulator state.
    /// - Parameters:
    ///   - configuration: identities, snapshots and delays.
    ///   - faults: faults active from the start (see ``DaytonaFault``).
    ///   - sandboxRoot: directory holding the sandboxes' files; when nil, a fresh temporary
    ///     directory is made on first use and removed by ``shutdown()``.
    ///   - logger: receives one line per lifecycle change and command (never tokens).
    public init(
        configuration: DaytonaEmulatorConfiguration = DaytonaEmulatorConfiguration(),
        faults: [DaytonaFault] = [],
        sandboxRoot: URL? = nil,
        logger: Logger = DaytonaEmulator.defaultLogger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.activeFaults = faults
        self.rootURL = sandboxRoot
        self.sessions = DaytonaSessionRegistry()
    }

    // MARK: Inspection

    /// Live sandboxes (including `destroying` ones not yet gone), oldest first.
    public var sandboxes: [EmulatedDaytonaSandbox] {
        records.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The sandbox with this id, nil when there is none (any more).
    public func sandbox(id: String) -> EmulatedDaytonaSandbox? { records[id] }

    /// Every request received so far, in arrival order.
    public var recordedRequests: [DaytonaRecordedRequest] { requests }

    /// The faults still active, in injection order (counted ones with their remaining count).
    public var faults: [DaytonaFault] { activeFaults }

    /// Every time a fault acted on a request or a sandbox, in order: the fault as it stood then
    /// (a counted fault with its count before that use). Kept by ``clearFaults()``, so that a test
    /// can check each fault it injected really fired; ``reset()`` forgets it.
    public var firedFaults: [DaytonaFault] { firings }

    /// How many times a fault of the same kind as `fault` acted (counts and other values ignored).
    public func timesFired(_ fault: DaytonaFault) -> Int {
        firings.filter { $0.isSameKind(as: fault) }.count
    }

    /// The directory holding the sandboxes' files, once one has been chosen.
    public var sandboxRoot: URL? { rootURL }

    // MARK: Faults and control

    /// Activates `fault` (see ``DaytonaFault`` for each one's effect). Injecting
    /// ``DaytonaFault/sandboxDisappears`` removes every existing sandbox at once.
    public func inject(_ fault: DaytonaFault) async {
        activeFaults.append(fault)
        logger.info("fault injected", metadata: ["fault": "\(fault)"])
        if fault == .sandboxDisappears {
            for id in Array(records.keys) {
                firings.append(fault)
                await vanish(id)
            }
        }
    }

    /// Deactivates every fault. Sandboxes already stuck or errored stay so.
    public func clearFaults() {
        activeFaults.removeAll()
    }

    /// Forgets the recorded requests.
    public func clearRecordedRequests() {
        requests.removeAll()
    }

    /// Removes every sandbox (and its files), fault and recorded request.
    public func reset() async {
        for id in Array(records.keys) { await vanish(id) }
        activeFaults.removeAll()
        firings.removeAll()
        requests.removeAll()
        createErrors.removeAll()
    }

    /// Stops every state-machine timer and kills every running command (session or one-shot), so
    /// that requests still in flight end. Called when graceful shutdown begins.
    public func cancelRunningWork() async {
        for task in transitionTasks.values { task.cancel() }
        transitionTasks.removeAll()
        for entry in requestCancellers.values { entry.cancel() }
        requestCancellers.removeAll()
        await sessions.shutdown()
    }

    /// ``cancelRunningWork()``, then removes the sandbox root when this state made it. Called by
    /// ``RunningDaytonaEmulator/stop()`` once the server has stopped; the recorded data stays readable.
    public func shutdown() async {
        isShutDown = true
        await cancelRunningWork()
        if ownsRoot, let rootURL {
            await Self.removeTree(rootURL)
            provider = nil
            self.rootURL = nil
            ownsRoot = false
        }
    }

    /// Allows sandboxes again after ``shutdown()`` (a new emulator serving this state).
    func reopen() {
        isShutDown = false
    }

    /// Chooses the sandbox root before the first sandbox exists.
    /// - Returns: false when a root is already in use.
    @discardableResult
    public func useSandboxRoot(_ url: URL) -> Bool {
        guard provider == nil else { return url.standardizedFileURL == rootURL?.standardizedFileURL }
        rootURL = url
        ownsRoot = false
        return true
    }

    // MARK: Internals

    /// Notes that `fault` acted (see ``firedFaults``).
    func noteFired(_ fault: DaytonaFault) {
        firings.append(fault)
    }

    func record(_ request: DaytonaRecordedRequest) {
        requests.append(request)
    }

    /// Runs `operation` for sandbox `sandboxID` in a task that ``cancelRunningWork()`` and the
    /// sandbox's stop, delete or disappearance cancel (killing its processes).
    /// - Throws: what `operation` throws; `CancellationError` when it was cancelled.
    nonisolated func runCancellable<T: Sendable>(
        in sandboxID: String, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let key = UUID()
        let task = Task { try await operation() }
        await track(key, sandboxID: sandboxID) { task.cancel() }
        let result = await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            task.cancel()
        }
        await untrack(key)
        return try result.get()
    }

    private func track(_ key: UUID, sandboxID: String, _ cancel: @escaping @Sendable () -> Void) {
        requestCancellers[key] = (sandboxID, cancel)
    }

    /// Kills every command of sandbox `id` (its container stops): sessions and one-shot requests.
    func endCommands(of id: String) async {
        for (key, entry) in requestCancellers where entry.sandboxID == id {
            entry.cancel()
            requestCancellers[key] = nil
        }
        await sessions.removeAll(sandboxID: id)
    }

    private func untrack(_ key: UUID) {
        requestCancellers[key] = nil
    }

    /// The local provider backing the sandboxes, made on first use.
    func backend() throws -> LocalSandboxProvider {
        if let provider { return provider }
        // A request finishing after shutdown must not leave a fresh temporary root behind.
        guard !isShutDown else { throw CancellationError() }
        let root: URL
        if let rootURL {
            root = rootURL
        } else {
            root = FileManager.default.temporaryDirectory
                .appendingPathComponent("dayshift-daytona-emulator-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
            ownsRoot = true
            rootURL = root
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // The runner's own lines (a failed clone is a warning there) repeat what the HTTP answer
        // says; keep them for debugging only.
        var runnerLogger = logger
        if runnerLogger.logLevel > .debug { runnerLogger.logLevel = max(runnerLogger.logLevel, .error) }
        let made = LocalSandboxProvider(
            rootDirectory: root, logger: runnerLogger, cloneTimeoutSeconds: configuration.cloneTimeoutSeconds)
        provider = made
        return made
    }

    /// Removes `root` even while a killed command or a destroy is still touching it: renamed away
    /// first, then removed, retried, and made writable if needed (read-only caches).
    private static func removeTree(_ root: URL) async {
        let fileManager = FileManager.default
        var target = root
        let trash = root.deletingLastPathComponent()
            .appendingPathComponent(".\(root.lastPathComponent)-removing-\(UUID().uuidString.prefix(8))", isDirectory: true)
        if (try? fileManager.moveItem(at: root, to: trash)) != nil { target = trash }
        for attempt in 0..<5 {
            if !fileManager.fileExists(atPath: target.path) || (try? fileManager.removeItem(at: target)) != nil { return }
            if attempt >= 1, let paths = fileManager.enumerator(atPath: target.path) {
                _ = try? fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: target.path)
                for case let relative as String in paths {
                    let path = target.appendingPathComponent(relative).path
                    var isDirectory: ObjCBool = false
                    if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                        _ = try? fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Where the session files of sandbox `id` live (outside its home, ignored by the local store).
    func sessionsDirectory(of id: String) -> URL? {
        rootURL?.appendingPathComponent(".daytona-sessions", isDirectory: true).appendingPathComponent(id, isDirectory: true)
    }

    /// Removes a sandbox at once: timers, commands, files and record.
    func vanish(_ id: String) async {
        transitionTasks.removeValue(forKey: id)?.cancel()
        createErrors.removeValue(forKey: id)
        guard records.removeValue(forKey: id) != nil else { return }
        await endCommands(of: id)
        if let directory = sessionsDirectory(of: id) { try? FileManager.default.removeItem(at: directory) }
        if let provider {
            do {
                try await provider.delete(id: id)
            } catch {
                logger.warning("cannot remove sandbox files", metadata: ["sandbox.id": "\(id)", "error": "\(error)"])
            }
        }
        logger.info("sandbox gone", metadata: ["sandbox.id": "\(id)"])
    }
}
