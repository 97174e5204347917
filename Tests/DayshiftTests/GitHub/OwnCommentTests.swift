import Foundation
import GitHub
import Testing

/// A comment is Dayshift's by its marker *and* its author: a person who copies the hidden marker
/// into a comment of their own (it is visible in the raw body) does not make it Dayshift's.
@Suite("Own comments")
struct OwnCommentTests {
    static let marker = "<!-- dayshift:report issue=octo/calc#9 run=3 key=0123456789abcdef -->"

    static func comment(_ body: String, id: Int64?, login: String, type: String) throws -> IssueComment {
        let json = #"{"id": 7, "body": \#(String(reflecting: body)), "user": {"id": \#(id.map(String.init) ?? "null"), "login": "\#(login)", "type": "\#(type)"}}"#
        return try JSONDecoder().decode(IssueComment.self, from: Data(json.utf8))
    }

    @Test("with the bot user id known, only that user's comment carrying the marker is Dayshift's")
    func byBotUserID() throws {
        let own = try Self.comment("status\n\n\(Self.marker)", id: 4242, login: "dayshift[bot]", type: "Bot")
        let planted = try Self.comment("look \(Self.marker)", id: 666, login: "mallory", type: "User")
        let otherBot = try Self.comment(Self.marker, id: 777, login: "evil[bot]", type: "Bot")
        #expect(own.isDayshifts(marker: Self.marker, botUserID: 4242, signedInAsApp: true))
        #expect(!planted.isDayshifts(marker: Self.marker, botUserID: 4242, signedInAsApp: true))
        #expect(!otherBot.isDayshifts(marker: Self.marker, botUserID: 4242, signedInAsApp: true))
        #expect(!own.isDayshifts(marker: "<!-- dayshift:report other -->", botUserID: 4242, signedInAsApp: true))
    }

    @Test("signed in as an App without a configured bot id, a person's comment with the marker is not Dayshift's")
    func byBotType() throws {
        let planted = try Self.comment(Self.marker, id: 666, login: "mallory", type: "User")
        let own = try Self.comment(Self.marker, id: 9000001, login: "dayshift[bot]", type: "Bot")
        #expect(!planted.isDayshifts(marker: Self.marker, botUserID: 0, signedInAsApp: true))
        #expect(own.isDayshifts(marker: Self.marker, botUserID: 0, signedInAsApp: true))
        // A personal access token's comments are a person's: the marker alone decides there.
        #expect(planted.isDayshifts(marker: Self.marker, botUserID: 0, signedInAsApp: false))
    }
}
