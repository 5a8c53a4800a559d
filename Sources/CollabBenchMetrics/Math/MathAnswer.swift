// Deterministic checking of final answers to math problems (MATH-style LaTeX answers).

/// Checks whether a model's answer to a math problem matches the reference answer.
///
/// The rules follow math-verify 0.9.0 called as `verify(parse("\\boxed{" + reference + "}"),
/// parse(answer))`, without a computer-algebra system: answers are normalised (see
/// ``normalize(_:)``), parsed into a small expression tree, and compared structurally (tuples in
/// order, sets in any order, intervals with their brackets, matrices, text) and numerically (exact
/// rationals, six-decimal rounding when a decimal is involved, fixed sample points for variables).
///
/// ```swift
/// MathAnswer.equivalent(answer: "The answer is $\\boxed{\\dfrac12}$.", reference: "0.5")  // true
/// MathAnswer.normalize("x = 5,\\!460^\\circ")                                             // "5460"
/// ```
public enum MathAnswer {
    /// Canonical normalised form of a LaTeX answer (idempotent: `normalize(normalize(x)) == normalize(x)`).
    ///
    /// Removes `$` delimiters, `\left`/`\right`, spacing commands and spaces, degree marks, `\$`,
    /// unit words after a quantity (`5\text{ cm}` → `5`), thousands separators (`5,\!460` → `5460`),
    /// trailing zeros of decimals (`5.00` → `5.0`: the point stays, since a decimal compares by
    /// rounding), a leading `x =`, and spells `\dfrac`/`\tfrac` as `\frac` and `%` as `\%`.
    ///
    /// - Parameter answer: a LaTeX answer (not a whole solution).
    /// - Returns: the canonical spelling.
    public static func normalize(_ answer: String) -> String {
        LatexNormalizer.normalize(answer)
    }

    /// True when the two answers are mathematically the same.
    ///
    /// - Parameters:
    ///   - answer: the model's answer; when it holds a `\boxed{}` (a whole solution), the last box
    ///     is used, else when it is prose with `$...$` math, the last math segment.
    ///   - reference: the reference answer (the content of the reference solution's box); it is
    ///     reduced with ``finalAnswer(in:)`` like the answer.
    /// - Returns: whether math-verify would accept `answer` for `reference`; an empty reference
    ///   matches nothing.
    public static func equivalent(answer: String, reference: String) -> Bool {
        let gold = normalize(finalAnswer(in: reference))
        guard !gold.isEmpty else { return false }
        let candidate = normalize(finalAnswer(in: answer))
        guard !candidate.isEmpty else { return false }
        if gold == candidate { return true }
        guard let g = MathParser.parse(gold), let a = MathParser.parse(candidate) else {
            return gold.lowercased() == candidate.lowercased()
        }
        return MathEquivalence.equal(g, a)
    }

    /// The part of a model's answer that ``equivalent(answer:reference:)`` compares: its last
    /// `\boxed{}`, else its last inline math segment when it is prose with math in it
    /// (`The answer is $5$.`), else the whole text.
    ///
    /// - Parameter answer: a model's answer or whole solution.
    /// - Returns: the extracted final answer, not yet normalised.
    public static func finalAnswer(in answer: String) -> String {
        if let boxed = lastBoxed(in: answer) { return boxed }
        if let math = lastMathSegment(in: answer) { return math }
        return answer
    }
}
