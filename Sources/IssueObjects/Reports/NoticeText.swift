import DayshiftCore

/// Short comments Dayshift posts on an issue outside a run's tracking comment: a trigger refused
/// by a daily budget. They hold only Dayshift's own words and numbers
/// (no issue or agent text); names that came from a payload are shown as code.
enum NoticeText {
    /// The polite refusal of a trigger over a daily budget, naming the limit and the usage, with a
    /// hidden marker for the day (`<!-- dayshift:budget day=<yyyy-MM-dd> -->`).
    static func budgetRefused(_ refusal: DailyBudgetRefusal) -> String {
        let scope = refusal.scope.split(separator: " ", maxSplits: 1)
        let shownScope = scope.count == 2 ? "\(scope[0]) `\(ReportText.markdownSafe(String(scope[1])))`" : refusal.scope
        let used: String
        switch refusal.limit {
        case .runs:
            used = "\(refusal.usage.runs) of \(refusal.budget.runs) \(refusal.budget.runs == 1 ? "run has" : "runs have") already started today"
        case .cost:
            used = "runs started today have spent $\(String(format: "%.2f", refusal.usage.costUSD)) of the $\(String(format: "%.2f", refusal.budget.costUSD)) allowed"
        }
        return """
            Sorry, Dayshift did not start a run for this issue: the daily budget for \(shownScope) is used up \
            (`\(refusal.limit.rawValue)`: \(used), \(refusal.day) UTC). Nothing is queued or retried; ask again after \
            00:00 UTC, when the budget resets. Further requests today are refused without another comment.

            <!-- dayshift:budget day=\(refusal.day) -->
            """
    }
}
