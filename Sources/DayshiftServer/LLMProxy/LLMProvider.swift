import DayshiftCore
import Foundation
import HTTPTypes
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The two upstream API families the proxy speaks, with what differs between them: which paths
/// are forwarded, where the client's token is, how the real key is sent, and the error shape.
public enum LLMProvider: String, Sendable, CaseIterable {
    /// Anthropic Messages API: `POST /llm/anthropic/v1/messages` (and `…/v1/messages/count_tokens`,
    /// `GET …/v1/models`). Token in `x-api-key` or `Authorization: Bearer`; the real key goes in
    /// `x-api-key`, `anthropic-version` and `anthropic-beta` pass through.
    case anthropic
    /// OpenAI-compatible APIs: `POST /llm/openai/v1/chat/completions`, `POST …/v1/responses`,
    /// `GET …/v1/models`. Token and real key in `Authorization: Bearer`.
    case openai

    /// The service this provider's upstream is counted as in metrics.
    var outboundService: OutboundService {
        switch self {
        case .anthropic: .anthropic
        case .openai: .openai
        }
    }

    /// The only forwarded paths (after `/llm/<provider>/`), with their method. Anything else is 404.
    var routes: Set<String> {
        switch self {
        case .anthropic: ["POST v1/messages", "POST v1/messages/count_tokens", "GET v1/models"]
        case .openai: ["POST v1/chat/completions", "POST v1/responses", "GET v1/models"]
        }
    }

    /// Request headers passed upstream (all others, credentials included, are dropped).
    var forwardedRequestHeaders: [HTTPField.Name] {
        let common: [HTTPField.Name] = [.contentType, .accept, .userAgent]
        switch self {
        case .anthropic: return common + [HTTPField.Name("anthropic-version")!, HTTPField.Name("anthropic-beta")!]
        case .openai: return common + [HTTPField.Name("OpenAI-Beta")!, HTTPField.Name("HTTP-Referer")!, HTTPField.Name("X-Title")!]
        }
    }

    /// The token the client sent: `x-api-key` (Anthropic only) or `Authorization: Bearer`.
    func clientToken(_ headers: HTTPFields) -> String? {
        if self == .anthropic, let key = headers[HTTPField.Name("x-api-key")!], !key.isEmpty { return key }
        guard let authorization = headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Sets the real key on an upstream request.
    func authorize(_ request: inout URLRequest, key: String) {
        switch self {
        case .anthropic: request.setValue(key, forHTTPHeaderField: "x-api-key")
        case .openai: request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
    }

    /// Kinds of refusal the proxy itself answers.
    enum Refusal: Sendable {
        case unauthenticated, forbidden, notFound, rateLimited, tooLarge, badGateway

        var status: HTTPResponse.Status {
            switch self {
            case .unauthenticated: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .rateLimited: .tooManyRequests
            case .tooLarge: .contentTooLarge
            case .badGateway: .badGateway
            }
        }
    }

    /// A JSON error body in the upstream's own shape, so that the agent's client reports it well.
    ///
    /// Anthropic: `{"type":"error","error":{"type":"rate_limit_error","message":…}}`;
    /// OpenAI: `{"error":{"message":…,"type":"rate_limit_error"|…,"param":null,"code":"rate_limit_exceeded"|…}}`.
    func errorBody(_ refusal: Refusal, message: String) -> Data {
        let object: [String: Any]
        switch self {
        case .anthropic:
            let type = switch refusal {
            case .unauthenticated: "authentication_error"
            case .forbidden: "permission_error"
            case .notFound: "not_found_error"
            case .rateLimited: "rate_limit_error"
            case .tooLarge: "request_too_large"
            case .badGateway: "api_error"
            }
            object = ["type": "error", "error": ["type": type, "message": message]]
        case .openai:
            let (type, code): (String, String) = switch refusal {
            case .unauthenticated: ("invalid_request_error", "invalid_api_key")
            case .forbidden: ("permission_error", "forbidden")
            case .notFound: ("invalid_request_error", "unknown_url")
            case .rateLimited: ("rate_limit_error", "rate_limit_exceeded")
            case .tooLarge: ("invalid_request_error", "request_too_large")
            case .badGateway: ("server_error", "bad_gateway")
            }
            object = ["error": ["message": message, "type": type, "param": NSNull(), "code": code]]
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
