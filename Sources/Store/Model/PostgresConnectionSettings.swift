import Foundation

/// Where the PostgreSQL store lives and how to reach it, read from `store.url`:
/// `postgres://USER@HOST:PORT/DATABASE` (port 5432 when absent) or, for a Unix socket,
/// `postgres://USER@/DATABASE?host=/run/postgresql` (the socket directory; the socket file is
/// `.s.PGSQL.<port>` in it). `?sslmode=disable|prefer|require` chooses TLS (default `prefer`;
/// `require` verifies the server's certificate against the system's trust store). The password
/// never comes from the URL: it is passed separately (`DAYSHIFT_STORE_PASSWORD` or a credentials
/// file), so it never appears in a configuration dump or a log line.
public struct PostgresConnectionSettings: Sendable, Equatable {
    /// TLS to the server.
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var host: String?
    public var port: Int
    /// The directory holding the server's Unix socket, when connecting through one.
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Connections this process opens at most (each replica has its own pool).
    public var maximumConnections: Int

    public init(host: String?, port: Int = 5432, socketDirectory: String? = nil, username: String, password: String? = nil,
                database: String, tls: TLSMode = .prefer, maximumConnections: Int = 16) {
        self.host = host
        self.port = port
        self.socketDirectory = socketDirectory
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.maximumConnections = maximumConnections
    }

    /// Why a `store.url` cannot be used; the text names what is wrong, never the password.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Reads a `postgres://` (or `postgresql://`) URL.
    /// - Throws: ``Invalid`` when it is not such a URL, lacks a user or a database, carries a
    ///   password, or has an unknown `sslmode`.
    public static func parse(url text: String, password: String?) throws -> PostgresConnectionSettings {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw Invalid(description: "not a postgres:// URL")
        }
        if components.password != nil {
            throw Invalid(description: "a password in the URL is refused: set DAYSHIFT_STORE_PASSWORD or store.password_file")
        }
        guard let user = components.user, !user.isEmpty else { throw Invalid(description: "no user (postgres://USER@HOST/DATABASE)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw Invalid(description: "no database name (postgres://USER@HOST/DATABASE)") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        for name in query.keys where !["host", "sslmode"].contains(name) {
            throw Invalid(description: "unknown parameter \(name) (known: host, sslmode)")
        }
        let tls: TLSMode
        if let mode = query["sslmode"] {
            guard let known = TLSMode(rawValue: mode) else { throw Invalid(description: "sslmode must be disable, prefer or require, not \(mode)") }
            tls = known
        } else {
            tls = .prefer
        }
        let socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        guard host != nil || socketDirectory != nil else { throw Invalid(description: "no host (postgres://USER@HOST/DATABASE or ?host=/socket/directory)") }
        return PostgresConnectionSettings(host: host, port: components.port ?? 5432, socketDirectory: socketDirectory, username: user,
                                          password: password, database: database, tls: tls)
    }
}
