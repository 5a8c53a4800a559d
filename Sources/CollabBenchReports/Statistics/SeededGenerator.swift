/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator used to expand one 64-bit seed into
/// the state of ``Xoshiro256StarStar``, and to derive seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The current state.
    public private(set) var state: UInt64

    /// Creates a generator whose first output is the mix of `seed + golden gamma`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna, 2018): the seeded generator behind every resampling in the
/// reports, so that the same store and seed always give the same intervals and p-values.
///
/// Its output does not depend on the Swift version or platform (unlike
/// `SystemRandomNumberGenerator`, and unlike `Int.random(in:using:)`, whose reduction of the bits
/// is not specified); ``next(below:)`` fixes the reduction too.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose state is four outputs of ``SplitMix64`` seeded with `seed`.
    public init(seed: UInt64) {
        var mix = SplitMix64(seed: seed)
        s0 = mix.next()
        s1 = mix.next()
        s2 = mix.next()
        s3 = mix.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-shift with rejection, unbiased).
    /// - Precondition: `bound > 0`.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// Seeds derived from a base seed and names, so that each interval has its own stream and adding a
/// row to a report does not change the numbers of the others.
public enum StatisticsSeed {
    /// The default base seed of the reports.
    public static let defaultBase: UInt64 = 20_250_711

    /// A seed mixed from `base` and the UTF-8 bytes of `parts` (FNV-1a, then SplitMix64).
    public static func derive(_ base: UInt64, _ parts: String...) -> UInt64 {
        derive(base, parts: parts)
    }

    /// A seed mixed from `base` and the UTF-8 bytes of `parts` (FNV-1a, then SplitMix64).
    public static func derive(_ base: UInt64, parts: [String]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3
        }
        var mix = SplitMix64(seed: base ^ hash)
        return mix.next()
    }
}
