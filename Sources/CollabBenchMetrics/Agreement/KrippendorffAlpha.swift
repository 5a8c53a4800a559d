/// Krippendorff's α, the agreement of several coders (judges, raters) beyond chance, for nominal
/// and interval data with missing values.
///
/// Data are a units × coders matrix: `units[u][c]` is coder `c`'s value for unit `u`, or nil when
/// that coder did not rate it (rows may differ in length). Only *pairable* values count: those in
/// units rated by at least two coders. With the coincidence matrix o_ck, its marginals n_c and
/// n = Σ n_c, α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, where δ² is 0/1 for nominal data
/// and (c − k)² for interval data (Krippendorff, "Computing Krippendorff's Alpha-Reliability").
/// Both sums are computed in closed form per unit, in O(values) time:
/// - interval: Σ_u m_u·SS_u/(m_u − 1) over n·SS (SS = sum of squared deviations from the mean);
/// - nominal: Σ_u (m_u² − Σ_c m_uc²)/(m_u − 1) over n² − Σ_c n_c².
///
/// ```swift
/// let a = KrippendorffAlpha.interval([[3, 3, nil], [1, 2, 2], [2, 2, 3]])?.alpha
/// ```
public struct KrippendorffAlpha: Sendable, Hashable, Codable {
    /// The level of measurement, which sets the distance between two values.
    public enum Level: String, Sendable, Codable, Hashable, CaseIterable {
        /// Categories: two values agree only when equal.
        case nominal
        /// Numbers: the disagreement of two values is their squared difference.
        case interval
    }

    /// α: 1 is perfect agreement, 0 is agreement at chance level, below 0 is systematic disagreement.
    public var alpha: Double
    /// D_o: the observed disagreement per pairable value pair (Σ o_ck δ²_ck / n).
    public var observedDisagreement: Double
    /// D_e: the disagreement expected by chance (Σ n_c n_k δ²_ck / (n (n − 1))).
    public var expectedDisagreement: Double
    /// n: the number of pairable values.
    public var pairableValues: Int
    /// The number of units rated by at least two coders.
    public var pairableUnits: Int

    /// Creates a result from its parts.
    public init(alpha: Double, observedDisagreement: Double, expectedDisagreement: Double, pairableValues: Int, pairableUnits: Int) {
        self.alpha = alpha
        self.observedDisagreement = observedDisagreement
        self.expectedDisagreement = expectedDisagreement
        self.pairableValues = pairableValues
        self.pairableUnits = pairableUnits
    }

    /// α of numeric data at `level`; non-finite values count as missing.
    /// - Returns: nil when α is undefined: no unit has two values, or every pairable value is the same.
    public static func compute(_ units: [[Double?]], level: Level) -> KrippendorffAlpha? {
        switch level {
        case .interval: interval(units)
        case .nominal: nominal(units.map { $0.map { $0.flatMap { $0.isFinite ? $0 : nil } } })
        }
    }

    /// α of interval data; non-finite values count as missing.
    /// - Returns: nil when α is undefined: no unit has two values, or every pairable value is the same.
    public static func interval(_ units: [[Double?]]) -> KrippendorffAlpha? {
        var n = 0
        var pairableUnits = 0
        var observed = 0.0
        // Pairable values, for the expected disagreement (two passes keep the sums well conditioned).
        var pooled: [Double] = []
        var values: [Double] = []
        for unit in units {
            values.removeAll(keepingCapacity: true)
            for case let v? in unit where v.isFinite { values.append(v) }
            let m = values.count
            guard m >= 2 else { continue }
            pairableUnits += 1
            n += m
            pooled.append(contentsOf: values)
            let mean = values.reduce(0, +) / Double(m)
            let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            observed += Double(m) * ss / Double(m - 1)
        }
        guard n >= 2 else { return nil }
        let grandMean = pooled.reduce(0, +) / Double(n)
        let totalSS = pooled.reduce(0) { $0 + ($1 - grandMean) * ($1 - grandMean) }
        guard totalSS > 0 else { return nil }
        // Σ o δ² = 2·observed and Σ n_c n_k δ² = 2·n·totalSS.
        let nd = Double(n)
        return KrippendorffAlpha(
            alpha: 1 - (nd - 1) * observed / (nd * totalSS),
            observedDisagreement: 2 * observed / nd, expectedDisagreement: 2 * totalSS / (nd - 1),
            pairableValues: n, pairableUnits: pairableUnits)
    }

    /// α of nominal data (any hashable categories).
    /// - Returns: nil when α is undefined: no unit has two values, or every pairable value is the same.
    public static func nominal<Value: Hashable>(_ units: [[Value?]]) -> KrippendorffAlpha? {
        var n = 0
        var pairableUnits = 0
        var observed = 0.0
        var totals: [Value: Int] = [:]
        var counts: [Value: Int] = [:]
        for unit in units {
            counts.removeAll(keepingCapacity: true)
            var m = 0
            for case let v? in unit {
                counts[v, default: 0] += 1
                m += 1
            }
            guard m >= 2 else { continue }
            pairableUnits += 1
            n += m
            var sumSquares = 0
            for (value, count) in counts {
                sumSquares += count * count
                totals[value, default: 0] += count
            }
            observed += Double(m * m - sumSquares) / Double(m - 1)
        }
        guard n >= 2 else { return nil }
        let expected = Double(n * n - totals.values.reduce(0) { $0 + $1 * $1 })
        guard expected > 0 else { return nil }
        let nd = Double(n)
        return KrippendorffAlpha(
            alpha: 1 - (nd - 1) * observed / expected,
            observedDisagreement: observed / nd, expectedDisagreement: expected / (nd * (nd - 1)),
            pairableValues: n, pairableUnits: pairableUnits)
    }
}
