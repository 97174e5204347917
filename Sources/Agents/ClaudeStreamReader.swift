import DayshiftCore
import Foundation

/// Reads Claude Code's `--output-format stream-json` output, one JSON object per line: the
/// `system` event (subtype `init`, with `session_id`), `assistant` messages (whose `content`
/// holds `text` and `tool_use` blocks), `user` messages (tool results), and last the `result`
/// event (`subtype`, `is_error`, `num_turns`, `total_cost_usd`, `usage`, `result`).
///
/// Lines that are not JSON objects (a line cut where the transcript was capped, noise on standard
/// output) are skipped. Every figure is the agent's own claim: it informs the report, it never
/// decides the run's status on its own.
public struct ClaudeStreamReader: Sendable {
    /// The final `result` event.
    public struct Result: Sendable, Equatable {
        public var subtype: String
        public var isError: Bool
        public var numTurns: Int?
        public var costUSD: Double?
        public var inputTokens: Int?
        public var outputTokens: Int?
        /// The final text (`result`), or the error messages (`errors`) of an error subtype.
        public var text: String?
    }

    public private(set) var sessionID: String?
    public private(set) var model: String?
    /// `assistant` events seen so far.
    public private(set) var assistantMessages = 0
    /// The tool of the latest `tool_use` block.
    public private(set) var lastTool: String?
    public private(set) var result: Result?

    public init() {}

    /// Reads every complete line of `text`.
    public mutating func read(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) { read(line: line) }
    }

    /// Reads one line.
    public mutating func read<Line: StringProtocol>(line: Line) {
        guard line.first == "{", let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let type = object["type"] as? String else { return }
        if sessionID == nil, let id = object["session_id"] as? String { sessionID = id }
        switch type {
        case "system":
            if let model = object["model"] as? String { self.model = model }
        case "assistant":
            assistantMessages += 1
            let message = object["message"] as? [String: Any]
            for block in message?["content"] as? [[String: Any]] ?? [] where block["type"] as? String == "tool_use" {
                lastTool = block["name"] as? String
            }
        case "result":
            let usage = object["usage"] as? [String: Any] ?? [:]
            func int(_ key: String) -> Int? { (usage[key] as? NSNumber)?.intValue }
            let inputParts = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].compactMap(int)
            var text = object["result"] as? String
            if let errors = object["errors"] as? [Any], !errors.isEmpty {
                let joined = errors.map { ($0 as? String) ?? String(describing: $0) }.joined(separator: "\n")
                text = text.map { $0 + "\n" + joined } ?? joined
            }
            result = Result(subtype: object["subtype"] as? String ?? "unknown", isError: object["is_error"] as? Bool ?? false,
                            numTurns: (object["num_turns"] as? NSNumber)?.intValue,
                            costUSD: ((object["total_cost_usd"] ?? object["cost_usd"]) as? NSNumber)?.doubleValue,
                            inputTokens: inputParts.isEmpty ? nil : inputParts.reduce(0, +), outputTokens: int("output_tokens"), text: text)
            if let id = object["session_id"] as? String { sessionID = id }
        default:
            break
        }
    }

    /// What the transcript says the agent did, for the run's result.
    public var account: AgentAccount {
        AgentAccount(sessionID: sessionID, turns: result?.numTurns ?? (assistantMessages > 0 ? assistantMessages : nil),
                     inputTokens: result?.inputTokens, outputTokens: result?.outputTokens, costUSD: result?.costUSD,
                     summary: result?.text.map { String($0.prefix(4000)) })
    }
}
