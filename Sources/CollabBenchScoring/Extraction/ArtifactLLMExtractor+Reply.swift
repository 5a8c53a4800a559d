import CollabBenchCore
import Foundation

extension ArtifactLLMExtractor {
    /// Reads the artefact from a reply: a JSON object anywhere in the text with a string field
    /// `final_artifact` (or `artifact`, `final_document`, `final_program`, `final_code`). JSON
    /// whose strings hold raw line breaks or invalid escapes (`\d` in a regex) is repaired first.
    /// Returns nil when no such field can be read.
    public static func parseReply(_ raw: String) -> (artifact: String, thought: String?)? {
        let keys = ["final_artifact", "artifact", "final_document", "final_program", "final_code"]
        for text in [raw, repairJSONStrings(raw)] {
            guard let object = JSONValue.firstObject(in: text) else { continue }
            for key in keys {
                if let value = object[key]?.stringValue { return (value, object["thought"]?.stringValue) }
            }
        }
        return nil
    }

    /// `raw` with raw control characters inside JSON strings escaped and backslashes that start no
    /// valid JSON escape doubled, the two ways models most often break JSON that holds code.
    static func repairJSONStrings(_ raw: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(raw.utf8)
        out.reserveCapacity(bytes.count + 16)
        var inString = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if !inString {
                if b == UInt8(ascii: "\"") { inString = true }
                out.append(b)
            } else if b == UInt8(ascii: "\\") {
                let next = i + 1 < bytes.count ? bytes[i + 1] : 0
                if "\"\\/bfnrtu".utf8.contains(next) {
                    out.append(b)
                    out.append(next)
                    i += 1
                } else {
                    out.append(contentsOf: "\\\\".utf8)
                }
            } else if b == UInt8(ascii: "\"") {
                inString = false
                out.append(b)
            } else if b < 0x20 {
                switch b {
                case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
                case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
                case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0xF)])
                }
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
