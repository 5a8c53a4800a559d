import CollabBenchCore
import CollabBenchRunner
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct PricingFileTests {
    /// Writes `text` to a fresh file under the temporary directory and returns its path.
    private func writeTemp(_ text: String, ext: String = "yaml") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("collabbench-pricing-\(UUID().uuidString).\(ext)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    private func price(_ input: Double, _ output: Double) -> ModelPrice {
        ModelPrice(inputPerMillion: input, outputPerMillion: output)
    }

    // MARK: - Good files

    @Test func readsYAML() throws {
        let path = try writeTemp(
            """
            # prices in US dollars per million tokens
            models:
              openai/gpt-4o: {input: 2.5, output: 10}
              my-finetune:
                input: 0.3
                output: 1.2
              free-local: {input: 0, output: 0}
            """)
        defer { remove(path) }
        let table = try PricingFile.load(path: path)
        #expect(
            table.entries == [
                "openai/gpt-4o": price(2.5, 10), "my-finetune": price(0.3, 1.2), "free-local": price(0, 0),
            ])
        #expect(table.price(for: ModelSpec(provider: "openai", model: "my-finetune")) == price(0.3, 1.2))
        #expect(table.price(for: ModelSpec(provider: "anthropic", model: "gpt-4o")) == nil)
    }

    @Test func readsJSON() throws {
        let path = try writeTemp(#"{"models": {"my-finetune": {"input": 0.3, "output": 1.2}, "big": {"input": 3, "output": 15}}}"#, ext: "json")
        defer { remove(path) }
        let table = try PricingFile.load(path: path)
        #expect(table.entries == ["my-finetune": price(0.3, 1.2), "big": price(3, 15)])
    }

    @Test func emptyModelsIsAnEmptyTable() throws {
        let path = try writeTemp("models: {}\n")
        defer { remove(path) }
        #expect(try PricingFile.load(path: path).entries.isEmpty)
    }

    @Test func userFileOverridesBuiltin() throws {
        let path = try writeTemp("models:\n  gpt-4o: {input: 1, output: 4}\n")
        defer { remove(path) }
        let table = PricingTable.builtin.merging(try PricingFile.load(path: path))
        #expect(table.price(for: ModelSpec(provider: "openai", model: "gpt-4o-2024-08-06")) == price(1, 4))
        #expect(table.price(for: ModelSpec(provider: "openai", model: "gpt-4o-mini"))?.listPrice == price(0.15, 0.6))
    }

    // MARK: - Bad files: one line naming file and line

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var mentions: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "empty file", text: "", line: 1, mentions: "empty"),
        BadCase(name: "not YAML", text: "models:\n  a: {input: 1, output: 2\n  b: [\n", line: 3, mentions: "not valid YAML"),
        BadCase(name: "not a mapping", text: "- a\n- b\n", line: 1, mentions: "mapping"),
        BadCase(name: "missing models", text: "{}\n", line: 1, mentions: "no 'models'"),
        BadCase(name: "unknown top-level key", text: "models:\n  a: {input: 1, output: 2}\nnotes: cheap\n", line: 3, mentions: "unknown key 'notes'"),
        // Exact duplicates are caught by Yams; reported at the first occurrence.
        BadCase(name: "models twice", text: "models: {}\nmodels: {}\n", line: 1, mentions: "'models' given more than once"),
        BadCase(name: "same model twice", text: "models:\n  gpt-x: {input: 1, output: 2}\n  gpt-x: {input: 1, output: 3}\n", line: 2, mentions: "'gpt-x' given more than once"),
        BadCase(name: "models not a mapping", text: "models:\n  - gpt-4o\n", line: 2, mentions: "'models' must be a mapping"),
        BadCase(name: "model not a mapping", text: "models:\n  gpt-x: 3\n", line: 2, mentions: "must be a mapping"),
        BadCase(name: "missing output", text: "models:\n  gpt-x: {input: 1}\n", line: 2, mentions: "no 'output'"),
        BadCase(name: "missing input", text: "models:\n  ok: {input: 1, output: 2}\n  gpt-x:\n    output: 1\n", line: 4, mentions: "no 'input'"),
        BadCase(name: "negative price", text: "models:\n  gpt-x:\n    input: -1\n    output: 2\n", line: 3, mentions: "non-negative number"),
        BadCase(name: "non-numeric price", text: "models:\n  gpt-x: {input: cheap, output: 2}\n", line: 2, mentions: "'input' must be"),
        BadCase(name: "quoted number", text: "models:\n  gpt-x:\n    input: 1\n    output: \"2\"\n", line: 4, mentions: "'output' must be"),
        BadCase(name: "infinite price", text: "models:\n  gpt-x: {input: .inf, output: 2}\n", line: 2, mentions: "'input' must be"),
        BadCase(name: "unknown model key", text: "models:\n  gpt-x: {input: 1, output: 2, cached: 0.5}\n", line: 2, mentions: "unknown key 'cached'"),
        BadCase(name: "model listed twice", text: "models:\n  gpt-x: {input: 1, output: 2}\n  GPT-X: {input: 1, output: 2}\n", line: 3, mentions: "also on line 2"),
        BadCase(name: "empty provider part", text: "models:\n  /gpt-x: {input: 1, output: 2}\n", line: 2, mentions: "provider/model"),
    ]

    @Test(arguments: badCases)
    func badFileGivesOneLineWithPathAndLine(_ bad: BadCase) throws {
        let path = try writeTemp(bad.text)
        defer { remove(path) }
        let error = try #require(throws: CollabBenchError.self) { try PricingFile.load(path: path) }
        #expect(error.code == .invalidArgument)
        #expect(!error.message.contains("\n"), "one line: \(error.message)")
        #expect(error.message.hasPrefix("\(path):\(bad.line): "), "\(error.message)")
        #expect(error.message.contains(bad.mentions), "\(error.message)")
    }

    @Test func unreadableFileNamesThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-no-such-\(UUID().uuidString).yaml").path
        let error = try #require(throws: CollabBenchError.self) { try PricingFile.load(path: path) }
        #expect(error.code == .invalidArgument)
        #expect(error.message == "\(path): cannot read the pricing file")
    }

    @Test func nonUTF8FileIsRejected() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-pricing-\(UUID().uuidString).yaml")
        try Data([0x6D, 0xFF, 0xFE, 0x0A]).write(to: url)
        defer { remove(url.path) }
        let error = try #require(throws: CollabBenchError.self) { try PricingFile.load(path: url.path) }
        #expect(error.message.hasPrefix("\(url.path):1: "))
    }
}
