import Foundation
import Logging
import Store

/// `store-pragmas`: opens a real ``Store`` in a fresh directory and reports the `synchronous`
/// level each of its connections really runs with (0 OFF, 1 NORMAL, 2 FULL) and the journal
/// mode, as SQLite answers through the Store itself.
enum StorePragmas {
    static func main(_ arguments: Arguments) async throws {
        let directory = URL(fileURLWithPath: try arguments.string("dir")).appendingPathComponent("pragmas-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "pragmas")
        logger.logLevel = .warning
        let settings = try await Store(directory: directory, logger: logger).settings()
        try emit(["writer_synchronous": settings.writerSynchronous, "reader_synchronous": settings.readerSynchronous,
                  "journal_mode": settings.journalMode, "meaning": "0 OFF, 1 NORMAL, 2 FULL"])
    }
}
