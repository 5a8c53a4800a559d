import CollabBenchTestSupport
import Foundation
import Testing

@testable import CollabBenchMetrics

/// Where the tokenizer tests find their inputs: the real rank files (never in the project), the
/// shared data, and the reference Python.
enum TokenizerTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `COLLABBENCH_SHARED_DATA`, else `<package root>/../shared/data`.
    static let sharedData: URL =
        environment["COLLABBENCH_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
        ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// The rank file of `encoding` from `COLLABBENCH_TOKENIZER_DIR` or `<shared data>/tokenizers`.
    static func rankFile(_ encoding: TokenizerEncodingName) -> [UInt8]? {
        let directories: [String?] = [
            environment["COLLABBENCH_TOKENIZER_DIR"], sharedData.appendingPathComponent("tokenizers").path,
        ]
        for case let directory? in directories {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(encoding.rankFileName).path
            if let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
        }
        return nil
    }

    /// Both real tokenizers, parsed once, or nil when a rank file is missing.
    static let tokenizers: [TokenizerEncodingName: BPETokenizer]? = {
        var result: [TokenizerEncodingName: BPETokenizer] = [:]
        for encoding in TokenizerEncodingName.allCases {
            guard let bytes = rankFile(encoding), let tokenizer = try? BPETokenizer(encoding: encoding, rankFile: bytes)
            else { return nil }
            result[encoding] = tokenizer
        }
        return result
    }()

    static var hasRankFiles: Bool { tokenizers != nil }

    /// The real tokenizer for `encoding` (only call when ``hasRankFiles``).
    static func tokenizer(_ encoding: TokenizerEncodingName) throws -> BPETokenizer {
        try #require(tokenizers?[encoding])
    }

    /// `COLLABBENCH_REF_PYTHON`, when set.
    static var referencePython: String? { environment["COLLABBENCH_REF_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } }

    static var canCrossCheck: Bool {
        referencePython != nil && hasRankFiles
            && FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("medium").path)
    }
}

/// One golden case written by `scripts/make-tokenizer-fixtures.py` from tiktoken.
private struct TokenizerFixtureCase: Decodable {
    let text: String
    let tokens: [Int]
}

/// Reads `Fixtures/tokenizer-<encoding>.jsonl`.
private func tokenizerFixtures(_ encoding: TokenizerEncodingName) throws -> [TokenizerFixtureCase] {
    let name = "tokenizer-\(encoding.rawValue)"
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures")
            ?? Bundle.module.url(forResource: name, withExtension: "jsonl"))
    let data = try Data(contentsOf: url)
    let decoder = JSONDecoder()
    return try data.split(separator: 0x0A).map { try decoder.decode(TokenizerFixtureCase.self, from: Data($0)) }
}

/// A small rank file: every single byte (rank = byte value), then `merges` in order from 256.
private func toyRankFile(_ merges: [String]) -> [UInt8] {
    var lines: [String] = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
    for (offset, merge) in merges.enumerated() {
        lines.append("\(Data(merge.utf8).base64EncodedString()) \(256 + offset)")
    }
    return Array((lines.joined(separator: "\n") + "\n").utf8)
}

/// The pieces of `text` as strings.
private func pieceStrings(_ tokenizer: BPETokenizer, _ text: String) -> [String] {
    let bytes = Array(text.utf8)
    return tokenizer.pieces(text).map { String(decoding: bytes[$0], as: UTF8.self) }
}

@Suite(.timeLimit(.minutes(5)))
struct BPETokenizerTests {
    // MARK: - Byte-pair merging on a hand-made vocabulary

    @Test func equalRanksMergeLeftmostFirst() throws {
        let tokenizer = try BPETokenizer(encoding: .cl100kBase, rankFile: toyRankFile(["aa"]))
        #expect(tokenizer.encode("aaa") == [256, 97])
        #expect(tokenizer.encode("aaaaa") == [256, 256, 97])
    }

    @Test func lowerRankMergesFirst() throws {
        // "bc" (256) outranks "ab" (257), so "abc" is a + bc, not ab + c.
        let tokenizer = try BPETokenizer(encoding: .cl100kBase, rankFile: toyRankFile(["bc", "ab"]))
        #expect(tokenizer.encode("abc") == [97, 256])
        #expect(tokenizer.encode("abd") == [257, 100])
    }

    @Test func wholePieceThatIsATokenIsNotMerged() throws {
        // "xyz" is a token although no merge path reaches it; tiktoken looks the piece up first.
        let tokenizer = try BPETokenizer(encoding: .o200kBase, rankFile: toyRankFile(["xyz"]))
        #expect(tokenizer.encode("xyz") == [256])
        #expect(tokenizer.encode("xyzz") == [120, 121, 122, 122])
    }

    @Test func heapAndScanMergesAgree() throws {
        let tokenizer = try BPETokenizer(
            encoding: .cl100kBase, rankFile: toyRankFile(["aa", "ab", "aaaa", "ba", "abab", "aab", "bb", "aaaaaaaa"]))
        var generator = TokenizerTestRandom(seed: 7)
        for length in [2, 3, 17, 96, 97, 300, 1000] {
            let piece = (0..<length).map { _ in generator.next() % 3 == 0 ? UInt8(ascii: "b") : UInt8(ascii: "a") }
            #expect(
                tokenizer.mergeForTesting(piece, useHeap: true) == tokenizer.mergeForTesting(piece, useHeap: false),
                "length \(length)")
        }
    }

    @Test func emptyTextHasNoTokens() throws {
        let tokenizer = try BPETokenizer(encoding: .cl100kBase, rankFile: toyRankFile([]))
        #expect(tokenizer.encode("").isEmpty)
        #expect(tokenizer.count("") == 0)
    }

    // MARK: - Pre-tokenisation

    @Test func cl100kPieces() throws {
        let tokenizer = try BPETokenizer(encoding: .cl100kBase, rankFile: toyRankFile([]))
        #expect(
            pieceStrings(tokenizer, "Hello  world's 12345\n\n  x")
                == ["Hello", " ", " world", "'s", " ", "123", "45", "\n\n", " ", " x"])
        #expect(
            pieceStrings(tokenizer, "HTTPServer iPhone it'S DON'T  */\n// foo!!\r\n ")
                == ["HTTPServer", " iPhone", " it", "'S", " DON", "'T", " ", " */\n", "//", " foo", "!!\r\n", " "])
        #expect(
            pieceStrings(tokenizer, "'ll've 1234567 ab..  ") == [
                "'ll", "'ve", " ", "123", "456", "7", " ab", "..", "  ",
            ])
    }

    @Test func o200kPieces() throws {
        let tokenizer = try BPETokenizer(encoding: .o200kBase, rankFile: toyRankFile([]))
        #expect(
            pieceStrings(tokenizer, "Hello  world's 12345\n\n  x")
                == ["Hello", " ", " world's", " ", "123", "45", "\n\n", " ", " x"])
        #expect(
            pieceStrings(tokenizer, "HTTPServer iPhone it'S DON'T  */\n// foo!!\r\n ")
                == ["HTTPServer", " i", "Phone", " it'S", " DON'T", " ", " */\n//", " foo", "!!\r\n", " "])
        #expect(
            pieceStrings(tokenizer, "'ll've 1234567 ab..  ") == ["'ll've", " ", "123", "456", "7", " ab", "..", "  "])
    }

    @Test(arguments: TokenizerEncodingName.allCases)
    func piecesTileTheText(encoding: TokenizerEncodingName) throws {
        let tokenizer = try BPETokenizer(encoding: encoding, rankFile: toyRankFile([]))
        for fixture in try tokenizerFixtures(encoding) {
            let pieces = tokenizer.pieces(fixture.text)
            var position = 0
            for piece in pieces {
                #expect(piece.lowerBound == position && !piece.isEmpty)
                position = piece.upperBound
            }
            #expect(position == fixture.text.utf8.count)
        }
    }

    @Test func scalarsNewerThanTheReferenceUnicodeVersionAreUnassigned() {
        // U+32400 is a CJK ideograph added in Unicode 17.0, which tiktoken's regex tables
        // (Unicode 16.0) do not know; U+2EBF0 (Unicode 15.1) and U+4E00 are letters to both.
        #expect(ScalarClass.of(0x32400) == 0)
        #expect(ScalarClass.of(0x2EBF0) & ScalarClass.letter != 0)
        #expect(ScalarClass.of(0x4E00) & ScalarClass.letter != 0)
        #expect(ScalarClass.of(0x0301) & ScalarClass.mark != 0)
        #expect(ScalarClass.of(0x3000) & ScalarClass.space != 0)
        #expect(ScalarClass.of(0x0A) & ScalarClass.newline != 0)
    }

    // MARK: - Rank file errors

    @Test func malformedLineIsReportedWithItsNumber() throws {
        var file = toyRankFile([])
        file += Array("not-a-valid-line\n".utf8)
        let error = try #require(throws: BPETokenizerError.self) {
            try BPETokenizer(encoding: .cl100kBase, rankFile: file)
        }
        #expect(error.code == .malformedLine)
        #expect(error.line == 257)
        #expect(error.description.hasPrefix("cl100k_base.tiktoken line 257: "))
        #expect(!error.description.contains("\n"))
    }

    @Test func duplicateRankIsRejected() throws {
        let file = toyRankFile([]) + Array("YWI= 5\n".utf8)
        let error = try #require(throws: BPETokenizerError.self) {
            try BPETokenizer(encoding: .o200kBase, rankFile: file)
        }
        #expect(error.code == .duplicateEntry)
    }

    @Test func missingSingleByteIsRejected() throws {
        let lines = (0..<255).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }.joined(separator: "\n")
        let error = try #require(throws: BPETokenizerError.self) {
            try BPETokenizer(encoding: .cl100kBase, rankFile: Array(lines.utf8))
        }
        #expect(error.code == .missingByte)
        #expect(error.description.contains("0xff"))
    }

    // MARK: - Against tiktoken (rank files needed)

    @Test(.enabled(if: TokenizerTestEnvironment.hasRankFiles))
    func helloWorldMatchesTiktoken() throws {
        #expect(try TokenizerTestEnvironment.tokenizer(.cl100kBase).encode("hello world") == [15339, 1917])
        #expect(try TokenizerTestEnvironment.tokenizer(.o200kBase).encode("hello world") == [24912, 2375])
        #expect(try TokenizerTestEnvironment.tokenizer(.cl100kBase).mergeableTokenCount == 100_256)
        #expect(try TokenizerTestEnvironment.tokenizer(.o200kBase).mergeableTokenCount == 199_998)
    }

    @Test(.enabled(if: TokenizerTestEnvironment.hasRankFiles), arguments: TokenizerEncodingName.allCases)
    func fixturesMatchTiktoken(encoding: TokenizerEncodingName) throws {
        let tokenizer = try TokenizerTestEnvironment.tokenizer(encoding)
        let fixtures = try tokenizerFixtures(encoding)
        #expect(fixtures.count > 300)
        for fixture in fixtures {
            let tokens = tokenizer.encode(fixture.text)
            #expect(tokens == fixture.tokens, "\(encoding.rawValue): \(fixture.text.debugDescription.prefix(80))")
            #expect(tokenizer.count(fixture.text) == fixture.tokens.count)
        }
    }

    @Test(.enabled(if: TokenizerTestEnvironment.hasRankFiles), arguments: TokenizerEncodingName.allCases)
    func heapAndScanMergesAgreeOnTheRealVocabulary(encoding: TokenizerEncodingName) throws {
        let tokenizer = try TokenizerTestEnvironment.tokenizer(encoding)
        var generator = TokenizerTestRandom(seed: 42)
        let alphabet = Array("etaoinshrdlucmfwypvbgkqjxz".utf8)
        for length in [97, 150, 400, 2000] {
            let piece = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            #expect(
                tokenizer.mergeForTesting(piece, useHeap: true) == tokenizer.mergeForTesting(piece, useHeap: false))
        }
    }

    /// Compares with live tiktoken on real texts from the shared data: Medium and Rust blog
    /// articles, BigCodeBench programs and prompts, MATH problems and solutions. Set
    /// `COLLABBENCH_TOKENIZER_CROSSCHECK_LIMIT` (records per source, 0 = all; default 100).
    /// Run by ``LiveReferenceCrossChecks``.
    static func realDataMatchesLiveTiktoken() async throws {
        let python = try #require(TokenizerTestEnvironment.referencePython)
        let limit = TokenizerTestEnvironment.environment["COLLABBENCH_TOKENIZER_CROSSCHECK_LIMIT"] ?? "100"
        let script = TokenizerTestEnvironment.packageRoot.appendingPathComponent("scripts/make-tokenizer-fixtures.py")
        #expect(FileManager.default.fileExists(atPath: script.path), "missing \(script.path)")
        let result = try await TestProcess.run(python, [script.path, "--crosscheck", TokenizerTestEnvironment.sharedData.path, "--limit", limit])
        let data = result.stdout
        #expect(result.status == 0)

        struct Reference: Decodable {
            struct Result: Decodable {
                let count: Int
                let hash: String
            }
            let source: String
            let text: String
            let cl100k: Result
            let o200k: Result
            enum CodingKeys: String, CodingKey {
                case source, text
                case cl100k = "cl100k_base"
                case o200k = "o200k_base"
            }
        }
        let decoder = JSONDecoder()
        var checked = 0
        var mismatches: [String] = []
        for line in data.split(separator: 0x0A) {
            let reference = try decoder.decode(Reference.self, from: Data(line))
            for (encoding, expected) in [
                (TokenizerEncodingName.cl100kBase, reference.cl100k), (.o200kBase, reference.o200k),
            ] {
                let tokens = try TokenizerTestEnvironment.tokenizer(encoding).encode(reference.text)
                var hash: UInt64 = 1_469_598_103_934_665_603
                for token in tokens { hash = (hash ^ UInt64(token)) &* 1_099_511_628_211 }
                let hex = String(hash, radix: 16)
                let padded = String(repeating: "0", count: 16 - hex.count) + hex
                if tokens.count != expected.count || padded != expected.hash {
                    mismatches.append("\(reference.source) \(encoding.rawValue): \(tokens.count) vs \(expected.count)")
                }
                checked += 1
            }
        }
        #expect(checked >= 12)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked) differ: \(mismatches.prefix(5))")
    }
}

/// A small deterministic generator for test inputs.
private struct TokenizerTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
