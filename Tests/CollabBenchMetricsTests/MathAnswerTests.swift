import CollabBenchTestSupport
import Foundation
import Testing

@testable import CollabBenchMetrics

/// One labelled pair from `Fixtures/math-pairs.jsonl` (labels by math-verify 0.9.0, see
/// `scripts/make-math-fixtures.py`).
struct LabelledPair: Decodable {
    let category: String
    let kind: String
    let reference: String
    let answer: String
    let mathVerify: Bool
    /// `random` (a sample of the real pair distribution), `stratified` (every kind of
    /// re-formatting, both labels), `divergence` (a documented case where math-verify is wrong), or
    /// `live`.
    let sample: String
    /// The documented math-verify bug this pair runs into (CollabBench then deliberately differs).
    let divergence: String?

    enum CodingKeys: String, CodingKey {
        case category, kind, reference, answer, sample, divergence
        case mathVerify = "math_verify"
    }
}

enum MathFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func pairs() throws -> [LabelledPair] {
        let url = packageRoot.appendingPathComponent("Tests/CollabBenchMetricsTests/Fixtures/math-pairs.jsonl")
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try decoder.decode(LabelledPair.self, from: Data($0))
        }
    }

    static var referencePython: String? {
        ProcessInfo.processInfo.environment["COLLABBENCH_REF_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var sharedData: URL {
        if let dir = ProcessInfo.processInfo.environment["COLLABBENCH_SHARED_DATA"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static var liveCheckAvailable: Bool {
        guard let python = referencePython else { return false }
        return FileManager.default.isExecutableFile(atPath: python)
            && FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("math/math_all.jsonl.gz").path)
    }

    /// Share of pairs on which `MathAnswer` gives math-verify's label, and the disagreements.
    static func agreement(_ pairs: [LabelledPair]) -> (rate: Double, misses: [String]) {
        var misses: [String] = []
        for p in pairs where MathAnswer.equivalent(answer: p.answer, reference: p.reference) != p.mathVerify {
            misses.append("\(p.category)/\(p.kind) math-verify=\(p.mathVerify) ref=\(p.reference) ans=\(p.answer)")
        }
        return (pairs.isEmpty ? 0 : 1 - Double(misses.count) / Double(pairs.count), misses)
    }
}

@Suite(.timeLimit(.minutes(5)))
struct MathAnswerTests {
    // MARK: - Extraction

    @Test func lastBoxedTakesTheLastBalancedBox() {
        #expect(MathAnswer.lastBoxed(in: "First \\boxed{1}, then \\boxed{\\frac{1}{2}}.") == "\\frac{1}{2}")
        #expect(MathAnswer.lastBoxed(in: "$\\boxed{\\{1, 2\\}}$") == "\\{1, 2\\}")
        #expect(MathAnswer.lastBoxed(in: "so \\fbox{x+1} holds") == "x+1")
        #expect(MathAnswer.lastBoxed(in: "The answer is \\boxed 5.") == "5")
        #expect(MathAnswer.lastBoxed(in: "no box here") == nil)
        #expect(MathAnswer.lastBoxed(in: "broken \\boxed{1 + {2}") == nil)
        #expect(MathAnswer.lastBoxed(in: "\\boxedwidth{3}") == nil)
    }

    @Test func finalAnswerFallsBackToTheLastMathSegment() {
        #expect(MathAnswer.finalAnswer(in: "We try $x=1$; the answer is $\\frac{3}{4}$.") == "\\frac{3}{4}")
        #expect(MathAnswer.finalAnswer(in: "It costs \\$5 in total.") == "It costs \\$5 in total.")
        #expect(MathAnswer.finalAnswer(in: "42") == "42")
    }

    // MARK: - Normalisation

    @Test(arguments: [
        ("\\dfrac{1}{2}", "\\frac{1}{2}"),
        ("\\left( 1, 2 \\right)", "(1,2)"),
        ("5,\\!460", "5460"),
        ("12{,}345", "12345"),
        ("5,460", "5460"),
        ("31, 250", "31, 250"),
        ("45^\\circ", "45"),
        ("45^{\\circ}, 135^\\circ", "45, 135"),
        ("10\\%", "10\\%"),
        ("10%", "10\\%"),
        ("85\\text{ feet}", "85"),
        ("15\\mbox{ cm}^2", "15"),
        ("\\text{(C)}", "\\text{(C)}"),
        ("\\$18.90", "18.9"),
        ("5.00", "5.0"),
        (".5", "0.5"),
        ("x = 5", "5"),
        ("x=1, x=2", "1,2"),
        ("$\\frac{\\pi}{2}$", "\\frac{\\pi}{2}"),
        ("2 \\, \\sqrt{3}", "2\\sqrt{3}"),
        ("\\pi r^2", "\\pi r^2"),
        ("y = 2x + 3", "2x+3"),
        ("-\\frac{5}{3}.", "-\\frac{5}{3}"),
        ("\\boxed{7}", "7"),
    ])
    func normalizeExamples(input: String, expected: String) {
        #expect(MathAnswer.normalize(input) == expected)
    }

    // MARK: - Equivalence examples (each checked against math-verify 0.9.0)

    @Test(arguments: [
        ("\\frac{1}{2}", "0.5"),
        ("\\frac12", "\\dfrac{1}{2}"),
        ("\\frac{1}{3}", "0.333333"),
        ("\\sqrt{2}", "1.414214"),
        ("2\\sqrt{3}", "\\sqrt{12}"),
        ("\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}"),
        ("1024", "2^{10}"),
        ("\\frac{5}{2}", "2\\frac{1}{2}"),
        ("5460", "5,\\!460"),
        ("5", "x = 5"),
        ("x = 5", "5"),
        ("y = 2x + 3", "3 + 2x = y"),
        ("(t-11)(t+11)", "t^2-121"),
        ("\\{1, 2\\}", "2, 1"),
        ("1, 2, 3", "(1, 2, 3)"),
        ("(2, 1)", "2, 1"),
        ("[0, \\infty)", "[0, +\\infty)"),
        ("(1, \\infty)", "(1, \\infty]"),
        ("(-\\infty, -8] \\cup [8, \\infty)", "[8,\\infty)\\cup(-\\infty,-8]"),
        ("(0, 1] \\cup [1, 2)", "(0, 2)"),
        ("x > 2", "(2, \\infty)"),
        ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}"),
        ("\\text{(C)}", "C"),
        ("\\text{Friday}", "\\text{friday}"),
        ("10\\%", "10"),
        ("10\\%", "0.1"),
        ("1 \\pm \\sqrt{2}", "1+\\sqrt2, 1-\\sqrt2"),
        ("3:5", "\\frac{3}{5}"),
        ("\\binom{5}{2}", "10"),
        ("141_{13}", "141"),
        ("\\frac{1}{2x}", "1/2x"),
        ("85\\text{ feet}", "85"),
        ("1,000", "1000"),
    ])
    func equivalentPairs(reference: String, answer: String) {
        #expect(MathAnswer.equivalent(answer: answer, reference: reference))
    }

    @Test(arguments: [
        ("\\frac{1}{3}", "0.333"),
        ("\\pi", "3.14"),
        ("5", "5.0000001"),
        ("(1, 2)", "(2, 1)"),
        ("(1, 2)", "[1, 2]"),
        ("[-2, 3]", "[-2, 3)"),
        ("\\text{Friday}", "\\text{Monday}"),
        ("5", "5, 6"),
        ("4.5", "4.5\\%"),
        ("\\frac{x}{2}", "1/2x"),
        ("(0, 1) \\cup (1, 2)", "(0, 2)"),
        ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)"),
        ("30,951", "30, 951"),
        ("", ""),
        ("x^2+1", "x^2-1"),
        ("1.5", "\\frac{2}{3}"),
    ])
    func differentPairs(reference: String, answer: String) {
        #expect(!MathAnswer.equivalent(answer: answer, reference: reference))
    }

    @Test func wholeSolutionsAreJudgedByTheirLastBox() {
        let solution = "We get $x = 3$, so the area is $\\boxed{\\dfrac{9}{2}}$ square units."
        #expect(MathAnswer.equivalent(answer: solution, reference: "4.5"))
        #expect(!MathAnswer.equivalent(answer: solution, reference: "3"))
    }

    // MARK: - Properties

    /// Answers from the fixture plus hand-written awkward ones.
    private static func propertyCorpus() throws -> [String] {
        var corpus = [
            "", " ", "\\", "{", "}", "\\frac", "\\sqrt", "((((", "))", "\\left(", "$", "\\text{", "5,", ",5", "1,,2",
            "\\begin{pmatrix}", "^", "_", "x=", "=5", "5.", "0.000", "-0", "1e10", "\\boxed{}", "%", "°",
            "2 \\text{ and } 3", "3\\text{ hours }20\\text{ minutes}", "45°, 90°", "1\\,000", "\\phantom{-}1",
            String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500),
            String(repeating: "\\sqrt", count: 400) + "{2}", String(repeating: "-", count: 1000) + "1",
            "2^{2^{2^{2^{2^{2}}}}}", "\\binom{1000000000}{500000000}", "1000!", "10^{400}", "\\frac{1}{0}",
        ]
        // Answers only: prose and whole solutions are reduced by `finalAnswer(in:)` before normalising.
        corpus += try MathFixtures.pairs().flatMap { [$0.reference, $0.answer] }.filter {
            MathAnswer.finalAnswer(in: $0) == $0
        }
        return corpus
    }

    @Test func normalizeIsIdempotent() throws {
        for text in try Self.propertyCorpus() {
            let once = MathAnswer.normalize(text)
            #expect(MathAnswer.normalize(once) == once, "normalize is not idempotent on \(text.debugDescription)")
        }
    }

    /// Law: normalising twice changes nothing, over many generated answers built from the pieces
    /// real answers are made of (seeded, so reproducible).
    @Test func normalizeIsIdempotentOnGeneratedAnswers() {
        var rng = SplitMix64(seed: 13)
        let pieces = [
            "1", "2", "0", "7", "10", ".", ",", "-", "+", " ", "x", "y", "=", "^", "_", "{", "}", "(", ")", "[", "]", "\\frac",
            "\\dfrac", "\\sqrt", "\\pi", "\\left(", "\\right)", "\\text{", "\\mbox{", "\\!", "\\,", "$", "%", "°", "\\circ",
            "\\infty", "\\cup", "\\le", "units", " cm", "\\%", "0.5", "1/2", "\\pm", "\\cdot", "\\times", "\\boxed{",
        ]
        var checked = 0
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            // Answers only, as for the fixture corpus: whole solutions are reduced by `finalAnswer(in:)` first.
            guard MathAnswer.finalAnswer(in: text) == text else { continue }
            checked += 1
            let once = MathAnswer.normalize(text)
            #expect(MathAnswer.normalize(once) == once, "normalize is not idempotent on \(text.debugDescription)")
        }
        #expect(checked >= 1000)
    }

    @Test func everyAnswerIsEquivalentToItselfAndToItsNormalForm() throws {
        for text in try Self.propertyCorpus() where !MathAnswer.normalize(text).isEmpty {
            #expect(MathAnswer.equivalent(answer: text, reference: text), "\(text.debugDescription) ≠ itself")
            let normal = MathAnswer.normalize(text)
            #expect(MathAnswer.equivalent(answer: normal, reference: text), "\(text.debugDescription) ≠ \(normal)")
        }
    }

    @Test func equivalenceIsDeterministic() throws {
        let pairs = try MathFixtures.pairs()
        let first = pairs.map { MathAnswer.equivalent(answer: $0.answer, reference: $0.reference) }
        let second = pairs.map { MathAnswer.equivalent(answer: $0.answer, reference: $0.reference) }
        #expect(first == second)
    }

    // MARK: - Agreement with math-verify

    @Test func agreesWithMathVerifyOnTheFixture() throws {
        let pairs = try MathFixtures.pairs().filter { $0.divergence == nil }
        #expect(pairs.count >= 800)
        let (rate, misses) = MathFixtures.agreement(pairs)
        #expect(
            rate >= 0.99, "agreement \(rate) on \(pairs.count) pairs; disagreements:\n\(misses.joined(separator: "\n"))"
        )
    }

    /// A sample of the real pair distribution, documented divergences included.
    @Test func agreesWithMathVerifyOnARandomSampleOfRealPairs() throws {
        let pairs = try MathFixtures.pairs().filter { $0.sample == "random" }
        #expect(pairs.count >= 500)
        let all = MathFixtures.agreement(pairs)
        #expect(
            all.rate >= 0.98, "agreement \(all.rate) on \(pairs.count) pairs:\n\(all.misses.joined(separator: "\n"))")
        let clean = MathFixtures.agreement(pairs.filter { $0.divergence == nil })
        #expect(
            clean.rate >= 0.99, "agreement \(clean.rate) without divergences:\n\(clean.misses.joined(separator: "\n"))")
    }

    /// Cases where math-verify 0.9.0 says "different" for equal answers and CollabBench
    /// deliberately says "equivalent": a Unicode `°` inside `\boxed{}`, `1\,000` or `1 000` read as
    /// a product, ` sqrt(2)` after a space, `x = 1,\!000` split into a list, `4 \cdot i` unlike
    /// `4i`, a separator inside a fraction, a trailing `t`/`m`/`c`... dropped as a unit, `\frac\pi 2`,
    /// and several boxes in one solution (CollabBench takes the last). The fixture pins them so a
    /// change of behaviour is noticed.
    @Test func documentedDivergencesFromMathVerify() throws {
        let pairs = try MathFixtures.pairs().filter { $0.divergence != nil }
        #expect(pairs.count >= 20)
        for p in pairs {
            #expect(
                MathAnswer.equivalent(answer: p.answer, reference: p.reference) != p.mathVerify,
                "now agrees with math-verify (\(p.divergence ?? "")): ref=\(p.reference) ans=\(p.answer)")
        }
    }

    /// Labels a fresh sample of real MATH answers with the reference Python and compares.
    /// Run by ``LiveReferenceCrossChecks``.
    static func liveCrossCheckAgainstMathVerify() async throws {
        let seed = ProcessInfo.processInfo.environment["COLLABBENCH_MATH_SEED"] ?? "7"
        let result = try await TestProcess.run(
            try #require(MathFixtures.referencePython),
            [
                MathFixtures.packageRoot.appendingPathComponent("scripts/make-math-fixtures.py").path,
                "--data", MathFixtures.sharedData.appendingPathComponent("math/math_all.jsonl.gz").path,
                "--live", "120", "--seed", seed,
            ])
        try #require(result.status == 0)
        let data = result.stdout
        let decoder = JSONDecoder()
        let pairs = try data.split(separator: UInt8(ascii: "\n")).map {
            try decoder.decode(LabelledPair.self, from: Data($0))
        }
        #expect(pairs.count >= 400)
        let all = MathFixtures.agreement(pairs)
        #expect(
            all.rate >= 0.98,
            "agreement \(all.rate) on \(pairs.count) live pairs:\n\(all.misses.joined(separator: "\n"))")
        let clean = MathFixtures.agreement(pairs.filter { $0.divergence == nil })
        #expect(
            clean.rate >= 0.99, "agreement \(clean.rate) without divergences:\n\(clean.misses.joined(separator: "\n"))")
    }
}
