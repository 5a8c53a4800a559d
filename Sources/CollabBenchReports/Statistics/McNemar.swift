import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// ln Γ(x), through the C library (the overlays export more than one `lgamma`).
private func logGamma(_ x: Double) -> Double {
    #if canImport(Glibc)
        return Glibc.lgamma(x)
    #else
        return Foundation.lgamma(x)
    #endif
}

/// McNemar's exact test for paired binary outcomes.
///
/// Of the pairs whose outcomes differ, `b` went one way (A = 1, B = 0) and `c` the other
/// (A = 0, B = 1). Under the null hypothesis each discordant pair goes either way with
/// probability ½, so `b` is binomial(b + c, ½); the exact test reads its tail.
public enum McNemarTest {
    /// The exact p-value.
    /// - Parameters:
    ///   - b: Pairs with A = 1 and B = 0.
    ///   - c: Pairs with A = 0 and B = 1.
    ///   - alternative: `.twoSided` gives min(1, 2·P(X ≤ min(b, c))); `.greater` gives P(X ≥ b)
    ///     (A better than B); `.less` gives P(X ≤ b), where X ~ binomial(b + c, ½).
    /// - Returns: 1 when there is no discordant pair.
    public static func exactPValue(b: Int, c: Int, alternative: Alternative = .twoSided) -> Double {
        precondition(b >= 0 && c >= 0, "counts must be non-negative")
        let n = b + c
        guard n > 0 else { return 1 }
        switch alternative {
        case .twoSided: return min(1, 2 * binomialHalfCDF(min(b, c), n))
        case .less: return min(1, binomialHalfCDF(b, n))
        case .greater: return min(1, binomialHalfCDF(n - b, n))  // P(X ≥ b) = P(X ≤ n − b) by symmetry
        }
    }

    /// P(X ≤ k) for X ~ binomial(n, ½), summed from the smallest term up in log space.
    static func binomialHalfCDF(_ k: Int, _ n: Int) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        let log2n = Double(n) * log(2.0)
        let logN1 = logGamma(Double(n) + 1)
        var total = 0.0
        for i in 0...k {
            total += exp(logN1 - logGamma(Double(i) + 1) - logGamma(Double(n - i) + 1) - log2n)
        }
        return min(1, total)
    }
}
