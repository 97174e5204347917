/// Keeps only the last `limit` bytes of a byte stream, so a chatty command cannot exhaust memory.
///
/// Memory use is bounded by about `2 × limit` bytes: bytes are appended to a buffer that is
/// compacted to its last `limit` bytes whenever it grows past twice the limit.
public struct OutputTail: Sendable {
    /// The number of bytes kept from the end of the stream (0 or more).
    public let limit: Int
    /// Every byte ever appended, including the ones dropped from the front.
    public private(set) var totalByteCount: Int = 0
    private var buffer: [UInt8] = []

    /// - Parameter limit: how many bytes of the end of the stream to keep; negative values count as 0.
    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// True when bytes were dropped from the front to respect ``limit``.
    public var isTruncated: Bool { totalByteCount > limit }

    /// Appends `bytes` to the stream.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        totalByteCount += bytes.count
        guard limit > 0 else { return }
        if bytes.count >= limit {
            buffer = Array(bytes.suffix(limit))
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count > limit * 2 {
            buffer.removeFirst(buffer.count - limit)
        }
    }

    /// The kept bytes: at most ``limit`` bytes, the end of the stream.
    public var bytes: [UInt8] {
        Array(buffer.suffix(limit))
    }

    /// The kept bytes as UTF-8 text. Invalid sequences are replaced with U+FFFD; when the front was
    /// dropped, continuation bytes of a character cut in half are skipped instead of being replaced.
    public var text: String {
        var kept = buffer.suffix(limit)[...]
        if isTruncated {
            var skipped = 0
            while skipped < 3, let first = kept.first, first & 0b1100_0000 == 0b1000_0000 {
                kept = kept.dropFirst()
                skipped += 1
            }
        }
        return String(decoding: kept, as: UTF8.self)
    }
}
