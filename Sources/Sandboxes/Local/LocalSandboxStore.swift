import Foundation
import Logging

/// The on-disk layout of local sandboxes, and their metadata.
///
/// ```
/// <root>/<id>/sandbox.json   metadata (LocalSandboxRecord), mode 0600
/// <root>/<id>/home/          the sandbox user's home directory
/// <root>/<id>/tmp/           TMPDIR of its commands
/// ```
/// `id` is a lowercase UUID. A sandbox is assembled in `<root>/.creating-<id>/` and renamed into
/// place, and renamed to `<root>/.deleting-<id>-<uuid>/` before it is removed, so a reader never sees a
/// half-made or half-deleted sandbox. Entries whose name starts with `.` are ignored.
struct LocalSandboxStore: Sendable {
    static let metadataFileName = "sandbox.json"

    let root: URL
    let logger: Logger

    init(root: URL, logger: Logger) {
        self.root = root.standardizedFileURL
        self.logger = logger
    }

    /// True for a lowercase UUID: the only ids this store ever creates, and the only ones it will
    /// turn into a path (so `../x` can never name a directory).
    static func isValidID(_ id: String) -> Bool {
        guard let uuid = UUID(uuidString: id) else { return false }
        return uuid.uuidString.lowercased() == id
    }

    func directory(of id: String) -> URL { root.appendingPathComponent(id, isDirectory: true) }
    func homeDirectory(of id: String) -> URL { directory(of: id).appendingPathComponent("home", isDirectory: true) }
    func tmpDirectory(of id: String) -> URL { directory(of: id).appendingPathComponent("tmp", isDirectory: true) }
    func metadataFile(of id: String) -> URL { directory(of: id).appendingPathComponent(Self.metadataFileName) }

    /// Every sandbox with valid metadata, oldest first.
    func all() -> [LocalSandboxRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }
            .compactMap { name -> LocalSandboxRecord? in
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory(of: name).path, isDirectory: &isDirectory),
                    isDirectory.boolValue
                else { return nil }
                guard Self.isValidID(name) else {
                    logger.warning("ignoring unexpected entry in the sandbox root", metadata: ["entry": "\(name)"])
                    return nil
                }
                return load(name)
            }
            .sorted { ($0.sandbox.createdAt, $0.sandbox.id) < ($1.sandbox.createdAt, $1.sandbox.id) }
    }

    /// The sandbox `id`, or `nil` when there is none; a directory without valid metadata is logged
    /// and treated as absent.
    func load(_ id: String) -> LocalSandboxRecord? {
        guard Self.isValidID(id) else { return nil }
        let file = metadataFile(of: id)
        guard FileManager.default.fileExists(atPath: directory(of: id).path) else { return nil }
        do {
            let record = try Self.decoder.decode(LocalSandboxRecord.self, from: Data(contentsOf: file))
            guard record.sandbox.id == id else {
                logger.warning("sandbox metadata names another id; ignoring", metadata: ["sandbox.id": "\(id)"])
                return nil
            }
            return record
        } catch {
            logger.warning(
                "sandbox directory without valid metadata; ignoring",
                metadata: ["sandbox.id": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// Creates the directories of `record` and its metadata, all at once (staging directory + rename).
    /// - Throws: ``SandboxError/createFailed(_:)``.
    func create(_ record: LocalSandboxRecord) throws {
        let id = record.sandbox.id
        let fileManager = FileManager.default
        let staging = root.appendingPathComponent(".creating-\(id)", isDirectory: true)
        do {
            try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
            try fileManager.createDirectory(at: staging.appendingPathComponent("home"), withIntermediateDirectories: false)
            try fileManager.createDirectory(at: staging.appendingPathComponent("tmp"), withIntermediateDirectories: false)
            try writeMetadata(record, into: staging)
            try fileManager.moveItem(at: staging, to: directory(of: id))
        } catch {
            try? fileManager.removeItem(at: staging)
            throw SandboxError.createFailed("cannot create the sandbox directory: \(error.localizedDescription)")
        }
    }

    /// Replaces the metadata of an existing sandbox atomically (temporary file + rename).
    func update(_ record: LocalSandboxRecord) throws {
        try writeMetadata(record, into: directory(of: record.sandbox.id))
    }

    /// Removes the sandbox directory; a missing one is not an error.
    func remove(_ id: String) throws {
        guard Self.isValidID(id) else { return }
        let fileManager = FileManager.default
        let trash = root.appendingPathComponent(".deleting-\(id)-\(UUID().uuidString.lowercased())", isDirectory: true)
        do {
            try fileManager.moveItem(at: directory(of: id), to: trash)
        } catch {
            if !fileManager.fileExists(atPath: directory(of: id).path) { return }
            throw error
        }
        do {
            try fileManager.removeItem(at: trash)
        } catch {
            // Read-only directories (a Go module cache, …) cannot be emptied: make them writable, retry.
            Self.makeOwnerWritable(trash)
            try fileManager.removeItem(at: trash)
        }
    }

    private func writeMetadata(_ record: LocalSandboxRecord, into directory: URL) throws {
        let data = try Self.encoder.encode(record)
        let target = directory.appendingPathComponent(Self.metadataFileName)
        let temporary = directory.appendingPathComponent(".\(Self.metadataFileName).\(UUID().uuidString.lowercased())")
        // 0600: the sandbox environment may hold tokens.
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw SandboxError.createFailed("cannot write \(Self.metadataFileName)")
        }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SandboxError.createFailed("cannot write \(Self.metadataFileName): \(reason)")
        }
    }

    private static func makeOwnerWritable(_ url: URL) {
        let fileManager = FileManager.default
        _ = chmod(url.path, 0o700)
        guard let enumerator = fileManager.enumerator(atPath: url.path) else { return }
        for case let relative as String in enumerator {
            let path = url.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                _ = chmod(path, 0o700)
            }
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// What `sandbox.json` holds: the ``Sandbox`` fields at the top level (so the file decodes as a
/// `Sandbox`), plus the environment given at creation.
struct LocalSandboxRecord: Codable, Sendable, Equatable {
    var sandbox: Sandbox
    /// Environment variables set for every command (``SandboxCreateRequest/environment``).
    var environment: [String: String]

    init(sandbox: Sandbox, environment: [String: String]) {
        self.sandbox = sandbox
        self.environment = environment
    }

    private enum CodingKeys: String, CodingKey {
        case environment
    }

    init(from decoder: any Decoder) throws {
        sandbox = try Sandbox(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environment = try container.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
    }

    func encode(to encoder: any Encoder) throws {
        try sandbox.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
    }
}
