import DayshiftServer
import Foundation
import Testing

/// The sd_notify client against a real Unix datagram socket.
@Suite("systemd notifications")
struct SystemdNotifierTests {
    @Test("READY=1 arrives as one datagram on the socket NOTIFY_SOCKET names")
    func pathSocket() throws {
        let directory = try TestDirectory("notify")
        defer { directory.remove() }
        let listener = try DatagramListener(path: directory.url.appendingPathComponent("notify").path)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path]))
        try notifier.send("READY=1\nSTATUS=listening on http://127.0.0.1:8080")
        try notifier.send("STOPPING=1")
        #expect(listener.receive() == "READY=1\nSTATUS=listening on http://127.0.0.1:8080")
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test("an @name address is a socket in the abstract namespace")
    func abstractSocket() throws {
        let name = "@dayshift-test-\(UUID().uuidString.prefix(8))"
        let listener = try DatagramListener(path: name)
        try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": name])).send("READY=1")
        #expect(listener.receive() == "READY=1")
    }

    @Test("without a usable NOTIFY_SOCKET there is no notifier", arguments: [[:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "vsock:2:1234"], ["NOTIFY_SOCKET": "@"]])
    func absent(environment: [String: String]) {
        #expect(SystemdNotifier(environment: environment) == nil)
    }

    @Test("a socket nobody listens on is an error naming it")
    func nobodyListening() throws {
        let directory = try TestDirectory("notify")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("gone").path
        let error = #expect(throws: SystemdNotifierError.self) {
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": path])!.send("READY=1")
        }
        #expect(error?.description.contains(path) == true)
    }
}
