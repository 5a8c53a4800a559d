/// JSON string literals written by hand: request bodies on every model call, streamed exports,
/// one-line command output. Works on UTF-8 bytes; valid JSON for any Swift string.
public enum JSONText {
    /// `text` as a JSON string literal (U+2028 and U+2029 escaped too, so it is also safe in JavaScript).
    public static func quote(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal to `out`.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + 2)
            out.append(UInt8(ascii: "\""))
            var i = 0
            var runStart = 0
            func flush(_ end: Int) {
                if end > runStart { out.append(contentsOf: bytes[runStart..<end]) }
            }
            while i < bytes.count {
                let b = bytes[i]
                var escape: [UInt8]?
                var width = 1
                switch b {
                case UInt8(ascii: "\""): escape = [92, 34]
                case UInt8(ascii: "\\"): escape = [92, 92]
                case 0x0A: escape = [92, UInt8(ascii: "n")]
                case 0x0D: escape = [92, UInt8(ascii: "r")]
                case 0x09: escape = [92, UInt8(ascii: "t")]
                case 0..<0x20:
                    escape = [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
                case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
                    escape = [92, UInt8(ascii: "u"), 50, 48, 50, bytes[i + 2] == 0xA8 ? 56 : 57]
                    width = 3
                default:
                    break
                }
                if let escape {
                    flush(i)
                    out.append(contentsOf: escape)
                    i += width
                    runStart = i
                } else {
                    i += 1
                }
            }
            flush(bytes.count)
            out.append(UInt8(ascii: "\""))
        }
    }
}
