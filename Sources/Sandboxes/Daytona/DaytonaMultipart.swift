import Foundation

/// `multipart/form-data` as Daytona's toolbox file endpoints use it (`daytona.md` §9.5): the
/// client builds `POST /files/bulk-upload` forms and reads `POST /files/bulk-download` answers; the
/// Daytona emulator (module `Emulators`) parses the uploads and builds the answers with the same code.
package enum DaytonaMultipart {
    /// One part of a form.
    package struct Part: Sendable, Equatable {
        /// `name` of its `Content-Disposition`.
        package var name: String
        /// `filename` of its `Content-Disposition`, if any.
        package var filename: String?
        /// Its `Content-Type` header, if any.
        package var contentType: String?
        /// The part's bytes.
        package var data: Data

        package init(name: String, filename: String? = nil, contentType: String? = nil, data: Data) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    /// The boundary the toolbox daemon uses for `POST /files/bulk-download` answers.
    package static let downloadBoundary = "DAYTONA-FILE-BOUNDARY"

    /// The body and `Content-Type` (with boundary) of a form holding `parts` in order.
    package static func encode(_ parts: [Part], boundary: String = "dayshift-\(UUID().uuidString.lowercased())") -> (body: Data, contentType: String) {
        var body = Data()
        for part in parts {
            body.append(Data("--\(boundary)\r\n".utf8))
            var disposition = "Content-Disposition: form-data; name=\"\(escape(part.name))\""
            if let filename = part.filename { disposition += "; filename=\"\(escape(filename))\"" }
            body.append(Data("\(disposition)\r\n".utf8))
            if let contentType = part.contentType { body.append(Data("Content-Type: \(contentType)\r\n".utf8)) }
            body.append(Data("\r\n".utf8))
            body.append(part.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// The parts of a form, or `nil` when `contentType` is not `multipart/form-data` with a
    /// boundary or the body is not a well-formed form with it.
    package static func decode(_ body: Data, contentType: String?) -> [Part]? {
        guard let boundary = boundary(of: contentType) else { return nil }
        return parse(body, boundary: boundary)
    }

    /// The `boundary` parameter of a `multipart/form-data` content type, nil for anything else.
    package static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The parts of `body`, in order; nil when it is not a well-formed form with this boundary.
    package static func parse(_ body: Data, boundary: String) -> [Part]? {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        guard var position = find(delimiter, in: bytes, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the form.
            if position + 1 < bytes.count, bytes[position] == 0x2D, bytes[position + 1] == 0x2D { return parts }
            guard position + 1 < bytes.count, bytes[position] == 0x0D, bytes[position + 1] == 0x0A else { return nil }
            position += 2
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: position) else { return nil }
            let headerText = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let bodyStart = headerEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, in: bytes, from: bodyStart) else { return nil }
            var part = Part(name: "", filename: nil, contentType: nil, data: Data(bytes[bodyStart..<next]))
            for line in headerText.components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                switch pair[0].lowercased() {
                case "content-disposition":
                    let parameters = dispositionParameters(value)
                    part.name = parameters["name"] ?? ""
                    part.filename = parameters["filename"]
                case "content-type":
                    part.contentType = value
                default: break
                }
            }
            parts.append(part)
            position = next + 2
        }
    }

    /// `name="x"; filename="y"` parameters (quoted-pair escapes removed, paths kept byte for byte).
    private static func dispositionParameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var characters = Substring(header)
        // Skip the disposition type (`form-data`).
        guard let firstSemicolon = characters.firstIndex(of: ";") else { return result }
        characters = characters[characters.index(after: firstSemicolon)...]
        while !characters.isEmpty {
            characters = characters.drop { $0 == " " || $0 == ";" }
            guard let equals = characters.firstIndex(of: "=") else { break }
            let name = characters[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            characters = characters[characters.index(after: equals)...]
            var value = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var escaped = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
                characters = characters.drop { $0 != ";" }
            } else {
                let end = characters.firstIndex(of: ";") ?? characters.endIndex
                value = characters[..<end].trimmingCharacters(in: .whitespaces)
                characters = characters[end...]
            }
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var matches = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matches = false
                    break
                }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }
}
