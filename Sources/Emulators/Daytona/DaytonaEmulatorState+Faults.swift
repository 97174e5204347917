import Foundation

/// Consuming faults: each helper answers whether a fault applies to the request at hand and
/// uses up one count of a counted fault.
extension DaytonaEmulatorState {
    /// What the active creation faults do to a sandbox created now.
    struct CreateFaults {
        var stuck = false
        var errorReason: String?
        var lateDelaySeconds: Double?
        var disappears = false
    }

    /// What the active creation faults do to a sandbox created now; each one that applies is
    /// noted as fired.
    func takeCreateFaults() -> CreateFaults {
        var result = CreateFaults()
        for fault in activeFaults {
            switch fault {
            case .createStuckInCreating:
                result.stuck = true
            case .createEndsInError(let reason) where result.errorReason == nil:
                result.errorReason = reason
            case .createSucceedsLate(let delay) where result.lateDelaySeconds == nil:
                result.lateDelaySeconds = delay
            case .sandboxDisappears:
                result.disappears = true
            default:
                continue
            }
            noteFired(fault)
        }
        return result
    }

    /// Uses up one ``DaytonaFault/rateLimited(count:retryAfterSeconds:throttler:)``, if any.
    func takeRateLimit() -> (retryAfterSeconds: Int, throttler: String)? {
        guard case .rateLimited(_, let seconds, let throttler)? = take(where: {
            if case .rateLimited = $0 { return true } else { return false }
        }) else { return nil }
        return (seconds, throttler)
    }

    /// Uses up one ``DaytonaFault/toolboxBadGateway(count:)``, if any.
    func takeToolboxBadGateway() -> Bool {
        take { if case .toolboxBadGateway = $0 { return true } else { return false } } != nil
    }

    /// Uses up one ``DaytonaFault/execTimeout(count:)``, if any.
    func takeExecTimeout() -> Bool {
        take { if case .execTimeout = $0 { return true } else { return false } } != nil
    }

    /// Uses up one ``DaytonaFault/conflictDuringTransition(count:)``, if any.
    func takeTransitionConflict() -> Bool {
        take { if case .conflictDuringTransition = $0 { return true } else { return false } } != nil
    }

    /// Whether ``DaytonaFault/sandboxDisappears`` is active.
    var sandboxesDisappear: Bool { activeFaults.contains(.sandboxDisappears) }

    /// The first active fault matching `predicate`, with one count used up.
    private func take(where predicate: (DaytonaFault) -> Bool) -> DaytonaFault? {
        guard let index = activeFaults.firstIndex(where: predicate) else { return nil }
        let fault = activeFaults[index]
        noteFired(fault)
        if let rest = fault.decremented {
            activeFaults[index] = rest
        } else {
            activeFaults.remove(at: index)
        }
        return fault
    }
}
