import Foundation

/// Checks HTTP requests (and JSON response bodies) against an OpenAPI 3 document that has
/// already been parsed into plain dictionaries: `JSONSerialization` output for a `.json`
/// description, or Yams' `load(yaml:)` output for a `.yaml` one (its `[AnyHashable: Any]`
/// mappings and integer keys such as `200:` are normalised to `[String: Any]` / `"200"`).
///
/// What it checks, deliberately small:
/// - a request matches an operation: the path matches a `paths` template (`{param}` matches
///   exactly one non-empty segment; when several templates match, literal segments win over
///   templated ones, left to right, e.g. `/issues/comments/{comment_id}` beats
///   `/issues/{issue_number}/comments`; as a last resort a trailing parameter named in
///   `multiSegmentParameters` may swallow several segments, as GitHub's `/git/ref/{ref}` does
///   with `heads/a/b`) and the method exists;
/// - every `required` property of the JSON request body schema is present, recursively into
///   present nested objects/arrays (`$ref` into `#/components/...` and `allOf` are resolved;
///   for `oneOf`/`anyOf` one branch must be satisfied; `null` values are not descended into);
/// - the same required-property check for a response body via ``missingRequired(in:schema:at:ignoring:)``
///   (problem paths are dotted, `head.ref`; elements of a nested array are `labels[].name`;
///   elements of a top-level array are reported without prefix, so `head.repo` also names
///   `head.repo` of every item of a list answer).
///
/// Types, formats, enums and parameters are not checked.
struct OpenAPIRequestValidator {
    /// One request to check. `body` is parsed JSON (`[String: Any]`, array, …) or nil for none.
    struct Sample {
        var method: String
        var path: String
        var body: Any?

        init(method: String, path: String, body: Any?) {
            self.method = method
            self.path = path
            self.body = body
        }

        /// `jsonData` empty → no body; otherwise parsed with `JSONSerialization` (unparseable → the raw `Data`).
        init(method: String, path: String, jsonData: Data) {
            self.method = method
            self.path = path
            if jsonData.isEmpty {
                self.body = nil
            } else {
                self.body = (try? JSONSerialization.jsonObject(with: jsonData, options: [.fragmentsAllowed])) ?? jsonData
            }
        }
    }

    /// A matched operation.
    struct Operation {
        /// Lower-case method, e.g. `post`.
        var method: String
        /// The `paths` key, e.g. `/repos/{owner}/{repo}/pulls`.
        var pathTemplate: String
        /// The operation object.
        var definition: [String: Any]

        var operationID: String { definition["operationId"] as? String ?? "\(method.uppercased()) \(pathTemplate)" }
    }

    let document: [String: Any]
    /// Stripped from request paths before matching (e.g. `/api/v3` or a server URL's base path).
    let pathPrefix: String
    /// Names of path parameters that may contain `/` when they are a template's last segment (e.g. `ref`).
    let multiSegmentParameters: Set<String>

    private static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// - Parameters:
    ///   - document: the parsed OpenAPI document (JSON or YAML shape, see the type doc).
    ///   - pathPrefix: removed from the start of request paths before matching.
    ///   - multiSegmentParameters: trailing path parameters allowed to span several segments.
    init(document: [String: Any], pathPrefix: String = "", multiSegmentParameters: Set<String> = []) {
        self.document = (Self.normalize(document) as? [String: Any]) ?? document
        self.pathPrefix = pathPrefix
        self.multiSegmentParameters = multiSegmentParameters
    }

    /// Loads a `.json` OpenAPI document.
    static func load(
        jsonAt url: URL, pathPrefix: String = "", multiSegmentParameters: Set<String> = []
    ) throws -> OpenAPIRequestValidator {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let document = object as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return OpenAPIRequestValidator(document: document, pathPrefix: pathPrefix, multiSegmentParameters: multiSegmentParameters)
    }

    /// GitHub's operations the 2020 description lacks (`github-openapi-supplement.json` beside this file).
    static let gitHubSupplementURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("github-openapi-supplement.json")

    /// Loads a `.json` OpenAPI document and merges a supplement's `paths` and `components.schemas` into it.
    static func load(
        jsonAt url: URL, supplementAt supplement: URL, pathPrefix: String = "", multiSegmentParameters: Set<String> = []
    ) throws -> OpenAPIRequestValidator {
        guard var document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let extra = try JSONSerialization.jsonObject(with: Data(contentsOf: supplement)) as? [String: Any]
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path]) }
        var paths = document["paths"] as? [String: Any] ?? [:]
        for (path, item) in extra["paths"] as? [String: Any] ?? [:] { paths[path] = item }
        document["paths"] = paths
        var components = document["components"] as? [String: Any] ?? [:]
        var schemas = components["schemas"] as? [String: Any] ?? [:]
        for (name, schema) in (extra["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] { schemas[name] = schema }
        components["schemas"] = schemas
        document["components"] = components
        return OpenAPIRequestValidator(document: document, pathPrefix: pathPrefix, multiSegmentParameters: multiSegmentParameters)
    }

    // MARK: Requests

    /// Human-readable problems for all samples, in order; empty when everything conforms.
    func problems(for samples: [Sample]) -> [String] {
        samples.flatMap { problems(for: $0) }
    }

    /// Human-readable problems for one sample: no matching operation, missing request body,
    /// missing required request-body properties.
    func problems(for sample: Sample) -> [String] {
        let label = "\(sample.method.uppercased()) \(sample.path)"
        guard let operation = operation(method: sample.method, path: sample.path) else {
            let templates = matchingTemplates(for: sample.path)
            if templates.isEmpty { return ["\(label): no operation in the spec matches this path"] }
            return ["\(label): path matches \(templates.joined(separator: ", ")) but no \(sample.method.uppercased()) operation is defined there"]
        }
        let prefix = "\(label) (\(operation.operationID))"
        guard let requestBody = resolve(operation.definition["requestBody"]) else { return [] }
        guard let body = sample.body else {
            return (requestBody["required"] as? Bool) == true ? ["\(prefix): request body is required but none was sent"] : []
        }
        guard let schema = jsonSchema(ofContent: requestBody["content"]) else { return [] }
        if body is Data { return ["\(prefix): request body is not valid JSON"] }
        return missingRequired(in: body, schema: schema, at: "")
            .map { "\(prefix): request body is missing required property `\($0)`" }
    }

    /// The operation for `method path`, choosing the most specific template (see the type doc).
    func operation(method: String, path: String) -> Operation? {
        let method = method.lowercased()
        let actual = segments(strippingPrefix: path)
        let paths = dictionary(document["paths"]) ?? [:]
        var best: (score: [Int], operation: Operation)?
        for (template, item) in paths {
            guard let definition = dictionary(dictionary(item)?[method]),
                  let score = matchScore(template: segments(template), actual: actual)
            else { continue }
            if best == nil || score.lexicographicallyPrecedes(best!.score) {
                best = (score, Operation(method: method, pathTemplate: template, definition: definition))
            }
        }
        return best?.operation
    }

    /// Templates matching the path, whatever their methods (for error messages).
    func matchingTemplates(for path: String) -> [String] {
        let actual = segments(strippingPrefix: path)
        return (dictionary(document["paths"]) ?? [:]).keys
            .filter { matchScore(template: segments($0), actual: actual) != nil }
            .sorted()
    }

    // MARK: Schemas

    /// `#/components/schemas/<name>`, resolved.
    func schema(named name: String) -> [String: Any]? {
        resolve(dictionary(dictionary(dictionary(document["components"])?["schemas"])?[name]))
    }

    /// The JSON schema of the request body of `operation`, resolved; nil when it has none.
    func requestBodySchema(of operation: Operation) -> [String: Any]? {
        jsonSchema(ofContent: resolve(operation.definition["requestBody"])?["content"])
    }

    /// The JSON schema of the `status` response of `operation` (falls back to `2XX`/`default`), resolved.
    func responseSchema(of operation: Operation, status: Int) -> [String: Any]? {
        let responses = dictionary(operation.definition["responses"]) ?? [:]
        let response = responses[String(status)] ?? responses["\(status / 100)XX"] ?? responses["default"]
        return jsonSchema(ofContent: resolve(response)?["content"])
    }

    /// Dotted paths (`head.ref`, `labels[].name`) of required properties missing from `value`.
    /// A path listed in `ignoring`, or lying under one (`head.repo` covers `head.repo.name`), is skipped.
    func missingRequired(in value: Any, schema: [String: Any], at path: String, ignoring: Set<String> = []) -> [String] {
        if value is NSNull { return [] }
        guard let schema = resolve(schema) else { return [] }
        if let branches = (schema["oneOf"] ?? schema["anyOf"]) as? [Any], !branches.isEmpty {
            let results = branches.compactMap(dictionary).map {
                missingRequired(in: value, schema: $0, at: path, ignoring: ignoring)
            }
            if results.contains(where: \.isEmpty) { return [] }
            return results.min { $0.count < $1.count } ?? []
        }
        if let array = value as? [Any] {
            guard let items = dictionary(schema["items"]) else { return [] }
            let itemPath = path.isEmpty ? "" : path + "[]"
            return array.flatMap { missingRequired(in: $0, schema: items, at: itemPath, ignoring: ignoring) }
        }
        guard let object = value as? [String: Any] else { return [] }
        var problems: [String] = []
        for name in (schema["required"] as? [Any] ?? []).compactMap({ $0 as? String }) where object[name] == nil {
            let childPath = join(path, name)
            if !isIgnored(childPath, ignoring) { problems.append(childPath) }
        }
        let properties = dictionary(schema["properties"]) ?? [:]
        for (name, child) in object.sorted(by: { $0.key < $1.key }) {
            guard let propertySchema = dictionary(properties[name]) else { continue }
            let childPath = join(path, name)
            if isIgnored(childPath, ignoring) { continue }
            problems += missingRequired(in: child, schema: propertySchema, at: childPath, ignoring: ignoring)
        }
        return problems
    }

    /// Follows `$ref`s (into this document only) and merges `allOf` parts (union of
    /// `properties` and `required`); other keys of the outer schema are kept.
    func resolve(_ value: Any?) -> [String: Any]? {
        guard var schema = dictionary(value) else { return nil }
        var hops = 0
        while let ref = schema["$ref"] as? String, hops < 64, let target = lookup(ref) {
            schema = target
            hops += 1
        }
        guard let parts = schema["allOf"] as? [Any] else { return schema }
        var merged = schema
        merged["allOf"] = nil
        var properties = dictionary(schema["properties"]) ?? [:]
        var required = (schema["required"] as? [Any] ?? []).compactMap { $0 as? String }
        for part in parts.compactMap({ resolve($0) }) {
            properties.merge(dictionary(part["properties"]) ?? [:]) { _, new in new }
            required += (part["required"] as? [Any] ?? []).compactMap { $0 as? String }
            for (key, value) in part where !["properties", "required", "nullable"].contains(key) && merged[key] == nil {
                merged[key] = value
            }
        }
        merged["properties"] = properties
        merged["required"] = Array(Set(required)).sorted()
        return merged
    }

    // MARK: Internals

    private func jsonSchema(ofContent content: Any?) -> [String: Any]? {
        guard let content = dictionary(content), !content.isEmpty else { return nil }
        let key = content.keys.first { $0.hasPrefix("application/json") }
            ?? content.keys.first { $0.contains("json") }
            ?? content.keys.sorted().first!
        return resolve(dictionary(content[key])?["schema"])
    }

    /// Resolves a local JSON pointer such as `#/components/schemas/pull-request`.
    private func lookup(_ ref: String) -> [String: Any]? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: Any? = document
        for token in ref.dropFirst(2).split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = dictionary(node)?[key]
        }
        return dictionary(node)
    }

    private func segments(_ path: String) -> [Substring] {
        path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
    }

    private func segments(strippingPrefix path: String) -> [Substring] {
        var path = path
        if !pathPrefix.isEmpty, path.hasPrefix(pathPrefix) { path = String(path.dropFirst(pathPrefix.count)) }
        return segments(path)
    }

    /// nil when no match; otherwise one entry per template segment (0 literal, 1 template)
    /// plus a final 0 (exact length) or 1 (trailing parameter swallowed extra segments).
    private func matchScore(template: [Substring], actual: [Substring]) -> [Int]? {
        guard !template.isEmpty || actual.isEmpty else { return nil }
        let swallowing = actual.count > template.count
            && template.last.map { isWholeParameter($0) && multiSegmentParameters.contains(String($0.dropFirst().dropLast())) } == true
        guard actual.count == template.count || swallowing else { return nil }
        var score: [Int] = []
        for (index, part) in template.enumerated() {
            if isWholeParameter(part) {
                score.append(1)
            } else if part.contains("{") {
                guard matchesPartialTemplate(part, actual[index]) else { return nil }
                score.append(1)
            } else {
                guard part == actual[index] else { return nil }
                score.append(0)
            }
        }
        return score + [swallowing ? 1 : 0]
    }

    private func isWholeParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") && segment.hasSuffix("}") && segment.dropFirst().dropLast().allSatisfy { $0 != "{" && $0 != "}" }
    }

    /// Matches a segment such as `{name}.json` or `v{version}` (each `{x}` = one or more characters).
    private func matchesPartialTemplate(_ template: Substring, _ actual: Substring) -> Bool {
        var pattern = "^"
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open])) + "[^/]+"
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        return String(actual).range(of: pattern, options: .regularExpression) != nil
    }

    private func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    private func isIgnored(_ path: String, _ ignoring: Set<String>) -> Bool {
        if ignoring.contains(path) { return true }
        return ignoring.contains { path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[]") }
    }

    private func dictionary(_ value: Any?) -> [String: Any]? {
        value as? [String: Any]
    }

    /// Turns `[AnyHashable: Any]` (Yams) into `[String: Any]`, recursively.
    static func normalize(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            return dictionary.mapValues(normalize)
        }
        if let dictionary = value as? [AnyHashable: Any] {
            var result: [String: Any] = [:]
            for (key, child) in dictionary { result[String(describing: key.base)] = normalize(child) }
            return result
        }
        if let array = value as? [Any] { return array.map(normalize) }
        return value
    }
}
