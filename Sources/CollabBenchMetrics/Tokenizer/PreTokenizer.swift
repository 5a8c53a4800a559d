/// Splits text into the pieces that tiktoken's pre-tokenisation regex finds, by hand, over
/// Unicode scalars.
///
/// The text is decoded once into one class byte per scalar (``ScalarClass``) plus the UTF-8
/// offset of each scalar; the scanners then decide each piece with the same leftmost-first,
/// backtracking semantics as the regexes below (tiktoken 0.14.0, `tiktoken_ext/openai_public.py`):
///
/// cl100k_base:
/// ```
/// '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+
///   |\s++$|\s*[\r\n]|\s+(?!\S)|\s
/// ```
/// o200k_base (alternatives joined with `|`):
/// ```
/// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// \p{N}{1,3}
///  ?[^\s\p{L}\p{N}]+[\r\n/]*
/// \s*[\r\n]+
/// \s+(?!\S)
/// \s+
/// ```
/// Every scalar is covered by some alternative, so the pieces tile the text.
struct PreTokenizer {
    /// The class byte of each scalar.
    let classes: UnsafeMutablePointer<UInt8>
    /// The UTF-8 offset of each scalar, plus one final entry: the byte count.
    let offsets: UnsafeMutablePointer<Int32>
    /// The text's UTF-8 bytes.
    let bytes: UnsafePointer<UInt8>
    /// The number of scalars.
    private(set) var count: Int = 0

    /// Decodes `utf8` (valid UTF-8, as every Swift `String` is) into the scalar tables; both
    /// buffers need room for `utf8.count` (+1 for `offsets`) entries.
    init(
        utf8: UnsafeBufferPointer<UInt8>, classes: UnsafeMutablePointer<UInt8>,
        offsets: UnsafeMutablePointer<Int32>
    ) {
        self.classes = classes
        self.offsets = offsets
        self.bytes = utf8.baseAddress!
        let end = utf8.count
        let asciiClasses = ScalarClass.ascii  // read once: each static access costs a once-check
        var i = 0
        var n = 0
        while i < end {
            let b0 = UInt32(bytes[i])
            offsets[n] = Int32(truncatingIfNeeded: i)
            if b0 < 0x80 {
                classes[n] = asciiClasses[Int(b0)]
                i += 1
            } else if b0 < 0xE0 {
                let value = (b0 & 0x1F) << 6 | (UInt32(bytes[i + 1]) & 0x3F)
                classes[n] = ScalarClass.of(value)
                i += 2
            } else if b0 < 0xF0 {
                let value =
                    (b0 & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6 | (UInt32(bytes[i + 2]) & 0x3F)
                classes[n] = ScalarClass.of(value)
                i += 3
            } else {
                let value =
                    (b0 & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12
                    | (UInt32(bytes[i + 2]) & 0x3F) << 6 | (UInt32(bytes[i + 3]) & 0x3F)
                classes[n] = ScalarClass.of(value)
                i += 4
            }
            n += 1
        }
        offsets[n] = Int32(truncatingIfNeeded: end)
        count = n
    }

    // MARK: - Helpers

    /// The first index at or after `start` whose class has none of `flags`.
    @inline(__always)
    private func skip(_ start: Int, while flags: UInt8) -> Int {
        var i = start
        while i < count && classes[i] & flags != 0 { i += 1 }
        return i
    }

    /// The ASCII byte of scalar `i` lowercased, `s` for U+017F LATIN SMALL LETTER LONG S (which
    /// case-folds to `s`), else 0. This is what `(?i:...)` needs for the contraction letters.
    @inline(__always)
    private func foldedLetter(_ i: Int) -> UInt8 {
        let start = Int(offsets[i])
        let b = bytes[start]
        if b < 0x80 { return b | (b >= 0x41 && b <= 0x5A ? 0x20 : 0) }
        if b == 0xC5 && bytes[start + 1] == 0xBF { return UInt8(ascii: "s") }
        return 0
    }

    /// Whether scalar `i` is the ASCII byte `ascii`.
    @inline(__always)
    private func isASCII(_ i: Int, _ ascii: UInt8) -> Bool { bytes[Int(offsets[i])] == ascii }

    /// The end of a contraction `'s|'t|'re|'ve|'m|'ll|'d` (case-insensitive) at `i`, or nil.
    @inline(__always)
    private func contraction(at i: Int) -> Int? {
        guard i + 1 < count, isASCII(i, 0x27) else { return nil }
        switch foldedLetter(i + 1) {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return i + 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return i + 2 < count && foldedLetter(i + 2) == UInt8(ascii: "e") ? i + 3 : nil
        case UInt8(ascii: "l"):
            return i + 2 < count && foldedLetter(i + 2) == UInt8(ascii: "l") ? i + 3 : nil
        default:
            return nil
        }
    }

    /// ` ?[^\s\p{L}\p{N}]+` followed by any scalars with one of `trailing` (and `/` too when
    /// `slash`), or nil.
    @inline(__always)
    private func punctuation(at i: Int, slash: Bool) -> Int? {
        var j = i
        if isASCII(i, 0x20) && i + 1 < count && classes[i + 1] & ScalarClass.notPunctuation == 0 {
            j = i + 1
        }
        guard classes[j] & ScalarClass.notPunctuation == 0 else { return nil }
        j += 1
        while j < count && classes[j] & ScalarClass.notPunctuation == 0 { j += 1 }
        while j < count && (classes[j] & ScalarClass.newline != 0 || (slash && isASCII(j, 0x2F))) { j += 1 }
        return j
    }

    /// The end of the whitespace piece at `i` (a `White_Space` scalar), shared by both encodings
    /// except for where a run that reaches the end of the text goes (`newlinesFirst`).
    @inline(__always)
    private func whitespace(at i: Int, newlinesFirst: Bool) -> Int {
        let runEnd = skip(i, while: ScalarClass.space)
        if !newlinesFirst && runEnd == count { return runEnd }  // \s++$
        var lastNewline = runEnd - 1
        while lastNewline >= i && classes[lastNewline] & ScalarClass.newline == 0 { lastNewline -= 1 }
        if lastNewline >= i { return lastNewline + 1 }  // \s*[\r\n] / \s*[\r\n]+
        if runEnd == count { return runEnd }  // \s+(?!\S) at the end
        if runEnd - i >= 2 { return runEnd - 1 }  // \s+(?!\S)
        return i + 1  // \s / \s+
    }

    // MARK: - cl100k_base

    /// The end of the cl100k_base piece that starts at scalar `i`.
    func nextCl100k(_ i: Int) -> Int {
        let c = classes[i]
        // '(?i:[sdmt]|ll|ve|re)
        if let end = contraction(at: i) { return end }
        // [^\r\n\p{L}\p{N}]?+\p{L}++
        if c & ScalarClass.letter != 0 { return skip(i + 1, while: ScalarClass.letter) }
        if c & ScalarClass.notPrefix == 0 && i + 1 < count && classes[i + 1] & ScalarClass.letter != 0 {
            return skip(i + 2, while: ScalarClass.letter)
        }
        // \p{N}{1,3}+
        if c & ScalarClass.number != 0 {
            var j = i + 1
            while j < count && j < i + 3 && classes[j] & ScalarClass.number != 0 { j += 1 }
            return j
        }
        //  ?[^\s\p{L}\p{N}]++[\r\n]*+
        if let end = punctuation(at: i, slash: false) { return end }
        // \s++$|\s*[\r\n]|\s+(?!\S)|\s
        return whitespace(at: i, newlinesFirst: false)
    }

    // MARK: - o200k_base

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` from `p`, with backtracking.
    @inline(__always)
    private func lowerEndedWord(from p: Int) -> Int? {
        guard p < count else { return nil }
        let upperEnd = skip(p, while: ScalarClass.upper)
        if upperEnd < count && classes[upperEnd] & ScalarClass.lower != 0 {
            return skip(upperEnd + 1, while: ScalarClass.lower)
        }
        // Give back upper-class scalars until one is also in the lower class.
        var j = upperEnd - 1
        while j >= p {
            if classes[j] & ScalarClass.lower != 0 { return j + 1 }
            j -= 1
        }
        return nil
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*` from `p`.
    @inline(__always)
    private func upperStartedWord(from p: Int) -> Int? {
        guard p < count, classes[p] & ScalarClass.upper != 0 else { return nil }
        let upperEnd = skip(p + 1, while: ScalarClass.upper)
        return skip(upperEnd, while: ScalarClass.lower)
    }

    /// The end of the o200k_base piece that starts at scalar `i`.
    func nextO200k(_ i: Int) -> Int {
        let c = classes[i]
        let hasPrefix = c & ScalarClass.notPrefix == 0
        // Alternative 1, first with the optional prefix scalar taken, then without it.
        if let end = (hasPrefix ? lowerEndedWord(from: i + 1) : nil) ?? lowerEndedWord(from: i) {
            return contraction(at: end) ?? end
        }
        // Alternative 2, in the same order.
        if let end = (hasPrefix ? upperStartedWord(from: i + 1) : nil) ?? upperStartedWord(from: i) {
            return contraction(at: end) ?? end
        }
        // \p{N}{1,3}
        if c & ScalarClass.number != 0 {
            var j = i + 1
            while j < count && j < i + 3 && classes[j] & ScalarClass.number != 0 { j += 1 }
            return j
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n/]*
        if let end = punctuation(at: i, slash: true) { return end }
        // \s*[\r\n]+|\s+(?!\S)|\s+
        return whitespace(at: i, newlinesFirst: true)
    }
}
