import CollabBenchMetrics
import CollabBenchTestSupport
import Foundation
import Testing

@Suite("CharacterBLEU (NLTK sentence_bleu on raw strings)", .timeLimit(.minutes(10)))
struct CharacterBLEUTests {
    private struct Case: Decodable {
        var reference: String
        var hypothesis: String
        var nltk: Double
    }

    @Test("matches NLTK on the committed fixtures")
    func fixtures() throws {
        let cases: [Case] = try BLEUTestSupport.fixture("bleu-char")
        #expect(cases.count > 100)
        var mismatches: [String] = []
        for (index, item) in cases.enumerated() {
            let score = CharacterBLEU.score(reference: item.reference, hypothesis: item.hypothesis)
            if !BLEUTestSupport.close(score, item.nltk, tolerance: 1e-12) {
                mismatches.append("#\(index + 1): \(score) != \(item.nltk)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(
        "identical texts of at least four characters score 1",
        arguments: [
            "abcd", "The cat sat on the mat.", "naïve café 👍🏽 中文",
            String(repeating: "xy ", count: 500),
        ])
    func identical(text: String) {
        #expect(CharacterBLEU.score(reference: text, hypothesis: text) == 1)
    }

    /// Law: BLEU of identical texts is 1, over many generated texts (seeded, so reproducible).
    @Test("identical generated texts of at least four characters score 1")
    func identicalGenerated() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("abcxyz ABC 0129 .,;!?-\n\té€ü中文字👍🏽🇫🇷".unicodeScalars)
        for _ in 0..<500 {
            let length = Int.random(in: 4...300, using: &rng)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length { scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]) }
            let text = String(scalars)
            #expect(CharacterBLEU.score(reference: text, hypothesis: text) == 1, "\(text.debugDescription)")
        }
    }

    @Test("an empty hypothesis or one sharing no character scores exactly 0")
    func zero() {
        #expect(CharacterBLEU.score(reference: "The cat sat.", hypothesis: "") == 0)
        #expect(CharacterBLEU.score(reference: "", hypothesis: "") == 0)
        #expect(CharacterBLEU.score(reference: "", hypothesis: "text") == 0)
        #expect(CharacterBLEU.score(reference: "abc", hypothesis: "xyz") == 0)
    }

    @Test("an order with no match gives NLTK's tiny score, not 0")
    func missingOrder() {
        // Three characters have no 4-gram: NLTK's method0 uses sys.float_info.min for it.
        let short = CharacterBLEU.score(reference: "abc", hypothesis: "abc")
        #expect(short > 0 && short < 1e-70)
        #expect(BLEUTestSupport.close(short, 1.2213386697554703e-77, tolerance: 1e-12))
    }

    @Test("a prefix of the reference scores exactly its brevity penalty")
    func brevityPenalty() {
        let reference = "abcdefghijklmnopqrst"
        let score = CharacterBLEU.score(
            reference: reference, hypothesis: String(reference.prefix(10)))
        #expect(BLEUTestSupport.close(score, exp(-1.0), tolerance: 1e-15))
        // Longer hypotheses are not penalised; repeated n-grams are clipped.
        let clipped = CharacterBLEU.score(reference: "aaaa", hypothesis: "aaaaaaaa")
        #expect(BLEUTestSupport.close(clipped, 0.345720784641941, tolerance: 1e-12))
    }

    @Test("tokens are Unicode scalars, not Swift Characters")
    func scalars() {
        // "é" as e + U+0301 is one Character but two scalars; Python sees two code points.
        let score = CharacterBLEU.score(
            reference: "cafe\u{301} cafe\u{301}", hypothesis: "cafe cafe")
        #expect(BLEUTestSupport.close(score, 0.598690849764947, tolerance: 1e-12))
    }

    @Test("alphabets too large for 64-bit n-gram keys agree with a plain implementation")
    func largeAlphabet() {
        // 70,000 distinct scalars need 17 bits each, so four do not fit in 64 bits.
        let scalars = (0x4E00..<(0x4E00 + 70_000)).compactMap(Unicode.Scalar.init)
        var reference = String.UnicodeScalarView()
        reference.append(contentsOf: scalars)
        reference.append(contentsOf: scalars.prefix(3_000))
        var hypothesisScalars = Array(scalars.prefix(60_000))
        var random = PythonRandom(seed: 3)
        for _ in 0..<2_000 {
            hypothesisScalars.swapAt(random.randbelow(60_000), random.randbelow(60_000))
        }
        var hypothesis = String.UnicodeScalarView()
        hypothesis.append(contentsOf: hypothesisScalars)
        let fast = CharacterBLEU.score(reference: String(reference), hypothesis: String(hypothesis))
        let plain = Self.plainCharacterBLEU(
            reference: Array(reference.map(\.value)), hypothesis: hypothesisScalars.map(\.value))
        #expect(fast > 0.5 && fast < 1)
        #expect(BLEUTestSupport.close(fast, plain, tolerance: 1e-12))
    }

    /// Character BLEU written the obvious way (dictionaries of n-gram arrays, plain sum).
    private static func plainCharacterBLEU(reference: [UInt32], hypothesis: [UInt32]) -> Double {
        func grams(_ symbols: [UInt32], _ n: Int) -> [[UInt32]: Int] {
            var counts: [[UInt32]: Int] = [:]
            if symbols.count >= n {
                for start in 0...(symbols.count - n) {
                    counts[Array(symbols[start..<(start + n)]), default: 0] += 1
                }
            }
            return counts
        }
        var logSum = 0.0
        for n in 1...4 {
            let hypothesisCounts = grams(hypothesis, n)
            let referenceCounts = grams(reference, n)
            let matched = hypothesisCounts.reduce(0) {
                $0 + min($1.value, referenceCounts[$1.key] ?? 0)
            }
            if n == 1 && matched == 0 { return 0 }
            let total = max(1, hypothesisCounts.values.reduce(0, +))
            logSum +=
                0.25
                * log(matched == 0 ? Double.leastNormalMagnitude : Double(matched) / Double(total))
        }
        let c = hypothesis.count
        let r = reference.count
        let penalty = c > r ? 1 : exp(1 - Double(r) / Double(c))
        return penalty * exp(logSum)
    }

    @Test(
        "matches NLTK on every Medium article with derived hypotheses",
        .enabled(
            if: BLEUTestSupport.liveCheckAvailable,
            "needs COLLABBENCH_REF_PYTHON and the shared data"))
    func liveMediumArticles() async throws {
        let live = try await BLEUTestSupport.liveCases()
        #expect(live.cases.count >= 1_390)
        var mismatches: [String] = []
        var exact = 0
        for item in live.cases {
            let score = CharacterBLEU.score(reference: item.reference, hypothesis: item.hypothesis)
            if score == item.nltk { exact += 1 }
            if !BLEUTestSupport.close(score, item.nltk, tolerance: 1e-12) {
                mismatches.append("\(item.id) (\(item.kind)): \(score) != \(item.nltk)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(5))")
        #expect(exact == live.cases.count, "bit-identical: \(exact) of \(live.cases.count)")
    }
}

// MARK: - Shared support for the BLEU and PythonRandom tests

/// Fixture loading, tolerances and the live cross-check against the Python references.
enum BLEUTestSupport {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The reference Python (`COLLABBENCH_REF_PYTHON`), if set.
    static var referencePython: String? {
        guard let path = ProcessInfo.processInfo.environment["COLLABBENCH_REF_PYTHON"],
            !path.isEmpty
        else { return nil }
        return path
    }

    /// The shared data folder (`COLLABBENCH_SHARED_DATA`, default `<root>/../shared/data`).
    static var sharedData: URL {
        if let path = ProcessInfo.processInfo.environment["COLLABBENCH_SHARED_DATA"], !path.isEmpty
        {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static var liveCheckAvailable: Bool {
        referencePython != nil
            && FileManager.default.fileExists(
                atPath: sharedData.appendingPathComponent("medium/medium_tds_articles.jsonl.gz")
                    .path)
    }

    /// Decodes `Fixtures/<name>.jsonl`, one value per non-empty line.
    static func fixture<T: Decodable>(_ name: String) throws -> [T] {
        guard
            let url = Bundle.module.url(
                forResource: name, withExtension: "jsonl", subdirectory: "Fixtures")
        else { throw SupportError(description: "fixture Fixtures/\(name).jsonl is missing") }
        return try jsonLines(Data(contentsOf: url))
    }

    static func jsonLines<T: Decodable>(_ data: Data) throws -> [T] {
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try decoder.decode(T.self, from: Data($0))
        }
    }

    /// Equal within `tolerance`, relative for magnitudes above 1.
    static func close(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
        a == b || abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }

    /// Runs `scripts/<script>` with the reference Python and returns the file it wrote.
    static func runReference(script: String, arguments: [String]) async throws -> Data {
        guard let python = referencePython else {
            throw SupportError(description: "COLLABBENCH_REF_PYTHON is not set")
        }
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("collabbench-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: output) }
        let scriptPath = packageRoot.appendingPathComponent("scripts/\(script)").path
        let result = try await TestProcess.run(python, [scriptPath] + arguments.map { $0 == "OUT" ? output.path : $0 })
        guard result.status == 0 else {
            throw SupportError(
                description: "\(script) exited with status \(result.status): \(result.stderrText.suffix(500))")
        }
        return try Data(contentsOf: output)
    }

    /// A failure of the test support itself (missing fixture, failed reference run).
    struct SupportError: Error, CustomStringConvertible {
        var description: String
    }

    /// One real-data pair scored by NLTK and sacreBLEU.
    struct LiveCase: Decodable {
        var id: String
        var kind: String
        var reference: String
        var hypothesis: String
        var nltk: Double
        var sentence: Double
    }

    struct LiveRun {
        var cases: [LiveCase]
        var corpus: Double
    }

    private struct CorpusLine: Decodable {
        var corpus: Double
    }

    /// The Medium cross-check, computed once per test process: one derived hypothesis per
    /// article (truncation, shuffled sentences, word edits, another article, a short snippet).
    static func liveCases() async throws -> LiveRun { try await liveRun.value() }

    /// The one live run, started by the first test that asks (a static that runs no process itself).
    private static let liveRun = AsyncOnce<LiveRun> {
        let data = try await runReference(
            script: "make-bleu-fixtures.py", arguments: ["--live", sharedData.path, "OUT"])
        var lines = data.split(separator: UInt8(ascii: "\n"))
        guard let last = lines.popLast() else {
            throw SupportError(description: "make-bleu-fixtures.py --live wrote nothing")
        }
        let decoder = JSONDecoder()
        let corpus = try decoder.decode(CorpusLine.self, from: Data(last)).corpus
        let cases = try lines.map { try decoder.decode(LiveCase.self, from: Data($0)) }
        return LiveRun(cases: cases, corpus: corpus)
    }
}
