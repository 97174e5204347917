import DayshiftCore
import Foundation

/// JSON for the App endpoints (`installation`, `installation-token`) and for labels (`label`).
extension GitHubEmulatorRenderer {
    /// `installation`, as `GET /repos/{owner}/{repo}/installation` answers it.
    func installation(_ installation: EmulatedInstallation, app: RegisteredApp?, now: Date) -> JSONValue {
        let api = "\(base)/app/installations/\(installation.id)"
        let timestamp = JSONValue.string(GitHubEmulatorJSON.timestamp(now))
        return [
            "id": .int(Int(installation.id)), "app_id": .int(Int(app?.id ?? 0)), "app_slug": .string(app?.slug ?? "app"),
            "target_id": .int(userID(installation.account)), "target_type": "Organization",
            "account": user(installation.account),
            "repository_selection": .string(installation.repositories == nil ? "all" : "selected"),
            "access_tokens_url": .string("\(api)/access_tokens"),
            "repositories_url": .string("\(base)/installation/repositories"),
            "html_url": .string("\(base)/organizations/\(installation.account)/settings/installations/\(installation.id)"),
            "events": ["issues", "issue_comment", "pull_request"],
            "permissions": .object(installation.permissions.mapValues { .string($0) }),
            "created_at": timestamp, "updated_at": timestamp,
            "single_file_name": nil, "has_multiple_single_files": false, "single_file_paths": [],
            "suspended_by": nil, "suspended_at": nil,
        ]
    }

    /// `installation-token`: `token`, `expires_at`, `permissions`, `repository_selection` and, when
    /// narrowed, abbreviated `repositories`.
    func installationToken(_ token: String, record: EmulatedInstallationToken, account: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "token": .string(token),
            "expires_at": .string(GitHubEmulatorJSON.timestamp(record.expiresAt)),
            "permissions": .object(record.permissions.mapValues { .string($0) }),
            "repository_selection": .string(record.repositories == nil ? "all" : "selected"),
        ]
        if let repositories = record.repositories {
            object["repositories"] = .array(repositories.map { repository(account, $0, fork: false) })
        }
        return .object(object)
    }

    /// `label` for `name` in `owner/repo` (id and colour derived from the name).
    func label(_ owner: String, _ repo: String, _ name: String) -> JSONValue {
        let id = userID("\(owner)/\(repo)#\(name)")
        return [
            "id": .int(id), "node_id": .string("LA_emu\(id)"),
            "url": .string("\(apiRepo(owner, repo))/labels/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)"),
            "name": .string(name), "description": nil, "color": "ededed", "default": false,
        ]
    }
}
