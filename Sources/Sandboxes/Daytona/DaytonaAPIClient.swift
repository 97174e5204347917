import DayshiftCore
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP call to Daytona's main API or to a sandbox's toolbox.
struct DaytonaCall: Sendable {
    enum Service: Sendable { case api, toolbox }

    var service: Service
    var method: String
    /// The full URL, query included.
    var url: URL
    /// The path as shown in errors and logs, e.g. `/sandbox/{id}` with the id filled in; no query.
    var path: String
    var body: Data? = nil
    var contentType: String? = nil
    /// HTTP timeout in seconds (URLSession's idle timeout: no byte for this long ends the call).
    var timeoutSeconds: Double
    /// Safe to repeat after a 5xx or a lost answer (GET, DELETE, start).
    var idempotent: Bool
    /// A 409 "state change in progress" is waited out and retried (main API lifecycle calls).
    var retriesConflicts: Bool = false

    /// `POST /sandbox` or `toolbox GET /files/download`.
    var name: String { (service == .toolbox ? "toolbox " : "") + "\(method) \(path)" }
}

/// A successful (2xx) answer.
struct DaytonaHTTPResponse: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data

    var contentType: String { headers["content-type"] ?? "" }
}

/// Transport for every Daytona call: headers, timeouts, error decoding, redaction and retries (see
/// ``DaytonaRetryPolicy``), plus the main-API sandbox calls (`daytona.md` §8.1).
///
/// Every request carries `Authorization: Bearer <key>`, `X-Daytona-Source: sdk-swift`,
/// `X-Daytona-SDK-Version: 0.190.0` (so session logs come back as JSON with separate stdout and
/// stderr, §9.3) and `Accept: application/json`.
struct DaytonaAPIClient: Sendable {
    /// Sent as `X-Daytona-SDK-Version`.
    static let sdkVersion = "0.190.0"
    /// Sent as `X-Daytona-Source`.
    static let source = "sdk-swift"

    let apiURL: URL
    private let apiKey: String
    let session: URLSession
    let clock: DaytonaClock
    let policy: DaytonaRetryPolicy
    /// Default HTTP timeout of one call, in seconds.
    let requestTimeoutSeconds: Double
    /// `limit` of each `GET /sandbox` page.
    let listPageSize: Int
    let logger: Logger
    let redactor: DaytonaRedactor
    /// Told the status of every request, for metrics.
    let recorder: any OutboundRequestRecorder

    init(settings: DaytonaSandboxSettings, session: URLSession, clock: DaytonaClock, logger: Logger,
         recorder: any OutboundRequestRecorder = NoOutboundRequestRecorder()) {
        self.recorder = recorder
        self.apiURL = settings.apiURL
        self.apiKey = settings.apiKey
        self.session = session
        self.clock = clock
        self.policy = settings.retry
        self.requestTimeoutSeconds = settings.requestTimeoutSeconds
        self.listPageSize = settings.listPageSize
        self.logger = logger
        self.redactor = DaytonaRedactor(secrets: [settings.apiKey])
    }

    // MARK: Sandboxes (main API)

    /// `POST /sandbox` → the (often stale, `creating`) DTO. Never retried after a 5xx or a lost
    /// answer: the caller looks the sandbox up by name instead. 429 is retried.
    func createSandbox(_ body: DaytonaCreateSandboxBody) async throws -> DaytonaSandboxDTO {
        let response = try await send(apiCall("POST", "/sandbox", body: try Self.json(body), idempotent: false))
        return try decode(DaytonaSandboxDTO.self, response, call: "POST /sandbox")
    }

    /// `GET /sandbox/{idOrName}` → the DTO, or `nil` on 404.
    func getSandbox(_ idOrName: String) async throws -> DaytonaSandboxDTO? {
        let path = "/sandbox/\(Self.segment(idOrName))"
        do {
            let response = try await send(apiCall("GET", path, idempotent: true))
            return try decode(DaytonaSandboxDTO.self, response, call: "GET \(path)")
        } catch let error as DaytonaError where error.isNotFound {
            return nil
        }
    }

    /// `GET /sandbox?labels=<json>&limit=<listPageSize>[&cursor=…]`, every page (at most 50). Accepts the paged
    /// `{items, nextCursor}` shape and the older plain array. Results are filtered on `labels` again
    /// here, since older servers ignore unknown filters.
    func listSandboxes(labels: [String: String]) async throws -> [DaytonaSandboxDTO] {
        var all: [DaytonaSandboxDTO] = []
        var cursor: String?
        var seenCursors = Set<String>()
        for _ in 0..<50 {
            var query: [(String, String)] = [("limit", String(listPageSize))]
            if !labels.isEmpty {
                let data = try JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys])
                query.append(("labels", String(decoding: data, as: UTF8.self)))
            }
            if let cursor { query.append(("cursor", cursor)) }
            let response = try await send(apiCall("GET", "/sandbox", query: query, idempotent: true))
            let page = try decode(DaytonaSandboxPage.self, response, call: "GET /sandbox")
            all += page.items
            guard let next = page.nextCursor, !next.isEmpty, !page.items.isEmpty, seenCursors.insert(next).inserted else { break }
            cursor = next
        }
        return all.filter { sandbox in labels.allSatisfy { sandbox.labels[$0.key] == $0.value } }
    }

    /// `DELETE /sandbox/{id}` → `true` when accepted, `false` on 404 (already gone). A 409 (mid
    /// transition) is waited out and retried.
    @discardableResult
    func deleteSandbox(_ id: String, retriesConflicts: Bool = true) async throws -> Bool {
        let path = "/sandbox/\(Self.segment(id))"
        do {
            _ = try await send(apiCall("DELETE", path, idempotent: true, retriesConflicts: retriesConflicts))
            return true
        } catch let error as DaytonaError where error.isNotFound {
            return false
        }
    }

    /// `POST /sandbox/{id}/start` → the latest DTO (possibly still `starting`). Idempotent: starting a
    /// started sandbox answers 200.
    func startSandbox(_ id: String) async throws -> DaytonaSandboxDTO {
        let path = "/sandbox/\(Self.segment(id))/start"
        let response = try await send(apiCall("POST", path, idempotent: true, retriesConflicts: true))
        return try decode(DaytonaSandboxDTO.self, response, call: "POST \(path)")
    }

    /// `POST /sandbox/{id}/stop` → the DTO (`stopping`).
    func stopSandbox(_ id: String) async throws -> DaytonaSandboxDTO {
        let path = "/sandbox/\(Self.segment(id))/stop"
        let response = try await send(apiCall("POST", path, idempotent: false, retriesConflicts: true))
        return try decode(DaytonaSandboxDTO.self, response, call: "POST \(path)")
    }

    /// `GET /sandbox/{id}/toolbox-proxy-url` → `{url}` (v0.135+), for DTOs without `toolboxProxyUrl`.
    func toolboxProxyURL(_ id: String) async throws -> String {
        let path = "/sandbox/\(Self.segment(id))/toolbox-proxy-url"
        let response = try await send(apiCall("GET", path, idempotent: true))
        return try decode(DaytonaURLBody.self, response, call: "GET \(path)").url
    }

    // MARK: Building calls

    /// A main-API call on `apiURL` + `path`.
    func apiCall(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        idempotent: Bool, retriesConflicts: Bool = false, timeoutSeconds: Double? = nil
    ) -> DaytonaCall {
        DaytonaCall(
            service: .api, method: method, url: Self.url(apiURL, path, query), path: path, body: body,
            contentType: body == nil ? nil : "application/json", timeoutSeconds: timeoutSeconds ?? requestTimeoutSeconds,
            idempotent: idempotent, retriesConflicts: retriesConflicts)
    }

    /// `base` + `path` + `?query`, every query name and value percent-encoded (unreserved kept).
    static func url(_ base: URL, _ path: String, _ query: [(String, String)] = []) -> URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty {
            text += "?" + query.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        }
        return URL(string: text)!
    }

    /// `text` percent-encoded for one path segment or query component.
    /// One path segment, percent-encoded; `.` and `..` are encoded too, so that no id can step
    /// out of its collection (`/sandbox/..` would otherwise become `/`).
    static func segment(_ text: String) -> String {
        text == "." || text == ".." ? String(repeating: "%2E", count: text.count) : encode(text)
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: DaytonaHTTPResponse, call: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw DaytonaError.invalidResponse(call: call, reason: redactor.redact("cannot decode \(T.self): \(error)"))
        }
    }

    // MARK: Transport

    /// Sends `call`, retrying as ``DaytonaRetryPolicy`` allows.
    /// - Throws: ``DaytonaError`` (the last failure), or `CancellationError` when the task is cancelled.
    func send(_ call: DaytonaCall) async throws -> DaytonaHTTPResponse {
        var attempt = 1
        var waited = 0.0
        while true {
            try Task.checkCancellation()
            do {
                return try await sendOnce(call)
            } catch let error as DaytonaError {
                guard attempt < policy.maxAttempts,
                    let reason = DaytonaRetryPolicy.reason(for: error, idempotent: call.idempotent, retriesConflicts: call.retriesConflicts)
                else { throw error }
                let headerDelay = reason == .rateLimited ? error.failure?.retryAfterSeconds : nil
                let wait = policy.delay(retry: attempt, headerDelay: headerDelay, random: clock.random())
                guard waited + wait <= policy.maxTotalWaitSeconds else {
                    logger.warning(
                        "Daytona call gives up: retry budget spent",
                        metadata: ["call": "\(call.name)", "reason": "\(reason.rawValue)", "waited_s": "\(waited)"])
                    throw error
                }
                logger.notice(
                    "retrying Daytona call",
                    metadata: [
                        "call": "\(call.name)", "reason": "\(reason.rawValue)", "attempt": "\(attempt + 1)",
                        "wait_s": "\(String(format: "%.2f", wait))",
                    ])
                try await clock.sleep(.seconds(clamped: wait))
                waited += wait
                attempt += 1
            }
        }
    }

    private func sendOnce(_ call: DaytonaCall) async throws -> DaytonaHTTPResponse {
        var request = URLRequest(url: call.url, timeoutInterval: max(1, call.timeoutSeconds))
        request.httpMethod = call.method
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue(Self.source, forHTTPHeaderField: "X-Daytona-Source")
        request.setValue(Self.sdkVersion, forHTTPHeaderField: "X-Daytona-SDK-Version")
        request.setValue("dayshift (\(Self.source)/\(Self.sdkVersion))", forHTTPHeaderField: "User-Agent")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body = call.body {
            request.httpBody = body
            request.setValue(call.contentType ?? "application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await perform(request, deadlineSeconds: max(1, call.timeoutSeconds))
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            recorder.requestFinished(.daytona, status: nil)
            let urlError = error as? URLError
            let timedOut = urlError?.code == .timedOut
            let reason = urlError.map { "network error \($0.code.rawValue)\(timedOut ? ", after \(Int(call.timeoutSeconds)) s" : "")" }
                ?? redactor.redact("\(error)")
            logger.debug("Daytona call got no answer", metadata: ["call": "\(call.name)", "reason": "\(reason)"])
            throw DaytonaError.transport(call: call.name, reason: reason, timedOut: timedOut)
        }
        guard let http = response as? HTTPURLResponse else {
            recorder.requestFinished(.daytona, status: nil)
            throw DaytonaError.invalidResponse(call: call.name, reason: "not an HTTP response")
        }
        recorder.requestFinished(.daytona, status: http.statusCode)
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            headers["\(key)".lowercased()] = "\(value)"
        }
        logger.debug("Daytona call", metadata: ["call": "\(call.name)", "status": "\(http.statusCode)"])
        guard (200..<300).contains(http.statusCode) else {
            throw DaytonaError.response(
                DaytonaHTTPFailure.decode(call: call.name, status: http.statusCode, body: data, headers: headers, redactor: redactor))
        }
        return DaytonaHTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// One request as a completion-handler data task with this client's own deadline.
    ///
    /// - The task is cancelled when the calling task is (async `URLSession.data(for:)` does not
    ///   reliably honour cancellation on Linux).
    /// - After `deadlineSeconds` it is cancelled and `URLError(.timedOut)` is thrown:
    ///   swift-corelibs-foundation ignores `URLRequest.timeoutInterval` and only applies the session
    ///   configuration's `timeoutIntervalForRequest`.
    private func perform(_ request: URLRequest, deadlineSeconds: Double) async throws -> (Data, URLResponse) {
        let handle = DaytonaDataTaskHandle()
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(deadlineSeconds * 1000)))
            if !Task.isCancelled { handle.timeOut() }
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if handle.didTimeOut {
                        continuation.resume(throwing: URLError(.timedOut))
                    } else if let error {
                        continuation.resume(throwing: error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                handle.start(task)
            }
        } onCancel: {
            handle.cancel()
        }
    }
}

/// The data task of one call, so a cancellation (or the deadline) arriving before or after it starts
/// cancels it.
private final class DaytonaDataTaskHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false
    private var timedOut = false

    var didTimeOut: Bool {
        lock.lock()
        defer { lock.unlock() }
        return timedOut
    }

    func timeOut() {
        lock.lock()
        timedOut = true
        lock.unlock()
        cancel()
    }

    func start(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancelNow = cancelled
        lock.unlock()
        task.resume()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
