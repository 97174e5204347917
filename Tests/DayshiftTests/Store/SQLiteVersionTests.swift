import Store
import Testing

@Suite("SQLite version check")
struct SQLiteVersionTests {
    @Test("versions without the WAL corruption fix are flagged", arguments: [
        ("3.40.1", true), ("3.44.5", true), ("3.44.6", false), ("3.45.0", true), ("3.50.6", true), ("3.50.7", false),
        ("3.51.0", true), ("3.51.2", true), ("3.51.3", false), ("3.52.0", false),
    ])
    func flagged(version: String, risky: Bool) throws {
        #expect(try #require(SQLiteVersion(version)).lacksWALCorruptionFix == risky)
    }

    @Test("text that is not a version does not parse")
    func garbage() {
        #expect(SQLiteVersion("three") == nil)
        #expect(SQLiteVersion("3.40") == nil)
    }
}
