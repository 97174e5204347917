import Foundation
import Sandboxes

/// The sandbox state machine (`shared/reference/daytona.md` §6–7): creation, start, stop,
/// archive and delete, each moving through its transitional state on a timer.
extension DaytonaEmulatorState {
    /// What `POST /sandbox` produced.
    struct Creation {
        /// The DTO source at the moment of creation (stale by the time the answer leaves).
        var sandbox: EmulatedDaytonaSandbox
        /// ``DaytonaFault/createSucceedsLate(delaySeconds:)``: answer only after this long.
        var lateDelaySeconds: Double?
        /// ``DaytonaFault/sandboxDisappears``: remove the sandbox once the answer is built.
        var disappears: Bool
    }

    // MARK: Lookup

    /// The sandbox named by id, or by name among sandboxes not being destroyed.
    func find(_ idOrName: String) -> EmulatedDaytonaSandbox? {
        if let sandbox = records[idOrName] { return sandbox }
        return records.values
            .filter { $0.name == idOrName && $0.desiredState != .destroyed }
            .min { $0.createdAt < $1.createdAt }
    }

    func require(_ idOrName: String) throws(DaytonaAPIError) -> EmulatedDaytonaSandbox {
        guard let sandbox = find(idOrName) else { throw .sandboxNotFound(idOrName) }
        return sandbox
    }

    /// `GET /sandbox` filtering: every label must match; states, name and id prefixes when given.
    /// Newest first. Errored sandboxes already marked for destruction only with `includeErroredDeleted`.
    func list(
        labels: [String: String], states: Set<String>, namePrefix: String?, idPrefix: String?,
        includeErroredDeleted: Bool
    ) -> [EmulatedDaytonaSandbox] {
        records.values
            .filter { sandbox in
                labels.allSatisfy { sandbox.labels[$0.key] == $0.value }
                    && (states.isEmpty || states.contains(sandbox.state.rawValue))
                    && (namePrefix.map { sandbox.name.lowercased().hasPrefix($0.lowercased()) } ?? true)
                    && (idPrefix.map { sandbox.id.lowercased().hasPrefix($0.lowercased()) } ?? true)
                    && (includeErroredDeleted || !(sandbox.state == .error && sandbox.desiredState == .destroyed))
            }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    // MARK: Create

    /// Validates `request`, creates the backing directory, and starts the state machine.
    /// - Throws: 400 (snapshot unknown, resources with a snapshot, volumes, bad intervals),
    ///   409 (name taken), 500 (the local directory could not be made).
    func create(_ request: DaytonaCreateSandboxRequest) async throws(DaytonaAPIError) -> Creation {
        let resources = try resolveResources(request)
        if let volume = request.volumes?.first {
            throw DaytonaAPIError(.badRequest, "Volume \(volume.volumeId) not found")
        }
        if let interval = request.autoStopInterval, interval < 0 {
            throw DaytonaAPIError(.badRequest, "autoStopInterval must not be less than 0")
        }
        if let interval = request.autoArchiveInterval, interval < 0 {
            throw DaytonaAPIError(.badRequest, "autoArchiveInterval must not be less than 0")
        }
        let requestedName = request.name.flatMap { $0.isEmpty ? nil : $0 }
        if let requestedName {
            let taken = reservedNames.contains(requestedName)
                || records.values.contains { $0.name == requestedName && $0.desiredState != .destroyed }
            if taken { throw DaytonaAPIError(.conflict, "Sandbox with name \(requestedName) already exists") }
            reservedNames.insert(requestedName)
        }
        defer { if let requestedName { reservedNames.remove(requestedName) } }

        let local: Sandbox
        do {
            local = try await backend().create(
                SandboxCreateRequest(name: "", labels: [:], environment: request.env ?? [:], snapshot: nil))
        } catch {
            throw DaytonaAPIError(.internalServerError, "An unexpected error occurred.")
        }
        let faults = takeCreateFaults()
        let now = Date()
        let isBuild = request.buildInfo != nil
        var sandbox = EmulatedDaytonaSandbox(
            id: local.id, name: requestedName ?? local.id, organizationId: configuration.organizationId,
            snapshot: isBuild ? nil : resources.snapshot, user: request.user ?? configuration.user,
            env: request.env ?? [:], labels: request.labels ?? [:], isPublic: request.public ?? false,
            networkBlockAll: request.networkBlockAll ?? false, networkAllowList: request.networkAllowList,
            domainAllowList: request.domainAllowList, target: request.target ?? configuration.defaultTarget,
            cpu: resources.cpu, gpu: resources.gpu, memory: resources.memory, disk: resources.disk,
            state: isBuild ? .pendingBuild : .creating, desiredState: .started, pending: true,
            errorReason: nil, recoverable: nil,
            autoStopInterval: request.autoStopInterval ?? 15, autoArchiveInterval: request.autoArchiveInterval ?? 10080,
            autoDeleteInterval: request.autoDeleteInterval ?? -1,
            dockerfileContent: request.buildInfo.map { $0.dockerfileContent ?? "" },
            createdAt: now, updatedAt: now, lastActivityAt: now,
            daemonVersion: configuration.daemonVersion, homeDirectory: local.homeDirectory)
        if faults.lateDelaySeconds != nil {
            sandbox.state = .started
            sandbox.pending = false
        }
        records[sandbox.id] = sandbox
        logger.info(
            "sandbox created",
            metadata: ["sandbox.id": "\(sandbox.id)", "sandbox.name": "\(sandbox.name)", "state": "\(sandbox.state.rawValue)"])
        if let reason = faults.errorReason { createErrors[sandbox.id] = reason }
        if sandbox.pending && !faults.stuck {
            schedule(sandbox.id, after: halfOf(configuration.createDelay))
        }
        return Creation(sandbox: sandbox, lateDelaySeconds: faults.lateDelaySeconds, disappears: faults.disappears)
    }

    private func resolveResources(
        _ request: DaytonaCreateSandboxRequest
    ) throws(DaytonaAPIError) -> (snapshot: String?, cpu: Int, gpu: Int, memory: Int, disk: Int) {
        if request.buildInfo != nil {
            if request.snapshot != nil {
                throw DaytonaAPIError(.badRequest, "Cannot specify both snapshot and buildInfo")
            }
            return (nil, request.cpu ?? 2, request.gpu ?? 0, request.memory ?? 4, request.disk ?? 10)
        }
        if request.hasResources {
            throw DaytonaAPIError(.badRequest, "Cannot specify Sandbox resources when using a snapshot")
        }
        let name = request.snapshot ?? configuration.defaultSnapshot
        if let snapshot = configuration.snapshots.first(where: { $0.name == name }) {
            return (name, snapshot.cpu, snapshot.gpu, snapshot.memory, snapshot.disk)
        }
        guard configuration.acceptsUnknownSnapshots else {
            throw DaytonaAPIError(.badRequest, "Snapshot \(name) not found. Did you add it through the Daytona Dashboard?")
        }
        let fallback = configuration.snapshots.first { $0.name == configuration.defaultSnapshot }
        return (name, fallback?.cpu ?? 1, fallback?.gpu ?? 0, fallback?.memory ?? 1, fallback?.disk ?? 3)
    }

    // MARK: Start, stop, archive, delete

    /// `POST /sandbox/{idOrName}/start`: from `stopped` (→ `starting`) or `archived` (→ `restoring`);
    /// a started sandbox is answered unchanged.
    /// - Returns: the sandbox, and whether the caller should wait for `started`.
    func start(_ idOrName: String) throws(DaytonaAPIError) -> (EmulatedDaytonaSandbox, wait: Bool) {
        var sandbox = try require(idOrName)
        if takeTransitionConflict() || sandbox.pending { throw .stateChangeInProgress }
        switch sandbox.state {
        case .started:
            return (sandbox, false)
        case .stopped:
            sandbox.state = .starting
        case .archived:
            sandbox.state = .restoring
        case .error, .buildFailed:
            throw DaytonaAPIError(.badRequest, "Sandbox is in an errored state")
        default:
            throw DaytonaAPIError(.badRequest, "Sandbox is not in valid state")
        }
        let wait = sandbox.state == .starting
        begin(&sandbox, toward: .started, after: configuration.startDelay)
        return (sandbox, wait)
    }

    /// `POST /sandbox/{idOrName}/stop`: `started` → `stopping` → `stopped`; an ephemeral sandbox
    /// is destroyed instead. Every running command (session or one-shot) is killed at once; a
    /// one-shot request in flight then answers a bare 502, as through Daytona's proxy.
    func stop(_ idOrName: String) async throws(DaytonaAPIError) -> EmulatedDaytonaSandbox {
        var sandbox = try require(idOrName)
        if takeTransitionConflict() || sandbox.pending { throw .stateChangeInProgress }
        guard sandbox.state == .started else {
            throw DaytonaAPIError(.badRequest, "Sandbox is not in a stoppable state")
        }
        if sandbox.isEphemeral {
            sandbox.state = .destroying
            begin(&sandbox, toward: .destroyed, after: configuration.destroyDelay)
        } else {
            sandbox.state = .stopping
            begin(&sandbox, toward: .stopped, after: configuration.stopDelay)
        }
        await endCommands(of: sandbox.id)
        return sandbox
    }

    /// `POST /sandbox/{idOrName}/archive`: `stopped` → `archiving` → `archived`.
    func archive(_ idOrName: String) throws(DaytonaAPIError) -> EmulatedDaytonaSandbox {
        var sandbox = try require(idOrName)
        if sandbox.pending { throw .stateChangeInProgress }
        guard sandbox.state == .stopped else { throw DaytonaAPIError(.badRequest, "Sandbox is not stopped") }
        guard !sandbox.isEphemeral else { throw DaytonaAPIError(.badRequest, "Ephemeral sandboxes cannot be archived") }
        sandbox.state = .archiving
        begin(&sandbox, toward: .archived, after: configuration.archiveDelay)
        return sandbox
    }

    /// `DELETE /sandbox/{idOrName}`: → `destroying` → gone (404). Refused (409) mid-transition,
    /// e.g. while `creating` or `starting`.
    func delete(_ idOrName: String) async throws(DaytonaAPIError) -> EmulatedDaytonaSandbox {
        var sandbox = try require(idOrName)
        if takeTransitionConflict() || sandbox.pending { throw .stateChangeInProgress }
        sandbox.state = .destroying
        begin(&sandbox, toward: .destroyed, after: configuration.destroyDelay)
        await endCommands(of: sandbox.id)
        return sandbox
    }

    // MARK: Settings

    /// Applies `change` to the sandbox, bumps `updatedAt`, and returns it.
    func update(
        _ idOrName: String, _ change: (inout EmulatedDaytonaSandbox) -> Void
    ) throws(DaytonaAPIError) -> EmulatedDaytonaSandbox {
        var sandbox = try require(idOrName)
        change(&sandbox)
        sandbox.updatedAt = Date()
        records[sandbox.id] = sandbox
        return sandbox
    }

    /// Marks activity (toolbox calls, `POST /sandbox/{id}/last-activity`).
    func touch(_ id: String) {
        records[id]?.lastActivityAt = Date()
    }

    /// The sandbox a toolbox call targets, which must be running.
    /// - Throws: 404 `sandbox container not found` (unknown, archived, being destroyed),
    ///   400 `… Is the Sandbox started?` (any other state but `started`).
    func toolboxSandbox(_ id: String) throws(DaytonaToolboxError) -> EmulatedDaytonaSandbox {
        guard let sandbox = records[id] else { throw .containerNotFound(id) }
        switch sandbox.state {
        case .started:
            records[id]?.lastActivityAt = Date()
            return sandbox
        case .archived, .archiving, .destroying, .destroyed:
            throw .containerNotFound(id)
        default:
            throw .notStarted
        }
    }

    // MARK: Timers

    /// Puts `sandbox` in motion toward `desired` and stores it.
    private func begin(_ sandbox: inout EmulatedDaytonaSandbox, toward desired: DaytonaSandboxDesiredState, after delay: Duration) {
        sandbox.desiredState = desired
        sandbox.pending = true
        sandbox.updatedAt = Date()
        sandbox.lastActivityAt = sandbox.updatedAt
        records[sandbox.id] = sandbox
        logger.info("sandbox transition", metadata: ["sandbox.id": "\(sandbox.id)", "state": "\(sandbox.state.rawValue)"])
        schedule(sandbox.id, after: delay)
    }

    private func schedule(_ id: String, after delay: Duration) {
        transitionTasks[id]?.cancel()
        transitionTasks[id] = Task {
            do { try await Task.sleep(for: delay) } catch { return }
            await self.advance(id)
        }
    }

    /// Holds the state machine: every step that comes due from now on waits until
    /// ``releaseTransitions()``, so sandboxes stay in their transitional state (`stopping`,
    /// `destroying`, …) for as long as a test needs to observe it, without racing a timer.
    public func holdTransitions() {
        transitionsHeld = true
    }

    /// Lets the state machine go on: the steps that came due while held happen now, in order.
    public func releaseTransitions() async {
        transitionsHeld = false
        let due = heldTransitions
        heldTransitions.removeAll()
        for id in due { await advance(id) }
    }

    /// One step of the state machine for sandbox `id`.
    private func advance(_ id: String) async {
        if transitionsHeld {
            heldTransitions.append(id)
            return
        }
        transitionTasks[id] = nil
        guard var sandbox = records[id] else { return }
        sandbox.updatedAt = Date()
        switch sandbox.state {
        case .pendingBuild:
            sandbox.state = .buildingSnapshot
            schedule(id, after: halfOf(configuration.createDelay))
        case .creating, .buildingSnapshot:
            if let reason = createErrors.removeValue(forKey: id) {
                sandbox.state = .error
                sandbox.errorReason = reason
                sandbox.recoverable = false
                sandbox.pending = false
            } else {
                sandbox.state = .starting
                schedule(id, after: halfOf(configuration.createDelay))
            }
        case .starting, .restoring:
            sandbox.state = .started
            sandbox.pending = false
        case .stopping:
            sandbox.state = .stopped
            sandbox.pending = false
        case .archiving:
            sandbox.state = .archived
            sandbox.pending = false
        case .destroying:
            await vanish(id)
            return
        default:
            return
        }
        records[id] = sandbox
        logger.info("sandbox transition", metadata: ["sandbox.id": "\(id)", "state": "\(sandbox.state.rawValue)"])
    }

    private func halfOf(_ duration: Duration) -> Duration { duration / 2 }
}

extension DaytonaEmulatorState {
    /// Does what Daytona's platform does to a transition that is stuck for too long (§6.3 of the
    /// reference: `creating` times out after 15 minutes): every sandbox still `creating` (or
    /// building) with no transition scheduled ends in `error` with "Timeout while creating", and is
    /// then deletable. Returns how many sandboxes it moved.
    @discardableResult
    public func expireStuckTransitions() -> Int {
        var expired = 0
        for (id, sandbox) in records where [.creating, .pendingBuild, .buildingSnapshot].contains(sandbox.state) && transitionTasks[id] == nil {
            var updated = sandbox
            updated.state = .error
            updated.errorReason = "Timeout while creating sandbox"
            updated.recoverable = false
            updated.pending = false
            updated.updatedAt = Date()
            records[id] = updated
            expired += 1
        }
        return expired
    }
}
