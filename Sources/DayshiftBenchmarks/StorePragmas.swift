import Foundation
import GRDB

/// `store-pragmas`: opens a database exactly as `Store.init` configures it (a GRDB
/// `DatabasePool`, busy timeout 5 s, `PRAGMA synchronous = FULL` in `prepareDatabase`) and
/// reports the `synchronous` level each connection really ends up with (0 OFF, 1 NORMAL,
/// 2 FULL). GRDB's `DatabasePool.init` runs its WAL set-up after `prepareDatabase`, and that
/// set-up executes `PRAGMA synchronous = NORMAL` on the writer.
enum StorePragmas {
    static func main(_ arguments: Arguments) throws {
        let directory = try arguments.string("dir")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "dayshift"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = "\(directory)/pragmas-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let writer = try pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        let reader = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        let journal = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?" }
        try emit(["writer_synchronous": writer, "reader_synchronous": reader, "journal_mode": journal,
                  "meaning": "0 OFF, 1 NORMAL, 2 FULL"])
    }
}
