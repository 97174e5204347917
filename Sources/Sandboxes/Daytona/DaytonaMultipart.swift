import Foundation

/// `multipart/form-data` as the toolbox file endpoints use it (`daytona.md` §9.5).
enum DaytonaMultipart {
    /// One part of a form.
    struct Part: Sendable, Equatable {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data
    }

    /// The body and `Content-Type` (with boundary) of a form holding `parts` in order.
    static func encode(_ parts: [Part], boundary: String = "dayshift-\(UUID().uuidString.lowercased())") -> (body: Data, contentType: String) {
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

    /// The parts of a multipart body, or `nil` when `contentType` names no boundary or the body does
    /// not hold it.
    static func decode(_ body: Data, contentType: String) -> [Part]? {
        guard let boundary = boundary(of: contentType) else { return nil }
        let delimiter = Data("--\(boundary)".utf8)
        let bytes = [UInt8](body)
        let marker = [UInt8](delimiter)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = find(marker, in: bytes, from: searchFrom) {
            positions.append(found)
            searchFrom = found + marker.count
        }
        guard positions.count >= 2 else { return nil }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + marker.count
            // Skip the line break after the delimiter.
            if partStart + 1 < bytes.count, bytes[partStart] == 0x0D, bytes[partStart + 1] == 0x0A { partStart += 2 }
            else if partStart < bytes.count, bytes[partStart] == 0x0A { partStart += 1 }
            // The part ends with CRLF before the next delimiter.
            var partEnd = end
            if partEnd >= 2, bytes[partEnd - 2] == 0x0D, bytes[partEnd - 1] == 0x0A { partEnd -= 2 }
            else if partEnd >= 1, bytes[partEnd - 1] == 0x0A { partEnd -= 1 }
            guard partEnd >= partStart else { continue }
            let slice = Array(bytes[partStart..<partEnd])
            let separator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
            let headerEnd: Int
            let contentStart: Int
            if let found = find(separator, in: slice, from: 0) {
                headerEnd = found
                contentStart = found + 4
            } else if let found = find([0x0A, 0x0A], in: slice, from: 0) {
                headerEnd = found
                contentStart = found + 2
            } else {
                continue
            }
            let headerText = String(decoding: slice[0..<headerEnd], as: UTF8.self)
            var name = ""
            var filename: String?
            var contentType: String?
            for line in headerText.split(whereSeparator: \.isNewline) {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: String(line)) ?? ""
                    filename = parameter("filename", in: String(line))
                } else if lower.hasPrefix("content-type:") {
                    contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            parts.append(Part(name: name, filename: filename, contentType: contentType, data: Data(slice[contentStart...])))
        }
        return parts
    }

    /// The `boundary` parameter of a `multipart/…` content type.
    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/") else { return nil }
        for piece in contentType.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        return nil
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
