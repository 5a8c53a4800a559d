import CollabBenchReports
import CollabBenchTestSupport
import Foundation
import Testing

/// Spearman, Kendall τ-b, Pearson and the two-sample Kolmogorov–Smirnov test against SciPy
/// (`scripts/make-calibration-fixtures.py` → `Fixtures/calibration-stats.json`), plus a live
/// cross-check when `COLLABBENCH_REF_PYTHON` is set.
@Suite(.timeLimit(.minutes(5)))
struct CalibrationStatisticsTests {
    struct Case: Codable {
        var x: [Double]
        var y: [Double]
        var spearman: Double?
        var kendall: Double?
        var pearson: Double?
        var ksStatistic: Double?
        var ksPValue: Double?

        enum CodingKeys: String, CodingKey {
            case x, y, spearman, kendall, pearson
            case ksStatistic = "ks_statistic"
            case ksPValue = "ks_pvalue"
        }
    }

    struct Fixture: Codable {
        var generated: [Case]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture() throws -> Fixture {
        let url = root.appendingPathComponent("Tests/CollabBenchReportsTests/Fixtures/calibration-stats.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// The largest difference from SciPy over `cases`; a defined/undefined mismatch is recorded as an issue.
    static func worstDifference(_ cases: [Case]) -> Double {
        var worst = 0.0
        func compare(_ mine: Double?, _ theirs: Double?, _ what: String, _ c: Case) {
            #expect(
                (mine == nil) == (theirs == nil), "\(what) of \(c.x) / \(c.y): \(String(describing: mine)) vs \(String(describing: theirs))"
            )
            if let mine, let theirs { worst = max(worst, abs(mine - theirs)) }
        }
        for c in cases {
            if c.x.count == c.y.count {
                compare(Correlation.spearman(c.x, c.y), c.spearman, "spearman", c)
                compare(Correlation.kendallTauB(c.x, c.y), c.kendall, "kendall", c)
                compare(Correlation.pearson(c.x, c.y), c.pearson, "pearson", c)
            }
            let ks = KolmogorovSmirnov.test(c.x, c.y)
            compare(ks?.statistic, c.ksStatistic, "ks statistic", c)
            compare(ks?.pValue, c.ksPValue, "ks p-value", c)
        }
        return worst
    }

    @Test func equalsSciPyOnTheFixtures() throws {
        let cases = try Self.fixture().generated
        #expect(cases.count >= 150)
        let worst = Self.worstDifference(cases)
        #expect(worst < 1e-9, "max abs diff \(worst)")
    }

    @Test func averageRanksShareTies() {
        #expect(Correlation.averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
        #expect(abs((Correlation.spearman([1, 2, 3], [3, 2, 1]) ?? 0) + 1) < 1e-12)
        #expect(Correlation.kendallTauB([1, 1, 1], [1, 2, 3]) == nil)
        #expect(Correlation.pearson([1], [2]) == nil)
        #expect(KolmogorovSmirnov.test([], [1]) == nil)
        #expect(KolmogorovSmirnov.test([1, 2], [1, 2])?.pValue == 1)
    }

    @Test func bootstrapIntervalIsSeededAndHoldsTheEstimate() {
        var rng = SplitMix64(seed: 5)
        let x = (0..<40).map { _ in Double(Int.random(in: 1...10, using: &rng)) }
        let y = x.map { min(10, max(1, $0 + Double(Int.random(in: -2...2, using: &rng)))) }
        for method in Correlation.Method.allCases {
            let a = CorrelationEstimate.estimate(x, y, method: method, resamples: 500, seed: 9)
            let b = CorrelationEstimate.estimate(x, y, method: method, resamples: 500, seed: 9)
            #expect(a == b)
            let interval = try? #require(a.interval)
            let value = try? #require(a.value)
            if let interval, let value { #expect(interval.lower <= value && value <= interval.upper) }
            #expect(a.n == 40 && a.undefinedResamples == 0)
        }
        // A constant sample: no coefficient, no interval, every resample undefined.
        let constant = CorrelationEstimate.estimate([1, 1, 1], [1, 2, 3], method: .spearman, resamples: 50, seed: 1)
        #expect(constant.value == nil && constant.interval == nil && constant.undefinedResamples == 50)
    }

    @Test(.enabled("needs COLLABBENCH_REF_PYTHON with scipy") { await Self.hasSciPy() })
    func liveCrossCheckOnRandomPairsWithTies() async throws {
        var rng = SplitMix64(seed: 77)
        var cases: [Case] = []
        for i in 0..<200 {
            let n = Int.random(in: 2...60, using: &rng)
            let m = i % 3 == 0 ? Int.random(in: 1...90, using: &rng) : n
            let top = [3, 5, 10][i % 3]
            let x = (0..<n).map { _ in Double(Int.random(in: 1...top, using: &rng)) }
            let y = (0..<m).map { _ in Double(Int.random(in: 1...top, using: &rng)) }
            cases.append(Case(x: x, y: y))
        }
        let answered = try await Self.runReference(cases)
        #expect(answered.count == cases.count)
        let worst = Self.worstDifference(answered)
        #expect(worst < 1e-9, "max abs diff \(worst)")
    }

    static var python: String? { ProcessInfo.processInfo.environment["COLLABBENCH_REF_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } }

    static func hasSciPy() async -> Bool {
        guard let python else { return false }
        return (try? await TestProcess.run(python, ["-c", "import scipy.stats"]).status) == 0
    }

    static func runReference(_ cases: [Case]) async throws -> [Case] {
        let python = try #require(python)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-calib-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: input) }
        var payload = Data()
        for c in cases {
            payload.append(try JSONEncoder().encode(c))
            payload.append(UInt8(ascii: "\n"))
        }
        try payload.write(to: input)
        let result = try await TestProcess.run(
            python, [root.appendingPathComponent("scripts/make-calibration-fixtures.py").path, "--stdin"], stdin: input.path)
        #expect(result.status == 0, "\(result.stderrText.suffix(500))")
        return try result.stdout.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Case.self, from: Data($0)) }
    }
}
