import CollabBenchMetrics
import Foundation
import Testing

@Suite("PythonRandom (CPython 3.11 random.Random)", .timeLimit(.minutes(5)))
struct PythonRandomTests {
    private struct StreamCase: Decodable {
        var seed: UInt64
        var getrandbits: [[UInt64]]
        var random: [Double]
    }

    private struct SampleCase: Decodable {
        var seed: UInt64
        var n: Int
        var k: Int
        var sample: [Int]
    }

    private struct ShuffleCase: Decodable {
        var seed: UInt64
        var n: Int
        var shuffled: [Int]
    }

    @Test("getrandbits and random() follow CPython's stream")
    func stream() throws {
        let cases: [StreamCase] = try BLEUTestSupport.fixture("random-stream")
        #expect(cases.count >= 10)
        for item in cases {
            var random = PythonRandom(seed: item.seed)
            for pair in item.getrandbits {
                #expect(
                    random.getrandbits(Int(pair[0])) == pair[1], "seed \(item.seed), k \(pair[0])")
            }
            for expected in item.random {
                #expect(random.random() == expected, "seed \(item.seed)")
            }
        }
    }

    @Test("sample picks what random.Random(seed).sample picks")
    func sample() throws {
        let cases: [SampleCase] = try BLEUTestSupport.fixture("random-sample")
        #expect(cases.count >= 15)
        for item in cases {
            var random = PythonRandom(seed: item.seed)
            #expect(
                random.sample(Array(0..<item.n), count: item.k) == item.sample,
                "seed \(item.seed), n \(item.n), k \(item.k)")
        }
    }

    @Test("the paper's subsets: random.seed(42); random.sample(rows, n)")
    func paperSubsets() throws {
        let cases: [SampleCase] = try BLEUTestSupport.fixture("random-sample")
        for (n, k) in [(1_324, 200), (1_140, 600), (1_390, 100)] {
            let expected = try #require(cases.first { $0.seed == 42 && $0.n == n && $0.k == k })
            var random = PythonRandom(seed: 42)
            let rows = (0..<n).map { "row-\($0)" }
            #expect(random.sample(rows, count: k) == expected.sample.map { "row-\($0)" })
        }
    }

    @Test("shuffle matches random.Random(seed).shuffle")
    func shuffle() throws {
        let cases: [ShuffleCase] = try BLEUTestSupport.fixture("random-shuffle")
        for item in cases {
            var random = PythonRandom(seed: item.seed)
            var elements = Array(0..<item.n)
            random.shuffle(&elements)
            #expect(elements == item.shuffled, "seed \(item.seed), n \(item.n)")
        }
    }

    @Test("samples are distinct members, and the same seed gives the same sample")
    func sampleProperties() {
        for (n, k) in [(1, 1), (10, 0), (21, 21), (22, 5), (300, 12), (5_000, 4_999)] {
            let population = (0..<n).map { $0 * 7 }
            var first = PythonRandom(seed: UInt64(n * 31 + k))
            var second = PythonRandom(seed: UInt64(n * 31 + k))
            let picked = first.sample(population, count: k)
            #expect(picked.count == k)
            #expect(Set(picked).count == k)
            #expect(picked.allSatisfy { $0 % 7 == 0 && $0 < 7 * n })
            #expect(second.sample(population, count: k) == picked)
        }
    }

    @Test("seeds differ in every 32-bit word, including 0 and values above 2^32")
    func seeds() {
        var outputs: Set<UInt64> = []
        for seed: UInt64 in [0, 1, 1 << 32, (1 << 32) + 1, .max] {
            var random = PythonRandom(seed: seed)
            outputs.insert(random.getrandbits(64))
        }
        #expect(outputs.count == 5)
        // First output of random.Random(0).getrandbits(32), as in CPython.
        var zero = PythonRandom(seed: 0)
        #expect(zero.getrandbits(32) == 3_626_764_237)
    }

    @Test("randbelow stays below its bound")
    func randbelow() {
        var random = PythonRandom(seed: 7)
        for bound in [1, 2, 3, 5, 1_000, 1 << 40, Int.max] {
            for _ in 0..<200 { #expect(random.randbelow(bound) < bound) }
        }
    }

    @Test(
        "matches CPython on many seeds, populations 1...5000 and every k regime",
        .enabled(if: BLEUTestSupport.referencePython != nil, "needs COLLABBENCH_REF_PYTHON"))
    func liveCPython() async throws {
        let data = try await BLEUTestSupport.runReference(
            script: "make-random-fixtures.py", arguments: ["--live", "OUT", "--cases", "1500"])
        let cases: [SampleCase] = try BLEUTestSupport.jsonLines(data)
        #expect(cases.count >= 1_500)
        var mismatches: [String] = []
        for item in cases {
            var random = PythonRandom(seed: item.seed)
            if random.sample(Array(0..<item.n), count: item.k) != item.sample {
                mismatches.append("seed \(item.seed) n \(item.n) k \(item.k)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(5))")
    }
}
