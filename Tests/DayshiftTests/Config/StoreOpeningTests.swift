import DayshiftConfig
@testable import DayshiftServer
import Emulators
import Foundation
import Logging
import Store
import Testing

/// `store.*`: where the state lives, and what `serve` refuses about it.
@Suite("Store opening (store.url)")
struct StoreOpeningTests {
    @Test("store.url and the password come from the file, DAYSHIFT_STORE_URL and DAYSHIFT_STORE_PASSWORD[_FILE]")
    func settings() throws {
        let directory = try TestDirectory("store-config")
        defer { directory.remove() }
        let file = try SecretFileVariableTests.secretFile(in: directory, "store-password")
        let fromFile = try DayshiftConfiguration.parse(yaml: "store:\n  url: postgres://d@db/dayshift\n  password_file: \(file.path)\n  single_replica: true\n",
                                                       environment: [:])
        #expect(fromFile.store.url == "postgres://d@db/dayshift")
        #expect(fromFile.store.password == file.secret)
        #expect(fromFile.store.singleReplica)
        #expect(fromFile.sourceFiles.contains(file.path))
        let fromEnvironment = try DayshiftConfiguration.load(file: nil, environment: ["DAYSHIFT_STORE_URL": "postgres://e@db/x",
                                                                                     "DAYSHIFT_STORE_PASSWORD_FILE": file.path])
        #expect(fromEnvironment.store.url == "postgres://e@db/x")
        #expect(fromEnvironment.store.password == file.secret)
        #expect(try DayshiftConfiguration.parse(yaml: "", environment: ["DAYSHIFT_STORE_PASSWORD": "p"]).store.password == "p")
        #expect(try !DayshiftConfiguration.parse(yaml: "", environment: [:]).store.isShared)
    }

    @Test("what cannot be used is refused in one line naming the key, never showing the password", arguments: [
        ("mysql://d@db/x", true, "store.url"),
        ("postgres://d:hunter2@db/x", true, "store.url"),
        ("postgres://d@db/x", false, "store.single_replica"),
        // Nothing listens on port 1: the error names where it tried.
        ("postgres://d@127.0.0.1:1/x?sslmode=disable", true, "store.url"),
    ])
    func refused(url: String, singleReplica: Bool, key: String) async throws {
        let directory = try TestDirectory("store-refused")
        defer { directory.remove() }
        var configuration = try DayshiftConfiguration.parse(yaml: "", environment: [:])
        configuration.dataDirectory = directory.url.path
        configuration.store.url = url
        configuration.store.password = "s3cret-Pa55"
        configuration.store.singleReplica = singleReplica
        do {
            let store = try await StoreOpening.open(configuration, logger: Logger(label: "test"))
            await store.close()
            Issue.record("expected \(key) to be refused for \(url)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(!error.description.contains("\n"))
            #expect(!error.description.contains("hunter2"))
            #expect(!error.description.contains("s3cret-Pa55"))
            if url.contains(":1/") { #expect(error.description.contains("127.0.0.1:1")) }
        }
    }

    @Test("what PostgreSQL refuses is said in its own words, with the setting to change, in one line")
    func refusalsInPostgresWords() async throws {
        let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
        let directory = try TestDirectory("store-refusal-words")
        defer { directory.remove() }
        var configuration = try DayshiftConfiguration.parse(yaml: "", environment: [:])
        configuration.dataDirectory = directory.url.path
        configuration.store.singleReplica = true
        let server = "\(settings.host ?? "127.0.0.1"):\(settings.port)"
        for (url, expected) in [
            ("postgres://\(settings.username)@\(server)/no_such_database?sslmode=disable", "SQLSTATE 3D000"),
            ("postgres://\(settings.username)@\(server)/\(settings.database)?sslmode=require", "does not offer TLS"),
        ] {
            configuration.store.url = url
            do {
                let store = try await StoreOpening.open(configuration, logger: Logger(label: "test"))
                await store.close()
                Issue.record("expected \(url) to be refused")
            } catch let error as ConfigurationError {
                #expect(error.key == "store.url")
                #expect(error.description.contains(expected), "\(error)")
                #expect(!error.description.contains(".swift") && !error.description.contains(".c,"), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test("with store.url and single_replica, serve's store is PostgreSQL and `migrate` works on it")
    func opensPostgres() async throws {
        let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
        let directory = try TestDirectory("store-pg")
        defer { directory.remove() }
        var configuration = try DayshiftConfiguration.parse(yaml: "", environment: [:])
        configuration.dataDirectory = directory.url.path
        configuration.store.url = "postgres://\(settings.username)@\(settings.host ?? "127.0.0.1"):\(settings.port)/\(settings.database)?sslmode=disable"
        configuration.store.singleReplica = true  // the local runner (the default) needs it
        let doctor = { await Doctor(configuration: configuration, logger: Logger(label: "test")).postgres() }
        let before = await doctor()
        #expect(before.level == .note && before.detail.contains("9 migrations to apply"), "\(before)")
        #expect(try await DatabaseMigration.run(configuration, logger: Logger(label: "test")).count == 9)
        let after = await doctor()
        #expect(after.level == .ok && after.detail.contains("schema version 9"), "\(after)")
        configuration.store.singleReplica = true
        let store = try await StoreOpening.open(configuration, logger: Logger(label: "test"))
        #expect(store.engine.hasPrefix("postgresql"))
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("dayshift.sqlite").path))
        await store.close()
    }

    @Test("a shared store is refused with the local runner only; the shipped Config/replicas.yaml opens")
    func replicasNeedReachableSandboxes() async throws {
        let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
        let url = "postgres://\(settings.username)@\(settings.host ?? "127.0.0.1"):\(settings.port)/\(settings.database)?sslmode=disable"
        let directory = try TestDirectory("store-replicas")
        defer { directory.remove() }
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/replicas.yaml")
        // The secrets come from the environment, as the example's header says.
        let key = directory.url.appendingPathComponent("app-key.pem")
        try Data(try GitHubEmulatorAppKey.shared().privateKeyPEM.utf8).write(to: key)
        var configuration = try DayshiftConfiguration.load(file: file.path, environment: ["DAYSHIFT_GITHUB_PRIVATE_KEY_FILE": key.path,
                                                                                      "DAYSHIFT_DAYTONA_API_KEY": "a-daytona-key"])
        #expect(configuration.store.replicasMayShareIt)
        #expect(configuration.sandbox.provider == "daytona")
        configuration.dataDirectory = directory.url.path
        configuration.store.url = url
        let store = try await StoreOpening.open(configuration, logger: Logger(label: "test"))
        #expect(store.engine.hasPrefix("postgresql"))
        await store.close()
        configuration.sandbox.provider = "local"
        do {
            let store = try await StoreOpening.open(configuration, logger: Logger(label: "test"))
            await store.close()
            Issue.record("the local runner was accepted with a shared store")
        } catch let error as ConfigurationError {
            #expect(error.key == "store.single_replica")
            #expect(error.description.contains("local sandbox runner"))
        }
    }
}
