import Foundation

/// Reads token usage out of an upstream response as its bytes pass through, in any chunking.
///
/// A body whose first non-blank byte is `{` is JSON, anything else server-sent events (the
/// proxy sees bytes before it could act on a content type).
///
/// - JSON bodies (kept up to 8 MiB for this): `usage` and `model` at the top
///   level — Anthropic `input_tokens`/`output_tokens` (plus `cache_creation_input_tokens` and
///   `cache_read_input_tokens`, counted as input), OpenAI chat `prompt_tokens`/`completion_tokens`,
///   OpenAI responses `input_tokens`/`output_tokens`.
/// - Server-sent events (`text/event-stream`): each `data:` line's JSON — Anthropic
///   `message_start` (`message.usage`, `message.model`) and `message_delta` (`usage`, cumulative);
///   OpenAI chat chunks with `usage` (the last one, when `stream_options.include_usage` is set);
///   OpenAI responses `response.completed` (`response.usage`).
///
/// Counts are cumulative within one response, so the largest value seen per field is kept.
struct UsageMeter: Sendable {
    private(set) var inputTokens = 0
    private(set) var outputTokens = 0
    /// The model the upstream says answered (else the one the request named).
    private(set) var model: String?
    private var isEventStream: Bool?
    private var pending: [UInt8] = []
    private var overflowed = false
    static let jsonLimit = 8 * 1024 * 1024
    static let lineLimit = 4 * 1024 * 1024

    init(requestedModel: String?) {
        model = requestedModel
    }

    /// Feeds the next bytes of the response body.
    mutating func append(_ bytes: Data) {
        guard !overflowed else { return }
        pending.append(contentsOf: bytes)
        if isEventStream == nil, let first = pending.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            isEventStream = first != UInt8(ascii: "{")
        }
        if isEventStream == true {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                consumeLine(pending[..<newline])
                pending.removeSubrange(...newline)
            }
            if pending.count > Self.lineLimit { overflowed = true; pending = [] }
        } else if pending.count > Self.jsonLimit {
            overflowed = true
            pending = []
        }
    }

    /// Ends the body: parses a JSON body, or a last event line without a newline.
    mutating func finish() {
        guard !overflowed, !pending.isEmpty else { return }
        if isEventStream == true {
            consumeLine(pending[...])
        } else if let object = try? JSONSerialization.jsonObject(with: Data(pending)) as? [String: Any] {
            read(object)
        }
        pending = []
    }

    private mutating func consumeLine(_ line: ArraySlice<UInt8>) {
        guard var text = String(bytes: line, encoding: .utf8) else { return }
        if text.hasSuffix("\r") { text.removeLast() }
        guard text.hasPrefix("data:") else { return }
        let payload = text.dropFirst(5).trimmingCharacters(in: .whitespaces)
        guard payload.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return }
        switch object["type"] as? String {
        case "message_start":
            if let message = object["message"] as? [String: Any] { read(message) }
        case "response.completed", "response.incomplete", "response.failed":
            if let response = object["response"] as? [String: Any] { read(response) }
        default:
            read(object)
        }
    }

    private mutating func read(_ object: [String: Any]) {
        if let name = object["model"] as? String, !name.isEmpty { model = name }
        guard let usage = object["usage"] as? [String: Any] else { return }
        func count(_ key: String) -> Int? { (usage[key] as? NSNumber)?.intValue }
        let input = (count("input_tokens") ?? count("prompt_tokens") ?? 0)
            + (count("cache_creation_input_tokens") ?? 0) + (count("cache_read_input_tokens") ?? 0)
        let output = count("output_tokens") ?? count("completion_tokens") ?? 0
        inputTokens = max(inputTokens, input)
        outputTokens = max(outputTokens, output)
    }
}
