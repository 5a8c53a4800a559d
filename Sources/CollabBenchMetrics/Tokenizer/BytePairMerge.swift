/// Receives token ids as the encoder produces them.
protocol TokenSink {
    /// Takes the next token id.
    mutating func accept(_ token: UInt32)
}

/// Collects token ids.
struct TokenArraySink: TokenSink {
    var tokens: [Int] = []
    @inline(__always) mutating func accept(_ token: UInt32) { tokens.append(Int(token)) }
}

/// Only counts tokens.
struct TokenCountSink: TokenSink {
    var count = 0
    @inline(__always) mutating func accept(_ token: UInt32) { count += 1 }
}

/// Byte-pair merging of one piece, by rank: repeatedly merge the adjacent pair whose
/// concatenation has the lowest rank (the leftmost one on ties) until no pair is a token.
enum BytePairMerge {
    /// Pieces at most this long use the quadratic scan; longer ones use a heap.
    static let scanLimit = 96

    /// Encodes the piece `bytes[0..<count]` into `sink`. The whole piece is looked up first, as
    /// tiktoken does; only pieces that are not themselves tokens are merged.
    @inline(__always)
    static func encodePiece<Sink: TokenSink>(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, _ view: BPERankView, _ sink: inout Sink
    ) {
        let whole = view.rank(bytes, count)
        if whole != BPERankTable.noRank {
            sink.accept(whole)
        } else if count <= scanLimit {
            mergeByScan(bytes, count, view, &sink)
        } else {
            mergeByHeap(bytes, count, view, &sink)
        }
    }

    /// Quadratic merge for short pieces: part starts and pair ranks in two small stack arrays.
    static func mergeByScan<Sink: TokenSink>(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, _ view: BPERankView, _ sink: inout Sink
    ) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: count + 1) { starts in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { ranks in
                // parts k: bytes[starts[k]..<starts[k+1]]; ranks[k]: rank of parts k and k+1 joined.
                var parts = count
                for k in 0...count { starts[k] = Int32(truncatingIfNeeded: k) }
                for k in 0..<(count - 1) { ranks[k] = view.rank(bytes + k, 2) }
                @inline(__always) func pairRank(_ k: Int) -> UInt32 {
                    let s = Int(starts[k])
                    return view.rank(bytes + s, Int(starts[k + 2]) - s)
                }
                while parts > 1 {
                    var best = BPERankTable.noRank
                    var bestIndex = -1
                    for k in 0..<(parts - 1) where ranks[k] < best {
                        best = ranks[k]
                        bestIndex = k
                    }
                    if bestIndex < 0 { break }
                    // Remove the boundary between parts bestIndex and bestIndex + 1.
                    let k = bestIndex
                    var m = k + 1
                    while m < parts {
                        starts[m] = starts[m + 1]
                        m += 1
                    }
                    m = k + 1
                    while m < parts - 2 {
                        ranks[m] = ranks[m + 1]
                        m += 1
                    }
                    parts -= 1
                    if k < parts - 1 { ranks[k] = pairRank(k) }
                    if k > 0 { ranks[k - 1] = pairRank(k - 1) }
                }
                for k in 0..<parts {
                    let s = Int(starts[k])
                    sink.accept(view.rank(bytes + s, Int(starts[k + 1]) - s))
                }
            }
        }
    }

    /// Merge for long pieces: a linked list of parts and a min-heap of `(rank, start)` keys with
    /// lazy deletion, so each merge costs O(log n). Keys order by rank, then by position, which
    /// is the same leftmost-lowest choice as the scan.
    static func mergeByHeap<Sink: TokenSink>(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, _ view: BPERankView, _ sink: inout Sink
    ) {
        // next[k]: start of the part after the part starting at k (count = none); prev likewise
        // (-1 = none); current[k]: rank of the pair starting at k, or noRank; a removed part has
        // next[k] == -1.
        var next = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for k in 0..<count { buffer[k] = Int32(truncatingIfNeeded: k + 1) }
            initialized = count
        }
        var prev = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for k in 0..<count { buffer[k] = Int32(truncatingIfNeeded: k - 1) }
            initialized = count
        }
        var current = [UInt32](repeating: BPERankTable.noRank, count: count)
        var heap = MinHeap()
        heap.reserve(count)
        for k in 0..<(count - 1) {
            let rank = view.rank(bytes + k, 2)
            current[k] = rank
            if rank != BPERankTable.noRank { heap.push(UInt64(rank) << 32 | UInt64(k)) }
        }
        @inline(__always) func pairRank(_ k: Int, _ next: [Int32]) -> UInt32 {
            let second = Int(next[k])
            guard second < count else { return BPERankTable.noRank }
            let end = Int(next[second])
            return view.rank(bytes + k, end - k)
        }
        while let key = heap.pop() {
            let rank = UInt32(truncatingIfNeeded: key >> 32)
            let k = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
            guard next[k] >= 0, current[k] == rank else { continue }  // stale entry
            // Merge part k with the part after it.
            let removed = Int(next[k])
            let after = Int(next[removed])
            next[k] = Int32(truncatingIfNeeded: after)
            if after < count { prev[after] = Int32(truncatingIfNeeded: k) }
            next[removed] = -1
            current[removed] = BPERankTable.noRank
            let newRank = pairRank(k, next)
            current[k] = newRank
            if newRank != BPERankTable.noRank { heap.push(UInt64(newRank) << 32 | UInt64(k)) }
            let before = Int(prev[k])
            if before >= 0 {
                let beforeRank = pairRank(before, next)
                current[before] = beforeRank
                if beforeRank != BPERankTable.noRank { heap.push(UInt64(beforeRank) << 32 | UInt64(before)) }
            }
        }
        var k = 0
        while k < count {
            let end = Int(next[k])
            sink.accept(view.rank(bytes + k, end - k))
            k = end
        }
    }
}

/// A binary min-heap of `UInt64` keys.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func reserve(_ capacity: Int) { items.reserveCapacity(capacity) }

    mutating func push(_ key: UInt64) {
        items.append(key)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= key { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = key
    }

    mutating func pop() -> UInt64? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        let count = items.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && items[child + 1] < items[child] { child += 1 }
            if last <= items[child] { break }
            items[parent] = items[child]
            parent = child
        }
        items[parent] = last
        return top
    }
}
