import Foundation
import Logging

/// The one owner of SQL. Every public method is one domain operation in one transaction, taking
/// and returning DayshiftCore types (the JSON of snapshots, contexts and step results is encoded
/// and decoded inside), and every one is `async`: a caller waits for the disk without holding a
/// thread of the cooperative pool.
///
/// Two backends implement the same operations (``StoreBackend``):
/// - SQLite (the default, ``init(directory:logger:)``): a WAL-mode file `<data_dir>/dayshift.sqlite`
///   whose writer runs at `synchronous=FULL` (an acknowledged delivery survives power loss), with a
///   5 s busy timeout and write transactions begun IMMEDIATE. Writes that arrive together share a
///   transaction (group commit: one fsync for the batch, each write in its own savepoint), and each
///   caller returns once its write is committed. ``inMemory(logger:)`` gives the same schema in
///   memory, for unit tests.
/// - PostgreSQL (``postgres(_:logger:)``), shared by several replicas.
public final class Store: Sendable {
    let backend: any StoreBackend
    /// The database engine and its version, e.g. `sqlite 3.40.1` or `postgresql 15.18`.
    public let engine: String

    init(backend: any StoreBackend) {
        self.backend = backend
        engine = backend.engine
    }

    /// Opens (creating if needed) the SQLite database in `directory` and migrates it.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated; file-system errors.
    public convenience init(directory: URL, logger: Logger) throws {
        self.init(backend: try SQLiteStore(directory: directory, logger: logger))
    }

    /// A store whose SQLite database lives in memory only (gone with the store): the same schema
    /// and operations, for unit tests.
    /// - Throws: GRDB's `DatabaseError` when the schema cannot be created.
    public static func inMemory(logger: Logger = Logger(label: "dayshift.store")) throws -> Store {
        Store(backend: try SQLiteStore.inMemory(logger: logger))
    }

    /// The SQLite library version in use, e.g. `3.40.1`; `nil` on PostgreSQL.
    public var sqliteVersion: String? { (backend as? SQLiteStore)?.sqliteVersion }

    /// The durability settings the writer and a reader connection really run with.
    /// - Throws: the backend's database error.
    public func settings() async throws -> StoreSettings {
        try await backend.settings()
    }

    /// Closes the backend's connections (PostgreSQL; SQLite closes with the last reference).
    public func close() async {
        await backend.close()
    }
}
