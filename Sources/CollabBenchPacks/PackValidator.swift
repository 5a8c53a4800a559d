import CollabBenchCore
import Foundation

/// One problem found in a pack, with its file and line.
public struct PackProblem: Sendable, Hashable, CustomStringConvertible {
    /// File the problem is in.
    public var file: String
    /// 1-based line, when it is about one line.
    public var line: Int?
    /// What is wrong.
    public var message: String
    /// True when the problem is in the manifest rather than a task.
    public var isManifest: Bool

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}

/// The outcome of checking a pack: every problem, and the pack itself when it could be read.
public struct PackValidationReport: Sendable {
    /// Problems, in file order.
    public var problems: [PackProblem]
    /// The pack, if the manifest and tasks file could be read (it may still have problems).
    public var pack: TaskPack?
}

/// Checks a pack folder: manifest schema, task schema, duplicate ids, empty prompts or
/// references, and what each kind needs (answers for math, tests and entry points for code).
public enum PackValidator {
    /// Validates the pack in `directory`, collecting every problem.
    public static func validate(directory: String) -> PackValidationReport {
        var problems: [PackProblem] = []
        let manifestPath = directory + "/pack.json"
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            let message = "pack manifest \(unreadableReason(manifestPath))"
            return .init(problems: [.init(file: manifestPath, message: message, isManifest: true)], pack: nil)
        }
        // Every wrong field at once, on one line.
        if let wrong = ManifestCheck.problems(in: manifestData), !wrong.isEmpty {
            return .init(problems: [.init(file: manifestPath, message: "invalid manifest: \(wrong.joined(separator: "; "))", isManifest: true)], pack: nil)
        }
        let manifest: PackManifest
        do {
            manifest = try JSONDecoder().decode(PackManifest.self, from: manifestData)
        } catch {
            return .init(problems: [.init(file: manifestPath, message: "invalid manifest: \(describe(error))", isManifest: true)], pack: nil)
        }
        if let m = manifest.maxExchanges, m < 1 {
            problems.append(.init(file: manifestPath, message: "max_exchanges must be at least 1", isManifest: true))
        }
        guard let tasksPath = tasksPath(manifest.tasksFile, in: directory) else {
            let message = "tasks_file '\(ManifestCheck.shown(manifest.tasksFile))' must name a file inside the pack folder"
            return .init(problems: problems + [.init(file: manifestPath, message: message, isManifest: true)], pack: nil)
        }
        guard let tasksData = FileManager.default.contents(atPath: tasksPath) else {
            let message = "tasks file (named by tasks_file in pack.json) \(unreadableReason(tasksPath))"
            return .init(problems: problems + [.init(file: tasksPath, message: message, isManifest: true)], pack: nil)
        }
        var tasks: [BenchmarkTask] = []
        var seen: [String: Int] = [:]
        let decoder = JSONDecoder()
        var lineNumber = 0
        for rawLine in tasksData.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            let task: BenchmarkTask
            do {
                task = try decoder.decode(BenchmarkTask.self, from: Data(line))
            } catch {
                problems.append(.init(file: tasksPath, line: lineNumber, message: "invalid task: \(describe(error))", isManifest: false))
                continue
            }
            let here = { (message: String) in
                problems.append(.init(file: tasksPath, line: lineNumber, message: "task '\(task.id)': \(message)", isManifest: false))
            }
            if task.id.trimmingCharacters(in: .whitespaces).isEmpty { here("empty id") }
            if let first = seen[task.id] { here("duplicate id (first on line \(first))") } else { seen[task.id] = lineNumber }
            if isBlank(task.prompt) { here("empty prompt") }
            if isBlank(task.hiddenIntent) { here("empty hidden_intent") }
            if isBlank(task.reference.text) { here("empty reference.text") }
            switch manifest.kind {
            case .math:
                if isBlank(task.reference.answer ?? "") { here("math task needs reference.answer") }
            case .code:
                if isBlank(task.reference.test ?? "") {
                    here("code task needs reference.test (unittest TestCases)")
                } else if !definesTestCases(task.reference.test ?? "") {
                    here("reference.test defines no 'class TestCases' (the unittest class the sandbox runs)")
                }
                if isBlank(task.reference.entryPoint ?? "") { here("code task needs reference.entry_point") }
            case .docs:
                break
            }
            tasks.append(task)
        }
        if tasks.isEmpty && problems.isEmpty {
            problems.append(.init(file: tasksPath, message: "no tasks", isManifest: false))
        }
        if let sample = manifest.source?.sample, problems.isEmpty, tasks.count != sample {
            problems.append(.init(
                file: manifestPath, message: "source.sample says \(sample) tasks were sampled, but \(manifest.tasksFile) holds \(tasks.count)",
                isManifest: true))
        }
        let hash = StableHash.sha256(manifestData + Data([0]) + tasksData)
        return .init(problems: problems, pack: TaskPack(manifest: manifest, tasks: tasks, directory: directory, contentHash: hash))
    }

    private static func isBlank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    /// True when `test` has a line defining `class TestCases` (followed by `(` or `:`).
    static func definesTestCases(_ test: String) -> Bool {
        var rest = test[...]
        while let range = rest.range(of: "class TestCases") {
            let atLineStart = range.lowerBound == test.startIndex || test[test.index(before: range.lowerBound)].isNewline
            let next = rest[range.upperBound...].first(where: { $0 != " " && $0 != "\t" })
            if atLineStart && (next == "(" || next == ":") { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    /// A one-line description of a decoding error.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing field '\(path(ctx.codingPath + [key]))'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at '\(path(ctx.codingPath))': \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return "not valid JSON" }
            return "bad value at '\(path(ctx.codingPath))': \(ctx.debugDescription)"
        default:
            return String(describing: error)
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }
}
