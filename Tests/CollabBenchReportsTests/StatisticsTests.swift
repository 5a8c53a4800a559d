import CollabBenchReports
import Foundation
import Testing

/// The statistics against reference values from SciPy, NumPy and exact arithmetic
/// (`scripts/make-reports-fixtures.py` → `Fixtures/reports-stats.json`).
@Suite(.timeLimit(.minutes(5)))
struct StatisticsTests {
    static var fixture: [String: Any] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reports-stats.json").path
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    static func cases(_ key: String) -> [[String: Any]] { fixture[key] as? [[String: Any]] ?? [] }

    static func doubles(_ value: Any?) -> [Double] { (value as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? [] }

    @Test func fixtureIsPresent() {
        #expect(Self.cases("streams").count == 5)
        #expect(Self.cases("permutation").count >= 6)
    }

    @Test func splitMixMatchesThePublishedVectors() {
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
        var known = SplitMix64(seed: 1_234_567)
        #expect([known.next(), known.next(), known.next()] == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
    }

    @Test func generatorsMatchThePythonPort() throws {
        for stream in Self.cases("streams") {
            let seed = try #require(UInt64(stream["seed"] as? String ?? ""))
            var sm = SplitMix64(seed: seed)
            var xo = Xoshiro256StarStar(seed: seed)
            #expect((stream["splitmix64"] as? [String])?.compactMap(UInt64.init) == (0..<5).map { _ in sm.next() })
            #expect((stream["xoshiro256starstar"] as? [String])?.compactMap(UInt64.init) == (0..<5).map { _ in xo.next() })
            var bounded = Xoshiro256StarStar(seed: seed)
            for pair in stream["below"] as? [[Any]] ?? [] {
                let bound = (pair[0] as? NSNumber)?.intValue ?? 1
                let expected = (pair[1] as? NSNumber)?.intValue ?? -1
                #expect(bounded.next(below: bound) == expected, "seed \(seed) bound \(bound)")
            }
        }
    }

    @Test func quantilesMatchNumPy() {
        for c in Self.cases("quantiles") {
            let sorted = Self.doubles(c["sorted"])
            let q = (c["q"] as? NSNumber)?.doubleValue ?? 0
            let expected = (c["value"] as? NSNumber)?.doubleValue ?? .nan
            #expect(abs(Bootstrap.quantile(sorted: sorted, q) - expected) <= 1e-12 * max(1, abs(expected)))
        }
    }

    @Test func bootstrapMatchesTheSameDrawsInNumPyAndAgreesWithSciPy() throws {
        let cases = Self.cases("bootstrap")
        #expect(cases.count == 5)
        for c in cases {
            let values = Self.doubles(c["values"])
            let seed = try #require(UInt64(c["seed"] as? String ?? ""))
            let resamples = (c["resamples"] as? NSNumber)?.intValue ?? 0
            let head = Bootstrap.resampledMeans(values, resamples: 5, seed: seed)
            for (a, b) in zip(head, Self.doubles(c["means_head"])) { #expect(abs(a - b) <= 1e-12) }
            let interval = try #require(Bootstrap.meanInterval(values, level: 0.95, resamples: resamples, seed: seed))
            let lower = (c["lower"] as? NSNumber)?.doubleValue ?? .nan
            let upper = (c["upper"] as? NSNumber)?.doubleValue ?? .nan
            #expect(abs(interval.lower - lower) <= 1e-9, "lower \(interval.lower) vs \(lower)")
            #expect(abs(interval.upper - upper) <= 1e-9, "upper \(interval.upper) vs \(upper)")
            // SciPy resamples with its own generator (20,000 draws): the ends agree to Monte Carlo error.
            let scipyLower = (c["scipy_lower"] as? NSNumber)?.doubleValue ?? .nan
            let scipyUpper = (c["scipy_upper"] as? NSNumber)?.doubleValue ?? .nan
            let width = max(scipyUpper - scipyLower, 1e-9)
            #expect(abs(interval.lower - scipyLower) <= 0.15 * width)
            #expect(abs(interval.upper - scipyUpper) <= 0.15 * width)
            let mean = values.reduce(0, +) / Double(values.count)
            #expect(interval.lower <= mean && mean <= interval.upper)
        }
    }

    @Test func bootstrapEdgeCases() {
        #expect(Bootstrap.meanInterval([], seed: 1) == nil)
        #expect(Bootstrap.meanInterval([42], seed: 1) == ConfidenceInterval(lower: 42, upper: 42, level: 0.95))
        let constant = Bootstrap.meanInterval([3, 3, 3, 3], seed: 9)
        #expect(constant?.lower == 3 && constant?.upper == 3)
        // Same seed, same interval; more tasks, narrower interval.
        let small = (0..<20).map { Double($0 % 2) }
        let large = (0..<400).map { Double($0 % 2) }
        #expect(Bootstrap.meanInterval(small, seed: 5) == Bootstrap.meanInterval(small, seed: 5))
        #expect((Bootstrap.meanInterval(large, seed: 5)?.width ?? 1) < (Bootstrap.meanInterval(small, seed: 5)?.width ?? 0))
    }

    @Test func exactPermutationTestMatchesSciPy() {
        for c in Self.cases("permutation") {
            let x = Self.doubles(c["x"])
            let y = Self.doubles(c["y"])
            let d = zip(x, y).map { $0 - $1 }
            for (key, alternative) in [("two-sided", Alternative.twoSided), ("less", .less), ("greater", .greater)] {
                let expected = (c[key] as? NSNumber)?.doubleValue ?? .nan
                let result = PairedPermutationTest.test(differences: d, alternative: alternative)
                #expect(result.exact)
                #expect(abs(result.pValue - expected) <= 1e-12, "\(key) \(d): \(result.pValue) vs \(expected)")
            }
        }
    }

    @Test func monteCarloPermutationTestAgreesWithSciPy() {
        guard let c = Self.fixture["permutation_monte_carlo"] as? [String: Any] else {
            Issue.record("fixture missing")
            return
        }
        let d = zip(Self.doubles(c["x"]), Self.doubles(c["y"])).map { $0 - $1 }
        let expected = (c["two-sided"] as? NSNumber)?.doubleValue ?? .nan
        let result = PairedPermutationTest.test(differences: d, alternative: .twoSided, draws: 200_000, seed: 11)
        #expect(!result.exact)
        #expect(abs(result.pValue - expected) <= 4e-4, "\(result.pValue) vs \(expected)")
        // The same seed gives the same estimate.
        #expect(PairedPermutationTest.test(differences: d, draws: 999, seed: 3) == PairedPermutationTest.test(differences: d, draws: 999, seed: 3))
    }

    @Test func monteCarloAgreesWithExactEnumeration() {
        var generator = Xoshiro256StarStar(seed: 77)
        let d = (0..<26).map { _ in generator.nextUnit() - 0.35 }
        let exact = PairedPermutationTest.test(differences: d, alternative: .twoSided)
        #expect(exact.exact)
        // Force Monte Carlo on the same data by padding with zero differences beyond the exact limit.
        let padded = d + Array(repeating: 0.0, count: PairedPermutationTest.exactLimit + 1 - d.count)
        let estimate = PairedPermutationTest.test(differences: padded, alternative: .twoSided, draws: 100_000, seed: 8)
        #expect(!estimate.exact)
        // Five standard errors of a two-sided estimate from 100,000 draws.
        let tolerance = 10 * (max(exact.pValue, 1e-4) * (1 - exact.pValue) / 100_000).squareRoot() + 1e-4
        #expect(abs(estimate.pValue - exact.pValue) <= tolerance, "\(estimate.pValue) vs \(exact.pValue)")
    }

    @Test func mcNemarMatchesSciPyBinomtest() {
        for c in Self.cases("mcnemar") {
            let b = (c["b"] as? NSNumber)?.intValue ?? 0
            let cc = (c["c"] as? NSNumber)?.intValue ?? 0
            for (key, alternative) in [("two-sided", Alternative.twoSided), ("greater", .greater), ("less", .less)] {
                let expected = (c[key] as? NSNumber)?.doubleValue ?? .nan
                let p = McNemarTest.exactPValue(b: b, c: cc, alternative: alternative)
                #expect(abs(p - expected) <= 1e-10 * max(1, expected) + 1e-15, "b=\(b) c=\(cc) \(key): \(p) vs \(expected)")
            }
            if let statsmodels = (c["statsmodels"] as? NSNumber)?.doubleValue {
                #expect(abs(McNemarTest.exactPValue(b: b, c: cc) - statsmodels) <= 1e-10)
            }
        }
    }

    /// For 0/1 outcomes the sign-flip test and McNemar's exact test are the same test.
    @Test func signFlipOnBinaryDifferencesIsMcNemar() {
        for (lost, gained, ties) in [(5, 0, 3), (7, 2, 10), (3, 3, 0), (9, 4, 6), (1, 8, 2)] {
            let d = Array(repeating: 1.0, count: lost) + Array(repeating: -1.0, count: gained) + Array(repeating: 0.0, count: ties)
            let permutation = PairedPermutationTest.test(differences: d, alternative: .greater)
            #expect(abs(permutation.pValue - McNemarTest.exactPValue(b: lost, c: gained, alternative: .greater)) <= 1e-12)
            let twoSided = PairedPermutationTest.test(differences: d, alternative: .twoSided)
            #expect(abs(twoSided.pValue - McNemarTest.exactPValue(b: lost, c: gained)) <= 1e-12)
        }
    }

    @Test func passAtKMatchesExactBinomials() {
        let cases = Self.cases("pass_at_k")
        #expect(cases.count > 20)
        for c in cases {
            let n = (c["n"] as? NSNumber)?.intValue ?? 0
            let k = (c["k"] as? NSNumber)?.intValue ?? 0
            let successes = (c["c"] as? NSNumber)?.intValue ?? 0
            let at = PassAtK.passAtK(n: n, c: successes, k: k)
            let hat = PassAtK.passHatK(n: n, c: successes, k: k)
            #expect(abs((at ?? .nan) - ((c["pass_at_k"] as? NSNumber)?.doubleValue ?? .nan)) <= 1e-12, "pass@\(k) n=\(n) c=\(successes)")
            #expect(abs((hat ?? .nan) - ((c["pass_hat_k"] as? NSNumber)?.doubleValue ?? .nan)) <= 1e-12, "pass^\(k) n=\(n) c=\(successes)")
        }
        #expect(PassAtK.passAtK(n: 3, c: 1, k: 4) == nil)
        let mean = PassAtK.mean(tasks: [(n: 4, c: 4), (n: 4, c: 0), (n: 2, c: 1)], k: 3)
        #expect(mean?.tasks == 2)
        #expect(mean?.passAtK == 0.5)
    }

    @Test func seedsDependOnEveryPart() {
        #expect(StatisticsSeed.derive(1, "a", "b") != StatisticsSeed.derive(1, "ab"))
        #expect(StatisticsSeed.derive(1, "a") != StatisticsSeed.derive(2, "a"))
        #expect(StatisticsSeed.derive(1, "a") == StatisticsSeed.derive(1, "a"))
    }
}
