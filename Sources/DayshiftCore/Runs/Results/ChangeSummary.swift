/// What a published commit changed: paths by kind of change, and the bytes written.
public struct ChangeSummary: Codable, Sendable, Equatable {
    /// Paths written (added or modified), sorted.
    public var written: [String]
    /// Paths deleted, sorted.
    public var deleted: [String]
    /// Bytes of file and link contents written.
    public var bytes: Int

    public init(written: [String], deleted: [String], bytes: Int) {
        self.written = written
        self.deleted = deleted
        self.bytes = bytes
    }
}
