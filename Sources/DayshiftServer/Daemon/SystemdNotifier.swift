import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small client of systemd's readiness protocol (`sd_notify(3)`): one datagram per message,
/// sent over the Unix socket named by `NOTIFY_SOCKET` (a path, or `@name` for the abstract
/// namespace). `Config/dayshift.service` is `Type=notify`: systemd counts the service as started
/// when `READY=1` arrives, and shows `STATUS=` in `systemctl status`.
///
/// Outside systemd (no `NOTIFY_SOCKET`) there is no notifier, and nothing is sent.
public struct SystemdNotifier: Sendable, Equatable {
    /// The socket address as given in `NOTIFY_SOCKET`, e.g. `/run/systemd/notify` or `@dayshift-test`.
    public let socketPath: String

    /// A notifier for `NOTIFY_SOCKET` in `environment`; `nil` when it is unset, empty, or not a
    /// Unix socket address (`vsock:` addresses are not supported).
    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], path.hasPrefix("/") || path.hasPrefix("@"), path.utf8.count > 1 else { return nil }
        socketPath = path
    }

    /// Sends `state`, newline-separated `KEY=value` assignments such as `READY=1` or
    /// `STOPPING=1\nSTATUS=stopping`, as one datagram.
    /// - Throws: ``SystemdNotifierError`` when the address is too long or the socket cannot be
    ///   created or written (errno in the message).
    public func send(_ state: String) throws(SystemdNotifierError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace: a leading NUL
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw SystemdNotifierError("NOTIFY_SOCKET is longer than \(capacity - 1) bytes") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: pathBytes) }
        // An abstract address is exactly as long as its name; a path address ends with its NUL.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1))
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw SystemdNotifierError("cannot create a Unix datagram socket (errno \(errno))") }
        defer { close(descriptor) }
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
        guard sent == bytes.count else { throw SystemdNotifierError("cannot send to NOTIFY_SOCKET \(socketPath) (errno \(errno))") }
    }
}

/// Why a notification could not be sent; holds no secret (only the socket address and errno).
public struct SystemdNotifierError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
