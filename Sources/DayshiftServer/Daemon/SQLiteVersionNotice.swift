import Foundation
import Store

/// The one-time note about a SQLite library without the WAL-reset fix (3.44.6, 3.50.7, 3.51.3).
///
/// Stock Debian 12 ships 3.40.1 and nothing newer, so a warning at every start would only teach
/// operators to ignore warnings. The bug needs two connections writing or checkpointing the same
/// database at the same instant; Dayshift writes and checkpoints through one connection only. So
/// the note is an info line, given once per SQLite version and data directory: the version last
/// noted is kept in `<data_dir>/sqlite-version-noted`.
enum SQLiteVersionNotice {
    static let fileName = "sqlite-version-noted"

    /// The line to log for `version` in `directory`, or `nil` when the version has the fix, cannot
    /// be parsed, or was already noted there. Records the version as noted.
    static func message(version: String, dataDirectory directory: URL) -> String? {
        guard let parsed = SQLiteVersion(version), parsed.lacksWALCorruptionFix else { return nil }
        let marker = directory.appendingPathComponent(fileName)
        if (try? String(contentsOf: marker, encoding: .utf8)) == version { return nil }
        _ = FileManager.default.createFile(atPath: marker.path, contents: Data(version.utf8), attributes: [.posixPermissions: 0o600])
        return "SQLite \(version) predates the fix for the WAL-reset bug (3.44.6, 3.50.7, 3.51.3). Dayshift writes and checkpoints "
            + "through one connection, which keeps clear of the bug's trigger (two connections writing or checkpointing at once); "
            + "upgrade libsqlite3 when your distribution ships a fixed one. Noted once per SQLite version."
    }
}
