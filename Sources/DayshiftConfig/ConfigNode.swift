import Yams

/// A read-only view of one YAML mapping that remembers its dotted key path, so that every
/// type or range error can name the key. Unknown keys are refused, so that a typo never
/// silently falls back to a default.
struct ConfigNode {
    let path: String
    let mapping: Node.Mapping?
    private let allowedKeys: Set<String>?

    /// - Parameter allowedKeys: the keys this mapping may hold; `nil` when its keys are data (repository names).
    init(path: String, node: Node?, allowedKeys: Set<String>?) throws {
        self.path = path
        self.allowedKeys = allowedKeys
        switch node {
        case nil:
            mapping = nil
        case .scalar? where node?.null != nil:
            mapping = nil
        case .mapping(let map)?:
            mapping = map
        default:
            throw ConfigurationError(key: path.isEmpty ? "(top level)" : path, problem: "expected a mapping of keys")
        }
        for key in Array(mapping?.keys ?? Node.Mapping([]).keys) {
            let name = key.string ?? "?"
            if let allowedKeys, !allowedKeys.contains(name) {
                throw ConfigurationError(key: Self.join(path, name), problem: "unknown key (known: \(allowedKeys.sorted().joined(separator: ", ")))")
            }
        }
    }

    static func join(_ path: String, _ key: String) -> String {
        let part = key.contains(".") || key.contains("/") ? "\"\(key)\"" : key
        return path.isEmpty ? part : "\(path).\(part)"
    }

    func keyPath(_ key: String) -> String { Self.join(path, key) }

    func node(_ key: String) -> Node? {
        guard let value = mapping?[key] else { return nil }
        return value.null != nil ? nil : value
    }

    func child(_ key: String, allowedKeys: Set<String>) throws -> ConfigNode {
        try ConfigNode(path: keyPath(key), node: node(key), allowedKeys: allowedKeys)
    }

    func string(_ key: String, default value: String) throws -> String {
        try optionalString(key) ?? value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            throw ConfigurationError(key: keyPath(key), problem: "expected a string")
        }
        return scalar.string
    }

    func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let node = node(key) else { return value }
        guard let number = node.int, range.contains(number) else {
            throw ConfigurationError(key: keyPath(key), problem: "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(Self.show(node))")
        }
        return number
    }

    func double(_ key: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard let node = node(key) else { return value }
        guard let number = node.float, range.contains(number) else {
            throw ConfigurationError(key: keyPath(key), problem: "expected a number from \(range.lowerBound) to \(range.upperBound), got \(Self.show(node))")
        }
        return number
    }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let node = node(key) else { return value }
        guard let flag = node.bool else {
            throw ConfigurationError(key: keyPath(key), problem: "expected true or false, got \(Self.show(node))")
        }
        return flag
    }

    func stringList(_ key: String, default value: [String]) throws -> [String] {
        guard let node = node(key) else { return value }
        guard case .sequence(let sequence) = node else {
            throw ConfigurationError(key: keyPath(key), problem: "expected a list of strings")
        }
        return try sequence.map { item in
            guard let text = item.string else {
                throw ConfigurationError(key: keyPath(key), problem: "expected a list of strings, got \(Self.show(item))")
            }
            return text
        }
    }

    /// A mapping of string keys to string values (e.g. environment variables).
    func stringMap(_ key: String) throws -> [String: String] {
        guard let node = node(key) else { return [:] }
        guard case .mapping(let mapping) = node else {
            throw ConfigurationError(key: keyPath(key), problem: "expected a mapping of names to strings")
        }
        var result: [String: String] = [:]
        for (name, value) in mapping {
            guard let name = name.string, let text = value.string else {
                throw ConfigurationError(key: keyPath(key), problem: "expected a mapping of names to strings")
            }
            result[name] = text
        }
        return result
    }

    /// Refuses a key that would put a secret into the YAML file.
    func refuseSecret(_ key: String, use alternative: String) throws {
        if node(key) != nil {
            throw ConfigurationError(key: keyPath(key), problem: "secrets are not read from the config file; use \(alternative)")
        }
    }

    static func show(_ node: Node) -> String {
        if let text = node.string { return "\"\(text)\"" }
        return "a \(node.isMapping ? "mapping" : "list")"
    }
}

extension Node {
    var isMapping: Bool { if case .mapping = self { true } else { false } }
}
