/// An incremental parser of server-sent events (the `text/event-stream` format), written for the
/// streaming Chat Completions protocol.
///
/// Feed it bytes as they arrive, in chunks of any size; it returns the `data` of every event that
/// a blank line completed. Lines may end in `\n`, `\r\n` or `\r`; several `data:` lines of one
/// event are joined with `\n`; comments (`:` lines) and other fields are ignored. How the bytes are
/// chunked never changes the events.
struct SSEParser {
    private var line: [UInt8] = []
    private var data: [String] = []
    private var hasData = false
    private var lastWasCR = false

    /// Consumes `bytes`; returns the data of the events completed by them.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [String] where Bytes.Element == UInt8 {
        var events: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// The data of a final event the stream did not close with a blank line, if any.
    mutating func finish() -> String? {
        if !line.isEmpty { _ = endLine() }
        return hasData ? takeEvent() : nil
    }

    private mutating func endLine() -> String? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return hasData ? takeEvent() : nil }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let (field, value): (Substring, Substring)
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var v = text[text.index(after: colon)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else {
            field = Substring(text)
            value = ""
        }
        if field == "data" {
            data.append(String(value))
            hasData = true
        }
        return nil
    }

    private mutating func takeEvent() -> String {
        let event = data.joined(separator: "\n")
        data.removeAll()
        hasData = false
        return event
    }
}
