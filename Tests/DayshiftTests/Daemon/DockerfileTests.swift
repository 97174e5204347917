import DayshiftConfig
import Foundation
import Testing

/// The top-level `Dockerfile`, read as Docker would (no container engine runs here).
@Suite("Dockerfile")
struct DockerfileTests {
    /// One instruction: `RUN apt-get …` with its continuation lines joined.
    struct Instruction {
        var keyword: String
        var arguments: String
    }

    /// The instructions of each stage (a stage starts at `FROM`); what precedes the first `FROM` is left out.
    static func stages() throws -> [[Instruction]] {
        var stages: [[Instruction]] = []
        var pending = ""
        for rawLine in try RepositoryFile.text("Dockerfile").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            guard let space = whole.firstIndex(of: " ") else { continue }
            let instruction = Instruction(keyword: whole[..<space].uppercased(), arguments: String(whole[space...]).trimmingCharacters(in: .whitespaces))
            if instruction.keyword == "FROM" { stages.append([]) }
            if !stages.isEmpty { stages[stages.count - 1].append(instruction) }
        }
        return stages
    }

    static func runtime() throws -> [Instruction] { try #require(try stages().last) }

    /// The words after `apt-get install` in the stage's `RUN` instructions, options left out.
    static func installed(_ stage: [Instruction]) -> Set<String> {
        var packages = Set<String>()
        for instruction in stage where instruction.keyword == "RUN" {
            for command in instruction.arguments.components(separatedBy: "&&") {
                let words = command.split(separator: " ").map(String.init)
                guard let install = words.firstIndex(of: "install"), words[..<install].contains("apt-get") else { continue }
                packages.formUnion(words[(install + 1)...].filter { !$0.hasPrefix("-") })
            }
        }
        return packages
    }

    /// The `runtime_packages=(…)` list of `scripts/install-system-packages`.
    static func runtimePackagesOfScript() throws -> [String] {
        let script = try RepositoryFile.text("scripts/install-system-packages")
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("runtime_packages=(") })
        return line.dropFirst("runtime_packages=(".count).prefix { $0 != ")" }.split(separator: " ").map(String.init)
    }

    @Test("two stages: a Swift build image, then a slim Debian bookworm runtime")
    func twoStages() throws {
        let froms = try Self.stages().compactMap { $0.first?.arguments }
        #expect(froms.count == 2)
        #expect(froms.first?.hasPrefix("swift:") == true)
        #expect(froms.last?.hasPrefix("debian:bookworm-slim") == true)
    }

    @Test("the runtime stage installs every runtime package scripts/install-system-packages names")
    func packages() throws {
        let wanted = try Self.runtimePackagesOfScript()
        #expect(wanted.contains("bubblewrap") && wanted.contains("git") && wanted.contains("ca-certificates"))
        let installed = Self.installed(try Self.runtime())
        #expect(Set(wanted).subtracting(installed).isEmpty, "missing from the runtime stage: \(Set(wanted).subtracting(installed).sorted())")
    }

    @Test("the exposed port and the health check's port are the default config's server.port")
    func port() throws {
        let documented = try DayshiftConfiguration.load(file: RepositoryFile.url("Config/dayshift.yaml").path, environment: [:]).server.port
        #expect(documented == DayshiftConfiguration().server.port)
        let runtime = try Self.runtime()
        #expect(runtime.filter { $0.keyword == "EXPOSE" }.map(\.arguments) == ["\(documented)"])
        let healthcheck = try #require(runtime.first { $0.keyword == "HEALTHCHECK" }).arguments
        #expect(healthcheck.contains("127.0.0.1:\(documented)/healthz"))
    }

    @Test("it runs dayshift serve as a user that is not root, with its data on a volume")
    func user() throws {
        let runtime = try Self.runtime()
        let user = try #require(runtime.last { $0.keyword == "USER" }).arguments
        let name = user.split(separator: ":").first.map(String.init) ?? ""
        #expect(!["root", "0", ""].contains(name))
        let entrypoint = try #require(runtime.last { $0.keyword == "ENTRYPOINT" }).arguments
        #expect(entrypoint.contains("\"/usr/local/bin/dayshift\", \"serve\""))
        let volume = try #require(runtime.last { $0.keyword == "VOLUME" }).arguments
        let environment = runtime.filter { $0.keyword == "ENV" }.map(\.arguments).joined(separator: " ")
        #expect(volume == "[\"/var/lib/dayshift\"]")
        #expect(environment.contains("DAYSHIFT_DATA_DIR=/var/lib/dayshift"))
        #expect(try Self.stages().flatMap { $0 }.allSatisfy { !$0.arguments.contains("SECRET=") && !$0.arguments.contains("TOKEN=") })
    }
}
