import CollabBenchCore
import CollabBenchPacks
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct BigCodeBenchImporterTests {
    @Test func recordsBecomeCodeTasks() throws {
        let file = try DatasetFile(path: TestFixtures.path("importers-bcb.jsonl"))
        let decisions = try file.records.map { try BigCodeBenchImporter().decide($0) }
        guard case .keep(let task) = decisions[0] else {
            Issue.record("expected a task")
            return
        }
        let row = file.records[0]
        #expect(task.id == "Fixture/0")
        #expect(task.prompt == (try row.string("instruct_prompt")))
        #expect(task.hiddenIntent == task.prompt)
        #expect(task.reference.text == (try row.string("code_prompt")) + (try row.string("canonical_solution")))
        #expect(task.reference.test == (try row.string("test")))
        #expect(task.reference.entryPoint == "task_func")
        #expect(task.reference.codePrompt == "from collections import Counter\ndef task_func(words):\n")
        #expect(task.reference.answer == nil)
        #expect(task.metadata == ["source": "BigCodeBench", "libs": "['collections']"])
        #expect(decisions.count == 3)
    }

    @Test func libsGivenAsAListAreWrittenAsTheHubsString() throws {
        let json = #"{"task_id": "X/1", "instruct_prompt": "i", "code_prompt": "def f():\n", "canonical_solution": "    pass\n", "test": "class TestCases: pass", "entry_point": "f", "libs": ["os", "it's"]}"#
        let r = DatasetRecord(file: "b.jsonl", line: 1, index: 1, fields: try JSONDecoder().decode([String: DatasetValue].self, from: Data(json.utf8)))
        guard case .keep(let task) = try BigCodeBenchImporter().decide(r) else {
            Issue.record("expected a task")
            return
        }
        #expect(task.metadata["libs"] == #"['os', 'it\'s']"#)
    }

    @Test func aMissingTestIsAnError() throws {
        let json = #"{"task_id": "X/1", "instruct_prompt": "i", "code_prompt": "c", "canonical_solution": "s", "entry_point": "f"}"#
        let path = try TestFixtures.temporaryFile("bcb.jsonl", "\n" + json + "\n")
        let error = try #require(throws: PackImportError.self) {
            try PackImporter(importer: BigCodeBenchImporter()).tasks(from: path)
        }
        #expect(error.description == "\(path):2: missing field 'test'")
    }
}
