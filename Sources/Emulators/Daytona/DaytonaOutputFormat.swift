import Foundation

/// How the toolbox renders session output, chosen from the request headers as Daytona's daemon
/// does (`shared/reference/daytona.md` §9.3):
///
/// | headers | format |
/// |---|---|
/// | no `X-Daytona-SDK-Version`, no `X-Daytona-Split-Output` | ``combined`` |
/// | no version, `X-Daytona-Split-Output: true` | ``raw`` |
/// | version < 0.27 | ``combined`` |
/// | 0.27 ≤ version < 0.167 | ``raw`` |
/// | version ≥ 0.167, or containing `dev` | ``split`` |
enum DaytonaOutputFormat: Equatable {
    /// Markers stripped, stdout and stderr combined; logs as `text/plain`.
    case combined
    /// Raw bytes with the 3-byte markers; logs as `text/plain`.
    case raw
    /// Raw `output` plus demultiplexed `stdout`/`stderr`; logs as JSON.
    case split

    static let stdoutMarker: [UInt8] = [1, 1, 1]
    static let stderrMarker: [UInt8] = [2, 2, 2]

    init(sdkVersion: String?, splitOutput: String?) {
        guard let sdkVersion, !sdkVersion.isEmpty else {
            self = splitOutput?.lowercased() == "true" ? .raw : .combined
            return
        }
        if sdkVersion.contains("dev") {
            self = .split
            return
        }
        let numbers = sdkVersion.drop { $0 == "v" }.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        let version = (numbers + [0, 0, 0]).prefix(3)
        let tuple = (version[0], version[1], version[2])
        if tuple >= (0, 167, 0) {
            self = .split
        } else if tuple >= (0, 27, 0) {
            self = .raw
        } else {
            self = .combined
        }
    }

    /// Splits marked bytes into stdout and stderr (bytes before any marker count as stdout).
    static func demultiplex(_ raw: Data) -> (stdout: Data, stderr: Data) {
        var stdout = Data()
        var stderr = Data()
        var toStderr = false
        let bytes = [UInt8](raw)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index] == bytes[index + 1], bytes[index] == bytes[index + 2],
                bytes[index] == 1 || bytes[index] == 2
            {
                toStderr = bytes[index] == 2
                index += 3
                continue
            }
            if toStderr { stderr.append(bytes[index]) } else { stdout.append(bytes[index]) }
            index += 1
        }
        return (stdout, stderr)
    }

    /// The bytes without markers, stdout and stderr in write order.
    static func stripped(_ raw: Data) -> Data {
        let parts = [UInt8](raw)
        var result = Data()
        var index = 0
        while index < parts.count {
            if index + 2 < parts.count, parts[index] == parts[index + 1], parts[index] == parts[index + 2],
                parts[index] == 1 || parts[index] == 2
            {
                index += 3
                continue
            }
            result.append(parts[index])
            index += 1
        }
        return result
    }

    /// `raw` rendered as this format's `output` text.
    func output(_ raw: Data) -> String {
        switch self {
        case .combined: String(decoding: Self.stripped(raw), as: UTF8.self)
        case .raw, .split: String(decoding: raw, as: UTF8.self)
        }
    }
}
