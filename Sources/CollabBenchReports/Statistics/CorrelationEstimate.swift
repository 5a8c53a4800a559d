/// A correlation coefficient with its seeded percentile bootstrap interval.
public struct CorrelationEstimate: Sendable, Codable, Hashable {
    /// Which coefficient.
    public var method: Correlation.Method
    /// Pairs it was computed on.
    public var n: Int
    /// The coefficient on all pairs (nil when undefined, e.g. a constant sample).
    public var value: Double?
    /// The 95 % (or ``ConfidenceInterval/level``) percentile interval over resampled pairs, nil
    /// when fewer than two resamples had a defined coefficient.
    public var interval: ConfidenceInterval?
    /// Resamples whose coefficient was undefined (a constant resample), left out of the interval.
    public var undefinedResamples: Int

    /// Creates an estimate.
    public init(method: Correlation.Method, n: Int, value: Double?, interval: ConfidenceInterval?, undefinedResamples: Int) {
        self.method = method
        self.n = n
        self.value = value
        self.interval = interval
        self.undefinedResamples = undefinedResamples
    }

    /// Estimates `method` on the pairs `(x[i], y[i])`, resampling pairs with replacement.
    ///
    /// Resampling draws indices with ``Xoshiro256StarStar/next(below:)`` from `seed`, so the
    /// interval is reproducible; its ends are the `(1 − level)/2` and `(1 + level)/2` quantiles
    /// (NumPy's linear interpolation) of the defined resampled coefficients.
    /// - Parameters:
    ///   - x: First values.
    ///   - y: Second values, as many as `x`.
    ///   - method: The coefficient.
    ///   - level: Coverage of the interval.
    ///   - resamples: Bootstrap resamples.
    ///   - seed: Seed of the resampling.
    public static func estimate(
        _ x: [Double], _ y: [Double], method: Correlation.Method, level: Double = 0.95,
        resamples: Int = Bootstrap.defaultResamples, seed: UInt64
    ) -> CorrelationEstimate {
        let n = min(x.count, y.count)
        let value = method.coefficient(Array(x.prefix(n)), Array(y.prefix(n)))
        guard n >= 2, resamples > 0 else {
            return CorrelationEstimate(method: method, n: n, value: value, interval: nil, undefinedResamples: 0)
        }
        var generator = Xoshiro256StarStar(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var undefined = 0
        var rx = [Double](repeating: 0, count: n)
        var ry = [Double](repeating: 0, count: n)
        for _ in 0..<resamples {
            for k in 0..<n {
                let i = generator.next(below: n)
                rx[k] = x[i]
                ry[k] = y[i]
            }
            if let c = method.coefficient(rx, ry) { values.append(c) } else { undefined += 1 }
        }
        guard values.count >= 2 else {
            return CorrelationEstimate(method: method, n: n, value: value, interval: nil, undefinedResamples: undefined)
        }
        values.sort()
        let tail = (1 - level) / 2
        let interval = ConfidenceInterval(
            lower: Bootstrap.quantile(sorted: values, tail), upper: Bootstrap.quantile(sorted: values, 1 - tail), level: level)
        return CorrelationEstimate(method: method, n: n, value: value, interval: interval, undefinedResamples: undefined)
    }
}
