import GRDB
import Logging
import PostgresNIO

// Reading the shared records (`Sources/Store/Records`) from PostgreSQL: every query that reads
// records goes through one of these two, which decode each row by the record's coding keys
// (`PostgresRow.decode(record:)`). No select list names a record's columns: a record is read with
// `*` (or `alias.*` in a join), as GRDB reads it on SQLite.
extension PostgresConnection {
    /// The records `SELECT * FROM <the record's table> <clauses>` returns, in its order.
    /// - Parameter clauses: what follows the table, values bound: `WHERE id = \(id)`,
    ///   `WHERE … ORDER BY … LIMIT \(n)`.
    /// - Throws: `PSQLError` when the statement fails; the errors of `PostgresRow.decode(record:)`
    ///   when a row does not decode as the record.
    func records<Record: Decodable & TableRecord>(_ type: Record.Type, _ clauses: PostgresQuery, logger: Logger) async throws -> [Record] {
        // The table name is a constant of the record; `clauses` keep their own binds ($1…).
        let query = PostgresQuery(unsafeSQL: "SELECT * FROM \(Record.databaseTableName) " + clauses.sql, binds: clauses.binds)
        return try await records(query, as: type, logger: logger)
    }

    /// The records in `query`'s rows, for a statement that selects the record's columns itself
    /// (`SELECT m.* FROM inbox_messages m JOIN …`, `UPDATE … RETURNING *`), in its order.
    /// - Throws: `PSQLError` when the statement fails; the errors of `PostgresRow.decode(record:)`
    ///   when a row does not decode as the record.
    func records<Record: Decodable>(_ query: PostgresQuery, as type: Record.Type, logger: Logger) async throws -> [Record] {
        try await rows(query, logger: logger).map { try $0.decode(record: type) }
    }
}
