// Numeric evaluation of expression trees: exact rationals where possible, doubles otherwise.

import Foundation

/// The value of a scalar expression.
struct NumericValue: Sendable {
    /// Exact value when every step stayed rational.
    var exact: Rational?
    /// Floating-point value (always set; NaN when undefined).
    var value: Double
    /// True when a decimal literal took part (math-verify then compares rounded values).
    var hasDecimal: Bool

    init(exact: Rational?, value: Double, hasDecimal: Bool) {
        self.exact = exact
        self.value = value
        self.hasDecimal = hasDecimal
    }

    init(_ r: Rational, hasDecimal: Bool = false) {
        exact = r
        value = r.doubleValue
        self.hasDecimal = hasDecimal
    }

    init(double: Double, hasDecimal: Bool = false) {
        exact = nil
        value = double
        self.hasDecimal = hasDecimal
    }
}

/// Evaluates scalar expressions; symbols take values from a fixed assignment.
struct MathEvaluator {
    /// Values for symbols, or nil to refuse symbols.
    let point: Int?

    /// Deterministic pseudo-random value of a symbol at evaluation point `k`: in [0.35, 2.25) for
    /// the first three points, in [2.5, 12) after (so `\sqrt{x-3}` has a domain to be sampled on).
    static func symbolValue(_ name: String, point k: Int) -> Double {
        let unit = symbolHash(name, point: k)
        return k < 3 ? 0.35 + unit * 1.9 : 2.5 + unit * 9.5
    }

    /// A hash of a symbol name and point in [0, 1).
    static func symbolHash(_ name: String, point k: Int) -> Double {
        Double(symbolBits(name, point: k) % 1_000_003) / 1_000_003.0
    }

    static func symbolBits(_ name: String, point k: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15
        for c in name.utf8 {
            h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return h
    }

    func evaluate(_ node: MathNode) -> NumericValue? {
        switch node {
        case .number(let n):
            if let e = n.exact { return NumericValue(e, hasDecimal: n.isDecimal) }
            return NumericValue(double: n.approx, hasDecimal: n.isDecimal)
        case .symbol(let s):
            guard let k = point else { return nil }
            if s == "..." { return nil }
            return NumericValue(double: MathEvaluator.symbolValue(s, point: k))
        case .pi:
            return NumericValue(double: Double.pi)
        case .euler:
            return NumericValue(double: M_E)
        case .infinity:
            return NumericValue(double: .infinity)
        case .add(let terms):
            var acc = NumericValue(Rational.zero)
            for t in terms {
                guard let v = evaluate(t) else { return nil }
                acc = NumericValue(
                    exact: acc.exact.flatMap { a in v.exact.flatMap { a.adding($0) } },
                    value: acc.value + v.value, hasDecimal: acc.hasDecimal || v.hasDecimal)
            }
            return acc
        case .mul(let factors):
            var acc = NumericValue(Rational.one)
            for f in factors {
                guard let v = evaluate(f) else { return nil }
                acc = NumericValue(
                    exact: acc.exact.flatMap { a in v.exact.flatMap { a.multiplying($0) } },
                    value: acc.value * v.value, hasDecimal: acc.hasDecimal || v.hasDecimal)
            }
            return acc
        case .neg(let x):
            guard let v = evaluate(x) else { return nil }
            return NumericValue(exact: v.exact.flatMap { $0.negated() }, value: -v.value, hasDecimal: v.hasDecimal)
        case .pow(let b, let e):
            guard let bv = evaluate(b), let ev = evaluate(e) else { return nil }
            return MathEvaluator.power(bv, ev)
        case .function(let name, let args):
            return evaluateFunction(name, args)
        case .percent(let x):
            guard let v = evaluate(x) else { return nil }
            return NumericValue(
                exact: v.exact.flatMap { $0.multiplying(Rational(1, 100)!) }, value: v.value / 100,
                hasDecimal: v.hasDecimal)
        case .plusMinus, .relation, .list, .set, .tuple, .openPair, .interval, .union, .matrix, .text, .emptySet:
            return nil
        }
    }

    static func power(_ b: NumericValue, _ e: NumericValue) -> NumericValue {
        let hasDecimal = b.hasDecimal || e.hasDecimal
        if let be = b.exact, let ee = e.exact {
            if ee.isInteger {
                if let r = be.power(ee.numerator) { return NumericValue(r, hasDecimal: hasDecimal) }
            } else if ee.denominator <= 12, be.numerator >= 0,
                let rn = exactRoot(be.numerator, ee.denominator), let rd = exactRoot(be.denominator, ee.denominator),
                let root = Rational(rn, rd), let r = root.power(ee.numerator)
            {
                return NumericValue(r, hasDecimal: hasDecimal)
            }
        }
        var v = pow(b.value, e.value)
        if b.value < 0, let ee = e.exact, !ee.isInteger, ee.denominator % 2 == 1 {
            // Odd roots of negatives are real.
            v = -pow(-b.value, e.value)
            if ee.numerator % 2 == 0 { v = -v }
        }
        return NumericValue(double: v, hasDecimal: hasDecimal)
    }

    /// The integer `k`-th root of `n` when it is exact.
    static func exactRoot(_ n: Int64, _ k: Int64) -> Int64? {
        if n < 0 { return nil }
        if n < 2 { return n }
        let guess = Int64((pow(Double(n), 1.0 / Double(k))).rounded())
        for c in max(0, guess - 1)...(guess + 1) {
            var p: Int64 = 1
            var overflow = false
            for _ in 0..<k {
                let (m, o) = p.multipliedReportingOverflow(by: c)
                if o {
                    overflow = true
                    break
                }
                p = m
            }
            if !overflow && p == n { return c }
        }
        return nil
    }

    private func evaluateFunction(_ name: String, _ args: [MathNode]) -> NumericValue? {
        var values: [NumericValue] = []
        values.reserveCapacity(args.count)
        for a in args {
            guard let v = evaluate(a) else { return nil }
            values.append(v)
        }
        guard let x = values.first else { return nil }
        let hd = values.contains { $0.hasDecimal }
        func d(_ v: Double) -> NumericValue { NumericValue(double: v, hasDecimal: hd) }
        switch name {
        case "sqrt":
            return MathEvaluator.power(x, NumericValue(Rational(1, 2)!))
        case "root":
            guard values.count == 2, let idx = values[1].exact, idx.isInteger, idx.numerator != 0,
                let inv = Rational(1, idx.numerator)
            else {
                return values.count == 2 ? d(pow(x.value, 1 / values[1].value)) : nil
            }
            return MathEvaluator.power(x, NumericValue(inv))
        case "abs":
            return NumericValue(
                exact: x.exact.map { $0.numerator < 0 ? $0.negated()! : $0 }, value: Swift.abs(x.value), hasDecimal: hd)
        case "factorial":
            guard let e = x.exact, e.isInteger, e.numerator >= 0 else { return d(tgamma(x.value + 1)) }
            if e.numerator > 20 { return d(tgamma(x.value + 1)) }
            var r: Int64 = 1
            if e.numerator > 1 { for k in 2...e.numerator { r *= k } }
            return NumericValue(Rational(integer: r), hasDecimal: hd)
        case "binom":
            guard values.count == 2 else { return nil }
            if let n = x.exact, let k = values[1].exact, n.isInteger, k.isInteger, k.numerator >= 0, n.numerator >= 0 {
                if k.numerator > n.numerator { return NumericValue(Rational.zero) }
                var r = Rational.one
                let kk = min(k.numerator, n.numerator - k.numerator)
                if kk > 200 {
                    return d(
                        exp(lgamma(x.value + 1) - lgamma(values[1].value + 1) - lgamma(x.value - values[1].value + 1)))
                }
                var i: Int64 = 0
                while i < kk {
                    guard let m = r.multiplying(Rational(n.numerator - i, i + 1)!) else {
                        return d(
                            exp(
                                lgamma(x.value + 1) - lgamma(values[1].value + 1)
                                    - lgamma(x.value - values[1].value + 1)))
                    }
                    r = m
                    i += 1
                }
                return NumericValue(r, hasDecimal: hd)
            }
            return d(exp(lgamma(x.value + 1) - lgamma(values[1].value + 1) - lgamma(x.value - values[1].value + 1)))
        case "sin": return d(sin(x.value))
        case "cos": return d(cos(x.value))
        case "tan": return d(tan(x.value))
        case "cot": return d(1 / tan(x.value))
        case "sec": return d(1 / cos(x.value))
        case "csc": return d(1 / sin(x.value))
        case "arcsin": return d(asin(x.value))
        case "arccos": return d(acos(x.value))
        case "arctan": return d(atan(x.value))
        case "arccot": return d(atan(1 / x.value))
        case "sinh": return d(sinh(x.value))
        case "cosh": return d(cosh(x.value))
        case "tanh": return d(tanh(x.value))
        case "exp": return d(exp(x.value))
        case "ln": return d(naturalLog(x.value))
        case "log":
            if values.count == 2 {
                let v = naturalLog(x.value) / naturalLog(values[1].value)
                let r = v.rounded()
                if Swift.abs(v - r) < 1e-12, let be = values[1].exact, let xe = x.exact, be.power(Int64(r)) == xe {
                    return NumericValue(Rational(integer: Int64(r)), hasDecimal: hd)
                }
                return d(v)
            }
            return d(naturalLog(x.value))
        case "lg": return d(log10(x.value))
        default:
            return nil
        }
    }
}

@inline(__always) private func naturalLog(_ x: Double) -> Double { Foundation.log(x) }

/// Evaluates integer-and-rational expressions modulo the prime 2^61 - 1: an exact identity check
/// for answers too large for doubles, such as `2^{2008} - 2`.
struct ModularEvaluator {
    static let prime: UInt64 = (1 << 61) - 1
    /// Sample point for symbols, or nil to refuse symbols.
    let point: Int?

    func evaluate(_ node: MathNode) -> UInt64? {
        let p = ModularEvaluator.prime
        switch node {
        case .number(let n):
            guard let r = n.exact else { return nil }
            return ModularEvaluator.residue(r)
        case .symbol(let s):
            guard let k = point else { return nil }
            return MathEvaluator.symbolBits(s, point: k + 17) % p
        case .add(let xs):
            var acc: UInt64 = 0
            for x in xs {
                guard let v = evaluate(x) else { return nil }
                acc = (acc + v) % p
            }
            return acc
        case .mul(let xs):
            var acc: UInt64 = 1
            for x in xs {
                guard let v = evaluate(x) else { return nil }
                acc = ModularEvaluator.mul(acc, v)
            }
            return acc
        case .neg(let x):
            guard let v = evaluate(x) else { return nil }
            return (p - v) % p
        case .pow(let b, let e):
            guard let bv = evaluate(b), let ev = MathEvaluator(point: nil).evaluate(e)?.exact, ev.isInteger,
                !(ev.numerator < 0 && bv == 0)
            else { return nil }
            let r = ModularEvaluator.power(bv, ev.numerator.magnitude)
            return ev.numerator < 0 ? ModularEvaluator.inverse(r) : r
        case .percent(let x):
            guard let v = evaluate(x), let inv = ModularEvaluator.residue(Rational(1, 100)!) else { return nil }
            return ModularEvaluator.mul(v, inv)
        case .function("factorial", let args):
            guard args.count == 1, let n = MathEvaluator(point: nil).evaluate(args[0])?.exact, n.isInteger,
                n.numerator >= 0, n.numerator <= 1_000_000
            else { return nil }
            var acc: UInt64 = 1
            var k: Int64 = 2
            while k <= n.numerator {
                acc = ModularEvaluator.mul(acc, UInt64(k))
                k += 1
            }
            return acc
        default:
            return nil
        }
    }

    static func residue(_ r: Rational) -> UInt64? {
        let p = prime
        let n = r.numerator < 0 ? (p - r.numerator.magnitude % p) % p : r.numerator.magnitude % p
        let d = r.denominator.magnitude % p
        guard d != 0 else { return nil }
        return mul(n, inverse(d))
    }

    static func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return prime.dividingFullWidth((high, low)).remainder
    }

    static func power(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
        var result: UInt64 = 1
        var b = base % prime
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = mul(result, b) }
            b = mul(b, b)
            e >>= 1
        }
        return result
    }

    /// Inverse by Fermat's little theorem (0 stays 0).
    static func inverse(_ a: UInt64) -> UInt64 {
        power(a, prime - 2)
    }
}
