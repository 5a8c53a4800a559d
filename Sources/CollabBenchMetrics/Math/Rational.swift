// Exact rational arithmetic on 64-bit integers; every operation reports overflow as nil so the
// caller can fall back to floating point.

/// A reduced fraction `numerator / denominator` with a positive denominator.
struct Rational: Hashable, Sendable {
    let numerator: Int64
    let denominator: Int64

    /// Creates `n / d` reduced to lowest terms; nil when `d` is zero or reduction overflows.
    init?(_ n: Int64, _ d: Int64) {
        guard d != 0 else { return nil }
        if n == .min || d == .min { return nil }
        let g = Rational.gcd(n.magnitude, d.magnitude)
        var num = n / Int64(g)
        var den = d / Int64(g)
        if den < 0 {
            num = -num
            den = -den
        }
        numerator = num
        denominator = den
    }

    /// An integer as a rational.
    init(integer: Int64) {
        numerator = integer
        denominator = 1
    }

    static let zero = Rational(integer: 0)
    static let one = Rational(integer: 1)

    var isInteger: Bool { denominator == 1 }
    var isZero: Bool { numerator == 0 }
    var doubleValue: Double { Double(numerator) / Double(denominator) }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var x = a
        var y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }

    /// Parses an unsigned decimal literal such as `12`, `0.25` or `.5`; nil on overflow.
    static func parseDecimal(_ digits: Substring) -> Rational? {
        var num: Int64 = 0
        var den: Int64 = 1
        var afterPoint = false
        for ch in digits.utf8 {
            if ch == UInt8(ascii: ".") {
                afterPoint = true
                continue
            }
            guard ch >= 48, ch <= 57 else { return nil }
            let (m, o1) = num.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(ch - 48))
            if o1 || o2 { return nil }
            num = s
            if afterPoint {
                let (d, o3) = den.multipliedReportingOverflow(by: 10)
                if o3 { return nil }
                den = d
            }
        }
        return Rational(num, den)
    }

    func adding(_ o: Rational) -> Rational? {
        let (a, o1) = numerator.multipliedReportingOverflow(by: o.denominator)
        let (b, o2) = o.numerator.multipliedReportingOverflow(by: denominator)
        let (n, o3) = a.addingReportingOverflow(b)
        let (d, o4) = denominator.multipliedReportingOverflow(by: o.denominator)
        if o1 || o2 || o3 || o4 { return nil }
        return Rational(n, d)
    }

    func multiplying(_ o: Rational) -> Rational? {
        let g1 = Int64(Rational.gcd(numerator.magnitude, o.denominator.magnitude))
        let g2 = Int64(Rational.gcd(o.numerator.magnitude, denominator.magnitude))
        let (n, o1) = (numerator / g1).multipliedReportingOverflow(by: o.numerator / g2)
        let (d, o2) = (denominator / g2).multipliedReportingOverflow(by: o.denominator / g1)
        if o1 || o2 { return nil }
        return Rational(n, d)
    }

    func negated() -> Rational? {
        numerator == .min ? nil : Rational(-numerator, denominator)
    }

    func reciprocal() -> Rational? {
        Rational(denominator, numerator)
    }

    /// `self ^ exponent` for an integer exponent; nil on overflow or 0^negative.
    func power(_ exponent: Int64) -> Rational? {
        if exponent == 0 { return .one }
        if exponent < 0 {
            guard let r = reciprocal() else { return nil }
            return r.power(-exponent)
        }
        if exponent > 64 && numerator.magnitude > 1 { return nil }
        var result = Rational.one
        var base = self
        var e = exponent
        while e > 0 {
            if e & 1 == 1 {
                guard let r = result.multiplying(base) else { return nil }
                result = r
            }
            e >>= 1
            if e > 0 {
                guard let b = base.multiplying(base) else { return nil }
                base = b
            }
        }
        return result
    }
}
