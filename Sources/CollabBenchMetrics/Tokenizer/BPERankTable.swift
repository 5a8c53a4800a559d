/// The mergeable ranks of a byte-level BPE vocabulary: token bytes to rank (which is also the
/// token id), stored as one flat byte buffer plus an open-addressing hash table.
///
/// Lookups hash a slice of the caller's bytes directly, so the BPE loop never builds an array
/// or a `Data` per candidate pair.
struct BPERankTable: Sendable {
    /// Marks "no such token" in lookups.
    static let noRank: UInt32 = .max

    /// Open-addressing slots: high 32 bits a hash fingerprint, low 32 bits `rank + 1` (0 = empty).
    let slots: [UInt64]
    /// `slots.count - 1`; the slot count is a power of two.
    let slotMask: Int
    /// All token bytes, back to back.
    let tokenBytes: [UInt8]
    /// Per rank: low 32 bits the offset into `tokenBytes`, high 32 bits the length (0 = no token).
    let tokenSpans: [UInt64]
    /// The rank of each single byte.
    let byteRanks: [UInt32]
    /// The longest token, in bytes; longer slices are never looked up.
    let maxTokenLength: Int
    /// The number of tokens.
    let count: Int

    /// Parses a tiktoken rank file: lines of `<base64 token bytes> <decimal rank>`.
    init(rankFile: [UInt8], encoding: TokenizerEncodingName) throws(BPETokenizerError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rankFile.count / 2)
        var spans: [UInt64] = []
        spans.reserveCapacity(rankFile.count / 16)
        var maxLength = 0
        var entries = 0

        func fail(_ code: BPETokenizerError.Code, _ line: Int?, _ message: String) -> BPETokenizerError {
            BPETokenizerError(code: code, encoding: encoding, line: line, message: message)
        }

        var lineNumber = 0
        var position = 0
        let end = rankFile.count
        while position < end {
            lineNumber += 1
            var lineEnd = position
            while lineEnd < end && rankFile[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > position && rankFile[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            defer { position = lineEnd + 1 }
            if contentEnd == position { continue }

            var space = position
            while space < contentEnd && rankFile[space] != 0x20 { space += 1 }
            guard space < contentEnd, space > position else {
                throw fail(.malformedLine, lineNumber, "expected '<base64> <rank>'")
            }
            var rank = 0
            var digit = space + 1
            guard digit < contentEnd else { throw fail(.malformedLine, lineNumber, "missing rank") }
            while digit < contentEnd {
                let d = Int(rankFile[digit]) - 0x30
                guard d >= 0, d <= 9, rank < 100_000_000 else {
                    throw fail(.malformedLine, lineNumber, "rank is not a number below 100000000")
                }
                rank = rank * 10 + d
                digit += 1
            }
            let offset = bytes.count
            guard Self.decodeBase64(rankFile[position..<space], into: &bytes) else {
                throw fail(.malformedLine, lineNumber, "invalid base64 token")
            }
            let length = bytes.count - offset
            guard length > 0 else { throw fail(.malformedLine, lineNumber, "empty token") }
            if rank >= spans.count { spans.append(contentsOf: repeatElement(0, count: rank + 1 - spans.count)) }
            guard spans[rank] == 0 else { throw fail(.duplicateEntry, lineNumber, "rank \(rank) appears twice") }
            spans[rank] = UInt64(offset) | (UInt64(length) << 32)
            maxLength = max(maxLength, length)
            entries += 1
        }
        guard entries > 0 else { throw fail(.empty, nil, "the rank file holds no tokens") }

        var capacity = 1
        while capacity < entries * 2 { capacity <<= 1 }
        var table = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        var singles = [UInt32](repeating: Self.noRank, count: 256)
        var duplicate: Int?
        bytes.withUnsafeBufferPointer { data in
            for rank in spans.indices where spans[rank] != 0 {
                let offset = Int(truncatingIfNeeded: spans[rank] & 0xFFFF_FFFF)
                let length = Int(truncatingIfNeeded: spans[rank] >> 32)
                let start = data.baseAddress! + offset
                if length == 1 { singles[Int(start.pointee)] = UInt32(rank) }
                let hash = Self.hash(start, length)
                let fingerprint = hash & 0xFFFF_FFFF_0000_0000
                var slot = Int(truncatingIfNeeded: hash) & mask
                while table[slot] != 0 {
                    let other = Int(truncatingIfNeeded: table[slot] & 0xFFFF_FFFF) - 1
                    if table[slot] & 0xFFFF_FFFF_0000_0000 == fingerprint,
                        Int(truncatingIfNeeded: spans[other] >> 32) == length,
                        memoryEqual(
                            data.baseAddress! + Int(truncatingIfNeeded: spans[other] & 0xFFFF_FFFF), start, length)
                    {
                        duplicate = duplicate ?? rank
                    }
                    slot = (slot + 1) & mask
                }
                table[slot] = fingerprint | UInt64(rank + 1)
            }
        }
        if let duplicate {
            throw fail(.duplicateEntry, nil, "the bytes of rank \(duplicate) appear under two ranks")
        }
        if let missing = singles.firstIndex(of: Self.noRank) {
            throw fail(.missingByte, nil, "byte 0x\(String(missing, radix: 16)) has no rank")
        }
        self.slots = table
        self.slotMask = mask
        self.tokenBytes = bytes
        self.tokenSpans = spans
        self.byteRanks = singles
        self.maxTokenLength = maxLength
        self.count = entries
    }

    // MARK: - Hashing

    /// A fast 64-bit hash of `count` bytes at `start` (8-byte words, then a final avalanche).
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var p = UnsafeRawPointer(start)
        var remaining = count
        while remaining >= 8 {
            let word = p.loadUnaligned(as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h = (h << 29) | (h >> 35)
            p += 8
            remaining -= 8
        }
        if remaining > 0 {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            for i in 0..<remaining {
                tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    // MARK: - Base64

    /// The value of each base64 character, or 0xFF.
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Decodes padded standard base64 and appends the bytes; returns false on malformed input.
    private static func decodeBase64(_ text: ArraySlice<UInt8>, into output: inout [UInt8]) -> Bool {
        guard text.count % 4 == 0 else { return false }
        var index = text.startIndex
        while index < text.endIndex {
            let a = base64Values[Int(text[index])]
            let b = base64Values[Int(text[index + 1])]
            let c3 = text[index + 2]
            let d3 = text[index + 3]
            guard a != 0xFF, b != 0xFF else { return false }
            output.append(a << 2 | b >> 4)
            let isLast = index + 4 == text.endIndex
            if c3 == UInt8(ascii: "=") {
                guard isLast, d3 == UInt8(ascii: "=") else { return false }
            } else {
                let c = base64Values[Int(c3)]
                guard c != 0xFF else { return false }
                output.append(b << 4 | c >> 2)
                if d3 == UInt8(ascii: "=") {
                    guard isLast else { return false }
                } else {
                    let d = base64Values[Int(d3)]
                    guard d != 0xFF else { return false }
                    output.append(c << 6 | d)
                }
            }
            index += 4
        }
        return true
    }
}

/// Compares `count` bytes at two addresses.
@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
            != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

/// Borrowed raw views of a ``BPERankTable`` for the hot loop (valid only inside
/// ``BPERankTable/withView(_:)``).
struct BPERankView {
    let slots: UnsafePointer<UInt64>
    let slotMask: Int
    let tokenBytes: UnsafePointer<UInt8>
    let tokenSpans: UnsafePointer<UInt64>
    let byteRanks: UnsafePointer<UInt32>
    let maxTokenLength: Int

    /// The rank of the `count` bytes at `start`, or ``BPERankTable/noRank``.
    @inline(__always)
    func rank(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        if count == 1 { return byteRanks[Int(start.pointee)] }
        if count > maxTokenLength { return BPERankTable.noRank }
        let hash = BPERankTable.hash(start, count)
        let fingerprint = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { return BPERankTable.noRank }
            if entry & 0xFFFF_FFFF_0000_0000 == fingerprint {
                let rank = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                let span = tokenSpans[rank]
                if Int(truncatingIfNeeded: span >> 32) == count,
                    memoryEqual(tokenBytes + Int(truncatingIfNeeded: span & 0xFFFF_FFFF), start, count)
                {
                    return UInt32(rank)
                }
            }
            slot = (slot + 1) & slotMask
        }
    }
}

extension BPERankTable {
    /// Runs `body` with raw views of the table's storage.
    @inline(__always)
    func withView<R>(_ body: (BPERankView) -> R) -> R {
        slots.withUnsafeBufferPointer { slots in
            tokenBytes.withUnsafeBufferPointer { bytes in
                tokenSpans.withUnsafeBufferPointer { spans in
                    byteRanks.withUnsafeBufferPointer { singles in
                        body(
                            BPERankView(
                                slots: slots.baseAddress!, slotMask: slotMask,
                                tokenBytes: bytes.baseAddress!, tokenSpans: spans.baseAddress!,
                                byteRanks: singles.baseAddress!, maxTokenLength: maxTokenLength))
                    }
                }
            }
        }
    }
}
