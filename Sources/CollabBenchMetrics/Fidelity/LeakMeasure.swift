/// How much of the hidden reference the simulated user pasted into its messages.
///
/// The paper tells the simulated user never to paste the target; this measures whether it did.
/// Two views:
/// - **Longest common substring** over Unicode scalars (Python's code points), exact and
///   case-sensitive, between any single user message and the reference, as a fraction of the
///   reference's length. Computed with a suffix automaton of the reference: O(reference + messages)
///   time and O(reference) memory.
/// - **Word 8-gram overlap**: the share of the reference's distinct word 8-grams that also occur
///   in some user message. Words are maximal runs of letters and digits, lower-cased; n-grams do
///   not cross message boundaries. Catches a pasted reference that was lightly reformatted.
///
/// ```swift
/// let leak = LeakMeasure.measure(userMessages: transcript.userTexts, reference: task.reference.text)
/// if leak.flagged() { ... }
/// ```
public struct LeakMeasure: Sendable, Hashable, Codable {
    /// Length, in Unicode scalars, of the longest substring of the reference found in one user message.
    public var longestCommonSubstringChars: Int
    /// ``longestCommonSubstringChars`` divided by the reference's length (0 for an empty reference).
    public var lcsFraction: Double
    /// Share of the reference's distinct word 8-grams found in the user messages (0 when the
    /// reference has fewer than 8 words).
    public var ngramOverlap: Double
    /// The reference's length in Unicode scalars.
    public var referenceChars: Int
    /// The number of distinct word 8-grams in the reference.
    public var referenceNgrams: Int

    /// The n-gram order of ``ngramOverlap``.
    public static let ngramOrder = 8

    /// Creates a measure from its parts.
    public init(longestCommonSubstringChars: Int, lcsFraction: Double, ngramOverlap: Double, referenceChars: Int, referenceNgrams: Int) {
        self.longestCommonSubstringChars = longestCommonSubstringChars
        self.lcsFraction = lcsFraction
        self.ngramOverlap = ngramOverlap
        self.referenceChars = referenceChars
        self.referenceNgrams = referenceNgrams
    }

    /// Measures how much of `reference` the `userMessages` contain.
    /// - Parameters:
    ///   - userMessages: The simulated user's messages.
    ///   - reference: The hidden target (article, program or solution).
    public static func measure(userMessages: [String], reference: String) -> LeakMeasure {
        let referenceScalars = reference.unicodeScalars.map(\.value)
        var longest = 0
        if !referenceScalars.isEmpty {
            let automaton = SuffixAutomaton(referenceScalars)
            for message in userMessages where longest < referenceScalars.count {
                longest = max(longest, automaton.longestMatch(in: message.unicodeScalars.lazy.map(\.value)))
            }
        }
        let (overlap, grams) = ngramOverlap(userMessages: userMessages, reference: reference)
        return LeakMeasure(
            longestCommonSubstringChars: longest,
            lcsFraction: referenceScalars.isEmpty ? 0 : Double(longest) / Double(referenceScalars.count),
            ngramOverlap: overlap, referenceChars: referenceScalars.count, referenceNgrams: grams)
    }

    /// True when either view reaches `threshold`: the longest pasted span covers at least that
    /// share of the reference, or at least that share of its word 8-grams appear in the user's
    /// messages. The default, 0.3, leaves room for a quoted title or the function signature the
    /// code simulator is told to name, while catching any pasted paragraph of a short reference.
    public func flagged(threshold: Double = 0.3) -> Bool {
        lcsFraction >= threshold || ngramOverlap >= threshold
    }

    // MARK: - Word n-grams

    /// (overlap, number of distinct reference n-grams).
    static func ngramOverlap(userMessages: [String], reference: String) -> (Double, Int) {
        var vocabulary: [String: UInt32] = [:]
        let referenceWords = words(reference).map { word -> UInt32 in
            if let id = vocabulary[word] { return id }
            let id = UInt32(vocabulary.count)
            vocabulary[word] = id
            return id
        }
        let n = ngramOrder
        guard referenceWords.count >= n else { return (0, 0) }
        var referenceGrams = Set<SIMD8<UInt32>>()
        for start in 0...(referenceWords.count - n) { referenceGrams.insert(gram(referenceWords, start)) }
        var found = Set<SIMD8<UInt32>>()
        let unknown = UInt32.max
        for message in userMessages {
            let ids = words(message).map { vocabulary[$0] ?? unknown }
            guard ids.count >= n else { continue }
            var lastUnknown = -1  // index of the newest unknown word seen
            for i in 0..<ids.count {
                if ids[i] == unknown { lastUnknown = i }
                let start = i - n + 1
                guard start >= 0, lastUnknown < start else { continue }
                let g = gram(ids, start)
                if referenceGrams.contains(g) { found.insert(g) }
            }
            if found.count == referenceGrams.count { break }
        }
        return (Double(found.count) / Double(referenceGrams.count), referenceGrams.count)
    }

    private static func gram(_ ids: [UInt32], _ start: Int) -> SIMD8<UInt32> {
        SIMD8(ids[start], ids[start + 1], ids[start + 2], ids[start + 3], ids[start + 4], ids[start + 5], ids[start + 6], ids[start + 7])
    }

    /// Maximal runs of letters and digits, lower-cased.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                out.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) {
                    current.append(scalar)
                } else if (0x41...0x5A).contains(v) {
                    current.append(Unicode.Scalar(v + 0x20)!)
                } else {
                    flush()
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if scalar.properties.changesWhenLowercased {
                    current.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    current.append(scalar)
                }
            } else {
                flush()
            }
        }
        flush()
        return out
    }
}
