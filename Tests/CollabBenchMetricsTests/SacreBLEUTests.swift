import CollabBenchMetrics
import Foundation
import Testing

@Suite("SacreBLEU (sacreBLEU 2.6.0 defaults, 13a)", .timeLimit(.minutes(10)))
struct SacreBLEUTests {
    private struct SentenceCase: Decodable {
        var reference: String
        var hypothesis: String
        var sentence: Double
    }

    private struct CorpusCase: Decodable {
        var references: [String]
        var hypotheses: [String]
        var corpus: Double
    }

    private struct TokenCase: Decodable {
        var text: String
        var tokens: [String]
    }

    @Test("sentence scores match sacrebleu.sentence_bleu on the committed fixtures")
    func sentenceFixtures() throws {
        let cases: [SentenceCase] = try BLEUTestSupport.fixture("bleu-sacre")
        #expect(cases.count > 100)
        var mismatches: [String] = []
        for (index, item) in cases.enumerated() {
            let score = SacreBLEU.sentenceScore(
                reference: item.reference, hypothesis: item.hypothesis)
            if !BLEUTestSupport.close(score, item.sentence, tolerance: 1e-12) {
                mismatches.append("#\(index + 1): \(score) != \(item.sentence)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("corpus scores match sacrebleu.corpus_bleu on the committed fixtures")
    func corpusFixtures() throws {
        let cases: [CorpusCase] = try BLEUTestSupport.fixture("bleu-corpus")
        #expect(cases.count >= 5)
        for item in cases {
            let score = SacreBLEU.corpusScore(
                references: item.references, hypotheses: item.hypotheses)
            #expect(
                BLEUTestSupport.close(score, item.corpus, tolerance: 1e-12),
                "\(score) != \(item.corpus)")
        }
    }

    @Test("13a tokens match sacreBLEU's preprocessing")
    func tokens() throws {
        let cases: [TokenCase] = try BLEUTestSupport.fixture("bleu-13a")
        #expect(cases.count > 100)
        for item in cases {
            #expect(SacreBLEU.tokenize(item.text) == item.tokens, "\(item.text.debugDescription)")
        }
    }

    @Test("13a rules by example")
    func tokenRules() {
        #expect(
            SacreBLEU.tokenize("Hello, world. 3.14 a-b 3-4") == [
                "Hello", ",", "world", ".", "3.14", "a-b", "3", "-", "4",
            ])
        // Entities are replaced one kind after another, so "&amp;lt;" becomes "&lt;" and then "<".
        #expect(
            SacreBLEU.tokenize("Tom &amp; Jerry &amp;lt; &lt;&amp;") == [
                "Tom", "&", "Jerry", "<", "<", "&",
            ])
        #expect(SacreBLEU.tokenize("hyphen-\nated<skipped>") == ["hyphenated"])
        // Trailing whitespace is stripped before the rules run, so this hyphen stays.
        #expect(SacreBLEU.tokenize("line end-\n") == ["line", "end-"])
        #expect(SacreBLEU.tokenize("a\u{3000}b\u{A0}c\u{200B}d") == ["a", "b", "c\u{200B}d"])
        #expect(SacreBLEU.tokenize(".5 5.") == [".", "5", "5", "."])
    }

    @Test(
        "identical texts score 100",
        arguments: [
            "the", "The cat sat on the mat.", "naïve café , 1,000.5 ( x )",
            String(repeating: "word ", count: 300),
        ])
    func identical(text: String) {
        #expect(abs(SacreBLEU.sentenceScore(reference: text, hypothesis: text) - 100) < 1e-9)
        // Without the effective order a corpus needs 4-grams: one word alone scores 0, like sacreBLEU.
        let corpus = SacreBLEU.corpusScore(references: [text, text], hypotheses: [text, text])
        #expect(SacreBLEU.tokenize(text).count < 4 ? corpus == 0 : abs(corpus - 100) < 1e-9)
    }

    /// Law: BLEU of identical texts is 100, over many generated texts (seeded, so reproducible).
    @Test("identical generated texts score 100")
    func identicalGenerated() {
        var rng = SplitMix64(seed: 12)
        let words = ["the", "cat", "Sat", "on", "mat", "1,000.5", "(x)", "naïve", "café", "--", "e.g.", "U.S.", "'quote'", "\"q\"", "a-b", "$5", "100%", "中文", "👍🏽"]
        let gaps = [" ", "  ", "\n", "\t", ", ", ". "]
        for _ in 0..<500 {
            let count = Int.random(in: 1...60, using: &rng)
            let text = (0..<count).map { index in
                (index == 0 ? "" : gaps[Int.random(in: 0..<gaps.count, using: &rng)]) + words[Int.random(in: 0..<words.count, using: &rng)]
            }.joined()
            #expect(abs(SacreBLEU.sentenceScore(reference: text, hypothesis: text) - 100) < 1e-9, "\(text.debugDescription)")
        }
    }

    @Test("an empty hypothesis, or one sharing no token, scores 0")
    func zero() {
        #expect(SacreBLEU.sentenceScore(reference: "the cat sat on the mat", hypothesis: "") == 0)
        #expect(SacreBLEU.sentenceScore(reference: "the cat", hypothesis: "a dog") == 0)
        #expect(SacreBLEU.sentenceScore(reference: "", hypothesis: "") == 0)
        #expect(SacreBLEU.corpusScore(references: [], hypotheses: []) == 0)
    }

    @Test("sentence BLEU uses the effective order, corpus BLEU does not")
    func effectiveOrder() {
        let reference = "the cat sat on the mat"
        // Three words: 100/100/100 precision, no 4-gram; brevity penalty exp(1 - 6/3).
        let sentence = SacreBLEU.sentenceScore(reference: reference, hypothesis: "the cat sat")
        #expect(abs(sentence - 100 * exp(-1.0)) < 1e-12)
        #expect(SacreBLEU.corpusScore(references: [reference], hypotheses: ["the cat sat"]) == 0)
        // With every order present the two agree.
        let long = "the cat sat on a mat"
        #expect(
            SacreBLEU.sentenceScore(reference: reference, hypothesis: long)
                == SacreBLEU.corpusScore(references: [reference], hypotheses: [long]))
    }

    @Test("exp smoothing halves the stand-in precision for each order without a match")
    func expSmoothing() {
        // a x y z vs a b c d: 1/4 unigrams, then no bigram (3), trigram (2) or 4-gram (1) match.
        let score = SacreBLEU.sentenceScore(reference: "a b c d", hypothesis: "a x y z")
        let precisions: [Double] = [25, 100.0 / 6, 100.0 / 8, 100.0 / 8]
        var logSum = 0.0
        for precision in precisions { logSum += log(precision) }
        let expected = exp(logSum / 4)
        #expect(abs(score - expected) < 1e-12)
        #expect(abs(score - 15.97357760615681) < 1e-12)
    }

    @Test("statistics add up to the corpus score")
    func statistics() {
        let pairs = [
            ("the cat sat on the mat", "the cat sat"), ("a b c d", "a b c d"), ("x y", "y x z"),
        ]
        var total = SacreBLEU.Statistics()
        for (reference, hypothesis) in pairs {
            total += SacreBLEU.Statistics(reference: reference, hypothesis: hypothesis)
        }
        #expect(total.hypothesisLength == 10)
        #expect(total.referenceLength == 12)
        #expect(total.matches == [9, 5, 3, 1])
        #expect(total.totals == [10, 7, 4, 1])
        #expect(
            total.score(effectiveOrder: false)
                == SacreBLEU.corpusScore(references: pairs.map(\.0), hypotheses: pairs.map(\.1)))
    }

    @Test(
        "matches sacreBLEU on every Medium article with derived hypotheses",
        .enabled(
            if: BLEUTestSupport.liveCheckAvailable,
            "needs COLLABBENCH_REF_PYTHON and the shared data"))
    func liveMediumArticles() async throws {
        let live = try await BLEUTestSupport.liveCases()
        #expect(live.cases.count >= 1_390)
        var mismatches: [String] = []
        for item in live.cases {
            let score = SacreBLEU.sentenceScore(
                reference: item.reference, hypothesis: item.hypothesis)
            if !BLEUTestSupport.close(score, item.sentence, tolerance: 1e-12) {
                mismatches.append("\(item.id) (\(item.kind)): \(score) != \(item.sentence)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(5))")
        let corpus = SacreBLEU.corpusScore(
            references: live.cases.map(\.reference), hypotheses: live.cases.map(\.hypothesis))
        #expect(
            BLEUTestSupport.close(corpus, live.corpus, tolerance: 1e-12),
            "\(corpus) != \(live.corpus)")
    }
}
