import DayshiftConfig
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The LLM proxy: forwards a sandbox's model calls upstream with the real key, streams the answer
/// back unchanged, and meters tokens and cost onto the run.
///
/// Each call, in order (any refusal is answered in the upstream's error shape, and nothing reaches
/// the upstream):
/// 1. the run token (``RunTokens``) must be valid (constant-time HMAC check) and its run `running` → else 401;
/// 2. the path must be one of the provider's documented API paths (``LLMProvider``) → else 404;
/// 3. the server must hold a key for the provider → else 403;
/// 4. the run must be under `llm.max_requests_per_minute` and `llm.max_bytes_per_run` → else 429;
/// 5. the request body must be at most 32 MiB → else 413.
/// An unreachable upstream is 502. Request and response bodies are never logged.
public struct LLMProxy: Sendable {
    let settings: LLMSettings
    let store: Store
    let tokens: RunTokens
    let limiter: RunRateLimiter
    let logger: Logger
    let warnedModels = WarnedModels()
    /// Counts upstream requests by status, and metered tokens and cost.
    let metrics: DayshiftMetrics
    /// Largest request body forwarded (Anthropic's own limit for Messages is 32 MB).
    static let maxRequestBytes = 32 * 1024 * 1024
    /// No byte from the upstream for this long ends the call (a long non-streaming answer can take minutes).
    static let idleTimeoutSeconds = 600.0

    /// - Parameters:
    ///   - settings: `llm.*`, with the keys resolved.
    ///   - metrics: where upstream requests, tokens and cost are counted (the server's own).
    public init(settings: LLMSettings, store: Store, tokens: RunTokens, logger: Logger, metrics: DayshiftMetrics = DayshiftMetrics()) {
        self.metrics = metrics
        self.settings = settings
        self.store = store
        self.tokens = tokens
        self.limiter = RunRateLimiter(limit: settings.maxRequestsPerMinute)
        self.logger = logger
    }

    func upstream(_ provider: LLMProvider) -> LLMUpstreamSettings {
        provider == .anthropic ? settings.anthropic : settings.openai
    }

    /// Answers one call to `/llm/<provider>/<path>`.
    func handle(_ provider: LLMProvider, _ request: Request) async throws -> Response {
        guard let token = provider.clientToken(request.headers), let runID = tokens.runID(of: token) else {
            return refuse(provider, .unauthenticated, "invalid run token: the proxy takes the token Dayshift gave this run")
        }
        guard try await store.run(id: runID)?.status == .running else {
            return refuse(provider, .unauthenticated, "this run token has expired: its run is no longer running")
        }
        let prefix = "/llm/\(provider.rawValue)/"
        let path = request.uri.path
        let query = request.uri.query
        guard path.hasPrefix(prefix), provider.routes.contains("\(request.method.rawValue) \(path.dropFirst(prefix.count))"),
              query.map(Self.isPlainQuery) ?? true else {
            return refuse(provider, .notFound, "not an API path this proxy forwards: \(request.method.rawValue) \(path)")
        }
        let upstream = upstream(provider)
        guard !upstream.apiKey.isEmpty else {
            return refuse(provider, .forbidden, "this Dayshift server holds no \(provider.rawValue) key")
        }
        var log = logger
        log[metadataKey: "run"] = "\(runID)"
        log[metadataKey: "llm"] = "\(provider.rawValue) \(request.method.rawValue) \(path.dropFirst(prefix.count))"
        guard limiter.admit(runID: runID) else {
            log.warning("LLM call refused: llm.max_requests_per_minute reached")
            return refuse(provider, .rateLimited, "this run made \(settings.maxRequestsPerMinute) model calls in the last minute (llm.max_requests_per_minute)",
                          retryAfter: "60")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxRequestBytes {
            return refuse(provider, .tooLarge, "request body over \(Self.maxRequestBytes) bytes")
        }
        let body: Data
        do {
            body = Data(try await request.body.collect(upTo: Self.maxRequestBytes).readableBytesView)
        } catch {
            return refuse(provider, .tooLarge, "request body over \(Self.maxRequestBytes) bytes")
        }
        guard let inFlightBytes = limiter.begin(runID: runID, bytes: body.count) else {
            log.warning("LLM call refused: too many calls in flight for this run")
            return refuse(provider, .rateLimited, "this run has \(RunRateLimiter.maxConcurrentCalls) model calls in flight already", retryAfter: "1")
        }
        var handedOff = false
        defer { if !handedOff { limiter.end(runID: runID, bytes: body.count) } }
        // Bytes already recorded, plus what the calls in flight (this one included) carry.
        if settings.maxBytesPerRun > 0, (try await store.usage(runID: runID)?.bytes ?? 0) + inFlightBytes > settings.maxBytesPerRun {
            log.warning("LLM call refused: llm.max_bytes_per_run reached")
            return refuse(provider, .rateLimited, "this run has used its \(settings.maxBytesPerRun) bytes of model traffic (llm.max_bytes_per_run)")
        }
        guard let url = URL(string: upstream.baseURL + "/" + path.dropFirst(prefix.count) + (query.map { "?" + $0 } ?? "")) else {
            return refuse(provider, .notFound, "not an API path this proxy forwards")
        }
        var forward = URLRequest(url: url)
        forward.httpMethod = request.method.rawValue
        for name in provider.forwardedRequestHeaders {
            if let value = request.headers[name] { forward.setValue(value, forHTTPHeaderField: name.canonicalName) }
        }
        provider.authorize(&forward, key: upstream.apiKey)
        if request.method == .post { forward.httpBody = body }

        let callLogger = log
        let meter = CallMeter(requestedModel: Self.model(in: body), requestBytes: body.count)
        let proxy = self
        let started = Date()
        let (head, stream): (UpstreamHead, AsyncThrowingStream<Data, any Error>)
        do {
            let requestBytes = body.count
            (head, stream) = try await UpstreamCall.start(forward, idleTimeoutSeconds: Self.idleTimeoutSeconds, onData: { meter.append($0) }) { error in
                // The meter is written before the bytes leave the in-flight count, so the byte limit
                // never sees a call in neither.
                let call = meter.finish()
                Task {
                    await proxy.record(call, runID: runID, provider: provider, error: error, started: started, logger: callLogger)
                    proxy.limiter.end(runID: runID, bytes: requestBytes)
                }
            }
            handedOff = true
            metrics.requestFinished(provider.outboundService, status: head.status)
        } catch {
            metrics.requestFinished(provider.outboundService, status: nil)
            log.warning("LLM upstream unreachable", metadata: ["error": "\((error as? URLError)?.code.rawValue ?? -1)"])
            return refuse(provider, .badGateway, "the upstream \(provider.rawValue) API could not be reached")
        }
        var headers = HTTPFields()
        for (name, value) in head.headers where Self.isForwardedResponseHeader(name) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: head.status), headers: headers, body: ResponseBody(asyncSequence: ByteBufferStream(base: stream)))
    }

    /// Adds a finished call to the run's usage, and logs one line (no bodies).
    func record(_ call: MeteredCall, runID: Int64, provider: LLMProvider, error: (any Error)?, started: Date, logger: Logger) async {
        var usage = ModelCallUsage(inputTokens: call.inputTokens, outputTokens: call.outputTokens, bytes: call.bytes)
        if let model = call.model, let price = settings.price(for: model) {
            usage.costUSD = price.cost(inputTokens: call.inputTokens, outputTokens: call.outputTokens)
        } else if call.inputTokens + call.outputTokens > 0 {
            let model = call.model ?? "(unnamed)"
            usage.unpricedModel = model
            if warnedModels.first(model) {
                logger.warning("no price for this model in llm.prices: its calls count 0 USD", metadata: ["model": "\(model)"])
            }
        }
        metrics.modelCall(provider: provider, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUSD: usage.costUSD)
        do {
            try await store.addModelUsage(runID: runID, usage)
        } catch {
            logger.error("could not record model usage", metadata: ["error": "\(error)"])
        }
        logger.info("LLM call", metadata: [
            "model": "\(call.model ?? "?")", "input_tokens": "\(usage.inputTokens)", "output_tokens": "\(usage.outputTokens)",
            "cost_usd": "\(usage.costUSD)", "bytes": "\(usage.bytes)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
            "ended": "\(error == nil ? "complete" : "interrupted")",
        ])
    }

    func refuse(_ provider: LLMProvider, _ refusal: LLMProvider.Refusal, _ message: String, retryAfter: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: refusal.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: provider.errorBody(refusal, message: message))))
    }

    /// The `model` a JSON request body names, if any.
    static func model(in body: Data) -> String? {
        guard body.first == UInt8(ascii: "{"), let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        return object["model"] as? String
    }

    /// A query string of plain characters only (Claude Code sends `?beta=true`).
    static func isPlainQuery(_ query: String) -> Bool {
        query.utf8.count <= 1024 && query.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-._~=&%+,".unicodeScalars.contains(scalar))
        }
    }

    /// Response headers handed back: the body's type, and what tells a client to slow down or names a request.
    static func isForwardedResponseHeader(_ name: String) -> Bool {
        let name = name.lowercased()
        return ["content-type", "retry-after", "request-id", "x-request-id", "cache-control"].contains(name)
            || name.hasPrefix("anthropic-ratelimit-") || name.hasPrefix("x-ratelimit-")
    }
}

/// The meter of one call, fed from `URLSession`'s delegate thread.
final class CallMeter: Sendable {
    private let state: Mutex<(meter: UsageMeter, bytes: Int)>

    init(requestedModel: String?, requestBytes: Int) {
        state = Mutex((UsageMeter(requestedModel: requestedModel), requestBytes))
    }

    func append(_ data: Data) {
        state.withLock { state in
            state.meter.append(data)
            state.bytes += data.count
        }
    }

    func finish() -> MeteredCall {
        state.withLock { state in
            state.meter.finish()
            return MeteredCall(model: state.meter.model, inputTokens: state.meter.inputTokens, outputTokens: state.meter.outputTokens, bytes: state.bytes)
        }
    }
}

/// What one call used.
struct MeteredCall: Sendable {
    var model: String?
    var inputTokens: Int
    var outputTokens: Int
    /// Request and response body bytes.
    var bytes: Int
}

/// Models already warned about (one warning per model per process).
final class WarnedModels: Sendable {
    private let models = Mutex<Set<String>>([])
    /// True the first time `model` is seen.
    func first(_ model: String) -> Bool { models.withLock { $0.insert(model).inserted } }
}

/// The upstream's body chunks as `ByteBuffer`s, for `ResponseBody(asyncSequence:)`.
struct ByteBufferStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: AsyncThrowingStream<Data, any Error>

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Data, any Error>.AsyncIterator
        mutating func next() async throws -> ByteBuffer? {
            guard let data = try await base.next() else { return nil }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
