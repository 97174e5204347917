import Foundation

/// A fresh temporary directory for one test, removed by ``remove()``.
struct TestDirectory {
    let url: URL

    init(_ name: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Where `../shared` is, relative to this repository, if present.
enum SharedFolder {
    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)

    static var isPresent: Bool { FileManager.default.fileExists(atPath: url.appendingPathComponent("README.md").path) }
}
