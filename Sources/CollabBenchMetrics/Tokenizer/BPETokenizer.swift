/// A byte-level BPE tokenizer that gives the same token ids as tiktoken's `encode_ordinary` for
/// `cl100k_base` and `o200k_base`.
///
/// Special tokens such as `<|endoftext|>` are encoded as plain text, like `encode_ordinary`.
/// The tokenizer is immutable after construction: share one instance across tasks.
///
/// ```swift
/// let tokenizer = try BPETokenizer(encoding: .cl100kBase, rankFile: bytes)
/// tokenizer.encode("hello world")  // [15339, 1917]
/// tokenizer.count("hello world")   // 2
/// ```
public final class BPETokenizer: Sendable {
    /// The encoding this tokenizer reproduces.
    public let encoding: TokenizerEncodingName
    /// The mergeable ranks read from the rank file.
    let table: BPERankTable

    /// The number of mergeable tokens in the rank file (special tokens excluded).
    public var mergeableTokenCount: Int { table.count }

    /// Creates a tokenizer from the bytes of a tiktoken rank file.
    ///
    /// - Parameters:
    ///   - encoding: Which pre-tokenisation pattern to use; must match the rank file.
    ///   - rankFile: The contents of `<encoding>.tiktoken` (`<base64 bytes> <rank>` per line).
    /// - Throws: ``BPETokenizerError`` when the file is malformed, has duplicates, or lacks a
    ///   single-byte token.
    public init(encoding: TokenizerEncodingName, rankFile: [UInt8]) throws {
        self.encoding = encoding
        self.table = try BPERankTable(rankFile: rankFile, encoding: encoding)
    }

    /// Encodes `text` into token ids, exactly as tiktoken's `encode_ordinary`.
    ///
    /// - Parameter text: Any text; special-token strings are treated as ordinary text.
    /// - Returns: The token ids (ranks) in order.
    public func encode(_ text: String) -> [Int] {
        var sink = TokenArraySink()
        sink.tokens.reserveCapacity(text.utf8.count / 3 + 1)
        run(text, into: &sink)
        return sink.tokens
    }

    /// Counts the tokens of `text`; equal to `encode(text).count` without building the array.
    ///
    /// - Parameter text: Any text.
    /// - Returns: The number of tokens tiktoken's `encode_ordinary` would produce.
    public func count(_ text: String) -> Int {
        var sink = TokenCountSink()
        run(text, into: &sink)
        return sink.count
    }

    // MARK: - Core

    /// Splits `text` into pieces and encodes each one into `sink`.
    func run<Sink: TokenSink>(_ text: String, into sink: inout Sink) {
        var text = text
        text.withUTF8 { utf8 in
            guard !utf8.isEmpty else { return }
            precondition(utf8.count < Int(Int32.max), "text longer than 2 GiB")
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { classes in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: utf8.count + 1) { offsets in
                    let scanner = PreTokenizer(
                        utf8: utf8, classes: classes.baseAddress!, offsets: offsets.baseAddress!)
                    let bytes = utf8.baseAddress!
                    let isCl100k = encoding == .cl100kBase
                    table.withView { view in
                        var i = 0
                        while i < scanner.count {
                            let end = isCl100k ? scanner.nextCl100k(i) : scanner.nextO200k(i)
                            let start = Int(offsets[i])
                            BytePairMerge.encodePiece(bytes + start, Int(offsets[end]) - start, view, &sink)
                            i = end
                        }
                    }
                }
            }
        }
    }

    /// The pieces the pre-tokeniser finds, as UTF-8 byte ranges (for tests and diagnostics).
    func pieces(_ text: String) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var text = text
        text.withUTF8 { utf8 in
            guard !utf8.isEmpty else { return }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { classes in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: utf8.count + 1) { offsets in
                    let scanner = PreTokenizer(
                        utf8: utf8, classes: classes.baseAddress!, offsets: offsets.baseAddress!)
                    var i = 0
                    while i < scanner.count {
                        let end = encoding == .cl100kBase ? scanner.nextCl100k(i) : scanner.nextO200k(i)
                        result.append(Int(offsets[i])..<Int(offsets[end]))
                        i = end
                    }
                }
            }
        }
        return result
    }

    /// Encodes raw bytes as one piece with the chosen merge strategy (for tests).
    func mergeForTesting(_ piece: [UInt8], useHeap: Bool) -> [Int] {
        var sink = TokenArraySink()
        piece.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            table.withView { view in
                if buffer.count == 1 {
                    sink.accept(view.rank(base, 1))
                } else if useHeap {
                    BytePairMerge.mergeByHeap(base, buffer.count, view, &sink)
                } else {
                    BytePairMerge.mergeByScan(base, buffer.count, view, &sink)
                }
            }
        }
        return sink.tokens
    }
}
