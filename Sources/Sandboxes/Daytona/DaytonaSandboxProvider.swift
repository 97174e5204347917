import DayshiftCore
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sandboxes on Daytona (`kind == "daytona"`), over its REST API and each sandbox's toolbox
/// (`../shared/reference/daytona.md`), with Foundation's `URLSession`.
///
/// | method | Daytona |
/// |---|---|
/// | ``create(_:)`` | adopt (`GET /sandbox/{name}`, `GET /sandbox?labels={"dayshift.run":…}`) or `POST /sandbox`; then poll `GET /sandbox/{id}` until `started` |
/// | ``find(labels:)`` | `GET /sandbox?labels=<json>` (every page) |
/// | ``get(id:)`` | `GET /sandbox/{id}` (404 or `destroying` → `nil`) and toolbox `GET /user-home-dir` |
/// | ``delete(id:)`` | `DELETE /sandbox/{id}` (404 → success) |
/// | ``start(id:)``, ``stop(id:)`` | `POST /sandbox/{id}/start`, `/stop`, then wait |
/// | ``execute(in:_:)`` | toolbox `POST /process/execute`, or a session for long commands |
/// | ``gitClone(in:_:)`` | toolbox `POST /git/clone` |
/// | ``uploadFile(in:path:contents:)`` | toolbox `POST /files/bulk-upload` (multipart) |
/// | ``downloadFile(in:path:)`` | toolbox `POST /files/bulk-download` (fallback `GET /files/download`) |
///
/// Retries (429, 409 mid-transition, 5xx on idempotent calls) follow ``DaytonaRetryPolicy``. A
/// toolbox call that finds the sandbox stopped or archived starts it and is retried once. Errors at
/// this boundary are ``SandboxError`` where one fits, else ``DaytonaError``; neither ever contains
/// the API key or git credentials.
public final class DaytonaSandboxProvider: SandboxProvider {
    /// `"daytona"`.
    public let kind = "daytona"
    /// The label whose value names the run; ``create(_:)`` adopts a sandbox carrying the same value.
    public static let runLabel = "dayshift.run"
    /// How long ``create(_:)`` keeps looking a sandbox up by name after `POST /sandbox` got no answer
    /// (or a 5xx), before sending the create again, in seconds.
    public static let lostCreateLookupSeconds = 10.0

    /// An ephemeral session whose configuration timeouts (1 day) never cut a call short: the client
    /// applies each call's own deadline.
    public static let defaultSession: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 24 * 3600
        configuration.timeoutIntervalForResource = 24 * 3600
        return URLSession(configuration: configuration)
    }()

    public let settings: DaytonaSandboxSettings
    let client: DaytonaAPIClient
    let clock: DaytonaClock
    let logger: Logger
    let cache = DaytonaSandboxCache()

    /// - Parameters:
    ///   - settings: where Daytona is and how sandboxes are made.
    ///   - logger: one line per created, adopted, started or deleted sandbox and per retry; requests
    ///     at debug level. Never the API key, credentials or environment values.
    ///   - session: the `URLSession` for every call. Each call's deadline is enforced by this client;
    ///     on Linux the session configuration's `timeoutIntervalForRequest` also applies (as an idle
    ///     timeout, ignoring per-request values), so it must exceed the longest call (clone, exec
    ///     timeout + margin). ``defaultSession`` does; `URLSession.shared` (60 s) does not.
    ///   - clock: time and sleeping, injectable so tests can shorten back-off and polling.
    ///   - recorder: told the status of every Daytona request, for metrics.
    public init(
        settings: DaytonaSandboxSettings, logger: Logger, session: URLSession = DaytonaSandboxProvider.defaultSession,
        clock: DaytonaClock = .live, recorder: any OutboundRequestRecorder = NoOutboundRequestRecorder()
    ) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.client = DaytonaAPIClient(settings: settings, session: session, clock: clock, logger: logger, recorder: recorder)
    }

    // MARK: - Lifecycle

    /// Returns a started sandbox for `request`, creating one only when none exists yet.
    ///
    /// 1. Adopt: `GET /sandbox/{name}`, else the sandboxes labelled `dayshift.run=<request's value>`.
    ///    A leftover in `error`/`build_failed` is deleted and replaced.
    /// 2. Else `POST /sandbox` (name, labels, `env` = settings' environment then the request's,
    ///    snapshot, target, auto-stop/archive/delete intervals, network settings; never resources).
    ///    409 "already exists" → adopt by name. No answer or a 5xx → look the name up for up to
    ///    ``lostCreateLookupSeconds`` and adopt what appears; else send the create again (at most
    ///    3 times). The unique name means a retried create can never make a second sandbox.
    /// 3. Wait for `started` (SDK cadence) until ``DaytonaSandboxSettings/startTimeoutSeconds`` after
    ///    Daytona accepted the create (or the sandbox was adopted); a `stopped`/`archived` sandbox is
    ///    started. Time spent waiting out a rate limit before that is bounded by the retry policy,
    ///    not by the start timeout.
    ///
    /// - Throws: ``SandboxError/createFailed(_:)`` with the sandbox's `errorReason` when it ends in
    ///   `error`/`build_failed` (the sandbox is then deleted), with "did not start within N s" on
    ///   timeout, or with Daytona's message (quota, validation); ``SandboxError/credentialsRejected(_:)``
    ///   on 401/403 (naming the API key's setting); `CancellationError`.
    public func create(_ request: SandboxCreateRequest) async throws -> Sandbox {
        var dto: DaytonaSandboxDTO?
        do {
            if let existing = try await existingSandbox(for: request) {
                if DaytonaState.failed.contains(existing.stateOrUnknown) {
                    logger.warning(
                        "deleting a failed sandbox left by an earlier attempt",
                        metadata: metadata(existing, ["reason": "\(client.redactor.redact(existing.errorReason ?? ""))"]))
                    try await client.deleteSandbox(existing.id)
                    cache.forget(existing.id)
                } else {
                    logger.info("adopting existing sandbox", metadata: metadata(existing))
                    dto = existing
                }
            }
            if dto == nil { dto = try await createOrAdopt(request) }
            let deadline = clock.now() + .seconds(clamped: settings.startTimeoutSeconds)
            let started = try await waitUntilStarted(dto!, deadline: deadline)
            return await describe(started, resolveHome: true)
        } catch let error as DaytonaError {
            if error.isCredentialRefusal {
                throw SandboxError.credentialsRejected(error.description)
            }
            if case .sandboxFailed(_, _, let reason) = error {
                await discard(dto, because: "it failed to start")
                throw SandboxError.createFailed(reason.isEmpty ? error.description : reason)
            }
            if case .startTimeout = error { await discard(dto, because: "it did not start in time") }
            throw SandboxError.createFailed(error.description)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as SandboxError {
            if case .notFound(let id) = error {
                throw SandboxError.createFailed("sandbox \(id) disappeared while starting")
            }
            throw error
        } catch {
            throw SandboxError.createFailed(client.redactor.redact("\(error)"))
        }
    }

    /// The sandboxes carrying every one of `labels` (an empty map matches all), without those being
    /// destroyed. Mirrors `GET /sandbox?labels=<json>`, every page. The list is eventually consistent;
    /// ``get(id:)`` is authoritative. `homeDirectory` is the remembered one or a guess from `user`.
    /// - Throws: ``DaytonaError``.
    public func find(labels: [String: String]) async throws -> [Sandbox] {
        var sandboxes: [Sandbox] = []
        for dto in try await client.listSandboxes(labels: labels) where !DaytonaState.gone.contains(dto.stateOrUnknown) {
            sandboxes.append(await describe(dto, resolveHome: false))
        }
        return sandboxes.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The sandbox with this id (or name), or `nil` when Daytona answers 404 or it is being destroyed.
    /// For a started sandbox the home directory comes from the toolbox (`GET /user-home-dir`, once).
    /// - Throws: ``DaytonaError``.
    public func get(id: String) async throws -> Sandbox? {
        guard let dto = try await client.getSandbox(id), !DaytonaState.gone.contains(dto.stateOrUnknown) else {
            cache.forget(id)
            return nil
        }
        return await describe(dto, resolveHome: true)
    }

    /// `DELETE /sandbox/{id}`; a sandbox that does not exist (404) counts as deleted. Daytona refuses
    /// (409) while the sandbox is mid-transition: the call waits and retries as ``DaytonaRetryPolicy``
    /// allows, then succeeds if `GET` shows it gone or `destroying`. Returns without waiting for the
    /// deletion to finish (the name is free at once).
    /// - Throws: ``DaytonaError``.
    public func delete(id: String) async throws {
        do {
            let existed = try await client.deleteSandbox(id)
            cache.forget(id)
            logger.info(existed ? "sandbox deleted" : "sandbox already gone", metadata: ["sandbox.id": "\(id)"])
        } catch let error as DaytonaError where error.status == 409 {
            if let dto = try await client.getSandbox(id), !DaytonaState.gone.contains(dto.stateOrUnknown) { throw error }
            cache.forget(id)
        }
    }

    /// `POST /sandbox/{id}/start`, then waits until `started` (up to
    /// ``DaytonaSandboxSettings/startTimeoutSeconds``). Starting a started sandbox changes nothing.
    /// - Throws: ``SandboxError/notFound(_:)``, ``DaytonaError`` (`sandboxFailed`, `startTimeout`, …).
    public func start(id: String) async throws -> Sandbox {
        guard let dto = try await client.getSandbox(id), !DaytonaState.gone.contains(dto.stateOrUnknown) else {
            throw SandboxError.notFound(id)
        }
        let started = try await waitUntilStarted(dto, deadline: clock.now() + .seconds(clamped: settings.startTimeoutSeconds))
        return await describe(started, resolveHome: true)
    }

    /// `POST /sandbox/{id}/stop`, then waits until `stopped` (or gone, for ephemeral sandboxes), up to
    /// ``DaytonaSandboxSettings/startTimeoutSeconds``.
    /// - Throws: ``SandboxError/notFound(_:)``, ``DaytonaError``.
    public func stop(id: String) async throws {
        do {
            _ = try await client.stopSandbox(id)
        } catch let error as DaytonaError where error.isNotFound {
            throw SandboxError.notFound(id)
        }
        logger.info("sandbox stopping", metadata: ["sandbox.id": "\(id)"])
        let start = clock.now()
        var cadence = DaytonaPollCadence()
        while true {
            guard let dto = try await client.getSandbox(id), !DaytonaState.gone.contains(dto.stateOrUnknown) else { return }
            if dto.state == DaytonaState.stopped || dto.state == DaytonaState.archived { return }
            if DaytonaState.failed.contains(dto.stateOrUnknown) {
                throw DaytonaError.sandboxFailed(sandbox: id, state: dto.stateOrUnknown, reason: dto.errorReason ?? "")
            }
            if clock.seconds(since: start) >= settings.startTimeoutSeconds {
                throw DaytonaError.startTimeout(sandbox: id, state: dto.stateOrUnknown, seconds: settings.startTimeoutSeconds)
            }
            try await clock.sleep(.seconds(clamped: cadence.next()))
        }
    }

    // MARK: - Creating and waiting

    /// A live sandbox named like the request, or labelled with its run; `nil` when there is none.
    private func existingSandbox(for request: SandboxCreateRequest) async throws -> DaytonaSandboxDTO? {
        if !request.name.isEmpty, let dto = try await client.getSandbox(request.name),
            !DaytonaState.gone.contains(dto.stateOrUnknown)
        {
            return dto
        }
        guard let run = request.labels[Self.runLabel] else { return nil }
        for candidate in try await client.listSandboxes(labels: [Self.runLabel: run]) {
            // The list is eventually consistent: confirm with GET.
            if let dto = try await client.getSandbox(candidate.id), !DaytonaState.gone.contains(dto.stateOrUnknown) {
                return dto
            }
        }
        return nil
    }

    private func createBody(_ request: SandboxCreateRequest) -> DaytonaCreateSandboxBody {
        var environment = settings.environment
        environment.merge(request.environment) { _, new in new }
        return DaytonaCreateSandboxBody(
            name: request.name.isEmpty ? nil : request.name, snapshot: request.snapshot ?? settings.snapshot,
            env: environment, labels: request.labels, target: settings.target,
            autoStopInterval: settings.autoStopMinutes, autoArchiveInterval: settings.autoArchiveMinutes,
            autoDeleteInterval: settings.autoDeleteMinutes, networkBlockAll: settings.networkBlockAll,
            networkAllowList: settings.networkAllowList)
    }

    /// `POST /sandbox`, adopting by name when the answer says it exists or got lost.
    private func createOrAdopt(_ request: SandboxCreateRequest) async throws -> DaytonaSandboxDTO {
        let body = createBody(request)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let dto = try await client.createSandbox(body)
                logger.info("sandbox created", metadata: metadata(dto))
                return dto
            } catch let error as DaytonaError where error.isAlreadyExists {
                if let dto = try await lookUp(request, patienceSeconds: 2) {
                    logger.info("sandbox already existed; adopting it", metadata: metadata(dto))
                    return dto
                }
                if attempt >= 3 { throw error }
            } catch let error as DaytonaError where Self.createOutcomeUnknown(error) {
                logger.warning(
                    "no usable answer to the create; looking the sandbox up by name",
                    metadata: ["sandbox.name": "\(request.name)", "error": "\(error)"])
                if let dto = try await lookUp(request, patienceSeconds: Self.lostCreateLookupSeconds) {
                    logger.info("the lost create did make the sandbox; adopting it", metadata: metadata(dto))
                    return dto
                }
                if attempt >= 3 { throw error }
            } catch let error as DaytonaError where error.status == 400 && (error.failure?.message.localizedCaseInsensitiveContains("failed to start") ?? false) {
                // The server waited and saw the sandbox fail: it exists, in `error`, with the reason.
                let failed = try? await lookUp(request, patienceSeconds: 0)
                if let failed { await discard(failed, because: "it failed to start") }
                let reason = failed?.errorReason.map(client.redactor.redact) ?? error.failure?.message ?? ""
                throw DaytonaError.sandboxFailed(sandbox: request.name, state: DaytonaState.error, reason: reason)
            }
        }
    }

    /// No answer, or a 5xx: the create may or may not have happened.
    private static func createOutcomeUnknown(_ error: DaytonaError) -> Bool {
        switch error {
        case .transport: true
        case .response(let failure): failure.status >= 500
        default: false
        }
    }

    /// Polls `GET /sandbox/{name}` (or the run label when the request has no name) for up to
    /// `patienceSeconds`.
    private func lookUp(_ request: SandboxCreateRequest, patienceSeconds: Double) async throws -> DaytonaSandboxDTO? {
        let start = clock.now()
        var cadence = DaytonaPollCadence()
        while true {
            if let dto = try await existingSandbox(for: request) { return dto }
            if clock.seconds(since: start) >= patienceSeconds { return nil }
            try await clock.sleep(.seconds(clamped: cadence.next()))
        }
    }

    /// Polls `GET /sandbox/{id}` at the SDK cadence until `started`, starting a `stopped`, `archived`
    /// or `paused` sandbox on the way (at most 3 times).
    /// - Throws: ``DaytonaError/sandboxFailed(sandbox:state:reason:)`` on `error`/`build_failed`,
    ///   ``DaytonaError/startTimeout(sandbox:state:seconds:)`` at `deadline`,
    ///   ``SandboxError/notFound(_:)`` when it disappears.
    func waitUntilStarted(_ initial: DaytonaSandboxDTO, deadline: ContinuousClock.Instant) async throws -> DaytonaSandboxDTO {
        var dto = initial
        var cadence = DaytonaPollCadence()
        var starts = 0
        while true {
            let state = dto.stateOrUnknown
            if state == DaytonaState.started {
                cache.remember(dto.id, toolboxProxyURL: dto.toolboxProxyUrl)
                return dto
            }
            if DaytonaState.failed.contains(state) {
                throw DaytonaError.sandboxFailed(
                    sandbox: dto.name ?? dto.id, state: state, reason: client.redactor.redact(dto.errorReason ?? ""))
            }
            if DaytonaState.gone.contains(state) { throw SandboxError.notFound(dto.id) }
            if DaytonaState.startable.contains(state), starts < 3 {
                starts += 1
                logger.info("starting sandbox", metadata: metadata(dto))
                do {
                    dto = try await client.startSandbox(dto.id)
                } catch let error as DaytonaError where error.isNotFound {
                    throw SandboxError.notFound(dto.id)
                }
                continue
            }
            let remaining = (deadline - clock.now()).seconds
            if remaining <= 0 {
                throw DaytonaError.startTimeout(sandbox: dto.name ?? dto.id, state: state, seconds: settings.startTimeoutSeconds)
            }
            try await clock.sleep(.seconds(clamped: min(cadence.next(), remaining)))
            guard let fresh = try await client.getSandbox(dto.id) else { throw SandboxError.notFound(dto.id) }
            dto = fresh
        }
    }

    /// Best-effort delete of a sandbox this call created or adopted and cannot use. A refusal (409
    /// while it is still creating) is left to the reaper: the sandbox carries its labels.
    private func discard(_ dto: DaytonaSandboxDTO?, because reason: String) async {
        guard let dto else { return }
        do {
            try await client.deleteSandbox(dto.id, retriesConflicts: false)
            cache.forget(dto.id)
            logger.warning("deleted sandbox because \(reason)", metadata: metadata(dto))
        } catch {
            logger.warning(
                "cannot delete sandbox (\(reason)); the reaper will", metadata: metadata(dto, ["error": "\(error)"]))
        }
    }

    // MARK: - Mapping

    /// The protocol's ``Sandbox`` for a DTO; remembers its toolbox URL, and for a started sandbox
    /// asks the toolbox for the home directory once when `resolveHome`.
    func describe(_ dto: DaytonaSandboxDTO, resolveHome: Bool) async -> Sandbox {
        cache.remember(dto.id, toolboxProxyURL: dto.toolboxProxyUrl)
        var home = cache.entry(dto.id)?.homeDirectory
        if home == nil, resolveHome, dto.state == DaytonaState.started {
            do {
                home = try await toolbox(for: dto.id).userHomeDirectory()
                cache.remember(dto.id, homeDirectory: home)
            } catch {
                logger.notice("cannot read the sandbox's home directory", metadata: metadata(dto, ["error": "\(error)"]))
            }
        }
        return Sandbox(
            id: dto.id, name: dto.name ?? dto.id, labels: dto.labels, state: dto.stateOrUnknown,
            homeDirectory: home ?? dto.guessedHomeDirectory, createdAt: dto.createdDate ?? Date(timeIntervalSince1970: 0))
    }

    func metadata(_ dto: DaytonaSandboxDTO, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var result: Logger.Metadata = ["sandbox.id": "\(dto.id)", "sandbox.name": "\(dto.name ?? dto.id)", "sandbox.state": "\(dto.stateOrUnknown)"]
        result.merge(extra) { _, new in new }
        return result
    }
}
