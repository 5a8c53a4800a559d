/// Bit flags describing a Unicode scalar for the pre-tokenisation patterns.
///
/// The patterns only ask about Unicode general categories (`\p{L}`, `\p{Lu}`, `\p{N}`, `\p{M}`,
/// ...), the `White_Space` property (`\s`) and a few ASCII characters, so one byte per scalar
/// answers every question the scanners ask.
enum ScalarClass {
    /// `\p{L}`: any letter (Lu, Ll, Lt, Lm, Lo).
    static let letter: UInt8 = 1 << 0
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`: o200k_base's "upper" word class.
    static let upper: UInt8 = 1 << 1
    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`: o200k_base's "lower" word class.
    static let lower: UInt8 = 1 << 2
    /// `\p{N}`: any number (Nd, Nl, No).
    static let number: UInt8 = 1 << 3
    /// `\s`: the Unicode `White_Space` property.
    static let space: UInt8 = 1 << 4
    /// `\r` or `\n`.
    static let newline: UInt8 = 1 << 5
    /// `\p{M}`: any mark (Mn, Mc, Me).
    static let mark: UInt8 = 1 << 6

    /// Classes excluded by `[^\r\n\p{L}\p{N}]` (the optional prefix of a word).
    static let notPrefix: UInt8 = letter | number | newline
    /// Classes excluded by `[^\s\p{L}\p{N}]` (punctuation, symbols, marks, controls).
    static let notPunctuation: UInt8 = letter | number | space

    /// The class of one scalar value (any value; non-scalars get 0).
    @inline(__always)
    static func of(_ value: UInt32) -> UInt8 {
        if value < 0x80 { return ascii[Int(value)] }
        if value < 0x1_0000 { return basicPlane[Int(value)] }
        if value < 0x4_0000 { return supplementaryPlanes[Int(value - 0x1_0000)] }
        return compute(value)
    }

    /// The Unicode version of the character tables in tiktoken's regex engine (Rust
    /// `regex-syntax`, as built into tiktoken 0.14.0). Scalars assigned in a later version are
    /// unassigned (`Cn`) to that engine, so they are classified as unassigned here too, even when
    /// the standard library already knows them.
    static let referenceUnicodeVersion: Unicode.Version = (major: 16, minor: 0)

    /// Classes of U+0000...U+007F.
    static let ascii: [UInt8] = (0..<0x80).map { compute(UInt32($0)) }

    /// Classes of the Basic Multilingual Plane, built once on first use.
    static let basicPlane: [UInt8] = (0..<0x1_0000).map { compute(UInt32($0)) }

    /// Classes of planes 1 to 3 (emoji, historic scripts, CJK extensions), built on first use.
    static let supplementaryPlanes: [UInt8] = (0x1_0000..<0x4_0000).map { compute(UInt32($0)) }

    /// Computes the class from the standard library's Unicode properties.
    static func compute(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        guard let age = properties.age,
            (age.major, age.minor) <= (referenceUnicodeVersion.major, referenceUnicodeVersion.minor)
        else { return 0 }
        var result: UInt8 = properties.isWhitespace ? space : 0
        if value == 0x0A || value == 0x0D { result |= newline }
        switch properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter:
            result |= letter | upper
        case .lowercaseLetter:
            result |= letter | lower
        case .modifierLetter, .otherLetter:
            result |= letter | upper | lower
        case .nonspacingMark, .spacingMark, .enclosingMark:
            result |= mark | upper | lower
        case .decimalNumber, .letterNumber, .otherNumber:
            result |= number
        default:
            break
        }
        return result
    }
}
