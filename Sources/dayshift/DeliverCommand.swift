import ArgumentParser
import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation

/// `dayshift deliver`: signs a webhook delivery with the configured secret and sends it, as GitHub would.
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Sign a webhook delivery with the webhook secret and POST it to a Dayshift server.",
        discussion: """
        Either a payload from a file (--payload FILE, or - for standard input) with its --event,
        or an issues.labeled delivery built here (--labeled OWNER/REPO#NUMBER). The secret is
        the one serve uses (--config, DAYSHIFT_WEBHOOK_SECRET or its _FILE form); the body is
        signed with HMAC-SHA256 into X-Hub-Signature-256, and X-GitHub-Delivery is a new GUID.
        Prints the HTTP status and the server's answer; exits 1 unless the status is 2xx.

        Examples:
          dayshift deliver --labeled octo/hello#7 --title "add() is wrong"
          dayshift deliver --event issue_comment --payload comment.json
        """
    )

    @Option(help: "YAML configuration file, for the webhook secret and the server's address (default: DAYSHIFT_CONFIG).")
    var config: String?

    @Option(help: "The webhook URL, or the server's address for its /webhooks/github (default: http://<server.host>:<server.port>/webhooks/github).")
    var url: String?

    @Option(help: "X-GitHub-Event of --payload, e.g. issues or issue_comment.")
    var event: String?

    @Option(help: "A file holding the JSON payload, or - for standard input.")
    var payload: String?

    @Option(help: "Build an issues.labeled delivery for OWNER/REPO#NUMBER instead of reading a payload.")
    var labeled: String?

    @Option(help: "With --labeled: the issue's title.")
    var title: String = "Fix this"

    @Option(help: "With --labeled: the issue's body.")
    var body: String = ""

    @Option(help: "With --labeled: the label (default: triggers.label).")
    var label: String?

    @Option(help: "With --labeled: the App installation id the delivery names.")
    var installation: Int64 = 1

    func run() async throws {
        let configuration = try loadConfiguration(file: config)
        let secret = configuration.webhook.secret
        guard !secret.isEmpty else {
            throw ValidationError("no webhook secret: set DAYSHIFT_WEBHOOK_SECRET (or its _FILE form, or webhook.secret_file in --config)")
        }
        let delivery = try makeDelivery(configuration)
        let host = ["0.0.0.0", "::", ""].contains(configuration.server.host) ? "127.0.0.1" : configuration.server.host
        guard var target = URL(string: url ?? "http://\(host):\(configuration.server.port)/webhooks/github"), target.scheme != nil else {
            throw ValidationError("--url: not a URL")
        }
        // A server's address alone means its webhook route.
        if target.path.isEmpty || target.path == "/" { target = target.appendingPathComponent("webhooks/github") }
        let answer: (status: Int, body: String)
        do {
            answer = try await delivery.send(to: target, secret: secret)
        } catch {
            FileHandle.standardError.write(Data("dayshift: nothing answered at \(target.absoluteString) (\(error.localizedDescription))\n".utf8))
            throw ExitCode(1)
        }
        print("\(delivery.event) delivery \(delivery.guid): HTTP \(answer.status) \(answer.body)")
        if !(200..<300).contains(answer.status) { throw ExitCode(1) }
    }

    private func makeDelivery(_ configuration: DayshiftConfiguration) throws -> WebhookDelivery {
        switch (labeled, payload) {
        case (let issue?, nil):
            guard event == nil || event == "issues" else { throw ValidationError("--labeled sends an issues event; leave out --event") }
            guard let key = IssueKey(issue) else { throw ValidationError("--labeled: expected OWNER/REPO#NUMBER, got \"\(issue)\"") }
            var builder = WebhookPayloadBuilder(owner: key.repository.owner, repo: key.repository.name,
                                                cloneURL: "https://github.com/\(key.repository).git")
            builder.installationID = installation
            return builder.issueLabeled(number: key.number, title: title, body: body, label: label ?? configuration.triggers.label)
        case (nil, let path?):
            guard let event, !event.isEmpty else { throw ValidationError("--payload needs --event, e.g. --event issues") }
            let data: Data
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: path) else { throw ValidationError("--payload: cannot read \(path)") }
                data = contents
            }
            return WebhookDelivery(event: event, guid: UUID().uuidString.lowercased(), body: data)
        default:
            throw ValidationError("give either --labeled OWNER/REPO#NUMBER or --payload FILE with --event")
        }
    }
}
