import DayshiftCore
import Foundation
import Yams

/// The OpenAPI 3.1 description of `/api/v1` (`openapi/operator-api.yaml`, embedded by
/// `scripts/embed-openapi`), served as JSON at `/api/v1/openapi.json`.
enum OperatorAPIDocument {
    /// The document as a JSON value, converted from the YAML once.
    static let json: JSONValue = {
        guard let document = try? Yams.load(yaml: yaml), let value = JSONValue(yamlValue: document) else {
            preconditionFailure("openapi/operator-api.yaml does not parse")  // a test parses it on every build
        }
        return value
    }()
}

extension JSONValue {
    /// What Yams loads (dictionaries, arrays, strings, numbers, booleans, null) as JSON.
    init?(yamlValue value: Any?) {
        switch value {
        case nil, is NSNull: self = .null
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .int(value)
        case let value as Double: self = .double(value)
        case let value as String: self = .string(value)
        case let values as [Any?]:
            var array: [JSONValue] = []
            for element in values {
                guard let converted = JSONValue(yamlValue: element) else { return nil }
                array.append(converted)
            }
            self = .array(array)
        case let fields as [AnyHashable: Any?]:
            var object: [String: JSONValue] = [:]
            for (key, element) in fields {
                guard let key = key.base as? String, let converted = JSONValue(yamlValue: element) else { return nil }
                object[key] = converted
            }
            self = .object(object)
        default:
            return nil
        }
    }
}
