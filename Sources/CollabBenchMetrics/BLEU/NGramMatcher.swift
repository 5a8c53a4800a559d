/// Clipped n-gram matches between two sequences of dense symbol ids: the shared kernel of
/// character BLEU and sacreBLEU.
///
/// Symbols are small integers (`0 ..< alphabetSize`). An n-gram is packed into one integer key
/// (`bits` per symbol, rolled forward one order at a time). When `bits * maxOrder <= 64` (the
/// usual case) the keys are `UInt64`s counted in an open-addressing table: the reference n-grams
/// are inserted with their counts, then each hypothesis n-gram occurrence is a match while fewer
/// of its occurrences than the reference count have been seen, which adds up to
/// `min(hypothesisCount, referenceCount)` per distinct n-gram. Larger alphabets (up to 2^32) use
/// 128-bit keys, sorted and merged.
enum NGramMatcher {
    /// Per-order counts: `matches[n-1]` clipped matches and `totals[n-1]` hypothesis n-grams.
    struct Counts: Equatable {
        var matches: [Int]
        var totals: [Int]
    }

    /// Clipped match counts for orders `1 ... maxOrder`.
    ///
    /// - Parameters:
    ///   - hypothesis: hypothesis symbol ids, each `< alphabetSize`.
    ///   - reference: reference symbol ids, each `< alphabetSize`.
    ///   - alphabetSize: an upper bound on the ids (at most 2^32).
    ///   - maxOrder: the highest n-gram order (1...4 in practice).
    static func counts(
        hypothesis: [UInt32], reference: [UInt32], alphabetSize: Int, maxOrder: Int
    ) -> Counts {
        let largest = max(alphabetSize - 1, 1)
        let bits = Int.bitWidth - largest.leadingZeroBitCount
        if bits * maxOrder <= 64 {
            return hashed(
                hypothesis: hypothesis, reference: reference, maxOrder: maxOrder, bits: bits)
        }
        return run(
            hypothesis: hypothesis, reference: reference, maxOrder: maxOrder,
            key: { WideKey(high: 0, low: UInt64($0)) }, extend: { $0.appending($1, bits: bits) })
    }

    /// The `UInt64` path: one open-addressing table per order, sized for the reference.
    private static func hashed(
        hypothesis: [UInt32], reference: [UInt32], maxOrder: Int, bits: Int
    ) -> Counts {
        var matches = [Int](repeating: 0, count: maxOrder)
        var totals = [Int](repeating: 0, count: maxOrder)
        var hypothesisKeys = hypothesis.map { UInt64($0) }
        var referenceKeys = reference.map { UInt64($0) }
        var table = CountingTable(capacityFor: reference.count)
        // Orders whose keys fit in 16 bits are counted in flat arrays instead of the hash table.
        let directOrders = min(16 / bits, maxOrder)
        var direct = directOrders > 0 ? DirectCounter(keyBits: bits * directOrders) : nil
        for order in 1...max(maxOrder, 1) {
            if order > 1 {
                roll(&hypothesisKeys, symbols: hypothesis, order: order) {
                    ($0 << bits) | UInt64($1)
                }
                roll(&referenceKeys, symbols: reference, order: order) { ($0 << bits) | UInt64($1) }
            }
            totals[order - 1] = hypothesisKeys.count
            if hypothesisKeys.isEmpty || referenceKeys.isEmpty { continue }
            if order <= directOrders, direct != nil {
                matches[order - 1] = direct!.clippedMatches(
                    hypothesis: hypothesisKeys, reference: referenceKeys)
            } else {
                matches[order - 1] = table.clippedMatches(
                    hypothesis: hypothesisKeys, reference: referenceKeys)
            }
        }
        return Counts(matches: matches, totals: totals)
    }

    private static func run<Key: Comparable>(
        hypothesis: [UInt32], reference: [UInt32], maxOrder: Int,
        key: (UInt32) -> Key, extend: (Key, UInt32) -> Key
    ) -> Counts {
        var matches = [Int](repeating: 0, count: maxOrder)
        var totals = [Int](repeating: 0, count: maxOrder)
        // keys[i] is the key of the n-gram starting at i for the current order n.
        var hypothesisKeys = hypothesis.map(key)
        var referenceKeys = reference.map(key)
        var sortedHypothesis: [Key] = []
        var sortedReference: [Key] = []
        for order in 1...max(maxOrder, 1) {
            if order > 1 {
                roll(&hypothesisKeys, symbols: hypothesis, order: order, extend: extend)
                roll(&referenceKeys, symbols: reference, order: order, extend: extend)
            }
            totals[order - 1] = hypothesisKeys.count
            if hypothesisKeys.isEmpty || referenceKeys.isEmpty { continue }
            sortedHypothesis = hypothesisKeys
            sortedHypothesis.sort()
            sortedReference = referenceKeys
            sortedReference.sort()
            matches[order - 1] = clippedMatches(sortedHypothesis, sortedReference)
        }
        return Counts(matches: matches, totals: totals)
    }

    /// Turns the keys of (order-1)-grams into keys of order-grams, dropping the last position.
    private static func roll<Key>(
        _ keys: inout [Key], symbols: [UInt32], order: Int, extend: (Key, UInt32) -> Key
    ) {
        let count = symbols.count - order + 1
        guard count > 0 else {
            keys.removeAll(keepingCapacity: true)
            return
        }
        keys.withUnsafeMutableBufferPointer { keyBuffer in
            symbols.withUnsafeBufferPointer { symbolBuffer in
                for index in 0..<count {
                    keyBuffer[index] = extend(keyBuffer[index], symbolBuffer[index + order - 1])
                }
            }
        }
        keys.removeLast(keys.count - count)
    }

    /// Sum over distinct keys of `min(count in hypothesis, count in reference)`; both sorted.
    private static func clippedMatches<Key: Comparable>(_ hypothesis: [Key], _ reference: [Key])
        -> Int
    {
        hypothesis.withUnsafeBufferPointer { hyp in
            reference.withUnsafeBufferPointer { ref in
                var matched = 0
                var i = 0
                var j = 0
                while i < hyp.count {
                    let current = hyp[i]
                    var hypCount = 0
                    while i < hyp.count && hyp[i] == current {
                        hypCount += 1
                        i += 1
                    }
                    while j < ref.count && ref[j] < current { j += 1 }
                    var refCount = 0
                    while j < ref.count && ref[j] == current {
                        refCount += 1
                        j += 1
                    }
                    matched += min(hypCount, refCount)
                    if j == ref.count { break }
                }
                return matched
            }
        }
    }
}

/// A 128-bit n-gram key for alphabets too large to pack four symbols into 64 bits.
struct WideKey: Comparable {
    var high: UInt64
    var low: UInt64

    func appending(_ symbol: UInt32, bits: Int) -> WideKey {
        // bits <= 32, so the shift never reaches 64.
        let carried = low >> (64 - bits)
        return WideKey(high: (high << bits) | carried, low: (low << bits) | UInt64(symbol))
    }

    static func < (lhs: WideKey, rhs: WideKey) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}

/// An open-addressing hash table (linear probing) from n-gram key to two counters: occurrences in
/// the reference and hypothesis occurrences seen so far.
struct CountingTable {
    private struct Slot {
        var key: UInt64
        /// Reference occurrences; 0 marks an empty slot.
        var reference: Int32
        /// Hypothesis occurrences matched so far.
        var hypothesis: Int32
    }

    private var slots: [Slot]
    private var used: [Int32] = []
    private let mask: Int
    private let shift: UInt64

    /// A table that holds `count` distinct keys at a load factor of at most 1/2.
    init(capacityFor count: Int) {
        var size = 16
        while size < 2 * count { size <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, reference: 0, hypothesis: 0), count: size)
        used.reserveCapacity(count)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Counts the clipped matches of `hypothesis` against `reference` (both n-gram keys), leaving
    /// the table empty again.
    mutating func clippedMatches(hypothesis: [UInt64], reference: [UInt64]) -> Int {
        let mask = self.mask
        let shift = self.shift
        var used = self.used
        self.used = []
        defer { self.used = used }
        return slots.withUnsafeMutableBufferPointer { slots in
            @inline(__always)
            func home(_ key: UInt64) -> Int {
                // Fibonacci hashing: the top bits of key * 2^64/phi.
                Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            }
            for key in reference {
                var slot = home(key)
                while true {
                    let count = slots[slot].reference
                    if count == 0 {
                        slots[slot] = Slot(key: key, reference: 1, hypothesis: 0)
                        used.append(Int32(truncatingIfNeeded: slot))
                        break
                    }
                    if slots[slot].key == key {
                        slots[slot].reference = count + 1
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
            var matched = 0
            for key in hypothesis {
                var slot = home(key)
                while true {
                    let count = slots[slot].reference
                    if count == 0 { break }
                    if slots[slot].key == key {
                        let seen = slots[slot].hypothesis
                        if seen < count {
                            slots[slot].hypothesis = seen + 1
                            matched += 1
                        }
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
            for slot in used { slots[Int(slot)].reference = 0 }
            used.removeAll(keepingCapacity: true)
            return matched
        }
    }
}

/// Clipped matching for keys below 2^16: reference counts and matched hypothesis counts in two
/// flat arrays indexed by key.
struct DirectCounter {
    private var referenceCounts: [Int32]
    private var hypothesisCounts: [Int32]

    init(keyBits: Int) {
        referenceCounts = [Int32](repeating: 0, count: 1 << keyBits)
        hypothesisCounts = referenceCounts
    }

    /// Counts the clipped matches of `hypothesis` against `reference`, leaving the arrays zeroed.
    mutating func clippedMatches(hypothesis: [UInt64], reference: [UInt64]) -> Int {
        referenceCounts.withUnsafeMutableBufferPointer { referenceCounts in
            hypothesisCounts.withUnsafeMutableBufferPointer { hypothesisCounts in
                for key in reference { referenceCounts[Int(key)] += 1 }
                var matched = 0
                for key in hypothesis {
                    let index = Int(key)
                    let seen = hypothesisCounts[index]
                    if seen < referenceCounts[index] {
                        hypothesisCounts[index] = seen + 1
                        matched += 1
                    }
                }
                for key in reference { referenceCounts[Int(key)] = 0 }
                for key in hypothesis { hypothesisCounts[Int(key)] = 0 }
                return matched
            }
        }
    }
}
