/// A command's end, as kept in the journal.
public struct CommandOutcome: Codable, Sendable, Equatable {
    /// The command line (operator's config or detected), never issue text.
    public var command: String
    public var exitCode: Int32
    /// The last lines of combined output (`steps.output_tail_lines`), secrets redacted.
    public var tail: String
    public var timedOut: Bool
    /// Wall-clock seconds.
    public var seconds: Double

    public init(command: String, exitCode: Int32, tail: String, timedOut: Bool, seconds: Double) {
        self.command = command
        self.exitCode = exitCode
        self.tail = tail
        self.timedOut = timedOut
        self.seconds = seconds
    }
}
