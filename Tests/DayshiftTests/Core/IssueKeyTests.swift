import DayshiftCore
import Foundation
import Testing

/// `IssueKey` is the one spelling of an issue object's id.
@Suite("Issue key")
struct IssueKeyTests {
    @Test("owner and repository are lowercased once; the stored form is owner/repo#number")
    func normalisesCase() throws {
        let key = IssueKey(repository: RepositoryName(owner: "Octo", name: "Hello-World"), number: 42)
        #expect(key.description == "octo/hello-world#42")
        #expect(key == IssueKey(repository: "octo/HELLO-world", number: 42))
        #expect(key == IssueKey("OCTO/Hello-World#42"))
    }

    @Test("keys stored before IssueKey existed parse back to themselves", arguments: ["octo/hello#42", "bench/recovery#1000", "a.b/c_d#7"])
    func storedKeysRoundTrip(stored: String) throws {
        #expect(try #require(IssueKey(stored)).description == stored)
    }

    @Test("text that is not owner/repo#number is refused", arguments: ["octo/hello", "octo#1", "octo/hello#0", "octo/hello#-3", "octo/hello#x", "/hello#1", "octo/hello#1#2", "a/b/c#1",
                                                                        "oc\u{0}to/hello#1", "octo/hel lo#1", "octo/h\u{E9}llo#1", "octo/hello\n#1",
                                                                        "octo/..#1", "../x#1", "./.#1", "octo/.#1"])
    func refusesMalformed(text: String) {
        #expect(IssueKey(text) == nil)
    }

    @Test("a part may be 100 characters long, not 101; dots inside a name are GitHub's own")
    func partLengthAndDots() {
        #expect(IssueKey(String(repeating: "a", count: 100) + "/hello#1") != nil)
        #expect(IssueKey("octo/" + String(repeating: "b", count: 101) + "#1") == nil)
        #expect(IssueKey("octo/.github#1") != nil)
        #expect(IssueKey("octo/...#1") != nil)
    }

    @Test("encodes as its stored form and decodes it, refusing other text")
    func codable() throws {
        let key = try #require(IssueKey("Octo/Hello#3"))
        let data = try JSONEncoder().encode([key])
        #expect(String(decoding: data, as: UTF8.self) == #"["octo\/hello#3"]"#)
        #expect(try JSONDecoder().decode([IssueKey].self, from: data) == [key])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([IssueKey].self, from: Data(#"["octo/hello"]"#.utf8)) }
    }

    @Test("the slug is DNS-safe and keeps sandbox names unchanged")
    func slug() throws {
        #expect(try #require(IssueKey("Octo/Hello.World#42")).slug == "octo-hello-world-42")
    }
}
