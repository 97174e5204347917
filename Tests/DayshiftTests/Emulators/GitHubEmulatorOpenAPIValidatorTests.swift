import Foundation
import Testing

/// Self-tests of `OpenAPIRequestValidator` on a tiny inline document (no spec file needed).
@Suite("GitHubEmulatorOpenAPIValidatorTests")
struct GitHubEmulatorOpenAPIValidatorTests {
    static var document: [String: Any] { [
        "openapi": "3.0.3",
        "paths": [
            "/things/{id}": ["get": ["operationId": "things/get"]],
            "/things/{id}/notes": ["post": [
                "operationId": "notes/create",
                "requestBody": ["$ref": "#/components/requestBodies/note"],
            ]],
            "/things/notes/{note_id}": ["patch": [
                "operationId": "notes/update",
                "requestBody": ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/note-patch"]]]],
            ]],
            "/refs/{ref}": ["get": ["operationId": "refs/get"]],
        ],
        "components": [
            "requestBodies": ["note": [
                "required": true,
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/note"]]],
            ]],
            "schemas": [
                "base": ["type": "object", "required": ["text"], "properties": ["text": ["type": "string"]]],
                "note": ["allOf": [
                    ["$ref": "#/components/schemas/base"],
                    ["type": "object", "required": ["author"], "properties": [
                        "author": ["type": "object", "required": ["login"], "properties": ["login": ["type": "string"]]],
                    ]],
                ]],
                "note-patch": ["type": "object", "required": ["text"]],
            ],
        ],
    ] }

    let validator = OpenAPIRequestValidator(document: Self.document, multiSegmentParameters: ["ref"])

    @Test func literalSegmentsWinOverTemplates() {
        #expect(validator.operation(method: "PATCH", path: "/things/notes/9")?.operationID == "notes/update")
        #expect(validator.operation(method: "POST", path: "/things/9/notes")?.operationID == "notes/create")
        #expect(validator.operation(method: "GET", path: "/things/notes")?.operationID == "things/get")
        #expect(validator.operation(method: "GET", path: "/refs/heads/a/b")?.operationID == "refs/get", "trailing {param} swallows")
        #expect(validator.operation(method: "DELETE", path: "/things/9") == nil)
        #expect(validator.operation(method: "GET", path: "/things/9/extra") == nil, "only listed parameters span segments")
    }

    @Test func reportsMissingRequiredThroughRefAndAllOf() {
        #expect(validator.problems(for: .init(method: "POST", path: "/things/1/notes", body: ["text": "t", "author": ["login": "me"]])).isEmpty)
        let problems = validator.problems(for: .init(method: "POST", path: "/things/1/notes", body: ["author": [String: Any]()]))
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("notes/create") && $0.contains("`text`") })
        #expect(problems.contains { $0.contains("`author.login`") })
        #expect(validator.problems(for: .init(method: "POST", path: "/things/1/notes", body: nil)).count == 1)
        #expect(validator.problems(for: .init(method: "PATCH", path: "/things/notes/1", body: [String: Any]())).count == 1)
    }

    @Test func reportsUnknownPathsAndMethods() {
        let problems = validator.problems(for: [
            .init(method: "GET", path: "/elsewhere", body: nil),
            .init(method: "PUT", path: "/things/1", body: nil),
        ])
        #expect(problems.count == 2)
        #expect(problems[0].contains("no operation"))
        #expect(problems[1].contains("/things/{id}") && problems[1].contains("no PUT operation"))
    }

    @Test func acceptsYamsShapedDocumentsAndPathPrefix() {
        // Yams produces [AnyHashable: Any] with integer keys for `200:`.
        let yamlShaped: [AnyHashable: Any] = [
            "paths": ["/api/sandbox": ["post": [
                "requestBody": ["content": ["application/json": ["schema": ["required": ["image"]]]]],
                "responses": [200: ["content": ["application/json": ["schema": ["required": ["id"]]]]]],
            ]] as [AnyHashable: Any]],
        ]
        let document = OpenAPIRequestValidator.normalize(yamlShaped) as? [String: Any] ?? [:]
        let validator = OpenAPIRequestValidator(document: document, pathPrefix: "/v1")
        #expect(validator.problems(for: .init(method: "POST", path: "/v1/api/sandbox", body: ["image": "x"])).isEmpty)
        #expect(validator.problems(for: .init(method: "POST", path: "/v1/api/sandbox", body: [String: Any]())).count == 1)
        let operation = validator.operation(method: "post", path: "/v1/api/sandbox")
        let schema = operation.flatMap { validator.responseSchema(of: $0, status: 200) }
        #expect(schema.map { validator.missingRequired(in: [String: Any](), schema: $0, at: "") } == ["id"])
    }
}
