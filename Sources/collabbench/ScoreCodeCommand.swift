import ArgumentParser
import CollabBenchCore
import CollabBenchPacks
import CollabBenchScoring
import Foundation

/// `collabbench score code`: runs one program against its unit tests in the code sandbox.
///
/// Prints `pass`, `fail`, `error`, `timeout` or `skipped` with the failing tests (or the result as
/// JSON with `--json`). Exits 0 when every test passes and 1 otherwise.
struct ScoreCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Run a Python program against its unittest TestCases in the sandbox.",
        discussion: """
            The program runs as BigCodeBench does: program, a newline, then the tests, with \
            TestCases run by unittest; it passes only if every test passes. The interpreter is \
            COLLABBENCH_CODE_PYTHON, else .venv-code/bin/python under the project root (make \
            code-env), else python3.
            """
    )

    @Option(name: .long, help: "File holding the program (e.g. code_prompt + solution).")
    var program: String?

    @Option(name: .long, help: "File holding the test code that defines TestCases.")
    var tests: String?

    @Option(name: .long, help: "A code pack (folder or built-in name): take the tests from its task --task.")
    var pack: String?

    @Option(name: .long, help: "The task id in --pack.")
    var task: String?

    @Option(name: .long, help: "With --pack: file holding the solution (completed with the task's code prompt as in runs); default: the task's reference solution.")
    var solution: String?

    @Option(name: .long, help: "Name of the function the tests call.")
    var entryPoint: String?

    @Option(name: .long, help: "Wall-clock limit in seconds.")
    var timeout: Double = SandboxLimits().wallSeconds

    @Option(name: .long, help: "Python interpreter to use instead of the default.")
    var python: String?

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func validate() throws {
        if pack != nil {
            guard task != nil else { throw ValidationError("--pack needs --task <id>") }
            guard program == nil, tests == nil else { throw ValidationError("use either --pack/--task or --program/--tests") }
        } else {
            guard program != nil, tests != nil else { throw ValidationError("give --program and --tests, or --pack and --task") }
        }
        guard timeout > 0 else {
            throw ValidationError("--timeout must be positive, got \(timeout)")
        }
    }

    func run() async throws {
        var programText: String
        var testsText: String
        var entry = entryPoint
        var libraries: [String] = []
        if let pack, let task {
            let loaded = try await reportingErrors { try PackLoader.load(directory: try PackSearch.resolve(pack)) }
            guard loaded.manifest.kind == .code else { throw ValidationError("pack \(pack) is not a code pack") }
            guard let found = loaded.tasks.first(where: { $0.id == task }) else {
                throw ValidationError("no task '\(task)' in pack \(pack) (see: collabbench tasks list \(pack))")
            }
            let code = try solution.map { try Self.read($0, what: "solution") }
            programText = code.map {
                ArtifactExtractor.assembleProgram(code: $0, codePrompt: found.reference.codePrompt, entryPoint: found.reference.entryPoint)
            } ?? found.reference.text
            testsText = found.reference.test ?? ""
            entry = entry ?? found.reference.entryPoint
            libraries = ConversationScorer.libraries(fromPythonList: found.metadata["libs"] ?? "")
        } else {
            programText = try Self.read(program ?? "", what: "program")
            testsText = try Self.read(tests ?? "", what: "tests")
        }
        let result = try await Self.score(
            program: programText,
            tests: testsText,
            entryPoint: entry,
            libraries: libraries,
            timeout: timeout,
            python: python
        )
        print(Self.render(result, json: json))
        if !result.passed {
            throw ExitCode(1)
        }
    }

    /// The shared core: runs one program in a sandbox configured from the command's options.
    /// A `--pack <dir> --task <id>` front end only has to load the task and call this.
    static func score(
        program: String,
        tests: String,
        entryPoint: String?,
        libraries: [String],
        timeout: Double,
        python: String?
    ) async throws -> CodeRunResult {
        let interpreter = python ?? CodeSandbox.defaultPython(packageRoot: projectRoot())
        let sandbox = CodeSandbox(python: interpreter, limits: SandboxLimits(wallSeconds: timeout))
        return try await sandbox.run(
            program: program, tests: tests, entryPoint: entryPoint, libraries: libraries)
    }

    /// The result as terminal lines or one JSON object.
    static func render(_ result: CodeRunResult, json: Bool) -> String {
        guard json else {
            return result.summaryLines().joined(separator: "\n")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(result)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The nearest folder at or above the current directory holding `Package.swift`, else the
    /// current directory.
    static func projectRoot() -> URL {
        let start = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var folder = start
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder.deleteLastPathComponent()
        }
        return start
    }

    private static func read(_ path: String, what: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read the \(what) file \(path): \(error.localizedDescription)")
        }
    }
}
