import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store
import Synchronization

/// How many live log streams one server keeps open at once (the operator API's and the
/// dashboard's together): each polls the database, so an unbounded number would starve it.
final class LogStreamSlots: Sendable {
    let limit: Int
    private let inUse = Mutex(0)

    init(limit: Int = 64) {
        self.limit = limit
    }

    /// True when a stream could start now.
    var available: Bool { inUse.withLock { $0 < limit } }

    /// Takes a slot; false when all are in use.
    func take() -> Bool {
        inUse.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() {
        inUse.withLock { $0 = max(0, $0 - 1) }
    }
}

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

    /// The `text/event-stream` response that writes this stream, holding one of `slots` while it does.
    /// - Throws: ``APIProblem`` 503 while the server shuts down or when every slot is in use.
    func response(slots: LogStreamSlots) throws -> Response {
        guard gate.isOpen else { throw APIProblem(status: .serviceUnavailable, detail: "the server is shutting down") }
        guard slots.available else {
            throw APIProblem(status: .serviceUnavailable, detail: "\(slots.limit) live log streams are open already; try again later")
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: ResponseBody { writer in
            // Taken where the stream runs, so a response never written holds no slot; the rare
            // loser of a race for the last one gets an empty stream that ends at once.
            guard slots.take() else {
                try await writer.write(ByteBuffer(string: "event: end\ndata: {}\n\n"))
                try await writer.finish(nil)
                return
            }
            defer { slots.release() }
            try await write(to: &writer)
        })
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var last = after
        var quietSince = ContinuousClock.now
        while gate.isOpen {
            guard let journal = try await store.journal(runID: runID) else { break }
            for entry in RunLogEntry.entries(of: journal) where entry.id > last {
                try await writer.write(ByteBuffer(string: "id: \(entry.id)\nevent: log\ndata: \(String(decoding: entry.json.encoded(), as: UTF8.self))\n\n"))
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
