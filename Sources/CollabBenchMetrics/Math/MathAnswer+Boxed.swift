// Extraction of the last `\boxed{...}` / `\fbox{...}` from a solution text.

extension MathAnswer {
    /// Content of the last `\boxed{...}` (or `\fbox{...}`, or `\boxed ...` without braces) in a
    /// text, with balanced braces, or nil when there is none.
    ///
    /// - Parameter text: a model's answer or a full worked solution.
    /// - Returns: the box's content, untrimmed apart from surrounding spaces; nil when the text has
    ///   no box or the last box's braces never close.
    public static func lastBoxed(in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let start = lastBoxCommand(in: bytes) else { return nil }
        var i = start
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "{") {
            guard let close = closingBrace(in: bytes, openingAt: i) else { return nil }
            return trimmedString(bytes[(i + 1)..<close])
        }
        // `\boxed 5` form: up to the next `$`, line end, or end of text.
        var j = i
        while j < bytes.count, bytes[j] != UInt8(ascii: "$"), bytes[j] != UInt8(ascii: "\n") { j += 1 }
        var content = trimmedString(bytes[i..<j])
        while content.hasSuffix(".") { content.removeLast() }
        return content.isEmpty ? nil : content
    }

    /// Content of the last `$...$`, `$$...$$`, `\(...\)` or `\[...\]` segment when the text also
    /// has prose around it; nil when there is no such segment.
    static func lastMathSegment(in text: String) -> String? {
        let b = Array(text.utf8)
        var segments: [Range<Int>] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                let d = b[i + 1]
                if d == UInt8(ascii: "(") || d == UInt8(ascii: "[") {
                    let close: UInt8 = d == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
                    var j = i + 2
                    while j + 1 < b.count, !(b[j] == UInt8(ascii: "\\") && b[j + 1] == close) { j += 1 }
                    guard j + 1 < b.count else { break }
                    segments.append((i + 2)..<j)
                    i = j + 2
                    continue
                }
                i += 2
                continue
            }
            if c == UInt8(ascii: "$") {
                let double = i + 1 < b.count && b[i + 1] == UInt8(ascii: "$")
                let start = i + (double ? 2 : 1)
                var j = start
                while j < b.count {
                    if b[j] == UInt8(ascii: "\\") {
                        j += 2
                        continue
                    }
                    if b[j] == UInt8(ascii: "$") { break }
                    j += 1
                }
                guard j < b.count else { break }
                segments.append(start..<j)
                i = j + (double ? 2 : 1)
                continue
            }
            i += 1
        }
        guard let last = segments.last, last.count < b.count - 2 else { return nil }
        let content = trimmedString(b[last])
        return content.isEmpty ? nil : content
    }

    /// Index just past the last `\boxed` or `\fbox` command name, or nil.
    private static func lastBoxCommand(in bytes: [UInt8]) -> Int? {
        let names: [[UInt8]] = [Array("boxed".utf8), Array("fbox".utf8)]
        var i = bytes.count - 1
        while i >= 0 {
            if bytes[i] == UInt8(ascii: "\\") {
                for name in names where i + 1 + name.count <= bytes.count {
                    if bytes[(i + 1)..<(i + 1 + name.count)].elementsEqual(name) {
                        let end = i + 1 + name.count
                        if end == bytes.count || !isLetter(bytes[end]) { return end }
                    }
                }
            }
            i -= 1
        }
        return nil
    }

    /// Index of the `}` matching the `{` at `open`, skipping escaped braces; nil if unbalanced.
    static func closingBrace(in bytes: [UInt8], openingAt open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == UInt8(ascii: "{") {
                depth += 1
            } else if c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    static func isLetter(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    private static func trimmedString(_ slice: ArraySlice<UInt8>) -> String {
        var lo = slice.startIndex
        var hi = slice.endIndex
        while lo < hi, isSpace(slice[lo]) { lo += 1 }
        while hi > lo, isSpace(slice[hi - 1]) { hi -= 1 }
        return String(decoding: slice[lo..<hi], as: UTF8.self)
    }

    static func isSpace(_ c: UInt8) -> Bool {
        c == 32 || c == 9 || c == 10 || c == 13
    }
}
