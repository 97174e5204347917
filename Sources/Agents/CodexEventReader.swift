import DayshiftCore
import Foundation

/// Reads `codex exec --json` output, one JSON event per line: `thread.started` (`thread_id`),
/// `turn.completed` (`usage`: `input_tokens`, `cached_input_tokens`, `output_tokens`),
/// `turn.failed` / `error` (`message`), and `item.completed` whose `item` of type `agent_message`
/// holds the agent's text. Lines that are not JSON objects are skipped.
public struct CodexEventReader: Sendable {
    public private(set) var threadID: String?
    public private(set) var turns = 0
    public private(set) var inputTokens = 0
    public private(set) var outputTokens = 0
    public private(set) var lastMessage: String?
    /// The message of the last `turn.failed` or `error` event.
    public private(set) var failure: String?

    public init() {}

    public mutating func read(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            guard line.first == "{", let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let type = object["type"] as? String else { continue }
            switch type {
            case "thread.started":
                threadID = object["thread_id"] as? String
            case "turn.completed":
                turns += 1
                let usage = object["usage"] as? [String: Any] ?? [:]
                inputTokens += (usage["input_tokens"] as? NSNumber)?.intValue ?? 0
                outputTokens += (usage["output_tokens"] as? NSNumber)?.intValue ?? 0
            case "turn.failed":
                failure = (object["error"] as? [String: Any])?["message"] as? String ?? "the turn failed"
            case "error":
                failure = object["message"] as? String ?? "error"
            case "item.completed":
                if let item = object["item"] as? [String: Any], item["type"] as? String == "agent_message" { lastMessage = item["text"] as? String }
            default:
                break
            }
        }
    }

    public var account: AgentAccount {
        AgentAccount(sessionID: threadID, turns: turns > 0 ? turns : nil, inputTokens: turns > 0 ? inputTokens : nil,
                     outputTokens: turns > 0 ? outputTokens : nil, summary: lastMessage.map { String($0.prefix(4000)) })
    }
}
