import DayshiftCore
import Foundation
import Logging
@testable import Store
import Testing

@Suite("Store: backends")
struct StoreBackendTests {
    @Test("both backends apply the same named migrations, in the same order")
    func sameMigrations() async throws {
        let sqlite = try await withStore(.sqlite) { try await $0.appliedMigrations() }
        let postgres = try await withStore(.postgres) { store in
            #expect(try await store.pendingMigrations().isEmpty)
            #expect(store.engine.hasPrefix("postgresql "))
            return try await store.appliedMigrations()
        }
        #expect(sqlite.count == 9)
        #expect(postgres == sqlite)
    }

    @Test("a second replica opening the same PostgreSQL database finds the schema applied and shares its rows")
    func secondReplica() async throws {
        let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
        async let first = Store.postgres(settings, logger: Logger(label: "a"))
        async let second = Store.postgres(settings, logger: Logger(label: "b"))
        let (a, b) = try await (first, second)
        let key = StoreSeed.key(1).description
        #expect(try await a.activate(issueKey: key, owner: "a").epoch == 1)
        #expect(try await b.activate(issueKey: key, owner: "b").epoch == 2)
        #expect(try await b.appliedMigrations() == a.appliedMigrations())
        await a.close()
        await b.close()
    }

    @Test("store.url: postgres URLs are read, and what is wrong is named without the password", arguments: [
        ("postgres://dayshift@db.example:6432/dayshift?sslmode=require", nil as String?),
        ("postgresql://dayshift@/dayshift?host=/run/postgresql", nil),
        ("postgres://dayshift:hunter2@db/dayshift", "a password in the URL is refused"),
        ("postgres://db/dayshift", "no user"),
        ("postgres://dayshift@db/", "no database name"),
        ("postgres://dayshift@db/d?sslmode=maybe", "sslmode must be"),
        ("mysql://dayshift@db/d", "not a postgres:// URL"),
    ])
    func connectionURL(url: String, problem: String?) throws {
        do {
            let settings = try PostgresConnectionSettings.parse(url: url, password: "secret")
            #expect(problem == nil, "parsed \(url)")
            #expect(settings.password == "secret")
            #expect(settings.username == "dayshift")
        } catch let invalid as PostgresConnectionSettings.Invalid {
            let expected = try #require(problem, "refused \(url): \(invalid)")
            #expect(invalid.description.contains(expected))
            #expect(!invalid.description.contains("hunter2"))
        }
    }

    @Test("a socket URL connects through the socket directory; a host URL keeps its port")
    func connectionTargets() throws {
        let socket = try PostgresConnectionSettings.parse(url: "postgres://u@/d?host=/run/postgresql", password: nil)
        #expect(socket.socketDirectory == "/run/postgresql")
        #expect(socket.host == nil)
        let tcp = try PostgresConnectionSettings.parse(url: "postgres://u@db:6432/d?sslmode=disable", password: nil)
        #expect(tcp.host == "db")
        #expect(tcp.port == 6432)
        #expect(tcp.tls == .disable)
    }
}
