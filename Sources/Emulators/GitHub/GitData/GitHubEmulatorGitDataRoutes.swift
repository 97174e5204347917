import DayshiftCore
import Foundation
import GitHub
import Hummingbird

/// GitHub's Git Data API over a registered bare repository
/// (``GitHubEmulatorState/registerRepository(owner:repo:bareDirectory:)``):
///
/// | endpoint | answer |
/// | --- | --- |
/// | `GET /repos/{owner}/{repo}/git/ref/{ref}` | 200 `git-ref`, 404 |
/// | `POST /repos/{owner}/{repo}/git/refs` `{ref, sha}` | 201 `git-ref`; 422 "Reference already exists" |
/// | `PATCH /repos/{owner}/{repo}/git/refs/{ref}` `{sha, force?}` | 200 `git-ref`; 422 "Update is not a fast forward", "Reference does not exist", "Protected branch update failed" |
/// | `POST /repos/{owner}/{repo}/git/blobs` `{content, encoding?}` | 201 `short-blob` |
/// | `POST /repos/{owner}/{repo}/git/trees` `{tree, base_tree?}` | 201 `git-tree`; 422 bad entries |
/// | `POST /repos/{owner}/{repo}/git/commits` `{message, tree, parents?}` | 201 `git-commit` by the App's bot, `verification.verified: true` |
/// | `GET /repos/{owner}/{repo}/git/commits/{commit_sha}` | 200 `git-commit`, 404 |
enum GitHubEmulatorGitDataRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.get("/repos/:owner/:repo/git/ref/**") { request, context in
            let (repository, base) = try await target(request, context, state)
            let ref = context.parameters.getCatchAll().joined(separator: "/")
            guard ref.hasPrefix("heads/"), let head = try await repository.branchHead(String(ref.dropFirst(6))) else { throw GitHubAPIError.notFound }
            return GitHubEmulatorResponse.json(reference("refs/\(ref)", sha: head, base: base), status: .ok)
        }
        router.post("/repos/:owner/:repo/git/refs") { request, context in
            try await createReference(request, context, state)
        }
        router.patch("/repos/:owner/:repo/git/refs/**") { request, context in
            try await updateReference(request, context, state)
        }
        router.post("/repos/:owner/:repo/git/blobs") { request, context in
            let (repository, base) = try await target(request, context, state)
            let body = try await request.jsonObjectBody()
            guard case .string(let content)? = body["content"] else { throw invalid("Blob", "content", "missing_field") }
            let encoding = body["encoding"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "utf-8"
            let data: Data
            switch encoding {
            case "base64":
                guard let decoded = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else { throw invalid("Blob", "content", "invalid") }
                data = decoded
            case "utf-8", "utf8": data = Data(content.utf8)
            default: throw invalid("Blob", "encoding", "invalid")
            }
            let sha = try await repository.writeBlobs([data])[0]
            return GitHubEmulatorResponse.json(["url": .string("\(base)/git/blobs/\(sha)"), "sha": .string(sha)] as JSONValue, status: .created)
        }
        router.post("/repos/:owner/:repo/git/trees") { request, context in
            try await createTree(request, context, state)
        }
        router.post("/repos/:owner/:repo/git/commits") { request, context in
            try await createCommit(request, context, state)
        }
        router.get("/repos/:owner/:repo/git/commits/:commit_sha") { request, context in
            let (repository, base) = try await target(request, context, state)
            let sha = try context.parameters.require("commit_sha")
            guard let commit = try? await repository.commit(sha) else { throw GitHubAPIError.notFound }
            return GitHubEmulatorResponse.json(render(commit, base: base, state: state), status: .ok)
        }
    }

    static func createReference<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let (repository, base) = try await target(request, context, state)
        let body = try await request.jsonObjectBody()
        guard case .string(let ref)? = body["ref"], case .string(let sha)? = body["sha"] else { throw invalid("Reference", "ref", "missing_field") }
        guard ref.hasPrefix("refs/heads/"), ref.split(separator: "/").count >= 3 else {
            throw GitHubAPIError(.unprocessableContent, message: "Reference name is not valid")
        }
        let branch = String(ref.dropFirst("refs/heads/".count))
        try await refuseProtected(request, context, state, branch: branch)
        guard try await repository.objectType(sha) == "commit" else { throw GitHubAPIError(.unprocessableContent, message: "Object does not exist") }
        guard try await repository.setBranch(branch, to: sha, expectedOld: nil) else {
            throw GitHubAPIError(.unprocessableContent, message: "Reference already exists")
        }
        return GitHubEmulatorResponse.json(reference(ref, sha: sha, base: base), status: .created)
    }

    static func updateReference<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let (repository, base) = try await target(request, context, state)
        let ref = context.parameters.getCatchAll().joined(separator: "/")
        let body = try await request.jsonObjectBody()
        guard case .string(let sha)? = body["sha"] else { throw invalid("Reference", "sha", "missing_field") }
        let force = body["force"] == .bool(true)
        guard ref.hasPrefix("heads/") else { throw GitHubAPIError(.unprocessableContent, message: "Reference does not exist") }
        let branch = String(ref.dropFirst(6))
        try await refuseProtected(request, context, state, branch: branch)
        guard let old = try await repository.branchHead(branch) else { throw GitHubAPIError(.unprocessableContent, message: "Reference does not exist") }
        guard try await repository.objectType(sha) == "commit" else { throw GitHubAPIError(.unprocessableContent, message: "Object does not exist") }
        if !force, try await !repository.isAncestor(old, of: sha) {
            throw GitHubAPIError(.unprocessableContent, message: "Update is not a fast forward")
        }
        guard try await repository.setBranch(branch, to: sha, expectedOld: old) else {
            throw GitHubAPIError(.unprocessableContent, message: "Update is not a fast forward")
        }
        return GitHubEmulatorResponse.json(reference("refs/\(ref)", sha: sha, base: base), status: .ok)
    }

    static func createTree<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let (repository, base) = try await target(request, context, state)
        let body = try await request.jsonObjectBody()
        guard case .array(let items)? = body["tree"] else { throw invalid("Tree", "tree", "missing_field") }
        var baseTree: String?
        if case .string(let text)? = body["base_tree"] { baseTree = text }
        var changes: [(path: String, mode: String, change: EmulatedGitRepository.EntryChange)] = []
        for item in items {
            guard case .object(let entry) = item, case .string(let path)? = entry["path"], case .string(let mode)? = entry["mode"],
                  ["100644", "100755", "120000", "160000"].contains(mode), !path.isEmpty, !path.hasPrefix("/"),
                  !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." || $0 == ".git" })
            else { throw invalid("Tree", "tree", "invalid") }
            switch (entry["sha"], entry["content"]) {
            case (.string(let sha)?, nil): changes.append((path, mode, .object(sha)))
            case (.null?, nil): changes.append((path, mode, .delete))
            case (nil, .string(let content)?), (.null?, .string(let content)?): changes.append((path, mode, .content(Data(content.utf8))))
            default: throw GitHubAPIError(.unprocessableContent, message: "Must supply either tree.sha or tree.content. Request will be rejected if both are present.")
            }
        }
        let sha: String
        do {
            sha = try await repository.writeTree(baseTree: baseTree, changes: changes)
        } catch EmulatedGitRepository.Failure.invalid(let message) {
            throw GitHubAPIError(.unprocessableContent, message: message)
        }
        let entries = try await repository.treeEntries(sha).map { entry -> JSONValue in
            ["path": .string(entry.path), "mode": .string(entry.mode), "type": .string(entry.type), "sha": .string(entry.sha),
             "url": .string("\(base)/git/\(entry.type == "tree" ? "trees" : "blobs")/\(entry.sha)")]
        }
        let tree: JSONValue = ["sha": .string(sha), "url": .string("\(base)/git/trees/\(sha)"), "truncated": false, "tree": .array(entries)]
        return GitHubEmulatorResponse.json(tree, status: .created)
    }

    static func createCommit<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let (repository, base) = try await target(request, context, state)
        let body = try await request.jsonObjectBody()
        guard case .string(let message)? = body["message"] else { throw invalid("Commit", "message", "missing_field") }
        guard case .string(let tree)? = body["tree"] else { throw invalid("Commit", "tree", "missing_field") }
        var parents: [String] = []
        if case .array(let items)? = body["parents"] {
            for item in items {
                guard case .string(let parent) = item else { throw invalid("Commit", "parents", "invalid") }
                parents.append(parent)
            }
        }
        let identity = state.botIdentity
        let sha: String
        do {
            sha = try await repository.writeCommit(message: message, tree: tree, parents: parents, name: identity.name, email: identity.email,
                                                   date: await state.currentDate())
        } catch EmulatedGitRepository.Failure.invalid(let reason) {
            throw GitHubAPIError(.unprocessableContent, message: reason)
        }
        return GitHubEmulatorResponse.json(render(try await repository.commit(sha), base: base, state: state), status: .created)
    }

    // MARK: Helpers

    static func target<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> (EmulatedGitRepository, String) {
        let owner = try context.parameters.require("owner")
        let repo = try context.parameters.require("repo")
        let repository = try await state.gitRepository(owner: owner, repo: repo)
        return (repository, "\(request.emulatorBaseURL)/repos/\(owner)/\(repo)")
    }

    static func refuseProtected<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState, branch: String) async throws {
        let owner = try context.parameters.require("owner")
        let repo = try context.parameters.require("repo")
        if await state.isProtected(owner: owner, repo: repo, branch: branch) {
            throw GitHubAPIError(.unprocessableContent, message: "Protected branch update failed for refs/heads/\(branch).")
        }
    }

    static func invalid(_ resource: String, _ field: String, _ code: String) -> GitHubAPIError {
        GitHubAPIError.validationFailed([GitHubValidationError(resource: resource, field: field, code: code)])
    }

    static func reference(_ ref: String, sha: String, base: String) -> JSONValue {
        ["ref": .string(ref), "node_id": .string("REF_emu\(sha.prefix(12))"), "url": .string("\(base)/git/\(ref)"),
         "object": ["type": "commit", "sha": .string(sha), "url": .string("\(base)/git/commits/\(sha)")]]
    }

    static func render(_ commit: EmulatedGitRepository.Commit, base: String, state: GitHubEmulatorState) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        let signedByBot = commit.committerName == state.botIdentity.name
        func person(_ name: String, _ email: String, _ date: Date) -> JSONValue {
            ["name": .string(name), "email": .string(email), "date": .string(formatter.string(from: date))]
        }
        return [
            "sha": .string(commit.sha), "node_id": .string("C_emu\(commit.sha.prefix(12))"),
            "url": .string("\(base)/git/commits/\(commit.sha)"),
            "html_url": .string("\(base.replacingOccurrences(of: "/repos/", with: "/"))/commit/\(commit.sha)"),
            "author": person(commit.authorName, commit.authorEmail, commit.authorDate),
            "committer": person(commit.committerName, commit.committerEmail, commit.committerDate),
            "message": .string(commit.message.hasSuffix("\n") ? String(commit.message.dropLast()) : commit.message),
            "tree": ["sha": .string(commit.tree), "url": .string("\(base)/git/trees/\(commit.tree)")],
            "parents": .array(commit.parents.map { ["sha": .string($0), "url": .string("\(base)/git/commits/\($0)"), "html_url": .string("\(base)/commit/\($0)")] }),
            "verification": ["verified": .bool(signedByBot), "reason": .string(signedByBot ? "valid" : "unsigned"), "signature": .null, "payload": .null],
        ]
    }
}
