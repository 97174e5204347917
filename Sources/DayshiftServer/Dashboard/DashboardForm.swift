import Foundation
import Hummingbird
import NIOCore

/// The fields of a dashboard form post (`application/x-www-form-urlencoded`, at most 16 KiB).
struct DashboardForm: Sendable {
    private let fields: [String: String]

    /// - Throws: ``DashboardError/badForm(_:)`` for another content type or a body too large.
    init(_ request: Request) async throws {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else { throw DashboardError.badForm("expected a form (application/x-www-form-urlencoded)") }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 16_384)
        } catch {
            throw DashboardError.badForm("the form is larger than 16 KiB")
        }
        self.init(encoded: String(buffer: body))
    }

    /// Parses `a=1&b=x+y%21`; the first of repeated fields wins.
    init(encoded: String) {
        var fields: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        self.fields = fields
    }

    subscript(name: String) -> String? { fields[name] }
}
