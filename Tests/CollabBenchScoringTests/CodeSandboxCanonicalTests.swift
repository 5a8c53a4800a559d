import CollabBenchTestSupport
import Foundation
import Testing

@testable import CollabBenchScoring

/// Where the real BigCodeBench data and the code environment are, when both are configured.
///
/// Needs `COLLABBENCH_CODE_PYTHON` (an interpreter with the task libraries, e.g.
/// `.venv-code/bin/python` from `make code-env`) and the shared data folder
/// (`COLLABBENCH_SHARED_DATA`, default `<package root>/../shared/data`).
private struct CanonicalSetup: Sendable {
    let python: String
    let dataFile: URL

    static let current: CanonicalSetup? = {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["COLLABBENCH_CODE_PYTHON"], !python.isEmpty else { return nil }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = environment["COLLABBENCH_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        let file = shared.appendingPathComponent("bigcodebench/BigCodeBench-v0.1.2.jsonl.gz")
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return CanonicalSetup(python: python, dataFile: file)
    }()
}

/// One BigCodeBench record, as far as running it needs.
private struct BigCodeBenchTask: Decodable, Sendable {
    let taskID: String
    let codePrompt: String
    let canonicalSolution: String
    let test: String
    let entryPoint: String
    let libs: String

    enum CodingKeys: String, CodingKey {
        case test, libs
        case taskID = "task_id"
        case codePrompt = "code_prompt"
        case canonicalSolution = "canonical_solution"
        case entryPoint = "entry_point"
    }

    /// `libs` is a Python list literal of quoted names.
    var libraries: [String] {
        libs.split(whereSeparator: { "[], ".contains($0) })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
            .filter { !$0.isEmpty }
    }
}

/// Runs BigCodeBench v0.1.2 canonical solutions through the sandbox: each must pass, unless it
/// is one of the few that cannot pass here (listed below with the reason).
///
/// By default a fixed sample of 52 tasks (every 22nd) runs, about a minute on 2 cores. `COLLABBENCH_CODE_VERIFY_ALL=1` runs
/// all 1,140, and `COLLABBENCH_CODE_VERIFY_REPORT=<file>` writes one JSON line per task there.
@Suite(.timeLimit(.minutes(20)), .enabled(if: CanonicalSetup.current != nil, "needs COLLABBENCH_CODE_PYTHON and the shared BigCodeBench data"))
struct CodeSandboxCanonicalTests {
    /// Canonical solutions that cannot pass in this sandbox, and why: the network is off in the
    /// sandbox (as everywhere on this project's machines). Tasks needing NLTK/TextBlob corpora or
    /// TensorFlow come back `skipped`, not failed.
    static let cannotPassHere: [String: String] = [
        "BigCodeBench/0": "test_random_behavior asserts two random shuffles differ; they can match by chance (seen once: 3.0 == 3.0)",
        "BigCodeBench/101": "downloads the Boston housing CSV",
        "BigCodeBench/102": "ten-variable seaborn pair plots, over 240 s on 2 busy cores",
        "BigCodeBench/176": "reverse DNS lookups of 8.8.8.8",
        "BigCodeBench/286": "failed once in a loaded CI run (word count 100 != 80), passes alone; not investigated",
        "BigCodeBench/314": "makes an HTTPS request",
        "BigCodeBench/590": "fetches a URL with urllib",
        "BigCodeBench/1005": "downloads a ZIP file",
        "BigCodeBench/1012": "downloads a ZIP file with requests",
    ]

    @Test func canonicalSolutionsPass() async throws {
        let setup = try #require(CanonicalSetup.current)
        let tasks = try await loadTasks(setup.dataFile)
        #expect(tasks.count == 1140)
        let environment = ProcessInfo.processInfo.environment
        let runAll = environment["COLLABBENCH_CODE_VERIFY_ALL"] == "1"
        let chosen = runAll ? tasks : stride(from: 0, to: tasks.count, by: 22).map { tasks[$0] }
        // BigCodeBench allows up to 240 s per task; a few canonical solutions need over 60 s.
        let sandbox = CodeSandbox(python: setup.python, limits: SandboxLimits(wallSeconds: 240))

        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: (BigCodeBenchTask, CodeRunResult).self) { group in
            var pending = chosen.makeIterator()
            var finished: [(BigCodeBenchTask, CodeRunResult)] = []
            func add(_ task: BigCodeBenchTask) {
                group.addTask {
                    let result = try await sandbox.run(
                        program: task.codePrompt + task.canonicalSolution,
                        tests: task.test,
                        entryPoint: task.entryPoint,
                        libraries: task.libraries
                    )
                    return (task, result)
                }
            }
            for _ in 0..<2 {
                if let task = pending.next() { add(task) }
            }
            while let done = try await group.next() {
                finished.append(done)
                if let task = pending.next() { add(task) }
            }
            return finished
        }
        let elapsed = ContinuousClock.now - started

        if let reportPath = environment["COLLABBENCH_CODE_VERIFY_REPORT"] {
            try writeReport(results, to: URL(fileURLWithPath: reportPath))
        }
        var counts: [CodeRunResult.Status: Int] = [:]
        for (_, result) in results { counts[result.status, default: 0] += 1 }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = CodeRunResult.Status.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }
            .joined(separator: ", ")
        print("canonical solutions: \(results.count) tasks: \(summary); \(String(format: "%.2f", Double(results.count) / seconds)) tasks/s")

        for (task, result) in results where result.status != .pass && result.status != .skipped {
            #expect(
                Self.cannotPassHere[task.taskID] != nil,
                "\(task.taskID): \(result.summaryLines().joined(separator: "\n"))"
            )
        }
        // A skip must name a library the task declares, or a corpus a library failed to find.
        for (task, result) in results where result.status == .skipped {
            let top = result.missingModule?.split(separator: ".").first.map(String.init)
            let declared = top.map { task.libraries.contains($0) } ?? false
            #expect(declared || result.missingData != nil, "\(task.taskID): \(result.detail)")
        }
    }

    private func loadTasks(_ file: URL) async throws -> [BigCodeBenchTask] {
        let gunzip = try await TestProcess.run("/usr/bin/env", ["gzip", "-dc", file.path])
        #expect(gunzip.status == 0)
        let data = gunzip.stdout
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try decoder.decode(BigCodeBenchTask.self, from: Data($0))
        }
    }

    private func writeReport(_ results: [(BigCodeBenchTask, CodeRunResult)], to file: URL) throws {
        struct Line: Encodable {
            let taskID: String
            let result: CodeRunResult
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = Data()
        for (task, result) in results.sorted(by: { $0.0.taskID < $1.0.taskID }) {
            text.append(try encoder.encode(Line(taskID: task.taskID, result: result)))
            text.append(UInt8(ascii: "\n"))
        }
        try text.write(to: file)
    }
}
