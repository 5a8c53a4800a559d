/// CPython's `random.Random(seed)` for integer seeds: the same Mersenne Twister (MT19937) stream,
/// seeded the same way, so that `getrandbits`, `random()`, `shuffle` and `sample` return what
/// Python 3.11 returns.
///
/// The CollabLLM paper draws its task subsets with `random.seed(42); random.sample(rows, n)`;
/// `PythonRandom(seed: 42).sample(rows, count: n)` picks the same rows in the same order.
///
/// ```swift
/// var random = PythonRandom(seed: 42)
/// let subset = random.sample(testRows, count: 200)
/// ```
public struct PythonRandom: Sendable {
    private static let stateSize = 624
    private static let shiftSize = 397

    /// The 624-word generator state and the position of the next word to temper.
    private var state: [UInt32]
    private var position: Int

    /// A generator seeded like `random.Random(seed)` (also `random.seed(seed)`).
    ///
    /// CPython splits the absolute value of an integer seed into 32-bit words, least significant
    /// first (the seed 0 gives the single word 0), and feeds them to MT19937's `init_by_array`.
    ///
    /// - Parameter seed: the integer seed.
    public init(seed: UInt64) {
        var key: [UInt32] = [UInt32(truncatingIfNeeded: seed)]
        if seed >> 32 != 0 { key.append(UInt32(truncatingIfNeeded: seed >> 32)) }
        self.init(key: key)
    }

    /// MT19937 `init_by_array`.
    private init(key: [UInt32]) {
        let n = Self.stateSize
        var mt = [UInt32](repeating: 0, count: n)
        mt[0] = 19_650_218
        for index in 1..<n {
            let previous = mt[index - 1]
            mt[index] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(index)
        }
        var i = 1
        var j = 0
        for _ in 0..<max(n, key.count) {
            let previous = mt[i - 1]
            mt[i] = (mt[i] ^ ((previous ^ (previous >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= n {
                mt[0] = mt[n - 1]
                i = 1
            }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            let previous = mt[i - 1]
            mt[i] = (mt[i] ^ ((previous ^ (previous >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n {
                mt[0] = mt[n - 1]
                i = 1
            }
        }
        mt[0] = 0x8000_0000
        state = mt
        position = n
    }

    /// The next 32 bits of the stream (MT19937 `genrand_uint32`).
    ///
    /// - Returns: a uniformly distributed 32-bit word.
    public mutating func nextUInt32() -> UInt32 {
        if position >= Self.stateSize { regenerate() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Refills the 624 state words (MT19937's twist).
    private mutating func regenerate() {
        let n = Self.stateSize
        let m = Self.shiftSize
        state.withUnsafeMutableBufferPointer { mt in
            @inline(__always)
            func twist(_ upper: UInt32, _ lower: UInt32, _ far: UInt32) -> UInt32 {
                let y = (upper & 0x8000_0000) | (lower & 0x7FFF_FFFF)
                return far ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
            }
            for k in 0..<(n - m) {
                mt[k] = twist(mt[k], mt[k + 1], mt[k + m])
            }
            for k in (n - m)..<(n - 1) {
                mt[k] = twist(mt[k], mt[k + 1], mt[k + m - n])
            }
            mt[n - 1] = twist(mt[n - 1], mt[0], mt[m - 1])
        }
        position = 0
    }

    /// `getrandbits(k)`: an integer with `k` random bits.
    ///
    /// Up to 32 bits come from the top of one word; more bits fill 32-bit words from the least
    /// significant end, the last word again keeping its top bits, as CPython does.
    ///
    /// - Parameter k: the number of bits, `0...64`.
    /// - Returns: a value in `0 ..< 2^k`.
    public mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition(
            (0...64).contains(k), "PythonRandom.getrandbits: k must be in 0...64, got \(k)")
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(nextUInt32() >> (32 - k)) }
        let low = UInt64(nextUInt32())
        let high = UInt64(nextUInt32() >> (64 - k))
        return (high << 32) | low
    }

    /// `random()`: a float in `[0, 1)` with 53 random bits.
    ///
    /// - Returns: `(a * 2^26 + b) / 2^53` for a 27-bit `a` and a 26-bit `b`, drawn in that order.
    public mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `_randbelow(n)`: a uniform integer in `0 ..< n` by rejection sampling on
    /// `getrandbits(n.bit_length())`.
    ///
    /// - Parameter n: the exclusive upper bound, at least 1.
    /// - Returns: a value in `0 ..< n`.
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n > 0, "PythonRandom.randbelow: n must be positive, got \(n)")
        let bits = Int.bitWidth - n.leadingZeroBitCount
        var value = getrandbits(bits)
        while value >= UInt64(n) { value = getrandbits(bits) }
        return Int(value)
    }
}
