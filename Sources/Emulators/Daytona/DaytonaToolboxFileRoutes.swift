import Foundation
import Hummingbird
import Sandboxes

/// Toolbox file endpoints under `/toolbox/{sandboxId}` (daemon v0.190, §9.5). Relative paths
/// start at the sandbox home; absolute paths must stay inside the sandbox's directory.
///
/// | endpoint | answer |
/// |---|---|
/// | `POST /files/upload?path=` multipart `file` | 200, no body (creates parent directories) |
/// | `POST /files/bulk-upload` multipart `files[i].path` + `files[i].file` | 200 `{files:[{path,bytes}]}`; 400 `{errors, files}` |
/// | `GET /files/download?path=` | 200 octet-stream; 404 / 400 (directory) with an empty body, as the daemon |
/// | `POST /files/bulk-download` `{paths}` | 200 multipart (`DAYTONA-FILE-BOUNDARY`): a `file` part per file (filename = the path as requested), an `error` part (JSON) per failure |
enum DaytonaToolboxFileRoutes {
    struct UploadedFile: Encodable {
        var path: String
        var bytes: Int
    }

    struct BulkUploadResponse: Encodable {
        var errors: [String]?
        var files: [UploadedFile]
    }

    struct FileError: Encodable {
        var message: String
        var statusCode: Int
        var code: String
    }

    /// `POST /files/bulk-download` body.
    struct BulkDownloadBody: Decodable { var paths: [String]? }

    static func add<Context: RequestContext>(to toolbox: RouterGroup<Context>, state: DaytonaEmulatorState) {
        toolbox.post("files/upload") { request, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            guard let path = request.uri.queryParameters.get("path"), !path.isEmpty else {
                throw DaytonaToolboxError.badRequest("path is required")
            }
            let parts = try await formParts(request)
            guard let file = parts.first(where: { $0.name == "file" }) else {
                throw DaytonaToolboxError.badRequest("file is required")
            }
            try await write(file.data, to: path, target)
            return DaytonaJSON.empty(.ok)
        }
        toolbox.post("files/bulk-upload") { request, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let parts = try await formParts(request)
            var paths: [String: String] = [:]
            var files: [(index: String, data: Data)] = []
            for part in parts {
                guard part.name.hasPrefix("files["), let close = part.name.firstIndex(of: "]") else { continue }
                let index = String(part.name[part.name.index(part.name.startIndex, offsetBy: 6)..<close])
                switch part.name[close...] {
                case "].path": paths[index] = String(decoding: part.data, as: UTF8.self)
                case "].file": files.append((index, part.data))
                default: continue
                }
            }
            var uploaded: [UploadedFile] = []
            var errors: [String] = []
            for file in files {
                guard let path = paths[file.index], !path.isEmpty else {
                    errors.append("files[\(file.index)]: path is required")
                    continue
                }
                do {
                    try await write(file.data, to: path, target)
                    uploaded.append(UploadedFile(path: path, bytes: file.data.count))
                } catch let error as DaytonaToolboxError {
                    errors.append("\(path): \(error.message)")
                }
            }
            if files.isEmpty { errors.append("no files to upload") }
            guard errors.isEmpty else {
                return DaytonaJSON.response(BulkUploadResponse(errors: errors, files: uploaded), status: .badRequest)
            }
            return DaytonaJSON.response(BulkUploadResponse(files: uploaded))
        }
        toolbox.get("files/download") { request, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            guard let path = request.uri.queryParameters.get("path"), !path.isEmpty else {
                throw DaytonaToolboxError(.badRequest, code: "BAD_REQUEST", "", emptyBody: true)
            }
            switch await read(path, target) {
            case .success(let data):
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\((path as NSString).lastPathComponent)\""],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            case .failure(let error):
                throw DaytonaToolboxError(error.status, code: error.code, error.message, emptyBody: true)
            }
        }
        toolbox.post("files/bulk-download") { request, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let body = try await request.daytonaJSON(BulkDownloadBody.self) { DaytonaToolboxError.invalidBody($0) }
            guard let paths = body.paths, !paths.isEmpty else { throw DaytonaToolboxError.invalidBody("paths is required") }
            var parts: [DaytonaMultipart.Part] = []
            for path in paths {
                switch await read(path, target) {
                case .success(let data):
                    parts.append(.init(name: "file", filename: path, contentType: "application/octet-stream", data: data))
                case .failure(let error):
                    let payload = DaytonaJSON.encode(FileError(message: error.message, statusCode: Int(error.status.code), code: error.code))
                    parts.append(.init(name: "error", filename: path, contentType: "application/json", data: payload))
                }
            }
            let form = DaytonaMultipart.encode(parts, boundary: DaytonaMultipart.downloadBoundary)
            return Response(
                status: .ok, headers: [.contentType: form.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: form.body)))
        }
    }

    // MARK: Helpers

    static func formParts(_ request: Request) async throws -> [DaytonaMultipart.Part] {
        guard let boundary = DaytonaMultipart.boundary(of: request.headers[.contentType]) else {
            throw DaytonaToolboxError.badRequest("request Content-Type isn't multipart/form-data")
        }
        guard let parts = DaytonaMultipart.parse(try await request.daytonaBody(), boundary: boundary) else {
            throw DaytonaToolboxError.badRequest("malformed multipart body")
        }
        return parts
    }

    static func write(_ data: Data, to path: String, _ target: DaytonaToolboxTarget) async throws {
        do {
            try await target.provider.uploadFile(in: target.id, path: path, contents: data)
        } catch let error as SandboxError {
            throw DaytonaToolboxTarget.toolboxError(error, id: target.id)
        } catch {
            throw DaytonaToolboxError.internalError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The file at `path`, or the daemon's error: 404 missing, 400 directory or escaping path.
    static func read(_ path: String, _ target: DaytonaToolboxTarget) async -> Result<Data, DaytonaToolboxError> {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.hostPath(path), isDirectory: &isDirectory), isDirectory.boolValue {
            return .failure(.badRequest("path is a directory: \(path)"))
        }
        do {
            return .success(try await target.provider.downloadFile(in: target.id, path: path))
        } catch SandboxError.fileNotFound {
            return .failure(.notFound("file not found: \(path)"))
        } catch SandboxError.invalidPath {
            return .failure(.badRequest("invalid path: \(path)"))
        } catch {
            return .failure(.containerNotFound(target.id))
        }
    }
}
