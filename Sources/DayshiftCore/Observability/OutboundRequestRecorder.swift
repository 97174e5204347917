/// The services Dayshift sends requests to, as named in metrics (`service` label).
public enum OutboundService: String, Sendable, CaseIterable {
    /// GitHub's REST API (or GitHub Enterprise Server, or the emulator).
    case github
    /// Daytona's main and toolbox APIs.
    case daytona
    /// Anthropic's API, through the LLM proxy.
    case anthropic
    /// An OpenAI-compatible API, through the LLM proxy.
    case openai
}

/// Told about every request a client of another service finishes, for metrics. Defined here, at
/// the bottom of the module graph, so that the GitHub and Daytona clients can report without
/// depending on a metrics library; the server injects the implementation.
///
/// Implementations must be cheap and must not throw or block: they run on the request path.
public protocol OutboundRequestRecorder: Sendable {
    /// One request ended: `status` is the HTTP status of its answer, `nil` when no answer came
    /// (network error, timeout). Each retry is its own request.
    func requestFinished(_ service: OutboundService, status: Int?)
    /// GitHub's `x-ratelimit-remaining` as read from an answer.
    func rateLimitRemaining(_ service: OutboundService, _ remaining: Int)
}

/// Records nothing (the default for clients built without metrics, e.g. in unit tests).
public struct NoOutboundRequestRecorder: OutboundRequestRecorder {
    public init() {}
    public func requestFinished(_ service: OutboundService, status: Int?) {}
    public func rateLimitRemaining(_ service: OutboundService, _ remaining: Int) {}
}
