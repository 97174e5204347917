import DayshiftConfig
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `<data_dir>/dayshift.lock`, held while a server runs, so that two
/// Dayshift processes never drive the same runs from one database. The kernel releases it when
/// the process dies, so a crash never leaves a stale lock.
final class DataDirectoryLock: Sendable {
    private let descriptor: Mutex<Int32?>

    /// - Throws: ``ConfigurationError`` for `data_dir` when another process holds the lock or the
    ///   file cannot be opened.
    init(directory: String) throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("dayshift.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError(key: "data_dir", problem: "cannot open \(path) (errno \(errno))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ConfigurationError(key: "data_dir", problem: "another Dayshift process is using \(directory); run one server per data directory")
        }
        self.descriptor = Mutex(descriptor)
    }

    /// Releases the lock; later calls do nothing.
    func release() {
        descriptor.withLock { held in
            guard let fd = held else { return }
            flock(fd, LOCK_UN)
            close(fd)
            held = nil
        }
    }
}
