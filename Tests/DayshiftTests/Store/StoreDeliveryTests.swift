import DayshiftCore
import Foundation
import GRDB
@testable import Store
import Testing

/// Deliveries as intake stores them: one prepared statement that inserts or recognises a GUID.
@Suite("Store deliveries")
struct StoreDeliveryTests {
    @Test("a delivery is stored field for field, its date in GRDB's own text, and a repeated GUID changes nothing")
    func storedAndDuplicate() async throws {
        let store = try Store.inMemory()
        let key = IssueKey(repository: RepositoryName(owner: "octo", name: "hello"), number: 3)
        var delivery = StoreSeed.delivery(key, guid: "guid-1")
        delivery.payload = Data(#"{"action":"labeled"}"#.utf8)
        let snapshot = StoreSeed.snapshot(key)
        let outcomes = try await store.recordDeliveries([(delivery, IssueMessage(issueKey: key, command: .fix, snapshot: snapshot)),
                                                         (delivery, nil)])
        guard case .recorded(let messageID?) = outcomes[0] else { Issue.record("first not recorded: \(outcomes[0])"); return }
        #expect(outcomes[1] == .duplicate)
        #expect(try await store.delivery(guid: "guid-1") == delivery)
        #expect(try await store.recordDelivery(delivery, message: nil) == .duplicate)
        #expect(try await store.deliveryCount() == 1)
        #expect(try await store.messages(issueKey: key.description).map(\.id) == [messageID])
        let storedText = try await #require(store.sqliteDatabase).read { db in
            try String.fetchOne(db, sql: "SELECT receivedAt FROM deliveries WHERE guid = ?", arguments: ["guid-1"])
        }
        #expect(storedText == StoreSeed.date.databaseValue.storage.value as? String)
    }

    @Test("StoredDate writes what GRDB's Date.databaseValue writes")
    func storedDateMatchesGRDB() {
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_764_700_000.9996), Date(timeIntervalSince1970: 1_764_700_000.0004),
                     Date(timeIntervalSince1970: 951_782_400.5), Date(timeIntervalSince1970: 4_102_444_799.999), StoreSeed.date, Date()]
            + (0..<2_000).map { Date(timeIntervalSince1970: Double($0) * 2_051_222.413_7 + 0.000_37 * Double($0 % 11)) }
        for date in dates {
            #expect(StoredDate.text(date) == date.databaseValue.storage.value as? String, "\(date.timeIntervalSince1970)")
        }
    }
}
