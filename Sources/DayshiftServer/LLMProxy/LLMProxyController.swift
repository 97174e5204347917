import HTTPTypes
import Hummingbird

/// The LLM proxy's endpoint: `/llm/anthropic/…` and `/llm/openai/…`, every method, so that any
/// path outside the documented API is answered 404 in the upstream's own error shape (see
/// ``LLMProxy`` for the checks and ``LLMProvider`` for the forwarded paths).
struct LLMProxyController<Context: RequestContext>: Sendable {
    let proxy: LLMProxy

    func addRoutes(to group: RouterGroup<Context>) {
        for provider in LLMProvider.allCases {
            for method: HTTPRequest.Method in [.get, .post, .put, .patch, .delete, .head, .options] {
                group.on(RouterPath("\(provider.rawValue)/**"), method: method) { request, _ in
                    try await proxy.handle(provider, request)
                }
            }
        }
    }
}
