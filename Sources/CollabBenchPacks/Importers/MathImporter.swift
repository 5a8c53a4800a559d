import CollabBenchCore
import CollabBenchMetrics

/// Imports MATH (Hendrycks et al.) records: `id`, `problem`, `solution`, `level`, `type`, and
/// optionally `split` and `subject`.
///
/// The simulated user's hidden intent is the problem; the reference is the full solution, and
/// its answer the content of the solution's last `\boxed{}`. A record whose solution has no
/// non-empty box (two MATH training problems have `\boxed{}`) is skipped and reported.
///
/// ```swift
/// let importer = MathImporter(split: "test", level: 5)   // the paper's population
/// ```
public struct MathImporter: DatasetImporter {
    /// Keep only records whose `split` field equals this (`train`, `test`), when set.
    public var split: String?
    /// Keep only records of this level (`level` is `"Level 5"` or `5`), when set.
    public var level: Int?

    /// Creates a MATH importer with optional filters.
    public init(split: String? = nil, level: Int? = nil) {
        self.split = split
        self.level = level
    }

    public var kind: TaskKind { .math }
    public var datasetName: String { "MATH" }

    public var filters: [String: String] {
        var f: [String: String] = [:]
        if let split { f["split"] = split }
        if let level { f["level"] = String(level) }
        return f
    }

    public var rowsDescription: String {
        var words = ["MATH"]
        if let level { words.append("level-\(level)") }
        if let split { words.append(split) }
        words.append("problems")
        return words.joined(separator: " ")
    }

    public func decide(_ record: DatasetRecord) throws(PackImportError) -> RecordDecision {
        let id = try record.string("id")
        let problem = try record.string("problem")
        let solution = try record.string("solution")
        let levelText = try Self.levelText(record)
        if level != nil && levelText == nil {
            throw PackImportError(.missingField, file: record.file, line: record.line, "missing field 'level' (needed to select by level)")
        }
        let type = try record.optionalString("type")
        let subject = try record.optionalString("subject")
        let recordSplit = try record.optionalString("split")
        if split != nil && recordSplit == nil {
            throw PackImportError(.missingField, file: record.file, line: record.line, "missing field 'split' (needed by --split)")
        }
        if let split, recordSplit != split { return .filteredOut }
        if let level, Self.levelNumber(levelText) != level { return .filteredOut }
        guard let answer = MathAnswer.lastBoxed(in: solution), !answer.allSatisfy(\.isWhitespace) else {
            return .skipped(id: id, reason: "the solution has no non-empty \\boxed{} answer")
        }
        var metadata = ["source": "MATH"]
        if let levelText { metadata["level"] = levelText }
        if let type { metadata["type"] = type }
        if let subject { metadata["subject"] = subject }
        if let recordSplit { metadata["split"] = recordSplit }
        return .keep(
            BenchmarkTask(
                id: id, prompt: problem, hiddenIntent: problem,
                reference: TaskReference(text: solution, answer: answer), metadata: metadata))
    }

    /// The `level` field as text (`"Level 5"`, or `"5"` for a number); nil when absent.
    private static func levelText(_ record: DatasetRecord) throws(PackImportError) -> String? {
        switch record.fields["level"] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .number(let n)? where n == n.rounded(): return String(Int(n))
        case let value?:
            throw PackImportError(.invalidField, file: record.file, line: record.line, "field 'level' must be a string such as \"Level 5\" or a number, found \(value.typeName)")
        }
    }

    /// The number in a level text: `"Level 5"` → 5, `"5"` → 5, `"Level ?"` → nil.
    static func levelNumber(_ text: String?) -> Int? {
        guard let text else { return nil }
        let digits = text.reversed().prefix(while: \.isNumber)
        guard !digits.isEmpty else { return nil }
        return Int(String(digits.reversed()))
    }
}
