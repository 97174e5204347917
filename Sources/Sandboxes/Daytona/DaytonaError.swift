import DayshiftCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A failed Daytona call. Descriptions name the call (`POST /sandbox`, `toolbox POST /process/execute`)
/// and Daytona's message; they never contain the API key (every text is passed through
/// ``DaytonaRedactor`` before it is stored here).
public enum DaytonaError: TransientError, Sendable, Equatable, CustomStringConvertible {
    /// Daytona answered with a non-success status.
    case response(DaytonaHTTPFailure)
    /// No usable answer: connection refused or reset, or the client-side timeout passed (`timedOut`).
    case transport(call: String, reason: String, timedOut: Bool)
    /// An answer that could not be decoded.
    case invalidResponse(call: String, reason: String)
    /// A sandbox did not reach `started` within `seconds`; `state` is the last state seen.
    case startTimeout(sandbox: String, state: String, seconds: Double)
    /// A sandbox reached a failed state (`error`, `build_failed`); `reason` is its `errorReason`.
    case sandboxFailed(sandbox: String, state: String, reason: String)

    public var description: String {
        switch self {
        case .response(let failure) where isCredentialRefusal: failure.description + ": " + Self.credentialAdvice(status: failure.status)
        case .response(let failure): failure.description
        case let .transport(call, reason, timedOut):
            "Daytona \(call): \(timedOut ? "timed out" : "no answer") (\(reason))"
        case let .invalidResponse(call, reason): "Daytona \(call): unexpected answer (\(reason))"
        case let .startTimeout(sandbox, state, seconds):
            "sandbox \(sandbox) did not start within \(Self.format(seconds)) s (last state: \(state))"
        case let .sandboxFailed(sandbox, state, reason):
            "sandbox \(sandbox) is in state \(state)" + (reason.isEmpty ? "" : ": \(reason)")
        }
    }

    /// False for 401 and 403 (the API key is wrong or lacks a permission: waiting will not fix it);
    /// true for everything else, which the provider has already retried where a retry is safe.
    public var isTransient: Bool { !isCredentialRefusal }

    /// 401 or 403 from the main API or the toolbox: Daytona refused the API key. The description
    /// then names the key's setting, for the operator to fix.
    public var isCredentialRefusal: Bool { status == 401 || status == 403 }

    /// What a 401 (`status`) or 403 means, and where the key comes from.
    static func credentialAdvice(status: Int) -> String {
        let verdict = status == 403 ? "the API key lacks a permission Dayshift needs" : "the API key is wrong or expired"
        return "\(verdict); check the key in sandbox.daytona.api_key_file or DAYSHIFT_DAYTONA_API_KEY"
    }

    /// The HTTP status, when Daytona answered.
    public var status: Int? {
        if case .response(let failure) = self { return failure.status }
        return nil
    }

    /// The failure details, when Daytona answered.
    public var failure: DaytonaHTTPFailure? {
        if case .response(let failure) = self { return failure }
        return nil
    }

    /// 404 from the main API or the toolbox.
    public var isNotFound: Bool { status == 404 }

    /// 409 "Sandbox with name X already exists" (duplicate name on create).
    public var isAlreadyExists: Bool {
        status == 409 && failure?.message.localizedCaseInsensitiveContains("already exists") == true
    }

    /// A toolbox answer that means "the sandbox is not running" rather than a bad request or a missing
    /// file: 400 "… Is the Sandbox started?" (stopped or stopping) or 404 "sandbox container not found"
    /// (archived, or no container). See `daytona.md` §3.2 and §13.
    public var isSandboxNotRunning: Bool {
        guard let failure, failure.status == 400 || failure.status == 404 else { return false }
        let message = failure.message.lowercased()
        return message.contains("is the sandbox started") || message.contains("container not found")
            || message.contains("no ip address found")
    }

    /// 502, 503 or 504: the proxy could not reach the runner or the daemon.
    public var isGatewayFailure: Bool {
        guard let status else { return false }
        return status == 502 || status == 503 || status == 504
    }

    /// A quota or tier limit (a 400 with a human-readable text, `daytona.md` §4).
    public var isQuotaExceeded: Bool {
        guard status == 400, let message = failure?.message.lowercased() else { return false }
        return message.contains("limit exceeded") || message.contains("exceeds maximum allowed")
    }

    /// The client-side timeout passed before an answer came.
    public var isTimeout: Bool {
        if case .transport(_, _, true) = self { return true }
        return false
    }

    private static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// A non-success answer: both Daytona error shapes (`daytona.md` §3) reduced to one.
public struct DaytonaHTTPFailure: Sendable, Equatable, CustomStringConvertible {
    /// e.g. `GET /sandbox/abc` or `toolbox POST /process/execute` (no query, no host).
    public var call: String
    public var status: Int
    /// Daytona's `message` (validation messages joined), the raw body when it is not JSON, or the
    /// standard reason phrase for an empty body (a bare 502).
    public var message: String
    /// The Go toolbox `code` (`NOT_FOUND`, `REQUEST_TIMEOUT`, `GIT_AUTH_FAILED`, …) or the NestJS
    /// `error` (`Not Found`, `Too Many Requests`); `nil` when absent.
    public var code: String?
    /// Seconds to wait before retrying, from `Retry-After`, `Retry-After-<throttler>` or
    /// `X-RateLimit-Reset-<throttler>` (see ``DaytonaRetryPolicy/headerDelay(_:)``); `nil` when absent.
    public var retryAfterSeconds: Double?
    /// Response headers, names lowercased.
    public var headers: [String: String]

    public init(call: String, status: Int, message: String, code: String?, retryAfterSeconds: Double?, headers: [String: String]) {
        self.call = call
        self.status = status
        self.message = message
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
        self.headers = headers
    }

    public var description: String {
        var text = "Daytona \(call): \(status) \(message)"
        if let code, !code.isEmpty, !message.localizedCaseInsensitiveContains(code) { text += " (\(code))" }
        if let retryAfterSeconds { text += " (retry after \(Int(retryAfterSeconds.rounded(.up))) s)" }
        return text
    }

    /// Decodes an error body of either shape, or falls back to the raw text / reason phrase.
    ///
    /// - Main API (NestJS): `{path, timestamp, statusCode, error, message}` where `message` may be an
    ///   array of validation messages.
    /// - Toolbox / proxy / runner (Go): `{statusCode, message, code, timestamp, path, method, source?}`.
    /// - Legacy: `error_code` or `error` as the code. Empty body: the status' reason phrase.
    static func decode(call: String, status: Int, body: Data, headers: [String: String], redactor: DaytonaRedactor) -> DaytonaHTTPFailure {
        var message = ""
        var code: String?
        if let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] {
            if let text = object["message"] as? String {
                message = text
            } else if let list = object["message"] as? [Any] {
                message = list.map { "\($0)" }.joined(separator: ", ")
            }
            code = (object["code"] as? String) ?? (object["error_code"] as? String) ?? (object["error"] as? String)
            if message.isEmpty, let error = object["error"] as? String { message = error }
        } else {
            message = String(decoding: body.prefix(2048), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if message.isEmpty {
            message = HTTPURLResponse.localizedString(forStatusCode: status).capitalized
        }
        return DaytonaHTTPFailure(
            call: call, status: status, message: redactor.redact(message), code: code.map(redactor.redact),
            retryAfterSeconds: DaytonaRetryPolicy.headerDelay(headers), headers: headers)
    }
}

/// Removes secrets from text that goes into errors and logs: the API key, any other registered secret
/// (git passwords), and whatever follows `Bearer `.
public struct DaytonaRedactor: Sendable {
    private let secrets: [String]

    /// - Parameter secrets: strings to replace with `***`; empty strings are ignored.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// A redactor that also hides `more`.
    public func adding(_ more: [String?]) -> DaytonaRedactor {
        DaytonaRedactor(secrets: secrets + more.compactMap { $0 })
    }

    /// `text` with every secret and bearer token replaced by `***`.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: "***")
            // A secret may also appear percent-encoded (in a URL) or base64-encoded (basic auth).
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                result = result.replacingOccurrences(of: encoded, with: "***")
            }
        }
        var searchFrom = result.startIndex
        while let range = result.range(of: "Bearer ", options: .caseInsensitive, range: searchFrom..<result.endIndex) {
            var end = range.upperBound
            while end < result.endIndex, !result[end].isWhitespace, result[end] != "\"", result[end] != "'" {
                end = result.index(after: end)
            }
            let offset = result.distance(from: result.startIndex, to: range.upperBound) + 3
            result.replaceSubrange(range.upperBound..<end, with: "***")
            searchFrom = result.index(result.startIndex, offsetBy: offset)
        }
        return result
    }
}
