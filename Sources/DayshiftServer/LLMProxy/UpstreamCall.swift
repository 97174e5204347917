import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The status and headers of an upstream answer.
struct UpstreamHead: Sendable {
    var status: Int
    /// Header names as the upstream sent them (curl's casing), values as received.
    var headers: [String: String]
}

/// One HTTP call to an upstream model API whose response body is handed on chunk by chunk, as
/// `URLSession` receives it (server-sent events are never buffered whole). Redirects are not
/// followed: the 3xx itself is the answer, so a response can never send the proxy elsewhere.
///
/// Each call has its own ephemeral `URLSession` (no cookies, no cache), invalidated when the call
/// ends. `onData` sees every body chunk and `onEnd` runs exactly once when the call ends — also when
/// the client went away and the call was cancelled — so metering never depends on the client.
final class UpstreamCall: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var head: CheckedContinuation<UpstreamHead, any Error>?
        var ended = false
    }
    private let state = Mutex(State())
    private let body: AsyncThrowingStream<Data, any Error>.Continuation
    private let onData: @Sendable (Data) -> Void
    private let onEnd: @Sendable ((any Error)?) -> Void

    private init(body: AsyncThrowingStream<Data, any Error>.Continuation, onData: @escaping @Sendable (Data) -> Void,
                 onEnd: @escaping @Sendable ((any Error)?) -> Void) {
        self.body = body
        self.onData = onData
        self.onEnd = onEnd
    }

    /// Sends `request` and returns once the response head has arrived.
    /// - Parameters:
    ///   - idleTimeoutSeconds: no byte for this long ends the call with an error.
    /// - Returns: the head, and the body as it arrives (cancelling its iteration cancels the call).
    /// - Throws: `URLError` when no response head arrives (connection refused, timeout, TLS).
    static func start(_ request: URLRequest, idleTimeoutSeconds: Double, onData: @escaping @Sendable (Data) -> Void,
                      onEnd: @escaping @Sendable ((any Error)?) -> Void) async throws -> (UpstreamHead, AsyncThrowingStream<Data, any Error>) {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let call = UpstreamCall(body: continuation, onData: onData, onEnd: onEnd)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeoutSeconds
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: call, delegateQueue: nil)
        let task = session.dataTask(with: request)
        continuation.onTermination = { _ in task.cancel() }
        session.finishTasksAndInvalidate()
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (head: CheckedContinuation<UpstreamHead, any Error>) in
                call.state.withLock { $0.head = head }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        return (head, stream)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        var headers: [String: String] = [:]
        let http = response as? HTTPURLResponse
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        let head = UpstreamHead(status: http?.statusCode ?? 502, headers: headers)
        state.withLock { $0.head.take() }?.resume(returning: head)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        onData(data)
        body.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (head, first) = state.withLock { state -> (CheckedContinuation<UpstreamHead, any Error>?, Bool) in
            defer { state.ended = true }
            return (state.head.take(), !state.ended)
        }
        head?.resume(throwing: error ?? URLError(.badServerResponse))
        if let error { body.finish(throwing: error) } else { body.finish() }
        if first { onEnd(error) }
    }
}
