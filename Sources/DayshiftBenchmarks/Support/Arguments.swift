import Foundation

/// `--name value` options after the subcommand, nothing more.
struct Arguments {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) throws {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            guard name.hasPrefix("--") else { throw BenchmarkError("unexpected argument \(name)") }
            guard let value = iterator.next() else { throw BenchmarkError("\(name) needs a value") }
            values[String(name.dropFirst(2))] = value
        }
    }

    func string(_ name: String, default value: String? = nil) throws -> String {
        if let found = values[name] { return found }
        if let value { return value }
        throw BenchmarkError("--\(name) is required")
    }

    func int(_ name: String, default value: Int? = nil) throws -> Int {
        let text = try string(name, default: value.map(String.init))
        guard let parsed = Int(text) else { throw BenchmarkError("--\(name): not an integer: \(text)") }
        return parsed
    }

    func double(_ name: String, default value: Double? = nil) throws -> Double {
        let text = try string(name, default: value.map { String($0) })
        guard let parsed = Double(text) else { throw BenchmarkError("--\(name): not a number: \(text)") }
        return parsed
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Progress lines go to standard error; standard output carries only the JSON result.
func note(_ text: String) {
    FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
}

/// Prints the one JSON object a subcommand answers with.
func emit(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
