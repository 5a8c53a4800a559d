/// Which way a test looks.
public enum Alternative: String, Sendable, Codable, Hashable {
    /// The statistic differs from its null value in either direction.
    case twoSided = "two-sided"
    /// The statistic is below its null value.
    case less
    /// The statistic is above its null value.
    case greater
}

/// The result of a paired permutation test.
public struct PermutationResult: Sendable, Codable, Hashable {
    /// The p-value.
    public var pValue: Double
    /// The observed statistic: the mean of the differences.
    public var meanDifference: Double
    /// True when every sign assignment was counted; false for a Monte Carlo estimate.
    public var exact: Bool
    /// Sign assignments counted: 2ⁿ when exact, else the number of random draws.
    public var permutations: Double
}

/// The paired permutation (sign-flip) test of the mean of paired differences.
///
/// Under the null hypothesis each pair's two values are exchangeable, so each difference is as
/// likely to carry either sign. The p-value is the share of the 2ⁿ sign assignments whose mean is
/// at least as extreme as the observed one. With at most ``exactLimit`` pairs every assignment is
/// counted (meet in the middle: the sums of both halves are enumerated and one side sorted, so
/// 30 pairs take two lists of 32,768 sums). Above that, random sign assignments from a seeded
/// generator estimate it, with the observed assignment counted once: p = (count + 1)/(draws + 1).
/// The conventions are those of SciPy's `permutation_test` with `permutation_type="samples"` and
/// the statistic `mean(x − y)`: two-sided p = min(1, 2·min(p_less, p_greater)), and values within a
/// relative 1e-12 of the observed statistic count as ties.
public enum PairedPermutationTest {
    /// The largest number of pairs tested exactly.
    public static let exactLimit = 30
    /// The default number of random draws above ``exactLimit``.
    public static let defaultDraws = 9999

    /// Tests whether the mean of `differences` is zero.
    /// - Parameters:
    ///   - differences: One difference per pair (zeros allowed; they count as either sign).
    ///   - alternative: The direction of the alternative hypothesis.
    ///   - draws: Random draws when there are more than ``exactLimit`` pairs.
    ///   - seed: Seed of the draws.
    /// - Returns: p = 1 for no pairs.
    public static func test(
        differences: [Double], alternative: Alternative = .twoSided, draws: Int = defaultDraws, seed: UInt64 = StatisticsSeed.defaultBase
    ) -> PermutationResult {
        let n = differences.count
        guard n > 0 else { return PermutationResult(pValue: 1, meanDifference: 0, exact: true, permutations: 1) }
        let observed = differences.reduce(0, +)
        let scale = differences.reduce(0) { $0 + abs($1) }
        let tolerance = max(scale, 1e-300) * 1e-12
        let counts: (less: Double, greater: Double, total: Double, exact: Bool)
        if n <= exactLimit {
            counts = exactCounts(differences, observed: observed, tolerance: tolerance)
        } else {
            counts = monteCarloCounts(differences, observed: observed, tolerance: tolerance, draws: max(1, draws), seed: seed)
        }
        let adjust = counts.exact ? 0.0 : 1.0
        let pLess = (counts.less + adjust) / (counts.total + adjust)
        let pGreater = (counts.greater + adjust) / (counts.total + adjust)
        let p: Double = switch alternative {
        case .less: pLess
        case .greater: pGreater
        case .twoSided: 2 * min(pLess, pGreater)
        }
        return PermutationResult(
            pValue: min(1, max(0, p)), meanDifference: observed / Double(n), exact: counts.exact,
            permutations: counts.exact ? Double(sign: .plus, exponent: n, significand: 1) : Double(draws))
    }

    private static func halfSums(_ values: ArraySlice<Double>) -> [Double] {
        var sums = [0.0]
        sums.reserveCapacity(1 << values.count)
        for v in values {
            let current = sums
            sums = current.map { $0 + v }
            sums += current.map { $0 - v }
        }
        return sums
    }

    private static func exactCounts(_ d: [Double], observed: Double, tolerance: Double) -> (less: Double, greater: Double, total: Double, exact: Bool) {
        let half = d.count / 2
        let left = halfSums(d[..<half])
        let right = halfSums(d[half...]).sorted()
        var less = 0
        var greater = 0
        for l in left {
            // right[j] >= observed - tolerance - l
            greater += right.count - lowerBound(right, observed - tolerance - l)
            // right[j] <= observed + tolerance - l
            less += upperBound(right, observed + tolerance - l)
        }
        return (Double(less), Double(greater), Double(left.count) * Double(right.count), true)
    }

    private static func monteCarloCounts(
        _ d: [Double], observed: Double, tolerance: Double, draws: Int, seed: UInt64
    ) -> (less: Double, greater: Double, total: Double, exact: Bool) {
        var generator = Xoshiro256StarStar(seed: seed)
        var less = 0
        var greater = 0
        d.withUnsafeBufferPointer { v in
            for _ in 0..<draws {
                var sum = 0.0
                var bits: UInt64 = 0
                for i in 0..<v.count {
                    if i & 63 == 0 { bits = generator.next() }
                    sum += bits & 1 == 1 ? v[i] : -v[i]
                    bits >>= 1
                }
                if sum <= observed + tolerance { less += 1 }
                if sum >= observed - tolerance { greater += 1 }
            }
        }
        return (Double(less), Double(greater), Double(draws), false)
    }

    /// First index whose value is >= `x`.
    private static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First index whose value is > `x`.
    private static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
