import DayshiftCore

extension StepResult {
    /// The result with `redact` applied to every text it holds (command output, notes, paths,
    /// names), so that nothing a step stores can carry a secret.
    func redacted(_ redact: (String) -> String) -> StepResult {
        func note(_ text: String?) -> String? { text.map(redact) }
        func command(_ outcome: CommandOutcome) -> CommandOutcome {
            var outcome = outcome
            outcome.command = redact(outcome.command)
            outcome.tail = redact(outcome.tail)
            return outcome
        }
        switch self {
        case .provision(var result):
            result.sandboxHome = note(result.sandboxHome)
            result.note = note(result.note)
            return .provision(result)
        case .clone(var result):
            result.branch = redact(result.branch)
            return .clone(result)
        case .command(var result):
            result.outcome = result.outcome.map(command)
            result.note = note(result.note)
            return .command(result)
        case .agent(var result):
            result.command = command(result.command)
            result.changedFiles = result.changedFiles.map(redact)
            if var account = result.account {
                account.summary = note(account.summary)
                account.sessionID = note(account.sessionID)
                result.account = account
            }
            return .agent(result)
        case .publish(var result):
            result.branch = redact(result.branch)
            result.change.written = result.change.written.map(redact)
            result.change.deleted = result.change.deleted.map(redact)
            result.note = note(result.note)
            return .publish(result)
        case .pullRequest(var result):
            result.url = redact(result.url)
            result.head = redact(result.head)
            return .pullRequest(result)
        case .report(var result):
            result.note = note(result.note)
            return .report(result)
        case .cleanup(var result):
            result.note = note(result.note)
            return .cleanup(result)
        }
    }
}
