import Foundation

/// A branch or tag as `GET /repos/{owner}/{repo}/git/ref/{ref}` returns it (`git-ref`).
public struct GitReference: Decodable, Sendable, Equatable {
    /// Fully qualified, e.g. `refs/heads/dayshift/issue-7`.
    public var ref: String
    public var object: Target

    /// The object the ref points at.
    public struct Target: Decodable, Sendable, Equatable {
        public var sha: String
        /// `commit` for branches.
        public var type: String?
    }
}

/// A commit as `GET /repos/{owner}/{repo}/git/commits/{commit_sha}` returns it (`git-commit`), reduced.
public struct GitCommit: Decodable, Sendable, Equatable {
    public var sha: String
    public var message: String?
    public var tree: ObjectID
    public var parents: [ObjectID]
}

/// `{ "sha": … }`: how blobs, trees and commits name what they point at, and what creating one answers.
public struct ObjectID: Decodable, Sendable, Equatable {
    public var sha: String
}

/// One entry of `POST /repos/{owner}/{repo}/git/trees` (`tree[]`): a file written, a file deleted,
/// a symlink, or a submodule pointer. Paths are relative to the repository root, with `/`.
public struct GitTreeEntry: Sendable, Equatable {
    /// `100644` file, `100755` executable, `120000` symlink (the content is the link's target),
    /// `160000` submodule (the sha is a commit).
    public enum Mode: String, Sendable {
        case file = "100644"
        case executable = "100755"
        case symlink = "120000"
        case submodule = "160000"
    }

    /// What the path becomes.
    public enum Change: Sendable, Equatable {
        /// UTF-8 text sent inline (`content`); GitHub writes the blob.
        case content(String)
        /// An existing blob or, for a submodule, a commit (`sha`).
        case object(sha: String)
        /// The path is removed (`sha: null`).
        case delete
    }

    public var path: String
    public var mode: Mode
    public var change: Change

    public init(path: String, mode: Mode, change: Change) {
        self.path = path
        self.mode = mode
        self.change = change
    }

    /// The JSON object GitHub expects.
    var json: [String: any Sendable] {
        var entry: [String: any Sendable] = ["path": path, "mode": mode.rawValue, "type": mode == .submodule ? "commit" : "blob"]
        switch change {
        case .content(let text): entry["content"] = text
        case .object(let sha): entry["sha"] = sha
        case .delete: entry["sha"] = NSNull()
        }
        return entry
    }

    /// Bytes this entry adds to a request body, roughly (for batching requests).
    public var weight: Int {
        if case .content(let text) = change { return text.utf8.count + path.utf8.count + 64 }
        return path.utf8.count + 96
    }
}
