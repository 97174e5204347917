/// The schema of a database file as found, read without changing it (``Store/inspect(directory:)``).
public struct SchemaStatus: Sendable, Equatable {
    /// Migrations applied, oldest first; their count is the schema version.
    public var applied: [String]
    /// Migrations this version knows that the file lacks (`serve` and `migrate` apply them).
    public var pending: [String]
}
