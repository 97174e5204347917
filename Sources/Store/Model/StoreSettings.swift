/// The SQLite settings a ``Store``'s connections really run with, as SQLite reports them.
public struct StoreSettings: Sendable, Equatable {
    /// The writer's `PRAGMA synchronous`: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    public var writerSynchronous: Int
    /// A reader's `PRAGMA synchronous` (readers never write, so it does not bear on durability).
    public var readerSynchronous: Int
    /// `PRAGMA journal_mode`, e.g. `wal` (`memory` for an in-memory store).
    public var journalMode: String
}
