/// Dense ids for byte-string tokens: an open-addressing table over ranges of one byte buffer,
/// so interning a token neither copies it nor runs a general-purpose hasher.
struct TokenInterner {
    private struct Entry {
        var hash: UInt64
        var start: Int32
        var length: Int32
        /// The id plus one; 0 marks an empty entry.
        var idPlusOne: UInt32
    }

    private var entries: [Entry]
    private let mask: Int
    private let buffer: [UInt8]
    /// The number of distinct tokens interned so far.
    private(set) var count: UInt32 = 0

    /// An interner for tokens of `buffer`, sized for `capacity` distinct tokens.
    init(buffer: [UInt8], capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        entries = [Entry](repeating: Entry(hash: 0, start: 0, length: 0, idPlusOne: 0), count: size)
        mask = size - 1
        self.buffer = buffer
    }

    /// FNV-1a over the bytes, then a final mix so the low bits (the slot) depend on every byte.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in range { hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }

    /// The ids of `ranges` in the interner's buffer, adding new tokens in order of appearance.
    mutating func intern(_ ranges: [Range<Int>]) -> [UInt32] {
        lookUp(ranges, in: buffer, adding: true, unknown: 0)
    }

    /// The ids of `ranges` in another buffer; tokens never interned get `unknown`.
    mutating func ids(of ranges: [Range<Int>], in other: [UInt8], unknown: UInt32) -> [UInt32] {
        lookUp(ranges, in: other, adding: false, unknown: unknown)
    }

    private mutating func lookUp(
        _ ranges: [Range<Int>], in text: [UInt8], adding: Bool, unknown: UInt32
    ) -> [UInt32] {
        let mask = self.mask
        var count = self.count
        defer { self.count = count }
        return buffer.withUnsafeBufferPointer { stored in
            text.withUnsafeBufferPointer { bytes in
                entries.withUnsafeMutableBufferPointer { entries in
                    ranges.map { range -> UInt32 in
                        let hash = Self.hash(bytes, range)
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let entry = entries[slot]
                            if entry.idPlusOne == 0 {
                                guard adding else { return unknown }
                                entries[slot] = Entry(
                                    hash: hash, start: Int32(range.lowerBound),
                                    length: Int32(range.count), idPlusOne: count + 1)
                                count += 1
                                return count - 1
                            }
                            if entry.hash == hash && Int(entry.length) == range.count {
                                let start = Int(entry.start)
                                var equal = true
                                for offset in 0..<range.count
                                where stored[start + offset] != bytes[range.lowerBound + offset] {
                                    equal = false
                                    break
                                }
                                if equal { return entry.idPlusOne - 1 }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
    }
}
