import CollabBenchCore
import CollabBenchPacks
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct PackValidatorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func tempPack(manifest: String, tasks: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-pack-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try manifest.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
        try tasks.write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    @Test(arguments: ["math", "code", "docs"])
    func builtInPacksAreValid(_ name: String) throws {
        let report = PackValidator.validate(directory: Self.root + "/Tasks/" + name)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let pack = try #require(report.pack)
        #expect(pack.manifest.name == name)
        #expect(pack.tasks.count >= 3)
    }

    @Test func reportsEveryProblemWithFileAndLine() throws {
        let task = { (id: String, prompt: String) in
            #"{"id":"\#(id)","prompt":"\#(prompt)","hidden_intent":"h","reference":{"text":"s","answer":"1"}}"#
        }
        let dir = try tempPack(
            manifest: #"{"name":"p","version":"1","kind":"math","description":"d"}"#,
            tasks: [task("a", "q"), "{not json", task("a", "q2"), task("b", ""), #"{"id":"c","prompt":"q","hidden_intent":"h","reference":{"text":"s"}}"#].joined(separator: "\n"))
        let report = PackValidator.validate(directory: dir)
        let lines = report.problems.map(\.line)
        #expect(lines == [2, 3, 4, 5])
        #expect(report.problems[0].description.hasPrefix(dir + "/tasks.jsonl:2: invalid task"))
        #expect(report.problems[1].message.contains("duplicate id (first on line 1)"))
        #expect(report.problems[2].message.contains("empty prompt"))
        #expect(report.problems[3].message.contains("needs reference.answer"))
    }

    @Test func loadFailsWithOneClearLine() throws {
        let dir = try tempPack(manifest: #"{"name":"p","version":"1","kind":"poetry"}"#, tasks: "")
        #expect {
            try PackLoader.load(directory: dir)
        } throws: { error in
            let e = error as? CollabBenchError
            return e?.code == .malformedPack && e!.message.contains("pack.json") && !e!.message.contains("\n")
        }
    }

    @Test func unknownPackNamesWhereItLooked() {
        #expect {
            try PackLoader.resolve("no-such-pack", environment: [:])
        } throws: { error in
            (error as? CollabBenchError)?.code == .unknownPack && "\(error)".contains("built-in packs")
        }
    }

    @Test func contentHashChangesWithContent() throws {
        let a = try tempPack(manifest: #"{"name":"p","version":"1","kind":"docs"}"#, tasks: #"{"id":"a","prompt":"q","hidden_intent":"h","reference":{"text":"s"}}"#)
        let b = try tempPack(manifest: #"{"name":"p","version":"1","kind":"docs"}"#, tasks: #"{"id":"a","prompt":"q","hidden_intent":"h","reference":{"text":"t"}}"#)
        #expect(try PackLoader.load(directory: a).contentHash != PackLoader.load(directory: b).contentHash)
    }
}

@Suite(.timeLimit(.minutes(5)))
struct PackResolutionTests {
    @Test func aBareNameIsAPackNameEvenWhenAFolderOfThatNameExists() throws {
        // The project has a docs/ folder for documentation; `--pack docs` must still mean the pack.
        let resolved = try PackLoader.resolve("docs", environment: ["COLLABBENCH_TASKS_DIR": PackValidatorTests.root + "/Tasks"])
        #expect(resolved.hasSuffix("Tasks/docs"))
    }
}

@Suite(.timeLimit(.minutes(5)))
struct PackValidatorImportTests {
    @Test func aCodeTestWithoutTestCasesIsReported() throws {
        let dir = try PackValidatorTests().tempPack(
            manifest: #"{"name":"c","version":"1","kind":"code"}"#,
            tasks: #"{"id":"a","prompt":"q","hidden_intent":"h","reference":{"text":"def f(): pass","test":"import unittest\nclass Tests(unittest.TestCase): pass","entry_point":"f"}}"#)
        let report = PackValidator.validate(directory: dir)
        #expect(report.problems.map(\.description) == ["\(dir)/tasks.jsonl:1: task 'a': reference.test defines no 'class TestCases' (the unittest class the sandbox runs)"])
    }

    @Test func aSampledPackMustHoldItsSample() throws {
        let dir = try PackValidatorTests().tempPack(
            manifest: #"{"name":"d","version":"1","kind":"docs","source":{"dataset":"articles","file":"a.jsonl","sha256":"00","rows_read":5,"rows_matching":5,"sample":2,"seed":42}}"#,
            tasks: #"{"id":"a","prompt":"q","hidden_intent":"h","reference":{"text":"t"}}"#)
        let report = PackValidator.validate(directory: dir)
        #expect(report.problems.map(\.description) == ["\(dir)/pack.json: source.sample says 2 tasks were sampled, but tasks.jsonl holds 1"])
        #expect(report.pack?.manifest.source?.seed == 42)
    }
}
