import CollabBenchMetrics
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct LeakMeasureTests {
    struct Case: Codable {
        var reference: String
        var messages: [String]
        var lcs_chars: Int?
        var lcs_fraction: Double?
        var ngram_overlap: Double?
    }

    static let article = """
        Every spring the river behind our house rises a little higher, and every spring my grandmother \
        insists that it will not reach the garden. She has been right for forty years. This essay is \
        about what she knows that the flood maps do not: how the soil drinks, where the old channel ran, \
        and why the willows were planted exactly where they stand. It is also about listening to people \
        whose knowledge was never written down, and about the quiet arrogance of assuming that a model \
        drawn from satellite data understands a place better than someone who has watched it every morning.
        """

    @Test func aPastedReferenceIsAboutOne() {
        let leak = LeakMeasure.measure(userMessages: ["hey can u help", "ok here is what I want:\n" + Self.article + "\nthx"], reference: Self.article)
        #expect(leak.longestCommonSubstringChars == Self.article.unicodeScalars.count)
        #expect(leak.lcsFraction == 1)
        #expect(leak.ngramOverlap > 0.99)
        #expect(leak.flagged())
    }

    @Test func reformattedPasteIsCaughtByNgrams() {
        let shouted = Self.article.uppercased().split(separator: " ").joined(separator: "  ")
        let leak = LeakMeasure.measure(userMessages: [shouted], reference: Self.article)
        #expect(leak.lcsFraction < 0.05)
        #expect(leak.ngramOverlap == 1)
        #expect(leak.flagged())
    }

    @Test func unrelatedTextIsAboutZero() {
        let messages = [
            "can you write me something about gardens? nothing too long pls",
            "i like when it feels personal, maybe about family. my grandma had a garden too",
            "looks good but make the ending warmer [[TERMINATE CHAT]]",
        ]
        let leak = LeakMeasure.measure(userMessages: messages, reference: Self.article)
        #expect(leak.lcsFraction < 0.05)
        #expect(leak.ngramOverlap == 0)
        #expect(!leak.flagged())
    }

    @Test func partialPasteIsProportional() {
        let scalars = Array(Self.article.unicodeScalars)
        let half = String(String.UnicodeScalarView(scalars[100..<(100 + scalars.count / 2)]))
        let leak = LeakMeasure.measure(userMessages: ["something like §" + half + "§"], reference: Self.article)
        #expect(leak.longestCommonSubstringChars == scalars.count / 2)
        #expect(abs(leak.lcsFraction - 0.5) < 0.01)
        #expect(leak.flagged(threshold: 0.45))
        #expect(!leak.flagged(threshold: 0.9))
    }

    @Test func emptyInputs() {
        let none = LeakMeasure.measure(userMessages: [], reference: Self.article)
        #expect(none.longestCommonSubstringChars == 0 && none.lcsFraction == 0 && none.ngramOverlap == 0)
        let emptyReference = LeakMeasure.measure(userMessages: ["anything"], reference: "")
        #expect(emptyReference.lcsFraction == 0 && emptyReference.ngramOverlap == 0 && emptyReference.referenceNgrams == 0)
        let shortReference = LeakMeasure.measure(userMessages: ["one two three"], reference: "one two three")
        #expect(shortReference.lcsFraction == 1)
        #expect(shortReference.ngramOverlap == 0)  // fewer than 8 words: no 8-grams
    }

    @Test func longestCommonSubstringMatchesBruteForce() {
        var rng = SplitMix64(seed: 99)
        let alphabet: [Unicode.Scalar] = ["a", "b", "c", " ", "é", "😀"]
        func randomText(_ n: Int) -> String {
            String(String.UnicodeScalarView((0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }))
        }
        for _ in 0..<300 {
            let reference = randomText(Int.random(in: 0...60, using: &rng))
            let messages = (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomText(Int.random(in: 0...60, using: &rng)) }
            let expected = messages.map { Self.bruteForceLCS(Array($0.unicodeScalars), Array(reference.unicodeScalars)) }.max() ?? 0
            #expect(LeakMeasure.measure(userMessages: messages, reference: reference).longestCommonSubstringChars == expected, "\(messages) vs \(reference)")
        }
    }

    @Test func agreesWithPythonReferenceOnFixtures() throws {
        let cases: [Case] = try ReferenceScript.fixture("fidelity-leak")
        #expect(cases.count >= 40)
        for c in cases {
            let leak = LeakMeasure.measure(userMessages: c.messages, reference: c.reference)
            #expect(leak.longestCommonSubstringChars == c.lcs_chars)
            #expect(abs(leak.lcsFraction - (c.lcs_fraction ?? -1)) < 1e-12)
            #expect(abs(leak.ngramOverlap - (c.ngram_overlap ?? -1)) < 1e-12)
        }
    }

    @Test(.enabled(if: ReferenceScript.python != nil, "needs COLLABBENCH_REF_PYTHON"))
    func liveCrossCheckOnTranscriptSizedTexts() async throws {
        var rng = SplitMix64(seed: 5)
        let words = Self.article.split(separator: " ").map(String.init)
        func prose(_ count: Int) -> String { (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(separator: " ") }
        var cases: [Case] = []
        for _ in 0..<30 {
            let reference = prose(Int.random(in: 50...500, using: &rng))
            let scalars = Array(reference.unicodeScalars)
            let messages = (0..<Int.random(in: 1...8, using: &rng)).map { _ -> String in
                let start = Int.random(in: 0..<scalars.count, using: &rng)
                let end = min(scalars.count, start + Int.random(in: 0...400, using: &rng))
                return prose(Int.random(in: 0...40, using: &rng)) + String(String.UnicodeScalarView(scalars[start..<end])) + prose(5)
            }
            cases.append(Case(reference: reference, messages: messages))
        }
        let answered: [Case] = try await ReferenceScript.run("make-fidelity-fixtures.py", arguments: ["--stdin"], cases: cases)
        #expect(answered.count == cases.count)
        for (c, reference) in zip(cases, answered) {
            let leak = LeakMeasure.measure(userMessages: c.messages, reference: c.reference)
            #expect(leak.longestCommonSubstringChars == reference.lcs_chars)
            #expect(abs(leak.ngramOverlap - (reference.ngram_overlap ?? -1)) < 1e-12)
        }
    }

    /// O(n·m) dynamic programme, for checking the automaton.
    static func bruteForceLCS(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var best = 0
        for i in 1...a.count {
            var current = [Int](repeating: 0, count: b.count + 1)
            for j in 1...b.count where a[i - 1] == b[j - 1] {
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
            }
            previous = current
        }
        return best
    }
}
