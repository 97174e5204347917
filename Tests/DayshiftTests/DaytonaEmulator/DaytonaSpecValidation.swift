import Foundation
import Sandboxes
import Yams

@testable import Emulators

/// Daytona's v0.190 OpenAPI documents (`../shared/specs/daytona/`), parsed once, and the checks
/// the emulator tests run against them.
enum DaytonaSpecValidation {
    static let folder = SharedFolder.url.appendingPathComponent("specs/daytona", isDirectory: true)
    static let apiURL = folder.appendingPathComponent("api-openapi.yaml")
    static let toolboxURL = folder.appendingPathComponent("toolbox-openapi.yaml")

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: apiURL.path) && FileManager.default.fileExists(atPath: toolboxURL.path)
    }

    /// The main API (`paths` without the `/api` prefix).
    nonisolated(unsafe) static let api: OpenAPIRequestValidator? = load(apiURL)
    /// The toolbox (`paths` relative to `/toolbox/{sandboxId}`).
    nonisolated(unsafe) static let toolbox: OpenAPIRequestValidator? = load(toolboxURL)

    private static func load(_ url: URL) -> OpenAPIRequestValidator? {
        guard let text = try? String(contentsOf: url, encoding: .utf8),
            let parsed = try? Yams.load(yaml: text),
            let document = OpenAPIRequestValidator.normalize(parsed) as? [String: Any]
        else { return nil }
        return OpenAPIRequestValidator(document: document)
    }

    /// The validator for a recorded request's surface (nil for control and other paths).
    static func validator(for request: DaytonaRecordedRequest) -> OpenAPIRequestValidator? {
        switch request.surface {
        case .api: api
        case .toolbox: toolbox
        case .control, .other: nil
        }
    }

    /// The recorded request as a validator sample: spec-relative path; a JSON body parsed, a
    /// multipart body turned into `{fieldName: "<part>"}` so required form fields can be checked.
    static func sample(_ request: DaytonaRecordedRequest) -> OpenAPIRequestValidator.Sample {
        if let boundary = DaytonaMultipart.boundary(of: request.headers["content-type"]),
            let parts = DaytonaMultipart.parse(request.body, boundary: boundary)
        {
            var fields: [String: Any] = [:]
            for part in parts { fields[part.name] = "<part>" }
            return .init(method: request.method, path: request.specPath, body: fields)
        }
        return .init(method: request.method, path: request.specPath, jsonData: request.body)
    }

    /// Problems of every recorded `/api` and `/toolbox` request (paths, methods, required body fields).
    static func problems(_ requests: [DaytonaRecordedRequest], ignoring ignored: (DaytonaRecordedRequest) -> Bool = { _ in false }) -> [String] {
        requests.filter { !ignored($0) }.flatMap { request -> [String] in
            guard let validator = validator(for: request) else { return [] }
            return validator.problems(for: sample(request)).map { "\($0) [recorded \(request.method) \(request.path)]" }
        }
    }
}
