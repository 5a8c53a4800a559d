import Foundation

// MARK: - Sampling and shuffling

extension PythonRandom {
    /// `random.sample(population, k)`: `count` distinct elements in selection order.
    ///
    /// CPython 3.11 picks one of two algorithms, and both consume the stream differently:
    /// with `setsize = 21`, plus `4 ** ceil(log(3 * count, 4))` when `count > 5`, a population of
    /// at most `setsize` elements is sampled by a partial Fisher–Yates over a copy (each pick
    /// `randbelow(n - i)`, the hole filled from the end); a larger one by drawing
    /// `randbelow(n)` and redrawing indices already taken.
    ///
    /// - Parameters:
    ///   - population: the elements to choose from.
    ///   - count: how many to choose, `0...population.count`.
    /// - Returns: the chosen elements.
    public mutating func sample<T>(_ population: [T], count: Int) -> [T] {
        let n = population.count
        precondition(
            (0...n).contains(count),
            "PythonRandom.sample: count \(count) is outside 0...\(n) (sample larger than population)"
        )
        var result: [T] = []
        result.reserveCapacity(count)
        if n <= Self.setSize(forCount: count) {
            var pool = population
            for i in 0..<count {
                let j = randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>(minimumCapacity: count)
            for _ in 0..<count {
                var j = randbelow(n)
                while selected.contains(j) { j = randbelow(n) }
                selected.insert(j)
                result.append(population[j])
            }
        }
        return result
    }

    /// `random.shuffle(x)`: shuffles in place, swapping `x[i]` with `x[randbelow(i + 1)]` for
    /// `i` from the end down to 1.
    ///
    /// - Parameter elements: the array to shuffle.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, through: 1, by: -1) {
            let j = randbelow(i + 1)
            elements.swapAt(i, j)
        }
    }

    /// The population size up to which `sample` uses the pool algorithm.
    ///
    /// Computed as CPython does, in floating point: `log(3k) / log(4)` with the C library's `log`.
    static func setSize(forCount count: Int) -> Int {
        var size = 21
        if count > 5 {
            let exponent = Int((log(Double(count * 3)) / log(4.0)).rounded(.up))
            // 4 ** exponent; saturate where it could not matter (no array is that large).
            size += exponent >= 31 ? Int.max - size : 1 << (2 * exponent)
        }
        return size
    }
}
