import Foundation

/// The CollabLLM paper's document metric: NLTK's `sentence_bleu([reference], hypothesis)` called
/// on raw strings, so that every character is a token.
///
/// "Character" means what Python iterates over a `str`: a Unicode scalar (code point), not a
/// Swift `Character` (grapheme cluster). The score is sentence BLEU-4 with uniform weights 0.25
/// and NLTK's default "no smoothing" (`method0`), reproduced exactly:
///
/// - modified (clipped) n-gram precision for n = 1...4, denominator `max(1, hypothesis n-grams)`;
/// - if no unigram matches, the score is exactly 0;
/// - an order with zero matches contributes `log(Double.leastNormalMagnitude)` (NLTK's
///   `sys.float_info.min`) instead of failing, so the score becomes tiny (about 1e-78) but not 0;
/// - brevity penalty `exp(1 - r/c)` when the hypothesis (c characters) is not longer than the
///   reference (r characters);
/// - the weighted logs are added with correct rounding (`math.fsum`).
///
/// ```swift
/// let bleu = CharacterBLEU.score(reference: article, hypothesis: finalDocument) * 100
/// ```
public enum CharacterBLEU {
    /// Character-level sentence BLEU-4 of `hypothesis` against the single `reference`.
    ///
    /// - Parameters:
    ///   - reference: the target text.
    ///   - hypothesis: the produced text.
    /// - Returns: the score in `0...1` (callers multiply by 100); equal to NLTK 3.10's
    ///   `sentence_bleu([reference], hypothesis)`.
    public static func score(reference: String, hypothesis: String) -> Double {
        let symbols = CharacterAlphabet.encode(reference: reference, hypothesis: hypothesis)
        let counts = NGramMatcher.counts(
            hypothesis: symbols.hypothesis, reference: symbols.reference,
            alphabetSize: symbols.alphabetSize, maxOrder: 4)
        return NLTKSentenceBLEU.score(
            counts: counts, hypothesisLength: symbols.hypothesis.count,
            referenceLength: symbols.reference.count)
    }
}

/// NLTK's corpus/sentence BLEU arithmetic for one hypothesis and one reference, uniform weights,
/// smoothing `method0`.
enum NLTKSentenceBLEU {
    static func score(counts: NGramMatcher.Counts, hypothesisLength: Int, referenceLength: Int)
        -> Double
    {
        guard counts.matches.first ?? 0 > 0 else { return 0 }
        let weight = 1.0 / Double(counts.matches.count)
        var terms: [Double] = []
        terms.reserveCapacity(counts.matches.count)
        for (matched, total) in zip(counts.matches, counts.totals) {
            let precision =
                matched == 0
                ? Double.leastNormalMagnitude
                : Double(matched) / Double(max(1, total))
            terms.append(weight * log(precision))
        }
        return brevityPenalty(reference: referenceLength, hypothesis: hypothesisLength)
            * exp(ExactSum.sum(terms))
    }

    /// NLTK's brevity penalty for the closest (here: only) reference length.
    static func brevityPenalty(reference: Int, hypothesis: Int) -> Double {
        if hypothesis > reference { return 1 }
        if hypothesis == 0 { return 0 }
        return exp(1 - Double(reference) / Double(hypothesis))
    }
}

/// Maps the Unicode scalars of a reference/hypothesis pair to dense ids.
///
/// Reference scalars get ids `0 ..< k` in order of first appearance; every scalar that occurs only
/// in the hypothesis shares the id `k`. Sharing is safe for clipped counts: an n-gram holding such
/// a scalar never occurs in the reference, so it matches nothing whichever id it carries.
enum CharacterAlphabet {
    struct Encoded {
        var reference: [UInt32]
        var hypothesis: [UInt32]
        var alphabetSize: Int
    }

    static func encode(reference: String, hypothesis: String) -> Encoded {
        var small = [UInt32](repeating: .max, count: 256)
        var large: [UInt32: UInt32] = [:]
        var next: UInt32 = 0
        var referenceIDs: [UInt32] = []
        referenceIDs.reserveCapacity(reference.utf8.count)
        for scalar in reference.unicodeScalars {
            let value = scalar.value
            if value < 256 {
                var id = small[Int(value)]
                if id == .max {
                    id = next
                    small[Int(value)] = id
                    next += 1
                }
                referenceIDs.append(id)
            } else if let id = large[value] {
                referenceIDs.append(id)
            } else {
                large[value] = next
                referenceIDs.append(next)
                next += 1
            }
        }
        let unknown = next
        var hypothesisIDs: [UInt32] = []
        hypothesisIDs.reserveCapacity(hypothesis.utf8.count)
        for scalar in hypothesis.unicodeScalars {
            let value = scalar.value
            if value < 256 {
                let id = small[Int(value)]
                hypothesisIDs.append(id == .max ? unknown : id)
            } else {
                hypothesisIDs.append(large[value] ?? unknown)
            }
        }
        return Encoded(
            reference: referenceIDs, hypothesis: hypothesisIDs, alphabetSize: Int(unknown) + 1)
    }
}
