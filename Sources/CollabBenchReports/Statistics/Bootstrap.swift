/// A two-sided confidence interval.
public struct ConfidenceInterval: Sendable, Codable, Hashable {
    /// Lower end.
    public var lower: Double
    /// Upper end.
    public var upper: Double
    /// Coverage, e.g. 0.95.
    public var level: Double

    /// Creates an interval.
    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// Upper minus lower.
    public var width: Double { upper - lower }

    /// The interval with both ends multiplied by `factor` (a positive number).
    public func scaled(by factor: Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: lower * factor, upper: upper * factor, level: level)
    }
}

/// The percentile bootstrap of a mean: resample the values with replacement, take the mean of each
/// resample, and read the interval off the quantiles of those means.
///
/// In the reports each value is one task's score (the mean of its trials), so the resampling is
/// over tasks; for a paired comparison the values are per-task differences. Resampling draws
/// indices with ``Xoshiro256StarStar/next(below:)`` from a fixed seed, so intervals are
/// reproducible. Quantiles interpolate linearly between order statistics (NumPy's default).
public enum Bootstrap {
    /// The default number of resamples.
    public static let defaultResamples = 2000

    /// The means of `resamples` resamples of `values` (each of the same size as `values`).
    /// - Returns: An empty array when `values` is empty.
    public static func resampledMeans(_ values: [Double], resamples: Int, seed: UInt64) -> [Double] {
        let n = values.count
        guard n > 0, resamples > 0 else { return [] }
        var generator = Xoshiro256StarStar(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        values.withUnsafeBufferPointer { v in
            for r in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n { sum += v[generator.next(below: n)] }
                means[r] = sum / Double(n)
            }
        }
        return means
    }

    /// The percentile bootstrap interval of the mean of `values`.
    /// - Parameters:
    ///   - values: One value per resampling unit (task).
    ///   - level: Coverage (0.95 gives the 2.5 % and 97.5 % quantiles).
    ///   - resamples: Number of bootstrap resamples.
    ///   - seed: Seed of the resampling.
    /// - Returns: nil when `values` is empty; a zero-width interval for a single value.
    public static func meanInterval(
        _ values: [Double], level: Double = 0.95, resamples: Int = defaultResamples, seed: UInt64
    ) -> ConfidenceInterval? {
        guard !values.isEmpty else { return nil }
        if values.count == 1 { return ConfidenceInterval(lower: values[0], upper: values[0], level: level) }
        let means = resampledMeans(values, resamples: resamples, seed: seed).sorted()
        let tail = (1 - level) / 2
        return ConfidenceInterval(lower: quantile(sorted: means, tail), upper: quantile(sorted: means, 1 - tail), level: level)
    }

    /// The `q` quantile (0…1) of ascending `sorted`, interpolating linearly between order
    /// statistics at position `(count − 1) · q`, as NumPy's `percentile` does by default.
    /// - Precondition: `sorted` is not empty.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of nothing")
        let position = Double(sorted.count - 1) * min(max(q, 0), 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        let a = sorted[lower]
        let b = sorted[upper]
        // NumPy's lerp: from the nearer end, so the result stays within [a, b].
        return fraction >= 0.5 ? b - (b - a) * (1 - fraction) : a + (b - a) * fraction
    }
}
