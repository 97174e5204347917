/// Lower-case hexadecimal text of bytes (a digest, a MAC): two digits per byte, no separator.
///
/// Written out by hand because `String(format: "%02x")` per byte costs microseconds each on Linux
/// (Foundation's formatter): 32 bytes took ~90 µs, measured on every journal step boundary.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `[0x0f, 0xa0]` → `"0fa0"`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
