import CollabBenchMetrics
import CollabBenchTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct KrippendorffAlphaTests {
    struct Case: Codable {
        var level: String
        var units: [[Double?]]
        var alpha: Double?
    }

    /// Krippendorff's worked example (4 coders, 12 units, values 1–5; "Computing Krippendorff's
    /// Alpha-Reliability", 2011): nominal α = 0.743, interval α = 0.849.
    static let worked: [[Double?]] = [
        [1, 1, nil, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nil, 5, 5, 5], [nil, nil, 1, 1], [nil, nil, 3, nil],
    ]

    @Test func reproducesTheWorkedExample() throws {
        let nominal = try #require(KrippendorffAlpha.compute(Self.worked, level: .nominal))
        let interval = try #require(KrippendorffAlpha.compute(Self.worked, level: .interval))
        #expect(abs(nominal.alpha - 0.743) < 5e-4)
        #expect(abs(interval.alpha - 0.849) < 5e-4)
        #expect(nominal.pairableValues == 40)
        #expect(nominal.pairableUnits == 11)
        #expect(abs(nominal.alpha - (1 - nominal.observedDisagreement / nominal.expectedDisagreement)) < 1e-12)
    }

    @Test func agreesWithTheKrippendorffPackageOnFixtures() throws {
        let cases: [Case] = try ReferenceScript.fixture("agreement-krippendorff")
        #expect(cases.count > 100)
        var worst = 0.0
        for c in cases {
            let level = try #require(KrippendorffAlpha.Level(rawValue: c.level))
            let mine = KrippendorffAlpha.compute(c.units, level: level)?.alpha
            #expect((mine == nil) == (c.alpha == nil), "\(c.level) \(c.units): \(String(describing: mine)) vs \(String(describing: c.alpha))")
            if let mine, let theirs = c.alpha { worst = max(worst, abs(mine - theirs)) }
        }
        #expect(worst < 1e-9, "max abs diff \(worst)")
    }

    @Test func undefinedCasesAreNil() {
        #expect(KrippendorffAlpha.interval([]) == nil)
        #expect(KrippendorffAlpha.interval([[1, nil], [nil, 2]]) == nil)  // no unit with two values
        #expect(KrippendorffAlpha.interval([[2, 2], [2, 2, nil]]) == nil)  // one value everywhere
        #expect(KrippendorffAlpha.nominal([["a", "a"], ["a", nil, "a"]]) == nil)
        #expect(KrippendorffAlpha.interval([[1, .nan], [2, .infinity]]) == nil)  // non-finite is missing
    }

    @Test func perfectAgreementIsOneAndLawsHold() throws {
        let units: [[Double?]] = [[1, 1, 1], [2, 2, nil], [3, nil, 3]]
        #expect(KrippendorffAlpha.interval(units)?.alpha == 1)
        #expect(KrippendorffAlpha.nominal(units)?.alpha == 1)
        // Reordering coders within units, or units, changes nothing.
        var rng = SplitMix64(seed: 11)
        let data = (0..<20).map { _ in (0..<4).map { _ -> Double? in Double.random(in: 0...1, using: &rng) < 0.3 ? nil : Double(Int.random(in: 1...3, using: &rng)) } }
        let a = try #require(KrippendorffAlpha.interval(data)).alpha
        let shuffled = data.map { $0.shuffled(using: &rng) }.shuffled(using: &rng)
        #expect(abs(try #require(KrippendorffAlpha.interval(shuffled)).alpha - a) < 1e-12)
        // Interval α ignores a shift and scale of every value.
        let scaled = data.map { $0.map { $0.map { 10 * $0 - 7 } } }
        #expect(abs(try #require(KrippendorffAlpha.interval(scaled)).alpha - a) < 1e-12)
        // Nominal α works on any hashable category.
        let labels = data.map { $0.map { $0.map { ["low", "mid", "high"][Int($0) - 1] } } }
        #expect(abs(try #require(KrippendorffAlpha.nominal(labels)).alpha - (try #require(KrippendorffAlpha.compute(data, level: .nominal))).alpha) < 1e-12)
    }

    @Test(.enabled("needs COLLABBENCH_REF_PYTHON with the krippendorff package") { await ReferenceScript.hasPackage("krippendorff") })
    func liveCrossCheckOnRandomMatricesWithMissingValues() async throws {
        var rng = SplitMix64(seed: 2025)
        var cases: [Case] = []
        for i in 0..<400 {
            let level = i % 2 == 0 ? "interval" : "nominal"
            let units = Int.random(in: 1...40, using: &rng)
            let coders = Int.random(in: 2...7, using: &rng)
            let missing = [0.0, 0.2, 0.5, 0.8][Int.random(in: 0...3, using: &rng)]
            let continuous = level == "interval" && Bool.random(using: &rng)
            let matrix = (0..<units).map { _ in
                (0..<coders).map { _ -> Double? in
                    guard Double.random(in: 0..<1, using: &rng) >= missing else { return nil }
                    return continuous ? (Double.random(in: 0...1, using: &rng) * 1000).rounded() / 1000 : Double(Int.random(in: 1...4, using: &rng))
                }
            }
            cases.append(Case(level: level, units: matrix, alpha: nil))
        }
        let answered: [Case] = try await ReferenceScript.run("make-agreement-fixtures.py", arguments: ["--stdin"], cases: cases)
        #expect(answered.count == cases.count)
        var worst = 0.0
        var agreeOnDefined = 0
        for (c, reference) in zip(cases, answered) {
            let mine = KrippendorffAlpha.compute(c.units, level: KrippendorffAlpha.Level(rawValue: c.level)!)?.alpha
            if (mine == nil) == (reference.alpha == nil) { agreeOnDefined += 1 }
            if let mine, let theirs = reference.alpha { worst = max(worst, abs(mine - theirs)) }
        }
        #expect(agreeOnDefined == cases.count)
        #expect(worst < 1e-9, "max abs diff \(worst)")
    }
}

/// A small seeded generator so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Fixtures and the reference Python (`COLLABBENCH_REF_PYTHON`) for the fidelity and agreement tests.
enum ReferenceScript {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String? {
        guard let path = ProcessInfo.processInfo.environment["COLLABBENCH_REF_PYTHON"], !path.isEmpty else { return nil }
        return path
    }

    /// True when the reference Python is set and can import `module`.
    static func hasPackage(_ module: String) async -> Bool {
        guard let python else { return false }
        return (try? await TestProcess.run(python, ["-c", "import \(module)"]).status) == 0
    }

    /// Decodes `Fixtures/<name>.jsonl`, one value per non-empty line.
    static func fixture<T: Decodable>(_ name: String) throws -> [T] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures") else {
            throw SupportError(description: "fixture Fixtures/\(name).jsonl is missing")
        }
        return try lines(Data(contentsOf: url))
    }

    /// Sends `cases` as JSON lines to `scripts/<script> <arguments>` and decodes its JSON-lines answer.
    static func run<In: Encodable, Out: Decodable>(_ script: String, arguments: [String], cases: [In]) async throws -> [Out] {
        guard let python else { throw SupportError(description: "COLLABBENCH_REF_PYTHON is not set") }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: input) }
        let encoder = JSONEncoder()
        var payload = Data()
        for c in cases {
            payload.append(try encoder.encode(c))
            payload.append(UInt8(ascii: "\n"))
        }
        try payload.write(to: input)
        let result = try await TestProcess.run(
            python, [packageRoot.appendingPathComponent("scripts/\(script)").path] + arguments, stdin: input.path)
        guard result.status == 0 else {
            throw SupportError(description: "scripts/\(script) exited with status \(result.status): \(result.stderrText.suffix(500))")
        }
        return try lines(result.stdout)
    }

    static func lines<T: Decodable>(_ data: Data) throws -> [T] {
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(T.self, from: Data($0)) }
    }

    struct SupportError: Error, CustomStringConvertible {
        var description: String
    }
}
