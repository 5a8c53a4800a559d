import Foundation

/// Word-level BLEU as sacreBLEU 2.6.0 computes it with its defaults: the `13a` tokenizer, case
/// kept, BLEU-4, one reference per segment, and `exp` smoothing (NIST/mteval-v13a: the k-th order
/// with no match gets precision `100 / (2^k * total)`); a hypothesis that matches no n-gram at
/// all scores 0.
///
/// The two entry points differ as sacreBLEU's do: `sentenceScore` uses the *effective order*
/// (orders with no hypothesis n-grams are left out of the geometric mean, so a 3-word sentence
/// can still score 100), `corpusScore` does not and sums the statistics of all segments before
/// computing one score.
///
/// ```swift
/// SacreBLEU.sentenceScore(reference: "the cat sat on the mat", hypothesis: "the cat sat") // 36.79
/// ```
public enum SacreBLEU {
    /// Sentence BLEU, like `sacrebleu.sentence_bleu(hypothesis, [reference]).score`.
    ///
    /// - Parameters:
    ///   - reference: the reference text (one segment).
    ///   - hypothesis: the system output.
    /// - Returns: the score in `0...100`.
    public static func sentenceScore(reference: String, hypothesis: String) -> Double {
        Statistics(reference: reference, hypothesis: hypothesis).score(effectiveOrder: true)
    }

    /// Corpus BLEU, like `sacrebleu.corpus_bleu(hypotheses, [references]).score`.
    ///
    /// - Parameters:
    ///   - references: one reference per segment, aligned with `hypotheses`.
    ///   - hypotheses: the system outputs.
    /// - Returns: the score in `0...100` (0 for an empty corpus).
    /// - Precondition: `references.count == hypotheses.count`.
    public static func corpusScore(references: [String], hypotheses: [String]) -> Double {
        precondition(
            references.count == hypotheses.count,
            "SacreBLEU.corpusScore: \(references.count) references for \(hypotheses.count) hypotheses"
        )
        var total = Statistics()
        for (reference, hypothesis) in zip(references, hypotheses) {
            total += Statistics(reference: reference, hypothesis: hypothesis)
        }
        return total.score(effectiveOrder: false)
    }

    /// The tokens sacreBLEU scores for `text`: trailing whitespace stripped, then the `13a` rules.
    ///
    /// - Parameter text: a segment.
    /// - Returns: the tokens, as `sacrebleu`'s `BLEU()._preprocess_segment(text).split()`.
    public static func tokenize(_ text: String) -> [String] {
        let (buffer, ranges) = tokenBytes(text)
        return ranges.map { String(decoding: buffer[$0], as: UTF8.self) }
    }

    static func tokenBytes(_ text: String) -> (buffer: [UInt8], tokens: [Range<Int>]) {
        var bytes = Array(text.utf8)
        bytes.removeLast(bytes.count - PythonWhitespace.strippedTrailingLength(bytes))
        return Tokenizer13a.tokenize(bytes)
    }

    /// BLEU's sufficient statistics for one or more segments; add them up for a corpus score.
    public struct Statistics: Sendable, Equatable {
        /// Clipped n-gram matches for n = 1...4.
        public var matches: [Int]
        /// Hypothesis n-grams for n = 1...4.
        public var totals: [Int]
        /// Hypothesis tokens.
        public var hypothesisLength: Int
        /// Reference tokens.
        public var referenceLength: Int

        /// Empty statistics (the identity for `+`).
        public init() {
            matches = [0, 0, 0, 0]
            totals = [0, 0, 0, 0]
            hypothesisLength = 0
            referenceLength = 0
        }

        /// The statistics of one segment.
        ///
        /// - Parameters:
        ///   - reference: the reference text.
        ///   - hypothesis: the system output.
        public init(reference: String, hypothesis: String) {
            let (referenceBuffer, referenceTokens) = SacreBLEU.tokenBytes(reference)
            let (hypothesisBuffer, hypothesisTokens) = SacreBLEU.tokenBytes(hypothesis)
            // Dense ids: reference tokens in order of first appearance, then one shared id for
            // every token found only in the hypothesis (it can never match, whatever its id).
            var interner = TokenInterner(buffer: referenceBuffer, capacity: referenceTokens.count)
            let referenceIDs = interner.intern(referenceTokens)
            let unknown = interner.count
            let hypothesisIDs = interner.ids(
                of: hypothesisTokens, in: hypothesisBuffer, unknown: unknown)
            let counts = NGramMatcher.counts(
                hypothesis: hypothesisIDs, reference: referenceIDs,
                alphabetSize: Int(unknown) + 1, maxOrder: 4)
            matches = counts.matches
            totals = counts.totals
            hypothesisLength = hypothesisIDs.count
            referenceLength = referenceIDs.count
        }

        /// Adds the statistics of more segments.
        public static func += (lhs: inout Statistics, rhs: Statistics) {
            for order in 0..<4 {
                lhs.matches[order] += rhs.matches[order]
                lhs.totals[order] += rhs.totals[order]
            }
            lhs.hypothesisLength += rhs.hypothesisLength
            lhs.referenceLength += rhs.referenceLength
        }

        /// The BLEU score of these statistics with `exp` smoothing.
        ///
        /// - Parameter effectiveOrder: leave out the orders with no hypothesis n-grams (sacreBLEU's
        ///   sentence default) instead of averaging over all four (its corpus default).
        /// - Returns: the score in `0...100`.
        public func score(effectiveOrder: Bool) -> Double {
            // No matching n-gram of any order: sacreBLEU returns 0 before smoothing.
            if matches.allSatisfy({ $0 == 0 }) { return 0 }
            var precisions = [0.0, 0.0, 0.0, 0.0]
            var smoothing = 1.0
            var order = 4
            for n in 0..<4 {
                if totals[n] == 0 { break }
                if effectiveOrder { order = n + 1 }
                if matches[n] == 0 {
                    smoothing *= 2
                    precisions[n] = 100 / (smoothing * Double(totals[n]))
                } else {
                    precisions[n] = 100 * Double(matches[n]) / Double(totals[n])
                }
            }
            var brevityPenalty = 1.0
            if hypothesisLength < referenceLength {
                brevityPenalty =
                    hypothesisLength > 0
                    ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 0
            }
            // sacreBLEU adds the logs left to right with plain float addition.
            var logSum = 0.0
            for precision in precisions[0..<order] {
                logSum += precision == 0 ? -9_999_999_999 : log(precision)
            }
            return brevityPenalty * exp(logSum / Double(order))
        }
    }
}
