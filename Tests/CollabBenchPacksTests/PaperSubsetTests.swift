import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import Foundation
import Testing

/// One line of `importers-paper-subsets.jsonl` (written by `scripts/paper-subset-ids.py`).
struct PaperSubset: Decodable, Sendable, CustomTestStringConvertible {
    struct Filters: Decodable, Sendable {
        var split: String?
        var level: Int?
        var max_tokens: Int?
        var drop_truncated: Bool?
    }

    var recipe: String
    var kind: String
    var file: String
    var file_sha256: String
    var filters: Filters
    var rows_read: Int
    var rows_matching: Int
    var sample: Int
    var seed: UInt64
    var ids: [String]

    var testDescription: String { recipe }

    static let all: [PaperSubset] = (try? TestFixtures.jsonLines("importers-paper-subsets.jsonl", as: PaperSubset.self)) ?? []
}

/// Rebuilds the CollabLLM paper's subsets from the shared data and checks that the importers pick
/// exactly the ids CPython's `random.seed(42); random.sample(rows, n)` picks.
@Suite(.timeLimit(.minutes(5)), .enabled(if: TestFixtures.sharedData != nil, "needs the shared data (COLLABBENCH_SHARED_DATA or ../shared/data)"))
struct PaperSubsetTests {
    static let cl100k: BPETokenizer? = {
        guard let shared = TestFixtures.sharedData,
            let bytes = FileManager.default.contents(atPath: shared + "/tokenizers/cl100k_base.tiktoken")
        else { return nil }
        return try? BPETokenizer(encoding: .cl100kBase, rankFile: [UInt8](bytes))
    }()

    @Test func theFixtureHoldsThePapersSubsets() {
        #expect(PaperSubset.all.map(\.recipe) == ["math-paper", "math-paper-level5-file", "code-paper", "docs-paper", "docs-paper-complete"])
        #expect(PaperSubset.all.map(\.ids.count) == [200, 200, 600, 100, 100])
    }

    @Test(arguments: PaperSubset.all)
    func importersPickWhatCPythonPicks(_ subset: PaperSubset) throws {
        let shared = try #require(TestFixtures.sharedData)
        let path = shared + "/" + subset.file
        let file = try DatasetFile(path: path)
        #expect(file.sha256 == subset.file_sha256, "the shared file changed; re-run scripts/paper-subset-ids.py")
        let source: PackSource
        let ids: [String]
        switch subset.kind {
        case "math":
            let r = try PackImporter(importer: MathImporter(split: subset.filters.split, level: subset.filters.level), sample: subset.sample, seed: subset.seed).tasks(from: file)
            (source, ids) = (r.source, r.tasks.map(\.id))
        case "code":
            let r = try PackImporter(importer: BigCodeBenchImporter(), sample: subset.sample, seed: subset.seed).tasks(from: file)
            (source, ids) = (r.source, r.tasks.map(\.id))
        default:
            let tokenizer = try #require(Self.cl100k, "needs shared/data/tokenizers/cl100k_base.tiktoken")
            let importer = ArticleImporter(
                maxTokens: subset.filters.max_tokens, dropTruncated: subset.filters.drop_truncated ?? false,
                countTokens: { tokenizer.count($0) })
            let r = try PackImporter(importer: importer, sample: subset.sample, seed: subset.seed).tasks(from: file)
            (source, ids) = (r.source, r.tasks.map(\.id))
        }
        #expect(source.rowsRead == subset.rows_read)
        #expect(source.rowsMatching == subset.rows_matching)
        #expect(ids.count == subset.ids.count)
        #expect(Self.firstDifference(ids, subset.ids) == nil)
    }

    /// `position N: got A, CPython picked B` for the first differing position, or nil.
    static func firstDifference(_ ours: [String], _ python: [String]) -> String? {
        guard let k = zip(ours, python).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else { return nil }
        return "position \(k): got \(ours[k]), CPython picked \(python[k])"
    }

    @Test func everyMathAnswerIsTheDatasetsBoxedAnswer() throws {
        let shared = try #require(TestFixtures.sharedData)
        let file = try DatasetFile(path: shared + "/math/math_all.jsonl.gz")
        let result = try PackImporter(importer: MathImporter()).tasks(from: file)
        var answers: [String: String] = [:]
        for record in file.records { answers[try record.string("id")] = try record.string("answer", allowEmpty: true) }
        let disagreeing = result.tasks.filter { $0.reference.answer != answers[$0.id]?.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(result.tasks.count == 12_498)
        #expect(result.skipped.map(\.id) == ["train/number_theory/7115.json", "train/number_theory/7117.json"])
        #expect(disagreeing.map(\.id) == [])
    }

    @Test(arguments: ["v0.1.0_hf", "v0.1.2", "v0.1.4"])
    func everyBigCodeBenchReleaseImports(_ version: String) throws {
        let shared = try #require(TestFixtures.sharedData)
        let result = try PackImporter(importer: BigCodeBenchImporter())
            .tasks(from: shared + "/bigcodebench/BigCodeBench-\(version).jsonl.gz")
        #expect(result.tasks.count == 1140)
        #expect(result.tasks.allSatisfy { $0.reference.test?.contains("class TestCases") == true })
    }
}
