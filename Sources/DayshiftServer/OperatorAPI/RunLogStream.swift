import Foundation
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
