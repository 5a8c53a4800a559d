/// Rank and linear correlation of paired values, as SciPy computes them.
///
/// - ``spearman(_:_:)``: Pearson's r of the average ranks (ties share the mean of their ranks), as
///   `scipy.stats.spearmanr`.
/// - ``kendallTauB(_:_:)``: Kendall's τ-b, `(concordant − discordant) / √((n₀ − n₁)(n₀ − n₂))`
///   with n₁, n₂ the pairs tied in x and in y, as `scipy.stats.kendalltau` (its default variant).
/// - ``pearson(_:_:)``: Pearson's r, as `scipy.stats.pearsonr`.
///
/// Each is nil where SciPy returns NaN: fewer than two pairs, or a constant sample.
public enum Correlation {
    /// The three coefficients.
    public enum Method: String, Sendable, Codable, Hashable, CaseIterable {
        /// Spearman's ρ.
        case spearman
        /// Kendall's τ-b.
        case kendall
        /// Pearson's r.
        case pearson

        /// The coefficient of `x` and `y` (equal lengths).
        public func coefficient(_ x: [Double], _ y: [Double]) -> Double? {
            switch self {
            case .spearman: Correlation.spearman(x, y)
            case .kendall: Correlation.kendallTauB(x, y)
            case .pearson: Correlation.pearson(x, y)
            }
        }
    }

    /// Pearson's r of `x` and `y`, clipped to [−1, 1].
    /// - Returns: nil for fewer than two pairs, unequal lengths, or a constant sample.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = x.count
        guard n >= 2, y.count == n else { return nil }
        let mx = x.reduce(0, +) / Double(n)
        let my = y.reduce(0, +) / Double(n)
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for i in 0..<n {
            let dx = x[i] - mx
            let dy = y[i] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return min(1, max(-1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }

    /// Spearman's ρ of `x` and `y`: Pearson's r of their average ranks.
    /// - Returns: nil for fewer than two pairs, unequal lengths, or a constant sample.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count >= 2, y.count == x.count else { return nil }
        return pearson(averageRanks(x), averageRanks(y))
    }

    /// Kendall's τ-b of `x` and `y` (pairs tied in both count in neither numerator nor denominator).
    /// - Returns: nil for fewer than two pairs, unequal lengths, or a constant sample.
    public static func kendallTauB(_ x: [Double], _ y: [Double]) -> Double? {
        let n = x.count
        guard n >= 2, y.count == n else { return nil }
        var concordantMinusDiscordant = 0
        var tiedX = 0
        var tiedY = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j]
                let dy = y[i] - y[j]
                if dx == 0 { tiedX += 1 }
                if dy == 0 { tiedY += 1 }
                if dx != 0, dy != 0 { concordantMinusDiscordant += (dx > 0) == (dy > 0) ? 1 : -1 }
            }
        }
        let total = n * (n - 1) / 2
        guard tiedX < total, tiedY < total else { return nil }
        let tau = Double(concordantMinusDiscordant) / Double(total - tiedX).squareRoot() / Double(total - tiedY).squareRoot()
        return min(1, max(-1, tau))
    }

    /// Ranks 1…n of `values`, ties sharing the mean of the ranks they span (SciPy's `rankdata`
    /// with `method='average'`).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }
}
