/// sacreBLEU's default `13a` tokenizer (the mteval-v13a.pl rules), on UTF-8 bytes.
///
/// Steps, in order, each over the whole line:
/// 1. remove `<skipped>`, remove `-\n` (a hyphen at a line end joins the lines), turn every
///    `\n` into a space, then unescape `&quot;`, `&amp;`, `&lt;`, `&gt;` one after another;
/// 2. pad the line with one space on each side;
/// 3. put spaces around every ASCII symbol in `{|}~ [\]^_` ` !"#$%& ()*+ :;<=>?@ /`;
/// 4. split `.` or `,` from a preceding non-digit, then `.` or `,` from a following non-digit,
///    then `-` from a preceding digit (each a left-to-right, non-overlapping pass);
/// 5. split on whitespace as Python's `str.split()` sees it.
///
/// Every rule names only ASCII characters and UTF-8 never uses ASCII bytes inside a multi-byte
/// character, so running the rules on bytes gives the same tokens as running them on code points.
/// Callers strip trailing whitespace before tokenizing, as sacreBLEU does.
enum Tokenizer13a {
    /// The tokens of `bytes` as byte ranges into the buffer returned alongside them.
    static func tokenize(_ text: [UInt8]) -> (buffer: [UInt8], tokens: [Range<Int>]) {
        var line = text
        line = replacing(line, Array("<skipped>".utf8), with: [])
        line = replacing(line, Array("-\n".utf8), with: [])
        for index in line.indices where line[index] == newline { line[index] = space }
        if line.contains(ampersand) {
            line = replacing(line, Array("&quot;".utf8), with: [UInt8(ascii: "\"")])
            line = replacing(line, Array("&amp;".utf8), with: [ampersand])
            line = replacing(line, Array("&lt;".utf8), with: [UInt8(ascii: "<")])
            line = replacing(line, Array("&gt;".utf8), with: [UInt8(ascii: ">")])
        }
        line = separateSymbols(line)
        line = separatePunctuation(line)
        return (line, PythonWhitespace.split(line))
    }

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let ampersand = UInt8(ascii: "&")

    /// Python's `str.replace(old, new)`: leftmost, non-overlapping occurrences.
    static func replacing(_ text: [UInt8], _ pattern: [UInt8], with replacement: [UInt8])
        -> [UInt8]
    {
        guard !pattern.isEmpty, text.count >= pattern.count else { return text }
        let first = pattern[0]
        var output: [UInt8] = []
        var copiedUpTo = 0
        var index = 0
        let last = text.count - pattern.count
        while index <= last {
            if text[index] == first && text[index..<(index + pattern.count)].elementsEqual(pattern)
            {
                if output.isEmpty { output.reserveCapacity(text.count) }
                output.append(contentsOf: text[copiedUpTo..<index])
                output.append(contentsOf: replacement)
                index += pattern.count
                copiedUpTo = index
            } else {
                index += 1
            }
        }
        if copiedUpTo == 0 { return text }
        output.append(contentsOf: text[copiedUpTo...])
        return output
    }

    /// Pads the line and surrounds each symbol of the first 13a rule with spaces.
    private static func separateSymbols(_ text: [UInt8]) -> [UInt8] {
        let count = text.count
        return text.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: 3 * count + 2) { output, written in
                output[0] = space
                var out = 1
                for byte in input {
                    if isSeparatedSymbol(byte) {
                        output[out] = space
                        output[out + 1] = byte
                        output[out + 2] = space
                        out += 3
                    } else {
                        output[out] = byte
                        out += 1
                    }
                }
                output[out] = space
                written = out + 1
            }
        }
    }

    /// `{|}~`, `[\]^_` + backtick, space through `&`, `(` through `+`, `:` through `@`, and `/`.
    private static func isSeparatedSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: true
        default: false
        }
    }

    /// The three two-character rules, each a separate left-to-right pass.
    private static func separatePunctuation(_ text: [UInt8]) -> [UInt8] {
        // `([^0-9])([\.,])` -> `\1 \2 `
        var line = pass(text, spacesBefore: false) { !isDigit($0) && isPeriodOrComma($1) }
        // `([\.,])([^0-9])` -> ` \1 \2`
        line = pass(line, spacesBefore: true) { isPeriodOrComma($0) && !isDigit($1) }
        // `([0-9])(-)` -> `\1 \2 `
        return pass(line, spacesBefore: false) { isDigit($0) && $1 == UInt8(ascii: "-") }
    }

    /// One regex-substitution pass for a two-character pattern: scan left to right; on a match
    /// emit both characters with a space before each (`spacesBefore`) or after each, and resume
    /// after both; otherwise copy one character. The output is at most twice the input.
    @inline(__always)
    private static func pass(
        _ text: [UInt8], spacesBefore: Bool, matches: (UInt8, UInt8) -> Bool
    ) -> [UInt8] {
        let count = text.count
        return text.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: 2 * count + 2) { output, written in
                var out = 0
                var index = 0
                while index < count {
                    let first = input[index]
                    if index + 1 < count && matches(first, input[index + 1]) {
                        let second = input[index + 1]
                        if spacesBefore {
                            output[out] = space
                            output[out + 1] = first
                            output[out + 2] = space
                            output[out + 3] = second
                        } else {
                            output[out] = first
                            output[out + 1] = space
                            output[out + 2] = second
                            output[out + 3] = space
                        }
                        out += 4
                        index += 2
                    } else {
                        output[out] = first
                        out += 1
                        index += 1
                    }
                }
                written = out
            }
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    private static func isPeriodOrComma(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")
    }
}

/// Python's notion of whitespace (`str.isspace`, used by `str.split()` and `str.rstrip()`) on
/// UTF-8 bytes.
enum PythonWhitespace {
    /// The byte length of the whitespace character starting at `index`, or 0 if there is none.
    @inline(__always)
    static func length(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 {
            return (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x20) ? 1 : 0
        }
        let count = bytes.count
        switch byte {
        case 0xC2:
            // U+0085, U+00A0
            guard index + 1 < count else { return 0 }
            let second = bytes[index + 1]
            return second == 0x85 || second == 0xA0 ? 2 : 0
        case 0xE1:
            // U+1680
            guard index + 2 < count else { return 0 }
            return bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80 ? 3 : 0
        case 0xE2:
            guard index + 2 < count else { return 0 }
            let second = bytes[index + 1]
            let third = bytes[index + 2]
            if second == 0x80 {
                // U+2000...U+200A, U+2028, U+2029, U+202F
                return (third >= 0x80 && third <= 0x8A) || third == 0xA8 || third == 0xA9
                    || third == 0xAF ? 3 : 0
            }
            // U+205F
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3:
            // U+3000
            guard index + 2 < count else { return 0 }
            return bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    /// `str.split()`: the maximal runs of non-whitespace, as byte ranges.
    static func split(_ text: [UInt8]) -> [Range<Int>] {
        text.withUnsafeBufferPointer { bytes in
            var tokens: [Range<Int>] = []
            tokens.reserveCapacity(bytes.count / 4)
            var start = -1
            var index = 0
            while index < bytes.count {
                let width = length(bytes, at: index)
                if width > 0 {
                    if start >= 0 {
                        tokens.append(start..<index)
                        start = -1
                    }
                    index += width
                } else {
                    if start < 0 { start = index }
                    index += 1
                }
            }
            if start >= 0 { tokens.append(start..<bytes.count) }
            return tokens
        }
    }

    /// `str.rstrip()`: the byte count left after removing trailing whitespace.
    static func strippedTrailingLength(_ text: [UInt8]) -> Int {
        text.withUnsafeBufferPointer { bytes in
            var end = bytes.count
            while end > 0 {
                // Find the start of the last character (skip UTF-8 continuation bytes).
                var start = end - 1
                while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
                guard length(bytes, at: start) == end - start else { break }
                end = start
            }
            return end
        }
    }
}
