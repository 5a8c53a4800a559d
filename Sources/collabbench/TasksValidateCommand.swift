import ArgumentParser
import CollabBenchCore
import CollabBenchPacks

/// `collabbench tasks validate`: checks a pack and reports every problem with its file and line.
struct TasksValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pack: manifest and task schema, duplicate ids, empty prompts or references, missing tests.",
        discussion: """
            Prints every problem as file:line: message and exits non-zero when there is any; \
            prints one summary line when there is none.
            """)

    @Argument(help: "A built-in pack (math, code, docs) or a pack folder.")
    var pack: String

    mutating func run() async throws {
        try await reportingErrors {
            let directory = try PackSearch.resolve(pack)
            let report = PackValidator.validate(directory: directory)
            guard report.problems.isEmpty, let taskPack = report.pack else {
                var output = ""
                for problem in report.problems { output += problem.description.replacingNewlines() + "\n" }
                print(output, terminator: "")
                let count = report.problems.count
                printError("collabbench: error: \(directory): \(count) problem\(count == 1 ? "" : "s")")
                throw ExitCode.failure
            }
            let kind = taskPack.manifest.kind
            var line = "ok: \(directory): \(taskPack.tasks.count) \(kind.rawValue) task\(taskPack.tasks.count == 1 ? "" : "s"), no problems"
            if let source = taskPack.manifest.source {
                line += " (from \(source.file)"
                if let sample = source.sample, let seed = source.seed { line += ", sample \(sample) seed \(seed)" }
                line += ")"
            }
            print(line)
        }
    }
}

extension String {
    /// The string with line breaks turned into spaces, for one-line output.
    fileprivate func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
