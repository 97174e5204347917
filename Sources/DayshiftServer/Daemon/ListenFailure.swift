import DayshiftConfig
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the HTTP server's failure to bind into one line that names the address, instead of
/// NIO's `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`.
enum ListenFailure {
    /// A ``ConfigurationError`` for `server.port` or `server.host` when `error` is a bind failure
    /// on `host`:`port`; `error` itself otherwise.
    static func explain(_ error: any Error, host: String, port: Int) -> any Error {
        guard let io = error as? IOError else { return error }
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        switch io.errnoCode {
        case EADDRINUSE:
            return ConfigurationError(key: "server.port", problem: "\(address) is already in use by another process; stop it or choose another port (--port or server.port)")
        case EADDRNOTAVAIL:
            return ConfigurationError(key: "server.host", problem: "cannot listen on \(address): no such address on this machine (--host or server.host)")
        case EACCES:
            return ConfigurationError(key: "server.port", problem: "not allowed to listen on \(address); ports below 1024 need privileges (--port or server.port)")
        default:
            return error
        }
    }
}
