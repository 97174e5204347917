import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// A run's log as Server-Sent Events (`text/event-stream`): each new ``RunLogEntry`` as an event
/// `log` with its id, polled off the journal, until the run has finished (then an event `end`),
/// the server starts shutting down, or the client goes away. A comment line every 15 s keeps
/// proxies from closing a quiet stream.
struct RunLogStream: Sendable {
    let store: Store
    let gate: IntakeGate
    let runID: Int64
    /// Entries up to this id were seen already (`Last-Event-ID`).
    let after: Int
    let pollInterval: Duration

    init(store: Store, gate: IntakeGate, runID: Int64, after: Int, pollInterval: Duration) {
        self.store = store
        self.gate = gate
        self.runID = runID
        self.after = after
        self.pollInterval = pollInterval
    }

    /// A stream that continues after the request's `Last-Event-ID` (a browser's `EventSource`
    /// sends it when it reconnects), else from the start.
    /// - Throws: ``APIProblem`` 400 when `Last-Event-ID` is not a log entry id.
    init(store: Store, gate: IntakeGate, runID: Int64, request: Request, pollInterval: Duration) throws {
        var after = 0
        if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let value = Int(header.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw APIProblem.badRequest("Last-Event-ID: expected a log entry id")
            }
            after = value
        }
        self.init(store: store, gate: gate, runID: runID, after: after, pollInterval: pollInterval)
    }

    /// The `text/event-stream` response that writes this stream.
    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                 body: ResponseBody { writer in try await write(to: &writer) })
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var last = after
        var quietSince = ContinuousClock.now
        while gate.isOpen {
            guard let journal = try await store.journal(runID: runID) else { break }
            for entry in RunLogEntry.entries(of: journal) where entry.id > last {
                try await writer.write(ByteBuffer(string: "id: \(entry.id)\nevent: log\ndata: \(String(decoding: entry.json.data(), as: UTF8.self))\n\n"))
                last = entry.id
                quietSince = .now
            }
            if journal.run.status.isFinal {
                try await writer.write(ByteBuffer(string: "event: end\ndata: {}\n\n"))
                break
            }
            if ContinuousClock.now - quietSince > .seconds(15) {
                try await writer.write(ByteBuffer(string: ": still running\n\n"))
                quietSince = .now
            }
            try await Task.sleep(for: pollInterval)
        }
        try await writer.finish(nil)
    }
}
