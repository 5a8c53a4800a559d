// The expression tree that normalised LaTeX answers parse into.

/// A number as written: exact when it is an integer or a terminating decimal that fits in 64 bits.
struct NumberLiteral: Hashable, Sendable {
    /// The digits as written (after normalisation), e.g. `12` or `0.25`.
    let text: String
    /// The exact value, when it fits.
    let exact: Rational?
    /// The value as a double.
    let approx: Double
    /// True when the literal has a decimal point (math-verify then compares by rounding).
    let isDecimal: Bool
}

/// Relations that can appear in an answer.
enum RelationOperator: String, Hashable, Sendable {
    case equal = "="
    case less = "<"
    case greater = ">"
    case lessEqual = "\\le"
    case greaterEqual = "\\ge"
    case notEqual = "\\ne"
}

/// A parsed answer.
indirect enum MathNode: Hashable, Sendable {
    case number(NumberLiteral)
    /// A variable, lower-cased (math-verify treats `X` and `x` alike).
    case symbol(String)
    case pi
    case euler
    case infinity
    case emptySet
    case add([MathNode])
    case mul([MathNode])
    case pow(MathNode, MathNode)
    case neg(MathNode)
    /// `a ± b` (binary) or `±b` (then `a` is nil).
    case plusMinus(MathNode?, MathNode)
    /// A named function: sqrt, root (radicand, index), sin, log (argument, base), abs, binom, ...
    case function(String, [MathNode])
    case relation(RelationOperator, MathNode, MathNode)
    /// `a, b, c` without brackets: a set to math-verify, but it remembers the written order.
    case list([MathNode])
    /// `\{a, b\}`.
    case set([MathNode])
    /// `(a, b, c)` or `[a, b, c]` with three or more entries.
    case tuple([MathNode])
    /// `(a, b)`: an open interval when a < b, otherwise a pair.
    case openPair(MathNode, MathNode)
    /// `[a, b]`, `[a, b)`, `(a, b]`.
    case interval(MathNode, MathNode, leftClosed: Bool, rightClosed: Bool)
    case union([MathNode])
    case matrix([[MathNode]])
    /// `\text{...}` content.
    case text(String)
    case percent(MathNode)
}
