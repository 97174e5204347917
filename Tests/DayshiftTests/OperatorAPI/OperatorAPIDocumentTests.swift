import DayshiftConfig
import DayshiftServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing
import Yams

/// `openapi/operator-api.yaml` and the routes agree: the binary serves the file as it is in the
/// repository, and every operation it documents is routed.
@Suite("Operator API: the OpenAPI document")
struct OperatorAPIDocumentTests {
    static func document() throws -> [String: Any] {
        let loaded = try Yams.load(yaml: try RepositoryFile.text("openapi/operator-api.yaml"))
        return try #require(loaded as? [String: Any])
    }

    @Test("the served document is the repository's file (run scripts/embed-openapi after editing it)")
    func servedDocumentIsTheFile() async throws {
        try await Self.withApplication { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: [.authorization: "Bearer \(OperatorAPITests.token)"]) { response in
                #expect(response.status == .ok)
                let served = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let file = try Self.document()
                #expect(NSDictionary(dictionary: served).isEqual(to: file))
                #expect((served["paths"] as? [String: Any])?.count == (file["paths"] as? [String: Any])?.count)
            }
        }
    }

    @Test("every documented operation is routed: its answer is the API's own (problem details or its documented type), never the router's bare 404")
    func everyOperationIsRouted() async throws {
        let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
        #expect(paths.count >= 14)
        // (path, method, documented status codes) of every operation.
        let operations: [(path: String, method: String, statuses: Set<String>)] = paths.sorted { $0.key < $1.key }.flatMap { path, methods in
            methods.map { method, operation in
                (path, method, Set((((operation as? [String: Any])?["responses"] as? [String: Any]) ?? [:]).keys))
            }
        }
        try await Self.withApplication { client in
            for (path, method, statuses) in operations {
                let concrete = path.replacingOccurrences(of: "{id}", with: "424242").replacingOccurrences(of: "{guid}", with: "no-such-delivery")
                    .replacingOccurrences(of: "{owner}", with: "octo").replacingOccurrences(of: "{repo}", with: "hello")
                    .replacingOccurrences(of: "{number}", with: "7")
                let httpMethod = try #require(HTTPRequest.Method(method.uppercased()))
                try await client.execute(uri: "/api/v1\(concrete)", method: httpMethod,
                                         headers: [.authorization: "Bearer \(OperatorAPITests.token)"]) { response in
                    let type = response.headers[.contentType] ?? ""
                    #expect(statuses.contains(String(response.status.code)), "\(method) \(path) answered \(response.status.code), not documented")
                    #expect(response.status == .noContent || type == "application/json" || type == "application/problem+json"
                            || type == "text/event-stream", "\(method) \(path) answered \(response.status) with \(type)")
                }
            }
        }
    }

    static func withApplication(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = try TestDirectory("operator-document")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        configuration.sandbox.provider = "local"  // GET /sandboxes answers 200 from the local runner
        OperatorAPITests.withToken(&configuration)
        let application = try OfflineApplication.build(configuration)
        try await application.test(.router, body)
    }
}
