import Foundation
import GRDBSQLite

/// A bare SQLite connection through the C API (the same libsqlite3 Dayshift links through GRDB),
/// for the baselines and for reading Dayshift's database from outside.
final class RawSQLite {
    private(set) var handle: OpaquePointer?

    init(path: String, readOnly: Bool = false) throws {
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        guard sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            throw BenchmarkError("sqlite3_open_v2 \(path): \(String(cString: sqlite3_errmsg(handle)))")
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit { sqlite3_close_v2(handle) }

    static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// The settings Dayshift's store uses: WAL and `synchronous=FULL`.
    func configureLikeDayshift() throws {
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
    }

    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            throw BenchmarkError("\(sql): \(message)")
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchmarkError("prepare \(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        return Statement(statement, connection: self)
    }

    /// The first column of the first row, as an integer.
    func scalarInt(_ sql: String) throws -> Int {
        let statement = try prepare(sql)
        guard try statement.step() else { return 0 }
        return Int(sqlite3_column_int64(statement.handle, 0))
    }

    final class Statement {
        let handle: OpaquePointer
        unowned let connection: RawSQLite

        init(_ handle: OpaquePointer, connection: RawSQLite) {
            self.handle = handle
            self.connection = connection
        }

        deinit { sqlite3_finalize(handle) }

        /// `SQLITE_TRANSIENT`: SQLite copies the bound bytes.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        func bind(_ index: Int32, text: String) { sqlite3_bind_text(handle, index, text, -1, Self.transient) }
        func bind(_ index: Int32, int: Int) { sqlite3_bind_int64(handle, index, sqlite3_int64(int)) }
        func bind(_ index: Int32, blob: [UInt8]) {
            blob.withUnsafeBytes { bytes in _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient) }
        }

        /// Steps once: true for a row, false when done.
        @discardableResult
        func step() throws -> Bool {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw BenchmarkError("step: \(String(cString: sqlite3_errmsg(connection.handle)))")
            }
        }

        func reset() {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }

        func text(_ column: Int32) -> String? {
            guard let pointer = sqlite3_column_text(handle, column) else { return nil }
            return String(cString: pointer)
        }

        func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    }
}
