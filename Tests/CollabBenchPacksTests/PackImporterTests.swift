import CollabBenchCore
import CollabBenchPacks
import Foundation
import Testing

/// One recipe of `importers-samples.jsonl`: filters, sample, seed, and the ids CPython picked.
struct SampleRecipe: Decodable, Sendable, CustomTestStringConvertible {
    struct Filters: Decodable, Sendable {
        var split: String?
        var level: Int?
        var max_tokens: Int?
        var drop_truncated: Bool?
    }

    var kind: String
    var filters: Filters
    var sample: Int
    var seed: UInt64
    var population: Int
    var ids: [String]

    var testDescription: String { "\(kind) sample \(sample) of \(population) seed \(seed)" }

    static let all: [SampleRecipe] = (try? TestFixtures.jsonLines("importers-samples.jsonl", as: SampleRecipe.self)) ?? []
}

@Suite(.timeLimit(.minutes(5)))
struct PackImporterTests {
    @Test(arguments: SampleRecipe.all)
    func samplesArePythonsRandomSample(_ recipe: SampleRecipe) throws {
        let source: PackSource
        let ids: [String]
        if recipe.kind == "math" {
            let importer = MathImporter(split: recipe.filters.split, level: recipe.filters.level)
            let r = try PackImporter(importer: importer, sample: recipe.sample, seed: recipe.seed)
                .tasks(from: TestFixtures.path("importers-math.jsonl.gz"))
            (source, ids) = (r.source, r.tasks.map(\.id))
        } else {
            let importer = ArticleImporter(
                maxTokens: recipe.filters.max_tokens, dropTruncated: recipe.filters.drop_truncated ?? false,
                countTokens: TestFixtures.wordCount)
            let r = try PackImporter(importer: importer, sample: recipe.sample, seed: recipe.seed)
                .tasks(from: TestFixtures.path("importers-articles.jsonl"))
            (source, ids) = (r.source, r.tasks.map(\.id))
        }
        #expect(ids == recipe.ids)
        #expect(source.rowsMatching == recipe.population)
        #expect(source.sample == recipe.sample)
        #expect(source.seed == recipe.seed)
    }

    @Test func theFixtureRecipesAreLoaded() {
        #expect(SampleRecipe.all.count == 7)
    }

    @Test func withoutASampleEveryMatchingRowIsKeptInFileOrder() throws {
        let result = try PackImporter(importer: MathImporter()).tasks(from: TestFixtures.path("importers-math.jsonl"))
        #expect(result.tasks.count == 39)
        #expect(result.tasks.first?.id == "train/algebra/0.json")
        #expect(result.skipped == [SkippedRecord(line: 22, id: "train/prealgebra/21.json", reason: "the solution has no non-empty \\boxed{} answer")])
        #expect(result.source.rowsSkipped == 1)
        #expect(result.source.rowsRead == 40)
        #expect(result.source.sample == nil && result.source.seed == nil)
    }

    @Test func writesAValidPackWithItsSource() throws {
        let out = try TestFixtures.temporaryDirectory() + "/packs/math-test"
        let summary = try PackImporter(importer: MathImporter(split: "test"), sample: 7, seed: 42)
            .run(from: TestFixtures.path("importers-math.jsonl.gz"), to: out)
        let pack = try PackLoader.load(directory: out)
        #expect(pack.manifest.name == "math-test")
        #expect(pack.manifest.kind == .math)
        #expect(pack.tasks.map(\.id) == summary.taskIDs)
        let source = try #require(pack.manifest.source)
        #expect(source.file == "importers-math.jsonl.gz")
        #expect(source.filters == ["split": "test"])
        #expect(source.sample == 7 && source.seed == 42 && source.rowsMatching == 26)
        #expect(source.sha256 == (try DatasetFile(path: TestFixtures.path("importers-math.jsonl.gz")).sha256))
        #expect(pack.manifest.description.contains("7 of 26 sampled with random.seed(42)"))
        // Nothing but the pack is left beside it.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: out).deletingLastPathComponent().path)
        #expect(siblings == ["math-test"])
    }

    @Test func theSameImportWritesTheSameBytes() throws {
        let base = try TestFixtures.temporaryDirectory()
        let importer = PackImporter(importer: BigCodeBenchImporter(), sample: 2, seed: 9, name: "same")
        try importer.run(from: TestFixtures.path("importers-bcb.jsonl"), to: base + "/a")
        try importer.run(from: TestFixtures.path("importers-bcb.jsonl"), to: base + "/b")
        for file in ["pack.json", "tasks.jsonl"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: base + "/a/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: base + "/b/" + file))
            #expect(a == b, "\(file)")
        }
    }

    @Test func taskLinesDecodeBackToTheSameTasks() throws {
        let out = try TestFixtures.temporaryDirectory() + "/docs"
        let importer = PackImporter(importer: ArticleImporter())
        let result = try importer.tasks(from: TestFixtures.path("importers-articles.jsonl"))
        try importer.run(from: TestFixtures.path("importers-articles.jsonl"), to: out)
        #expect(try PackLoader.load(directory: out).tasks == result.tasks)
        let firstLine = try String(contentsOfFile: out + "/tasks.jsonl", encoding: .utf8).split(separator: "\n")[0]
        #expect(firstLine.hasPrefix(#"{"id": "art-1", "prompt": "Write an article in less than 500 words about: Why Plants Lean Toward Windows", "hidden_intent": "#))
    }

    @Test func anExistingFolderIsKeptUnlessForced() throws {
        let out = try TestFixtures.temporaryDirectory()
        try "keep".write(toFile: out + "/note.txt", atomically: true, encoding: .utf8)
        let error = try #require(throws: PackImportError.self) {
            try PackImporter(importer: BigCodeBenchImporter()).run(from: TestFixtures.path("importers-bcb.jsonl"), to: out)
        }
        #expect(error.code == .outputFailure)
        #expect(error.description == "\(out): already exists; pass --force to replace it")
        #expect(FileManager.default.fileExists(atPath: out + "/note.txt"))
        try PackImporter(importer: BigCodeBenchImporter(), overwrite: true).run(from: TestFixtures.path("importers-bcb.jsonl"), to: out)
        #expect(!FileManager.default.fileExists(atPath: out + "/note.txt"))
        #expect(try PackLoader.load(directory: out).tasks.count == 3)
    }

    @Test func badInputLeavesNoPartialPack() throws {
        let base = try TestFixtures.temporaryDirectory()
        let rows = try String(contentsOfFile: TestFixtures.path("importers-bcb.jsonl"), encoding: .utf8)
        let input = base + "/in.jsonl"
        try (rows + "{\"task_id\": \"broken\"\n").write(toFile: input, atomically: true, encoding: .utf8)
        let error = try #require(throws: PackImportError.self) {
            try PackImporter(importer: BigCodeBenchImporter()).run(from: input, to: base + "/out")
        }
        #expect(error.description.hasPrefix("\(input):4: not valid JSON"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: base) == ["in.jsonl"])
    }

    @Test func duplicateIdsAmongKeptRowsAreAnError() throws {
        let row = #"{"id": "same", "title": "T", "text": "body"}"#
        let path = try TestFixtures.temporaryFile("dup.jsonl", [row, row].joined(separator: "\n"))
        let error = try #require(throws: PackImportError.self) { try PackImporter(importer: ArticleImporter()).tasks(from: path) }
        #expect(error.description == "\(path):2: duplicate id 'same' (first on line 1)")
    }

    @Test func aSampleLargerThanTheRowsIsAnError() throws {
        let error = try #require(throws: PackImportError.self) {
            try PackImporter(importer: BigCodeBenchImporter(), sample: 4).tasks(from: TestFixtures.path("importers-bcb.jsonl"))
        }
        #expect(error.code == .invalidOption)
        #expect(error.message.contains("cannot sample 4 rows: only 3 pass the filters"))
        let none = try #require(throws: PackImportError.self) {
            try PackImporter(importer: MathImporter(level: 9)).tasks(from: TestFixtures.path("importers-math.jsonl"))
        }
        #expect(none.message == "no record passes the filters; nothing to import")
    }
}
