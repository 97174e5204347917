import Foundation
import GitHub
import HTTPTypes
import Hummingbird
import IssueObjects
import NIOCore

/// `POST /webhooks/github`: GitHub's webhook deliveries.
///
/// | answer | when |
/// |---|---|
/// | 202 | stored (acted on or ignored, with the reason) |
/// | 200 | `ping`, or a GUID seen before |
/// | 400 | missing `X-GitHub-Event` / `X-GitHub-Delivery`, or the body is not a JSON object (nor a form with one in `payload`) |
/// | 401 | missing or wrong `X-Hub-Signature-256` |
/// | 413 | body over `server.max_body_bytes` (25 MiB by default) |
/// | 503 | the server is shutting down (with `Retry-After`) |
///
/// Nothing is stored on a 4xx, and no work is done inside the request.
struct WebhookController<Context: RequestContext>: Sendable {
    let intake: DeliveryIntake
    let runtime: IssueObjectRuntime
    let gate: IntakeGate
    let maxBodyBytes: Int
    /// Counts every request by event and decision (`dayshift_deliveries_total`).
    let metrics: DayshiftMetrics

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("github", use: receive)
    }

    @Sendable func receive(_ request: Request, context: Context) async throws -> Response {
        let event = request.headers[HTTPField.Name("X-GitHub-Event")!]
        do {
            let (response, decision) = try await answer(request)
            metrics.delivery(event: event, decision: decision)
            return response
        } catch let error as HTTPError where error.status == .contentTooLarge {
            metrics.delivery(event: event, decision: .tooLarge)
            throw error
        } catch {
            metrics.delivery(event: event, decision: .failed)
            throw error
        }
    }

    private func answer(_ request: Request) async throws -> (Response, DayshiftMetrics.IntakeDecision) {
        guard gate.isOpen else {
            var response = Self.json(.serviceUnavailable, ["error": "shutting down; redeliver later"])
            response.headers[HTTPField.Name("Retry-After")!] = "30"
            return (response, .unavailable)
        }
        // Refuse before buffering up to 25 MiB: an unsigned request costs no memory.
        let signature = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
        guard WebhookSignature.isWellFormed(header: signature) else {
            // A proxy that strips the header, or a webhook configured without a secret, shows here.
            intake.logger.warning("webhook refused: \(signature == nil ? "no" : "malformed") X-Hub-Signature-256 header",
                                  metadata: ["delivery": "\(request.headers[HTTPField.Name("X-GitHub-Delivery")!]?.prefix(200) ?? "-")"])
            return (Self.json(.unauthorized, ["error": "missing or invalid X-Hub-Signature-256"]), .unauthorized)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw HTTPError(.contentTooLarge)
        }
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        let body = Data(buffer.readableBytesView)
        let outcome = try await intake.receive(body: body, signature: signature,
                                         event: request.headers[HTTPField.Name("X-GitHub-Event")!],
                                         guid: request.headers[HTTPField.Name("X-GitHub-Delivery")!],
                                         contentType: request.headers[.contentType])
        switch outcome {
        case .accepted(let acted, let reason):
            if acted { runtime.notifyNewMessages() }
            return (Self.json(.accepted, ["status": "accepted", "acted": acted ? "true" : "false", "reason": reason]), acted ? .acted : .ignored)
        case .pong:
            return (Self.json(.ok, ["status": "pong"]), .ignored)
        case .duplicate:
            return (Self.json(.ok, ["status": "duplicate"]), .duplicate)
        case .unauthorized:
            return (Self.json(.unauthorized, ["error": "missing or invalid X-Hub-Signature-256"]), .unauthorized)
        case .badRequest(let reason):
            return (Self.json(.badRequest, ["error": reason]), .badRequest)
        }
    }

    static func json(_ status: HTTPResponse.Status, _ fields: KeyValuePairs<String, String>) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: WebhookAnswer.body(fields))))
    }
}

/// The body of an answer to a webhook delivery: a JSON object of string fields, keys sorted,
/// written directly (`JSONSerialization` cost ~25 µs per delivery, 5–6 % of the server's CPU
/// under load). Public so that the benchmarks time what the route does.
public enum WebhookAnswer {
    public static func body(_ fields: KeyValuePairs<String, String>) -> String {
        var text = "{"
        for (index, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text += "," }
            text += JSONLogHandler.quoted(field.key) + ":" + JSONLogHandler.quoted(field.value)
        }
        return text + "}"
    }
}
