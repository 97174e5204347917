import Foundation
import PostgresNIO

extension Store {
    /// One short line saying what went wrong talking to PostgreSQL, in terms an operator can act
    /// on: the server's own message and SQLSTATE (`password authentication failed for user "x"
    /// (SQLSTATE 28P01)`), or what to set for the client-side failures (no password given, no TLS
    /// on the server). Nil for an error that is not PostgresNIO's `PSQLError`.
    ///
    /// PostgresNIO's `PSQLError` describes itself generically on purpose (its reflection carries
    /// source file names and lines); the server's message never contains the password.
    public static func explain(postgresError error: any Error) -> String? {
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .server:
            let message = error.serverInfo?[.message] ?? "an error"
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let hint = error.serverInfo?[.hint].map { "; \($0)" } ?? ""
            return "the server answered: \(message)\(state)\(hint)"
        case .authMechanismRequiresPassword:
            return "the server asks for a password: set DAYSHIFT_STORE_PASSWORD, DAYSHIFT_STORE_PASSWORD_FILE or store.password_file"
        case .sslUnsupported:
            return "the server does not offer TLS: enable it there, or use sslmode=prefer or sslmode=disable in store.url"
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return "the TLS handshake failed: check the server's certificate (it must be trusted by this system) or the sslmode in store.url"
        case .unsupportedAuthMechanism:
            return "the server asks for an authentication method Dayshift does not support (use scram-sha-256, md5 or trust)"
        case .connectionError:
            return "cannot connect: \(error.underlying.map { String(describing: $0) } ?? "no answer")"
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return "the connection was closed"
        case .poolClosed:
            return "the store is closed"
        default:
            return nil
        }
    }
}
