import DayshiftCore
import Emulators
import Foundation
import GitHub
import Testing
import _CryptoExtras

/// An emulator in App mode (app 4242, installation 77 on `acme` covering `widgets` and `gadgets`,
/// issue acme/widgets#7) and a Dayshift authenticator on the emulator's clock.
struct GitHubAppFixture {
    static let appID: Int64 = 4242
    static let installationID: Int64 = 77
    static let widgets = RepositoryName(owner: "acme", name: "widgets")
    static let gadgets = RepositoryName(owner: "acme", name: "gadgets")

    let emulator: RunningGitHubEmulator
    let authenticator: GitHubAuthenticator
    let privateKeyPEM: String
    let sleeps: SleepRecorder

    var state: GitHubEmulatorState { emulator.state }

    /// Runs `body` with a started emulator and always stops it.
    static func run(
        installationPermissions: [String: String] = EmulatedInstallation.defaultPermissions,
        _ body: (GitHubAppFixture) async throws -> Void
    ) async throws {
        let state = GitHubEmulatorState()
        let pem = try await state.registerApp(id: appID)
        await state.addInstallation(id: installationID, account: "acme", repositories: ["widgets", "gadgets"], permissions: installationPermissions)
        await state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
        await state.seedIssue(owner: "acme", repo: "gadgets", number: 3, title: "Other bug")
        let emulator = try await GitHubEmulator.start(state: state)
        let sleeps = SleepRecorder()
        do {
            let authenticator = try GitHubAuthenticator(
                credentials: .app(appID: String(appID), privateKeyPEM: pem), baseURL: emulator.baseURL,
                sleep: { await sleeps.record($0) }, now: { state.now() }
            )
            try await body(GitHubAppFixture(emulator: emulator, authenticator: authenticator, privateKeyPEM: pem, sleeps: sleeps))
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }

    /// A client that sends `token` as is (no cache, no retries).
    func rawClient(token: String) -> GitHubClient {
        GitHubClient(baseURL: emulator.baseURL, retryPolicy: .never, token: { token })
    }

    /// A client that sends a JWT signed now (emulator clock) with this app's key.
    func appClient(appID: String = String(GitHubAppFixture.appID), at date: Date? = nil) throws -> GitHubClient {
        let key = try GitHubAppPrivateKey(pemRepresentation: privateKeyPEM)
        let jwt = try GitHubAppJWT.sign(appID: appID, key: key, now: date ?? state.now())
        return rawClient(token: jwt.token)
    }

    /// A JWT with arbitrary claims, signed with this app's key.
    func jwt(claims: [String: Any]) throws -> String {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        let header = GitHubAppJWT.base64URL(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let payload = GitHubAppJWT.base64URL(try JSONSerialization.data(withJSONObject: claims))
        let signature = try key.signature(for: Data("\(header).\(payload)".utf8), padding: .insecurePKCS1v1_5)
        return "\(header).\(payload).\(GitHubAppJWT.base64URL(signature.rawRepresentation))"
    }

    /// Recorded requests as `METHOD path status kind#id`.
    func log() async -> [String] {
        await state.recordedRequests.map { "\($0.method) \($0.path) \($0.responseStatus) \($0.tokenKind ?? "-")#\($0.tokenID.map(String.init) ?? "-")" }
    }
}
