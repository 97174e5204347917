import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Calls a running server's operator API over loopback HTTP with a bearer token, as `curl` would.
struct OperatorClient: Sendable {
    struct Answer: Sendable {
        var status: Int
        var contentType: String
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object.
        func object() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw HarnessError("not a JSON object: \(text)")
            }
            return object
        }

        /// The `items` of a list answer.
        func items() throws -> [[String: Any]] {
            guard let items = try object()["items"] as? [[String: Any]] else { throw HarnessError("no items: \(text)") }
            return items
        }
    }

    let baseURL: URL
    var token: String?

    /// - Parameter path: below `/api/v1`, e.g. `runs?status=running`.
    func call(_ method: String = "GET", _ path: String, headers: [String: String] = [:]) async throws -> Answer {
        guard let url = URL(string: baseURL.absoluteString + "/api/v1/" + path) else { throw HarnessError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 120
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw HarnessError("no HTTP answer") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Answer(status: http.statusCode, contentType: fields["content-type"] ?? "", headers: fields, body: data)
    }

    /// Server-Sent Events parsed from a `text/event-stream` body: `(id, event, data)` each.
    static func events(_ text: String) -> [(id: Int?, event: String, data: String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int?
            var event = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            return data.isEmpty ? nil : (id, event, data.joined(separator: "\n"))
        }
    }
}
