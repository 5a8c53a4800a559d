import CollabBenchCore
import CollabBenchPacks
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ArticleImporterTests {
    @Test func theLayoutIsTheBuiltInDocsPacks() throws {
        let root = TestFixtures.testsDirectory.deletingLastPathComponent().deletingLastPathComponent().path
        let pack = try PackLoader.load(directory: root + "/Tasks/docs")
        for task in pack.tasks {
            let title = try #require(task.metadata["title"])
            #expect(task.prompt == ArticleImporter.prompt(title: title))
            #expect(task.hiddenIntent == ArticleImporter.hiddenIntent(title: title, article: task.reference.text))
        }
    }

    @Test func recordsBecomeDocsTasks() throws {
        let result = try PackImporter(importer: ArticleImporter()).tasks(from: TestFixtures.path("importers-articles.jsonl"))
        #expect(result.tasks.count == 8)
        let task = result.tasks[2]
        #expect(task.id == "art-3")
        #expect(task.prompt == "Write an article in less than 500 words about: A Short Note on \"Quotes\"")
        #expect(task.hiddenIntent == task.prompt + "\n\nThe article you have in mind:\n" + task.reference.text)
        #expect(task.reference.text == "Writers quote, \"borrow\", and cite. A quotation should be short, exact and attributed.")
        #expect(task.metadata == ["source": "articles", "title": "A Short Note on \"Quotes\""])
    }

    @Test func csvWithoutIdsNumbersTheRows() throws {
        let csv = try PackImporter(importer: ArticleImporter()).tasks(from: TestFixtures.path("importers-articles.csv"))
        let json = try PackImporter(importer: ArticleImporter()).tasks(from: TestFixtures.path("importers-articles.jsonl"))
        #expect(csv.tasks.map(\.id) == (1...8).map { "row-\($0)" })
        #expect(csv.tasks.map(\.hiddenIntent) == json.tasks.map(\.hiddenIntent))
    }

    @Test func tokenLimitAndTruncationFilters() throws {
        let importer = ArticleImporter(maxTokens: 20, dropTruncated: true, countTokens: TestFixtures.wordCount, tokenEncoding: "words")
        let result = try PackImporter(importer: importer).tasks(from: TestFixtures.path("importers-articles.csv"))
        #expect(result.tasks.map(\.id) == ["row-2", "row-3", "row-6"])
        #expect(result.tasks[0].metadata["tokens"] == "17")
        #expect(result.source.filters == ["max_tokens": "20 (words)", "drop_truncated": "true"])
        #expect(result.source.rowsMatching == 3)
        #expect(result.source.rowsRead == 8)
    }

    @Test func aMissingTitleIsAnError() throws {
        let path = try TestFixtures.temporaryFile("a.jsonl", #"{"id": "x", "text": "t"}"# + "\n")
        let error = try #require(throws: PackImportError.self) { try PackImporter(importer: ArticleImporter()).tasks(from: path) }
        #expect(error.description == "\(path):1: missing field 'title'")
    }
}
