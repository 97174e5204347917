/// A crash-injection point: `<step>:before` or `<step>:after`, e.g. `publish:after`.
///
/// When the runtime reaches an armed point, it ends the process at once (as a kill would), so that
/// tests can prove a restart resumes the run without duplicate effects.
public struct FailPoint: Hashable, Sendable, CustomStringConvertible {
    public enum Side: String, Sendable { case before, after }

    public var step: StepName
    public var side: Side

    public init(step: StepName, side: Side) {
        self.step = step
        self.side = side
    }

    /// Parses `step:side`; `nil` when either part is unknown.
    public init?(_ text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2, let step = StepName(rawValue: parts[0]), let side = Side(rawValue: parts[1]) else { return nil }
        self.init(step: step, side: side)
    }

    public var description: String { "\(step.rawValue):\(side.rawValue)" }
}
