import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 keep-alive connection to 127.0.0.1 over a plain socket: small and
/// predictable, for load generation from threads (no event loop shared with anything else).
final class HTTPConnection {
    private var fd: Int32 = -1
    private let port: Int
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var buffered = 0

    init(port: Int) throws {
        self.port = port
        try connect()
    }

    deinit { if fd >= 0 { close(fd) } }

    private func connect() throws {
        if fd >= 0 { close(fd) }
        buffered = 0
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchmarkError("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw BenchmarkError("connect 127.0.0.1:\(port): errno \(errno)") }
    }

    /// Sends `request` (a complete HTTP/1.1 request) and reads the response; returns its status.
    /// Reconnects once if the server had closed the idle connection.
    func roundTrip(_ request: [UInt8]) throws -> Int {
        do {
            return try exchange(request)
        } catch is ConnectionClosed {
            try connect()
            return try exchange(request)
        }
    }

    private struct ConnectionClosed: Error {}

    private func exchange(_ request: [UInt8]) throws -> Int {
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 {
                    if sent == 0 { throw ConnectionClosed() }
                    throw BenchmarkError("send: errno \(errno)")
                }
                sent += n
            }
        }
        // Read until the end of the headers.
        var headerEnd = -1
        while true {
            headerEnd = findHeaderEnd()
            if headerEnd >= 0 { break }
            try fill()
        }
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.dropFirst(9).prefix(3)) else { throw BenchmarkError("bad response: \(head.prefix(80))") }
        var contentLength = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        let total = headerEnd + 4 + contentLength
        while buffered < total { try fill() }
        // Keep whatever follows (nothing, without pipelining).
        let rest = buffered - total
        if rest > 0 { buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + total, byteCount: rest) } }
        buffered = rest
        return status
    }

    private func fill() throws {
        if buffered == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + buffered, $0.count - buffered, 0) }
        if n == 0 { throw buffered == 0 ? ConnectionClosed() : BenchmarkError("connection closed mid-response") }
        if n < 0 { throw BenchmarkError("recv: errno \(errno)") }
        buffered += n
    }

    private func findHeaderEnd() -> Int {
        guard buffered >= 4 else { return -1 }
        for i in 0...(buffered - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return -1
    }
}

/// Builds signed webhook requests with a fresh `X-GitHub-Delivery` each time.
struct WebhookRequestTemplate {
    let head: [UInt8]
    let middle: [UInt8]
    let body: [UInt8]

    init(path: String = "/webhooks/github", event: String, signature: String, body: [UInt8]) {
        head = Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: GitHub-Hookshot/bench\r\nContent-Type: application/json\r\nX-GitHub-Event: \(event)\r\nX-GitHub-Hook-ID: 1\r\nX-Hub-Signature-256: \(signature)\r\nContent-Length: \(body.count)\r\nX-GitHub-Delivery: ".utf8)
        middle = Array("\r\n\r\n".utf8)
        self.body = body
    }

    func request(guid: String) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(head.count + 40 + middle.count + body.count)
        bytes += head
        bytes += Array(guid.utf8)
        bytes += middle
        bytes += body
        return bytes
    }
}
