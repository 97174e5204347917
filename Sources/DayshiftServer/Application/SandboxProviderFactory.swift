import DayshiftConfig
import DayshiftCore
import Foundation
import Logging
import Sandboxes

/// Builds the sandbox provider that `sandbox.provider` names.
enum SandboxProviderFactory {
    /// - Throws: ``ConfigurationError`` naming the key when a setting cannot be used.
    /// - Parameter recorder: told about every Daytona request, for metrics.
    static func make(_ configuration: DayshiftConfiguration, logger: Logger,
                     recorder: any OutboundRequestRecorder = NoOutboundRequestRecorder()) throws -> any SandboxProvider {
        switch configuration.sandbox.provider {
        case "daytona":
            let daytona = configuration.sandbox.daytona
            guard let apiURL = URL(string: daytona.apiURL) else {
                throw ConfigurationError(key: "sandbox.daytona.api_url", problem: "not a URL")
            }
            let settings = DaytonaSandboxSettings(
                apiURL: apiURL, apiKey: daytona.apiKey, snapshot: daytona.snapshot, target: daytona.target,
                autoStopMinutes: daytona.autoStopMinutes, autoArchiveMinutes: daytona.autoArchiveMinutes,
                autoDeleteMinutes: daytona.autoDeleteMinutes, networkBlockAll: daytona.networkBlockAll,
                networkAllowList: daytona.networkAllowList, environment: daytona.environment,
                requestTimeoutSeconds: daytona.requestTimeoutSeconds, startTimeoutSeconds: daytona.startTimeoutSeconds,
                // Only long commands (the agent) go through a toolbox session; Dayshift's own git
                // and test plumbing stays one `process/execute` call each.
                sessionThresholdSeconds: 300)
            return DaytonaSandboxProvider(settings: settings, logger: logger, recorder: recorder)
        default:
            let root = configuration.sandbox.localRoot.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true).appendingPathComponent("sandboxes", isDirectory: true)
            let isolation = try LocalIsolationResolver.resolve(
                configuration, searchPath: ProcessInfo.processInfo.environment["PATH"])
            let cgroups: CgroupSupport = if case .bubblewrap = isolation { CgroupSupport.detect() } else { .unavailable }
            return LocalSandboxProvider(rootDirectory: root, logger: logger, isolation: isolation, cgroups: cgroups)
        }
    }
}
