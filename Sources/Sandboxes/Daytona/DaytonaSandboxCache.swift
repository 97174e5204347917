import Foundation
import Synchronization

/// What the provider remembers per sandbox id between calls: the toolbox proxy base and the home
/// directory (both stable while the sandbox lives). Thread-safe.
final class DaytonaSandboxCache: Sendable {
    struct Entry: Sendable, Equatable {
        var toolboxProxyURL: String?
        var homeDirectory: String?
    }

    private let entries = Mutex<[String: Entry]>([:])

    func entry(_ id: String) -> Entry? {
        entries.withLock { $0[id] }
    }

    func remember(_ id: String, toolboxProxyURL: String? = nil, homeDirectory: String? = nil) {
        entries.withLock { entries in
            var entry = entries[id] ?? Entry()
            if let toolboxProxyURL, !toolboxProxyURL.isEmpty { entry.toolboxProxyURL = toolboxProxyURL }
            if let homeDirectory, !homeDirectory.isEmpty { entry.homeDirectory = homeDirectory }
            entries[id] = entry
        }
    }

    func forget(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}

/// A flag set once, readable from any task.
final class DaytonaFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
