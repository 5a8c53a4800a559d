/// The two-sample Kolmogorov–Smirnov test (two-sided), as `scipy.stats.ks_2samp` with its default
/// `method='auto'`.
///
/// The statistic is the largest distance between the two empirical distribution functions. The
/// p-value is SciPy's exact one, which `auto` chooses whenever both samples have at most 10,000
/// values: for equal sizes the probability of leaving the square band (`_compute_prob_outside_square`),
/// otherwise the "inside" lattice-path recursion for 1 − p (Hodges 1958, Viehmann 2021). For larger
/// samples (where SciPy switches to its asymptotic `kstwo` formula) ``pValue`` is nil: this type does
/// not claim to match it there. An exact sum that rounding takes just above 1 is reported as 1 (SciPy's
/// fallback clips it to 1 as well).
public struct KolmogorovSmirnov: Sendable, Codable, Hashable {
    /// The largest distance between the two empirical distribution functions (0…1).
    public var statistic: Double
    /// The exact two-sided p-value, nil when either sample has more than ``exactLimit`` values.
    public var pValue: Double?
    /// The sample sizes.
    public var sizes: [Int]

    /// Creates a result.
    public init(statistic: Double, pValue: Double?, sizes: [Int]) {
        self.statistic = statistic
        self.pValue = pValue
        self.sizes = sizes
    }

    /// Samples up to this size get the exact p-value (SciPy's `MAX_AUTO_N`).
    public static let exactLimit = 10_000

    /// Tests whether `a` and `b` come from the same distribution.
    /// - Returns: nil when either sample is empty (SciPy raises).
    public static func test(_ a: [Double], _ b: [Double]) -> KolmogorovSmirnov? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let x = a.sorted()
        let y = b.sorted()
        let n1 = x.count
        let n2 = y.count
        // Walk both sorted samples; at each distinct value compare the two ECDFs (right-continuous).
        var i = 0
        var j = 0
        var maxPlus = 0.0
        var maxMinus = 0.0
        while i < n1 || j < n2 {
            let v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j]
            while i < n1, x[i] == v { i += 1 }
            while j < n2, y[j] == v { j += 1 }
            let d = Double(i) / Double(n1) - Double(j) / Double(n2)
            maxPlus = max(maxPlus, d)
            maxMinus = max(maxMinus, -d)
        }
        let d = max(maxPlus, maxMinus)
        guard max(n1, n2) <= exactLimit else { return KolmogorovSmirnov(statistic: d, pValue: nil, sizes: [n1, n2]) }
        let g = gcd(n1, n2)
        let lcm = Double((n1 / g) * n2)
        let h = Int((d * lcm).rounded(.toNearestOrEven))
        let statistic = Double(h) / lcm
        guard h > 0 else { return KolmogorovSmirnov(statistic: statistic, pValue: 1, sizes: [n1, n2]) }
        let p = n1 == n2 ? probabilityOutsideSquare(n: n1, h: h) : probabilityOutsideInside(m: n1, n: n2, g: g, h: h)
        guard p.isFinite, p >= 0 else { return KolmogorovSmirnov(statistic: statistic, pValue: nil, sizes: [n1, n2]) }
        // Rounding can take the exact sum just above 1 for a tiny D; SciPy then falls back to its
        // asymptotic formula, which there is clipped to 1 too.
        return KolmogorovSmirnov(statistic: statistic, pValue: min(p, 1), sizes: [n1, n2])
    }

    /// P(D ≥ h/n) for two samples of size n: 2·Σ (−1)^(k−1) C(2n, n − kh)/C(2n, n), evaluated
    /// Horner-style from the largest k, as SciPy does.
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var term = 1.0
            for j in 0..<h {
                term = Double(n - k * h - j) * term / Double(n + k * h + j + 1)
            }
            p = term * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// The share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm,
    /// computed directly as 1 − p in one sliding column, as SciPy's `_compute_outer_prob_inside_method`.
    static func probabilityOutsideInside(m m0: Int, n n0: Int, g: Int, h: Int) -> Double {
        let (m, n) = m0 >= n0 ? (m0, n0) : (n0, m0)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var currentLength = maxj - minj
        let length = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: length)
        for k in minj..<maxj { a[k] = 0 }
        for i in 1...m {
            let lastMinj = minj
            let lastLength = currentLength
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var value = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                value = (a[jj + minj - lastMinj] * Double(i) + value * Double(j)) / Double(i + j)
                a[jj] = value
            }
            currentLength = maxj - minj
            if lastLength > currentLength {
                for k in (maxj - minj)..<(maxj - minj + lastLength - currentLength) where k < a.count { a[k] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
