import CollabBenchCore
import ArgumentParser
import CollabBenchReports
import CollabBenchMetrics
import Foundation

/// `collabbench score math`: checks math answers against references with `MathAnswer`.
///
/// ```
/// collabbench score math --answer '\dfrac12' --reference '0.5'          # equivalent
/// collabbench score math --answer 'x = 3' --reference '3' --json
/// collabbench score math --batch pairs.jsonl                            # one JSON line per pair
/// ```
struct ScoreMathCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "math",
        abstract: "Check whether math answers match their references.",
        discussion: """
            With --answer and --reference, prints `equivalent` or `different` (or a JSON object with \
            --json: {"equivalent": true, "answer": <normalised>, "reference": <normalised>}). With \
            --batch, reads JSON Lines of {"answer": ..., "reference": ...} (a path, or - for standard \
            input; blank lines are skipped) and prints one such object per pair, led by "line": N, the \
            input line number. An answer holding \\boxed{} is judged by its last box. Rules follow \
            math-verify 0.9.0 (verify(parse("\\boxed{" + reference + "}"), parse(answer))).
            """
    )

    // `.unconditional`: answers such as `-3` must not be read as options.
    @Option(parsing: .unconditional, help: "The answer to check (LaTeX, or a whole solution with \\boxed{}).")
    var answer: String?

    @Option(parsing: .unconditional, help: "The reference answer (LaTeX).")
    var reference: String?

    @Flag(help: "Print a JSON object instead of a word.")
    var json = false

    @Option(help: "A JSON Lines file of {\"answer\", \"reference\"} objects, or - for standard input.")
    var batch: String?

    func validate() throws {
        if batch != nil {
            if answer != nil || reference != nil {
                throw ValidationError("Use either --batch or --answer with --reference, not both.")
            }
        } else if answer == nil || reference == nil {
            throw ValidationError("Give --answer and --reference, or --batch <file.jsonl>.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            if let batch {
                try runBatch(path: batch)
                return
            }
            guard let answer, let reference else { return }
            let same = MathAnswer.equivalent(answer: answer, reference: reference)
            if json {
                print(Self.jsonObject(equivalent: same, answer: answer, reference: reference))
            } else {
                print(same ? "equivalent" : "different")
            }
        }
    }

    private func runBatch(path: String) throws {
        let name = path == "-" ? "<stdin>" : path
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else {
                throw ScoreMathError(file: name, line: nil, message: "cannot read the file")
            }
            data = d
        }
        var output = ""
        output.reserveCapacity(data.count)
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            lineNumber += 1
            let line = data[start..<end]
            start = end < data.endIndex ? data.index(after: end) : end
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: line)
            } catch {
                flush(&output)
                throw ScoreMathError(file: name, line: lineNumber, message: "not valid JSON")
            }
            guard let dict = object as? [String: Any] else {
                flush(&output)
                throw ScoreMathError(file: name, line: lineNumber, message: "expected a JSON object")
            }
            guard let answer = dict["answer"] as? String, let reference = dict["reference"] as? String else {
                flush(&output)
                throw ScoreMathError(
                    file: name, line: lineNumber, message: "expected string fields \"answer\" and \"reference\"")
            }
            let same = MathAnswer.equivalent(answer: answer, reference: reference)
            output += Self.jsonObject(equivalent: same, answer: answer, reference: reference, line: lineNumber)
            output += "\n"
            if output.utf8.count > 1 << 16 { flush(&output) }
        }
        flush(&output)
    }

    private func flush(_ output: inout String) {
        if !output.isEmpty {
            FileHandle.standardOutput.write(Data(output.utf8))
            output = ""
        }
    }

    /// `{"equivalent": true, "answer": "<normalised>", "reference": "<normalised>"}`, with a leading
    /// `"line": N` (the input line number) in batch mode.
    static func jsonObject(equivalent: Bool, answer: String, reference: String, line: Int? = nil) -> String {
        let normalizedAnswer = MathAnswer.normalize(MathAnswer.finalAnswer(in: answer))
        let normalizedReference = MathAnswer.normalize(MathAnswer.finalAnswer(in: reference))
        let prefix = line.map { "\"line\": \($0), " } ?? ""
        return "{\(prefix)\"equivalent\": \(equivalent), \"answer\": \(jsonString(normalizedAnswer)), "
            + "\"reference\": \(jsonString(normalizedReference))}"
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String { JSONText.quote(s) }
}

/// A bad input to `score math`: names the file and line.
struct ScoreMathError: Error, CustomStringConvertible {
    let file: String
    let line: Int?
    let message: String

    var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
