import Foundation
import GRDB
import PostgresNIO

/// Decodes a `Decodable` record (`RunRecord`, `DeliveryRecord`, …) from one PostgreSQL row, so
/// the records' own fields and conversions (`.run()`, `.delivery`, `.message`) serve both
/// backends and each record's columns are declared once, by its coding keys. This is the one way
/// the PostgreSQL backend reads the records of `Sources/Store/Records`.
///
/// A coding key names its column (PostgreSQL folds column names to lower case, so `issueKey` is
/// read from `issuekey`); columns no key names (`deliveries.position`) are ignored, so a record
/// is read with `SELECT *` (or `alias.*`) as GRDB reads it on SQLite. A column missing from the
/// row reads as NULL. Values use postgres-nio's decoding: `timestamptz` → `Date`, `bytea` →
/// `Data`, `bigint` → `Int64`/`Int`, `text` → `String` and `RawRepresentable` enums
/// (``RunStatus``, ``StepName``) through their raw value.
extension PostgresRow {
    /// - Throws: `DecodingError` when a column is missing or NULL for a non-optional field;
    ///   `PostgresDecodingError` when a column's type does not decode as the field's;
    ///   ``PostgresUnknownValue`` when a column holds a value its enum does not know.
    func decode<Record: Decodable>(record: Record.Type) throws -> Record {
        let table = (Record.self as? any TableRecord.Type)?.databaseTableName
        return try Record(from: PostgresRecordDecoder(row: makeRandomAccess(), table: table))
    }
}

/// A stored value that is not one of its type's cases (e.g. a `runs.status` this version does not know).
struct PostgresUnknownValue: Error, CustomStringConvertible {
    /// `table.column`, or the column alone when the record names no table.
    var column: String
    var value: String
    var description: String { "\(column) holds \(value), which this version of Dayshift does not know" }
}

private struct PostgresRecordDecoder: Decoder {
    let row: PostgresRandomAccessRow
    /// The record's table, to name a column in errors.
    let table: String?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row, table: table))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a PostgreSQL row decodes as a keyed record only"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a PostgreSQL row decodes as a keyed record only"))
    }

    /// The row's columns, by coding key.
    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PostgresRandomAccessRow
        let table: String?
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.compactMap { cell in Key(stringValue: cell.columnName) } }

        func contains(_ key: Key) -> Bool { row.contains(key.stringValue.lowercased()) }

        func decodeNil(forKey key: Key) throws -> Bool {
            !contains(key) || row[key.stringValue.lowercased()].bytes == nil
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard contains(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no column \(key.stringValue.lowercased()) in the row"))
            }
            return try Value(cell: row[key.stringValue.lowercased()], key: key, table: table).decode(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "a column holds no nested record"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a column holds no list"))
        }

        func superDecoder() throws -> any Decoder { PostgresRecordDecoder(row: row, table: table) }
        func superDecoder(forKey key: Key) throws -> any Decoder { PostgresRecordDecoder(row: row, table: table) }
    }

    /// One column's value, for the types the records hold (and enums decoding through them).
    struct Value: Decoder, SingleValueDecodingContainer {
        let cell: PostgresCell
        let key: any CodingKey
        let table: String?
        var codingPath: [any CodingKey] { [key] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a column holds no nested record"))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a column holds no list"))
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { cell.bytes == nil }
        func decode(_ type: Bool.Type) throws -> Bool { try cell.decode(Bool.self) }
        func decode(_ type: String.Type) throws -> String { try cell.decode(String.self) }
        func decode(_ type: Double.Type) throws -> Double { try cell.decode(Double.self) }
        func decode(_ type: Float.Type) throws -> Float { try cell.decode(Float.self) }
        func decode(_ type: Int.Type) throws -> Int { try cell.decode(Int.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { try cell.decode(Int64.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try cell.decode(Int32.self) }
        func decode(_ type: Int16.Type) throws -> Int16 { try cell.decode(Int16.self) }
        func decode(_ type: Int8.Type) throws -> Int8 { Int8(try cell.decode(Int16.self)) }
        func decode(_ type: UInt.Type) throws -> UInt { UInt(try cell.decode(Int64.self)) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { UInt64(try cell.decode(Int64.self)) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { UInt32(try cell.decode(Int64.self)) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { UInt16(try cell.decode(Int32.self)) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { UInt8(try cell.decode(Int16.self)) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            // Date and Data would otherwise decode through their Codable forms (a number, a list of bytes).
            if T.self == Date.self { return try cell.decode(Date.self) as! T }
            if T.self == Data.self { return try cell.decode(Data.self) as! T }
            do {
                return try T(from: self)
            } catch DecodingError.dataCorrupted where T.self is any RawRepresentable.Type {
                // An enum's raw value it has no case for (written by a newer version).
                throw PostgresUnknownValue(column: table.map { "\($0).\(cell.columnName)" } ?? cell.columnName,
                                           value: (try? cell.decode(String.self)) ?? "?")
            }
        }
    }
}
