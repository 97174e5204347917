import Crypto
import DayshiftConfig
import Foundation

/// Per-run tokens for the LLM proxy: what a sandbox holds instead of a model key.
///
/// A token is `dsr_<run id>_<base64url HMAC-SHA256 of "dayshift-run-token:v1:<run id>">`, keyed
/// with a 32-byte server secret generated once and kept in `<data_dir>/llm-proxy.secret` (mode
/// 0600), so tokens survive a restart and need no table. The HMAC is checked in constant time;
/// whether the run is still `running` is the proxy's second check (``LLMProxyController``).
public struct RunTokens: Sendable {
    private let key: SymmetricKey
    static let prefix = "dsr_"
    static let secretFileName = "llm-proxy.secret"

    /// Loads the server secret from `directory`, creating it (32 random bytes) on first use.
    /// - Throws: ``ConfigurationError`` for `data_dir` when the file cannot be read or written, or is not 32 bytes.
    public init(directory: String) throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(Self.secretFileName)
        if let data = FileManager.default.contents(atPath: url.path) {
            guard data.count == 32 else {
                throw ConfigurationError(key: "data_dir", problem: "\(url.path) is not a 32-byte secret; delete it to make a new one (live runs' tokens then stop working)")
            }
            key = SymmetricKey(data: data)
            return
        }
        let secret = SymmetricKey(size: .bits256)
        let data = secret.withUnsafeBytes { Data($0) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw ConfigurationError(key: "data_dir", problem: "cannot write \(url.path)")
        }
        key = secret
    }

    /// A key given directly (tests).
    init(key: SymmetricKey) { self.key = key }

    /// The token of run `runID`.
    public func token(runID: Int64) -> String {
        Self.prefix + String(runID) + "_" + Self.base64URL(Data(mac(runID: runID)))
    }

    /// The run a token was minted for, when its HMAC is right (compared in constant time);
    /// `nil` for anything else. Says nothing about whether the run is still running.
    public func runID(of token: String) -> Int64? {
        guard token.hasPrefix(Self.prefix), token.utf8.count < 128 else { return nil }
        let parts = token.dropFirst(Self.prefix.count).split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let runID = Int64(parts[0]), runID > 0, String(runID) == parts[0],
              let code = Self.decodeBase64URL(String(parts[1])) else { return nil }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Self.message(runID), using: key) ? runID : nil
    }

    private func mac(runID: Int64) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Self.message(runID), using: key)
    }

    private static func message(_ runID: Int64) -> Data { Data("dayshift-run-token:v1:\(runID)".utf8) }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
