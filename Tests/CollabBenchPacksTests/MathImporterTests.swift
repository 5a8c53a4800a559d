import CollabBenchCore
import CollabBenchPacks
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct MathImporterTests {
    func record(_ json: String, line: Int = 4) throws -> DatasetRecord {
        let fields = try JSONDecoder().decode([String: DatasetValue].self, from: Data(json.utf8))
        return DatasetRecord(file: "m.jsonl", line: line, index: 1, fields: fields)
    }

    @Test func aRecordBecomesATaskWithTheLastBoxedAnswer() throws {
        let r = try record(#"{"id": "test/algebra/7.json", "split": "test", "subject": "algebra", "type": "Algebra", "level": "Level 5", "problem": "Find $x$.", "solution": "First $\\boxed{1}$, then $x = \\boxed{\\frac{1}{2}}$."}"#)
        guard case .keep(let task) = try MathImporter().decide(r) else {
            Issue.record("expected a task")
            return
        }
        #expect(task.id == "test/algebra/7.json")
        #expect(task.prompt == "Find $x$.")
        #expect(task.hiddenIntent == task.prompt)
        #expect(task.reference.text == "First $\\boxed{1}$, then $x = \\boxed{\\frac{1}{2}}$.")
        #expect(task.reference.answer == "\\frac{1}{2}")
        #expect(task.metadata == ["source": "MATH", "level": "Level 5", "type": "Algebra", "subject": "algebra", "split": "test"])
    }

    @Test func filtersOnSplitAndLevel() throws {
        let r = try record(#"{"id": "a", "split": "train", "level": "Level 5", "type": "T", "problem": "p", "solution": "\\boxed{1}"}"#)
        #expect(try MathImporter(split: "test").decide(r) == .filteredOut)
        #expect(try MathImporter(level: 4).decide(r) == .filteredOut)
        #expect(try MathImporter(split: "train", level: 5).decide(r) != .filteredOut)
        let unknown = try record(#"{"id": "a", "split": "train", "level": "Level ?", "type": "T", "problem": "p", "solution": "\\boxed{1}"}"#)
        #expect(try MathImporter(level: 5).decide(unknown) == .filteredOut)
        let numeric = try record(#"{"id": "a", "level": 3, "type": "T", "problem": "p", "solution": "\\boxed{1}"}"#)
        #expect(try MathImporter(level: 3).decide(numeric) != .filteredOut)
    }

    @Test func anEmptyBoxIsSkippedNotFatal() throws {
        let r = try record(#"{"id": "train/nt/7115.json", "level": "Level 5", "type": "T", "problem": "p", "solution": "So there are $\\boxed{}$ primes."}"#)
        #expect(try MathImporter().decide(r) == .skipped(id: "train/nt/7115.json", reason: "the solution has no non-empty \\boxed{} answer"))
    }

    @Test func missingFieldsNameFileLineAndField() throws {
        let r = try record(#"{"id": "a", "level": "Level 5", "type": "T", "problem": "p"}"#)
        let error = try #require(throws: PackImportError.self) { try MathImporter().decide(r) }
        #expect(error.description == "m.jsonl:4: missing field 'solution'")
        let noSplit = try record(#"{"id": "a", "level": "Level 5", "problem": "p", "solution": "\\boxed{1}"}"#)
        let e2 = try #require(throws: PackImportError.self) { try MathImporter(split: "test").decide(noSplit) }
        #expect(e2.description == "m.jsonl:4: missing field 'split' (needed by --split)")
        let badLevel = try record(#"{"id": "a", "level": [5], "problem": "p", "solution": "\\boxed{1}"}"#)
        let e3 = try #require(throws: PackImportError.self) { try MathImporter().decide(badLevel) }
        #expect(e3.code == .invalidField)
    }
}
