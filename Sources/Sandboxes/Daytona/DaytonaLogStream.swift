import Foundation

/// Splits a toolbox session log into stdout and stderr and strips the stream markers
/// (`daytona.md` §9.3): each chunk of output is prefixed with `01 01 01` (stdout) or `02 02 02`
/// (stderr).
///
/// Feed it bytes in any chunking with ``append(_:)``; a marker cut across two chunks is held back
/// (at most 2 bytes) until the next one, as the SDKs do for followed logs. ``combined`` keeps the
/// last `limit` bytes of both streams in write order, markers removed (bytes before the first marker
/// count as output too); ``stdout`` and ``stderr`` keep the last `limit` bytes of each stream.
struct DaytonaLogDemuxer: Sendable {
    enum Stream: Sendable { case none, stdout, stderr }

    private(set) var combined: OutputTail
    private(set) var stdout: OutputTail
    private(set) var stderr: OutputTail
    private var current: Stream = .none
    private var pending: [UInt8] = []

    /// - Parameter limit: bytes kept of each of ``combined``, ``stdout`` and ``stderr``.
    init(limit: Int) {
        combined = OutputTail(limit: limit)
        stdout = OutputTail(limit: limit)
        stderr = OutputTail(limit: limit)
    }

    /// Adds the next bytes of the log.
    mutating func append(_ bytes: some Collection<UInt8>) {
        var input = pending
        pending = []
        input.append(contentsOf: bytes)
        var index = 0
        var runStart = 0
        while index < input.count {
            let byte = input[index]
            guard byte == 0x01 || byte == 0x02 else {
                index += 1
                continue
            }
            let available = input.count - index
            if available < 3 {
                // Maybe the start of a marker cut by the chunking: hold it back when it could be one.
                if input[index...].allSatisfy({ $0 == byte }) {
                    emit(input[runStart..<index])
                    pending = Array(input[index...])
                    return
                }
                index += 1
                continue
            }
            if input[index + 1] == byte, input[index + 2] == byte {
                emit(input[runStart..<index])
                current = byte == 0x01 ? .stdout : .stderr
                index += 3
                runStart = index
            } else {
                index += 1
            }
        }
        emit(input[runStart..<input.count])
    }

    /// Flushes held-back bytes (a lone `01` or `01 01` at the very end is output, not a marker).
    mutating func finish() {
        let rest = pending
        pending = []
        emit(rest[...])
    }

    private mutating func emit(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        combined.append(bytes)
        switch current {
        case .stdout: stdout.append(bytes)
        case .stderr: stderr.append(bytes)
        case .none: break
        }
    }

    /// Demultiplexes a complete log at once.
    static func demux(_ data: some Collection<UInt8>, limit: Int) -> DaytonaLogDemuxer {
        var demuxer = DaytonaLogDemuxer(limit: limit)
        demuxer.append(data)
        demuxer.finish()
        return demuxer
    }
}

/// The answer of toolbox `GET /process/session/{sid}/command/{cid}/logs` reduced to the combined
/// output: JSON `{output, stdout, stderr}` when the daemon honoured `X-Daytona-SDK-Version` ≥ 0.167,
/// else plain text (markers present or already stripped). Either way the markers are removed and
/// only the last `limit` bytes are kept.
enum DaytonaSessionLogs {
    static func combinedOutput(body: Data, contentType: String, limit: Int) -> OutputTail {
        if contentType.lowercased().contains("json") || body.first == UInt8(ascii: "{"),
            let logs = try? JSONDecoder().decode(DaytonaSessionLogsBody.self, from: body),
            logs.output != nil || logs.stdout != nil || logs.stderr != nil
        {
            if let output = logs.output {
                return DaytonaLogDemuxer.demux(Array(output.utf8), limit: limit).combined
            }
            // No combined form: stdout, then stderr.
            var tail = OutputTail(limit: limit)
            tail.append(Array((logs.stdout ?? "").utf8))
            tail.append(Array((logs.stderr ?? "").utf8))
            return tail
        }
        return DaytonaLogDemuxer.demux(body, limit: limit).combined
    }
}
