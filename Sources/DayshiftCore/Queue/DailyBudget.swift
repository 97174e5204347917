import Foundation

/// The daily budgets (`budgets.daily_runs`, `budgets.daily_cost_usd`), applied to each
/// repository and to each GitHub App installation per UTC day. `0` means no limit.
public struct DailyBudget: Sendable, Equatable {
    /// Runs that may start per repository, and per installation, per UTC day.
    public var runs: Int
    /// US dollars the runs started that day may spend on models (the LLM proxy's meter), per
    /// repository and per installation.
    public var costUSD: Double

    public init(runs: Int = 0, costUSD: Double = 0) {
        self.runs = runs
        self.costUSD = costUSD
    }

    /// True when neither budget is set.
    public var isUnlimited: Bool { runs <= 0 && costUSD <= 0 }

    /// `yyyy-MM-dd` of `date`, in UTC.
    public static func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The UTC day holding `date`, as a half-open interval.
    public static func dayInterval(of date: Date) -> (start: Date, end: Date) {
        let start = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        return (start, start.addingTimeInterval(86_400))
    }
}

/// What one scope (a repository or an installation) used on one UTC day.
public struct DailyUsage: Sendable, Equatable {
    /// Runs started that day.
    public var runs: Int
    /// What the runs started that day spent on models, in US dollars.
    public var costUSD: Double

    public init(runs: Int, costUSD: Double) {
        self.runs = runs
        self.costUSD = costUSD
    }
}

/// A trigger refused because a daily budget is used up: which budget, for what, and how much was used.
public struct DailyBudgetRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Limit: String, Sendable, Equatable {
        /// `budgets.daily_runs`
        case runs = "budgets.daily_runs"
        /// `budgets.daily_cost_usd`
        case cost = "budgets.daily_cost_usd"
    }

    public var limit: Limit
    /// `repository octo/hello` or `installation 42`.
    public var scope: String
    public var usage: DailyUsage
    public var budget: DailyBudget
    /// `yyyy-MM-dd`, UTC.
    public var day: String

    public init(limit: Limit, scope: String, usage: DailyUsage, budget: DailyBudget, day: String) {
        self.limit = limit
        self.scope = scope
        self.usage = usage
        self.budget = budget
        self.day = day
    }

    /// The first budget that `usage` has reached, if any.
    public static func check(_ usage: DailyUsage, against budget: DailyBudget, scope: String, day: String) -> DailyBudgetRefusal? {
        if budget.runs > 0, usage.runs >= budget.runs {
            return DailyBudgetRefusal(limit: .runs, scope: scope, usage: usage, budget: budget, day: day)
        }
        if budget.costUSD > 0, usage.costUSD >= budget.costUSD {
            return DailyBudgetRefusal(limit: .cost, scope: scope, usage: usage, budget: budget, day: day)
        }
        return nil
    }

    /// One line, e.g. `daily run budget reached for repository octo/hello: 3 of 3 runs started on 2026-12-03 (UTC; budgets.daily_runs)`.
    public var description: String {
        switch limit {
        case .runs:
            "daily run budget reached for \(scope): \(usage.runs) of \(budget.runs) \(budget.runs == 1 ? "run" : "runs") started on \(day) (UTC; \(limit.rawValue))"
        case .cost:
            "daily cost budget reached for \(scope): $\(String(format: "%.2f", usage.costUSD)) of $\(String(format: "%.2f", budget.costUSD)) spent on \(day) (UTC; \(limit.rawValue))"
        }
    }
}
