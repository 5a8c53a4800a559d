import CollabBenchCore
import Foundation

/// Imports BigCodeBench records (any v0.1.x release, including the `v0.1.0_hf` file, which has the
/// same fields): `task_id`, `instruct_prompt`, `code_prompt`, `canonical_solution`, `test`,
/// `entry_point`, and optionally `libs`.
///
/// The simulated user sees the natural-language `instruct_prompt` (never the tests or the
/// solution); the reference program is `code_prompt + canonical_solution`, checked by `test`.
public struct BigCodeBenchImporter: DatasetImporter {
    /// Creates a BigCodeBench importer.
    public init() {}

    public var kind: TaskKind { .code }
    public var datasetName: String { "BigCodeBench" }
    public var filters: [String: String] { [:] }
    public var rowsDescription: String { "BigCodeBench tasks" }

    public func decide(_ record: DatasetRecord) throws(PackImportError) -> RecordDecision {
        let id = try record.string("task_id")
        let instruct = try record.string("instruct_prompt")
        let codePrompt = try record.string("code_prompt")
        let solution = try record.string("canonical_solution")
        let test = try record.string("test")
        let entryPoint = try record.string("entry_point")
        var metadata = ["source": "BigCodeBench"]
        if let libs = try Self.libs(record) { metadata["libs"] = libs }
        return .keep(
            BenchmarkTask(
                id: id, prompt: instruct, hiddenIntent: instruct,
                reference: TaskReference(
                    text: codePrompt + solution, test: test, entryPoint: entryPoint, codePrompt: codePrompt),
                metadata: metadata))
    }

    /// The `libs` field as the hub spells it: a Python-literal list in a string (`"['os', 're']"`).
    /// A JSON array of strings is written in that form too.
    private static func libs(_ record: DatasetRecord) throws(PackImportError) -> String? {
        switch record.fields["libs"] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .array(let items)?:
            var names: [String] = []
            for item in items {
                guard case .string(let name) = item else {
                    throw PackImportError(.invalidField, file: record.file, line: record.line, "field 'libs' must list strings")
                }
                names.append("'" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'")
            }
            return "[" + names.joined(separator: ", ") + "]"
        case let value?:
            throw PackImportError(.invalidField, file: record.file, line: record.line, "field 'libs' must be a string or a list of strings, found \(value.typeName)")
        }
    }
}
