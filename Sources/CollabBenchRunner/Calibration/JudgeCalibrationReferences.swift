import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import Foundation

/// The MATH reference solutions of the math-tutoring conversations, for the correctness check of
/// `calibrate judge`.
///
/// The importer restores each problem's text into the conversation's hidden intent (`Problem: …`,
/// then `Then a similar problem: …` when the student moved on, then `Your own math background: …`);
/// the solutions are found again by that text in the same MATH file (`--math`), so stores
/// imported before this check need no re-import.
public struct JudgeCalibrationReferences: Sendable, Hashable {
    /// Problem text → its reference solution.
    public var solutions: [String: String]
    /// SHA-256 of the MATH file.
    public var fileHash: String

    /// Creates references from problem → solution pairs.
    public init(solutions: [String: String], fileHash: String = "") {
        self.solutions = solutions
        self.fileHash = fileHash
    }

    /// Reads every `problem` / `solution` pair of a MATH file (JSON Lines, gzipped or not).
    /// - Throws: ``CollabBenchError`` when the file cannot be read.
    public static func load(mathFile: String) throws -> JudgeCalibrationReferences {
        let file: DatasetFile
        do { file = try DatasetFile(path: mathFile) } catch {
            throw CollabBenchError(.missingFile, "\(error.description) (the MATH file the reference answers are read from)")
        }
        var solutions: [String: String] = [:]
        for record in file.records {
            if case .string(let problem)? = record.fields["problem"], case .string(let solution)? = record.fields["solution"] {
                solutions[problem] = solution
            }
        }
        return JudgeCalibrationReferences(solutions: solutions, fileHash: file.sha256)
    }

    /// One problem of a conversation and its reference.
    public struct Problem: Sendable, Hashable {
        /// The problem text.
        public var problem: String
        /// The reference solution.
        public var solution: String
        /// The content of the solution's last `\boxed{}`, when it has one.
        public var answer: String? { MathAnswer.lastBoxed(in: solution) }
    }

    /// The problems named in a math conversation's hidden intent that the MATH file holds: the
    /// first problem, then the similar one when the student moved on to it.
    public func problems(inHiddenIntent intent: String) -> [Problem] {
        let prefix = "Problem: "
        guard intent.hasPrefix(prefix) else { return [] }
        var body = Substring(intent.dropFirst(prefix.count))
        if let background = body.range(of: "\nYour own math background: ", options: .backwards) { body = body[..<background.lowerBound] }
        var texts = [String(body)]
        if solutions[texts[0]] == nil, let similar = body.range(of: "\nThen a similar problem: ") {
            texts = [String(body[..<similar.lowerBound]), String(body[similar.upperBound...])]
        }
        return texts.compactMap { text in solutions[text].map { Problem(problem: text, solution: $0) } }
    }
}
