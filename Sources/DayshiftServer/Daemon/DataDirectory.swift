import DayshiftConfig
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps `data_dir` private to the server's user: the database, its journal, the LLM proxy's
/// secret and the sandboxes' files are nobody else's to read.
///
/// - `data_dir` itself is created with mode `0700` (missing parents with the usual `0755`); an
///   existing directory keeps its mode (systemd's `StateDirectoryMode=0700` and the Docker image
///   create it `0700` too).
/// - `dayshift.sqlite` (the SQLite ``Store``'s file) is created `0600` before SQLite opens it, and
///   an existing one is set to `0600`: SQLite gives the `-wal` and `-shm` files it makes the mode of
///   the database file, so they are `0600` too. An existing database file is never opened here:
///   closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
///   included, and a database whose server holds no lock looks unused to the next process that
///   opens and closes it (a `sqlite3` shell, a refused second server), which then deletes the live
///   WAL, and with it every write since the last checkpoint.
enum DataDirectory {
    /// The database's file name in `data_dir`, as the `Store` names it.
    static let databaseFileName = "dayshift.sqlite"

    /// Creates `directory` (`0700`) when missing.
    /// - Throws: ``ConfigurationError`` for `data_dir` when it cannot be created or is a file (errno in the message).
    static func prepare(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            let parent = directory.deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            guard mkdir(directory.path, 0o700) == 0 || errno == EEXIST else {
                throw ConfigurationError(key: "data_dir", problem: "cannot create \(directory.path) (errno \(errno))")
            }
            // mkdir's mode is filtered by the umask; 0700 is meant exactly.
            _ = chmod(directory.path, 0o700)
        } else if !isDirectory.boolValue {
            throw ConfigurationError(key: "data_dir", problem: "\(directory.path) is a file, not a directory")
        }
    }

    /// Creates `dayshift.sqlite` (`0600`) in `directory` when missing, without ever opening an
    /// existing one, and sets the existing database files to `0600`.
    /// - Throws: ``ConfigurationError`` for `data_dir` when the file cannot be created (errno in the message).
    static func prepareDatabaseFile(in directory: URL) throws {
        for name in [databaseFileName, databaseFileName + "-wal", databaseFileName + "-shm"] {
            let path = directory.appendingPathComponent(name).path
            if name == databaseFileName {
                // O_EXCL: only a file this call creates is opened (and closed) here.
                let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                if descriptor >= 0 {
                    close(descriptor)
                } else if errno != EEXIST {
                    throw ConfigurationError(key: "data_dir", problem: "cannot create \(path) (errno \(errno))")
                }
            }
            _ = chmod(path, 0o600)
        }
    }
}
