import Foundation

/// A failure the Daytona emulator reproduces on demand, modelled on what users met on the real
/// service (`shared/reference/daytona.md` §13).
///
/// Inject one per test with ``DaytonaEmulatorState/init(configuration:faults:sandboxRoot:logger:)``
/// or ``DaytonaEmulatorState/inject(_:)``, or at run time with `POST /_emulator/faults` and the
/// JSON form below. Counted faults (`count:`) are used up one request at a time; the others stay
/// active until ``DaytonaEmulatorState/clearFaults()`` (`DELETE /_emulator/faults`).
///
/// JSON form (Swift's synthesized `Codable`): the case name as the only key, its labelled values as
/// an object, e.g. `{"createStuckInCreating":{}}`,
/// `{"rateLimited":{"count":2,"retryAfterSeconds":1,"throttler":"sandbox-create"}}`,
/// `{"createEndsInError":{"reason":"no runner available"}}`.
public enum DaytonaFault: Sendable, Codable, Equatable {
    /// Sandboxes created while active stay in `creating` for good (`POST /sandbox` answers the
    /// `creating` DTO after its wait); their delete is refused with 409 as on Daytona.
    case createStuckInCreating
    /// Sandboxes created while active end in `error` with this `errorReason` instead of starting;
    /// `POST /sandbox` answers 400 `Sandbox failed to start: <reason>`.
    case createEndsInError(reason: String)
    /// The next `count` main-API calls (`/api/...`, authenticated) answer 429 `Too Many Requests`
    /// with `Retry-After`, `Retry-After-<throttler>` and `X-RateLimit-{Limit,Remaining,Reset}-<throttler>`.
    case rateLimited(count: Int, retryAfterSeconds: Int, throttler: String)
    /// The next `count` toolbox calls answer a bare 502 with `Content-Length: 0` (proxy cannot reach the daemon).
    case toolboxBadGateway(count: Int)
    /// The next `count` toolbox `POST /process/execute` calls answer 408 `REQUEST_TIMEOUT`
    /// without running the command.
    case execTimeout(count: Int)
    /// The next `count` `POST /sandbox/{id}/start`, `POST /sandbox/{id}/stop` and
    /// `DELETE /sandbox/{id}` calls answer 409 `Sandbox state change in progress`.
    case conflictDuringTransition(count: Int)
    /// Every sandbox that exists when the fault is injected vanishes (404 on the API and the
    /// toolbox); while it stays active, each new sandbox vanishes right after `POST /sandbox` answered.
    case sandboxDisappears
    /// `POST /sandbox` answers only after `delaySeconds`, but the sandbox exists (and is `started`)
    /// at once, so a client whose request timed out can find it by name or label.
    case createSucceedsLate(delaySeconds: Double)

    /// Whether `other` is the same case, whatever its counts and values.
    public func isSameKind(as other: DaytonaFault) -> Bool {
        switch (self, other) {
        case (.createStuckInCreating, .createStuckInCreating), (.createEndsInError, .createEndsInError),
             (.rateLimited, .rateLimited), (.toolboxBadGateway, .toolboxBadGateway), (.execTimeout, .execTimeout),
             (.conflictDuringTransition, .conflictDuringTransition), (.sandboxDisappears, .sandboxDisappears),
             (.createSucceedsLate, .createSucceedsLate):
            true
        default:
            false
        }
    }

    /// How many uses a counted fault has left (nil for the others).
    public var count: Int? {
        switch self {
        case .rateLimited(let count, _, _), .toolboxBadGateway(let count), .execTimeout(let count), .conflictDuringTransition(let count):
            count
        default:
            nil
        }
    }

    /// True for faults used up one request at a time.
    var isCounted: Bool {
        switch self {
        case .rateLimited, .toolboxBadGateway, .execTimeout, .conflictDuringTransition: true
        default: false
        }
    }

    /// The same fault with `count` lowered by one, or nil when that was the last use.
    var decremented: DaytonaFault? {
        switch self {
        case .rateLimited(let count, let seconds, let throttler):
            count > 1 ? .rateLimited(count: count - 1, retryAfterSeconds: seconds, throttler: throttler) : nil
        case .toolboxBadGateway(let count): count > 1 ? .toolboxBadGateway(count: count - 1) : nil
        case .execTimeout(let count): count > 1 ? .execTimeout(count: count - 1) : nil
        case .conflictDuringTransition(let count): count > 1 ? .conflictDuringTransition(count: count - 1) : nil
        default: self
        }
    }
}
