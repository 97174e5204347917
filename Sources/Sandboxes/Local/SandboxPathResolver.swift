import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Turns a path given to a sandbox API into a host path, and keeps it inside the sandbox.
///
/// Relative paths start at the sandbox home; `.` and `..` are removed lexically; then the longest
/// existing prefix is resolved through symlinks (`realpath`) and must still lie inside the sandbox
/// directory (itself resolved the same way, so a symlinked root such as macOS's `/var` works).
struct SandboxPathResolver: Sendable {
    /// `<root>/<id>`, absolute and standardized.
    let sandboxDirectory: String
    /// `<root>/<id>/home`, absolute and standardized.
    let homeDirectory: String

    /// `path` made absolute (against the home directory) and normalised lexically. No containment check.
    func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : homeDirectory + "/" + path
        return Self.normalize(joined)
    }

    /// `path` made absolute and checked to stay inside the sandbox directory, symlinks included.
    /// - Throws: ``SandboxError/invalidPath(_:)`` (with `path` as given) when it escapes, or names the
    ///   sandbox's own metadata file.
    func contained(_ path: String) throws(SandboxError) -> String {
        let lexical = absolute(path)
        guard Self.isInside(lexical, sandboxDirectory),
            lexical != sandboxDirectory + "/" + LocalSandboxStore.metadataFileName
        else { throw SandboxError.invalidPath(path) }
        guard let realBase = Self.realpath(sandboxDirectory) else { throw SandboxError.invalidPath(path) }
        // Resolve the longest prefix that exists; what follows cannot contain symlinks yet.
        var existing = lexical
        var rest: [String] = []
        var resolved = Self.realpath(existing)
        while resolved == nil, existing != "/" {
            let url = URL(fileURLWithPath: existing)
            rest.insert(url.lastPathComponent, at: 0)
            existing = url.deletingLastPathComponent().path
            resolved = Self.realpath(existing)
        }
        guard let resolved else { throw SandboxError.invalidPath(path) }
        let real = rest.isEmpty ? resolved : Self.normalize(resolved + "/" + rest.joined(separator: "/"))
        guard Self.isInside(real, realBase),
            real != realBase + "/" + LocalSandboxStore.metadataFileName
        else { throw SandboxError.invalidPath(path) }
        return lexical
    }

    /// Removes empty, `.` and `..` components of an absolute path (`..` at `/` stays at `/`).
    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    static func isInside(_ path: String, _ base: String) -> Bool {
        path == base || path.hasPrefix(base == "/" ? "/" : base + "/")
    }

    private static func realpath(_ path: String) -> String? {
        #if canImport(Darwin)
        guard let pointer = Darwin.realpath(path, nil) else { return nil }
        #else
        guard let pointer = Glibc.realpath(path, nil) else { return nil }
        #endif
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
