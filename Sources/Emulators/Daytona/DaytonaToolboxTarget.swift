import Foundation
import Hummingbird
import Sandboxes

/// The sandbox a toolbox request addresses (`/toolbox/{sandboxId}/…`), checked to be running,
/// with the local provider that backs it.
struct DaytonaToolboxTarget {
    var sandbox: EmulatedDaytonaSandbox
    var provider: LocalSandboxProvider

    var id: String { sandbox.id }

    /// - Throws: 404 `sandbox container not found` / 400 `… Is the Sandbox started?` (see
    ///   ``DaytonaEmulatorState/toolboxSandbox(_:)``).
    static func resolve(_ context: some RequestContext, _ state: DaytonaEmulatorState) async throws -> DaytonaToolboxTarget {
        let id = context.parameters.get("sandboxId") ?? ""
        let sandbox = try await state.toolboxSandbox(id)
        do {
            return DaytonaToolboxTarget(sandbox: sandbox, provider: try await state.backend())
        } catch {
            throw DaytonaToolboxError.containerNotFound(id)
        }
    }

    /// `path` as a host path: relative paths start at the sandbox home (its work directory).
    func hostPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : (sandbox.homeDirectory as NSString).appendingPathComponent(path)
    }

    /// Maps a local-runner error onto the daemon's answer.
    static func toolboxError(_ error: any Error, id: String) -> any Error {
        guard let error = error as? SandboxError else { return error }
        switch error {
        case .notFound: return DaytonaToolboxError.containerNotFound(id)
        case .invalidPath(let path): return DaytonaToolboxError.badRequest("invalid path: \(path)")
        case .fileNotFound(let path): return DaytonaToolboxError.notFound("file not found: \(path)")
        case .commandFailedToStart(let reason): return DaytonaToolboxError.badRequest(reason)
        case .createFailed(let reason), .credentialsRejected(let reason), .gitFailed(let reason): return DaytonaToolboxError.internalError(reason)
        }
    }
}
