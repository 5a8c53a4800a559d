/// Correctly rounded floating-point summation, the contract of Python's `math.fsum`.
///
/// The sum is carried exactly as a list of non-overlapping partial sums (Shewchuk's
/// "adaptive precision" expansion); the partials are then added from the largest down and the
/// result is rounded once, with a final fix-up so that an exact half-way case rounds to even
/// the way a single correctly rounded addition would. NLTK adds its weighted log precisions with
/// `math.fsum`, so reproducing the last bit of its BLEU needs the same rounding.
enum ExactSum {
    /// The correctly rounded sum of `values`.
    ///
    /// Non-finite inputs fall back to ordinary addition (BLEU never produces them).
    static func sum(_ values: some Sequence<Double>) -> Double {
        var partials: [Double] = []
        partials.reserveCapacity(8)
        var special = 0.0
        var sawSpecial = false
        for value in values {
            guard value.isFinite else {
                special += value
                sawSpecial = true
                continue
            }
            var x = value
            var kept = 0
            for index in partials.indices {
                var y = partials[index]
                if abs(x) < abs(y) { swap(&x, &y) }
                let high = x + y
                let low = y - (high - x)
                if low != 0 {
                    partials[kept] = low
                    kept += 1
                }
                x = high
            }
            partials.removeSubrange(kept...)
            partials.append(x)
        }
        if sawSpecial { return special }
        return roundPartials(partials)
    }

    /// Adds non-overlapping partials (increasing magnitude) into one correctly rounded double.
    private static func roundPartials(_ partials: [Double]) -> Double {
        var remaining = partials.count
        guard remaining > 0 else { return 0 }
        remaining -= 1
        var high = partials[remaining]
        var low = 0.0
        while remaining > 0 {
            let x = high
            remaining -= 1
            let y = partials[remaining]
            high = x + y
            let rounded = high - x
            low = y - rounded
            if low != 0 { break }
        }
        // If the tail below `low` has the same sign as `low`, the true sum lies strictly beyond
        // the half-way point that `high + 2*low` would have rounded to even; step over it.
        if remaining > 0 {
            let next = partials[remaining - 1]
            if (low < 0 && next < 0) || (low > 0 && next > 0) {
                let twice = low * 2
                let candidate = high + twice
                if twice == candidate - high { high = candidate }
            }
        }
        return high
    }
}
