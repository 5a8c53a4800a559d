import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The composite action in `action.yml`, read as GitHub reads it: its inputs' defaults and, for
/// each step, its `env:` and its `run:` script.
struct CompositeAction {
    struct Step {
        var name: String
        var environment: [(String, String)]
        var script: String
    }

    var defaults: [String: String] = [:]
    var steps: [Step] = []

    /// Parses the subset of YAML `action.yml` is written in (block maps, `run: |` scripts).
    init(path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        func indent(_ line: String) -> Int { line.prefix(while: { $0 == " " }).count }
        func value(_ line: String) -> String {
            var text = String(line.drop(while: { $0 != ":" }).dropFirst()).trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return text
        }
        var section = ""
        var input: String?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            index += 1
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if indent(line) == 0 {
                section = String(trimmed.prefix(while: { $0 != ":" }))
                continue
            }
            if section == "inputs" {
                if indent(line) == 2 { input = String(trimmed.dropLast()) }
                if indent(line) == 4, trimmed.hasPrefix("default:"), let input { defaults[input] = value(line) }
            } else if section == "runs" {
                if indent(line) == 4 && trimmed.hasPrefix("- name:") {
                    steps.append(Step(name: value(trimmed.replacingOccurrences(of: "- ", with: "")), environment: [], script: ""))
                } else if indent(line) == 8 && !steps.isEmpty
                    && lines[..<(index - 1)].last(where: { indent($0) == 6 })?.contains("env:") == true
                {
                    let key = String(trimmed.prefix(while: { $0 != ":" }))
                    steps[steps.count - 1].environment.append((key, value(line)))
                } else if indent(line) == 6 && trimmed == "run: |" {
                    var script: [String] = []
                    while index < lines.count && (lines[index].trimmingCharacters(in: .whitespaces).isEmpty || indent(lines[index]) >= 8) {
                        script.append(String(lines[index].dropFirst(min(8, indent(lines[index])))))
                        index += 1
                    }
                    steps[steps.count - 1].script = script.joined(separator: "\n")
                }
            }
        }
    }

    /// `${{ inputs.x }}` and `${{ github.action_path }}` replaced, as GitHub does before a step runs.
    static func expand(_ text: String, inputs: [String: String], actionPath: String) -> String {
        var out = text.replacingOccurrences(of: "${{ github.action_path }}", with: actionPath)
        while let start = out.range(of: "${{ inputs."), let end = out.range(of: " }}", range: start.upperBound..<out.endIndex) {
            let name = String(out[start.upperBound..<end.lowerBound])
            out.replaceSubrange(start.lowerBound..<end.upperBound, with: inputs[name] ?? "")
        }
        return out
    }

    /// What running the steps left.
    struct Outcome {
        var status: Int32
        var failedStep: String?
        var log: String
    }

    /// Runs the steps in order as GitHub's runner does (`bash --noprofile --norc -eo pipefail`),
    /// with `GITHUB_ENV` lines carried into later steps; stops at the first failing step.
    func run(inputs given: [String: String], environment base: [String: String], actionPath: String) async throws -> Outcome {
        let inputs = defaults.merging(given) { _, new in new }
        var carried: [String: String] = [:]
        var log = ""
        for step in steps {
            var environment = base.merging(carried) { _, new in new }
            for (key, value) in step.environment { environment[key] = Self.expand(value, inputs: inputs, actionPath: actionPath) }
            let script = try CLI.tempDir() + "/step.sh"
            try step.script.write(toFile: script, atomically: true, encoding: .utf8)
            let result = try await TestProcess.run(
                "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", script], environment: environment, directory: CLI.root)
            log += "## \(step.name) → \(result.status)\n\(result.stdoutText)\(result.stderrText)"
            if let lines = try? String(contentsOfFile: base["GITHUB_ENV"]!, encoding: .utf8) {
                for line in lines.split(separator: "\n") {
                    guard let equals = line.firstIndex(of: "=") else { continue }
                    carried[String(line[..<equals])] = String(line[line.index(after: equals)...])
                }
            }
            if result.status != 0 { return Outcome(status: result.status, failedStep: step.name, log: log) }
        }
        return Outcome(status: 0, failedStep: nil, log: log)
    }
}

/// `action.yml`'s steps run as a script against a recorded store, with GitHub's files in a temporary folder.
@Suite(
    "GitHub Action", .timeLimit(.minutes(5)), .serialized,
    .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct GitHubActionTests {
    /// A store with a tagged baseline run whose model calls are all cached; the server is stopped.
    static func recordedStore() async throws -> (db: String, agent: String) {
        let server = try await ResumeAndReplayTests.server(delay: .zero)
        let dir = try CLI.tempDir()
        let db = dir + "/ci.sqlite"
        let agent = "openai/m@\(server.baseURL)"
        let baseline = try await CLI.run([
            "run", "--pack", "math", "--agent", agent, "--db", db, "--name", "main-abc", "--tokenizer-dir", TokenizerFiles.directory!,
            "--no-progress",
        ])
        #expect(baseline.status == 0, "\(baseline.stderr)")
        let tagged = try await CLI.run(["tag", "--db", db, "main-abc", "baseline"])
        #expect(tagged.status == 0, "\(tagged.stderr)")
        try await server.stop()
        return (db, agent)
    }

    static func gitHubFiles() throws -> [String: String] {
        let dir = try CLI.tempDir()
        var environment = ProcessInfo.processInfo.environment
        for name in ["GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"] {
            let path = dir + "/" + name.lowercased()
            FileManager.default.createFile(atPath: path, contents: Data())
            environment[name] = path
        }
        environment["RUNNER_TEMP"] = dir
        environment["GITHUB_SHA"] = "0123456789abcdef"
        environment["GITHUB_ACTIONS"] = "true"
        environment["GITHUB_ACTION_PATH"] = CLI.root
        return environment
    }

    @Test("the action replays the pack from the cache, gates it against the tag, posts the summary, exits 0")
    func passingGate() async throws {
        let action = try CompositeAction(path: CLI.root + "/action.yml")
        #expect(
            action.steps.map(\.name) == [
                "Build or install collabbench", "Run the pack against the recorded cache", "Gate against the baseline",
            ])
        #expect(action.defaults["cache"] == "read-only" && action.defaults["baseline"] == "baseline")
        let (db, agent) = try await Self.recordedStore()
        let environment = try Self.gitHubFiles()
        let outcome = try await action.run(
            inputs: [
                "agent": agent, "db": db, "max-drop": "task=5 itr=10", "collabbench": CLI.binary!,
                "run-args": "--tokenizer-dir \(TokenizerFiles.directory!)",
            ],
            environment: environment, actionPath: CLI.root)
        #expect(outcome.status == 0, "\(outcome.log)")
        let summary = try String(contentsOfFile: environment["GITHUB_STEP_SUMMARY"]!, encoding: .utf8)
        let written = try String(contentsOfFile: environment["RUNNER_TEMP"]! + "/collabbench-gate.md", encoding: .utf8)
        #expect(!written.isEmpty && summary == written, "the step summary is the gate's Markdown")
        #expect(summary.contains("|") && summary.contains("pr-0123456789abcdef"))
        let outputs = try String(contentsOfFile: environment["GITHUB_OUTPUT"]!, encoding: .utf8)
        #expect(outputs.contains("status=0\n") && outputs.contains("summary=\(environment["RUNNER_TEMP"]!)/collabbench-gate.md\n"))
        #expect(FileManager.default.fileExists(atPath: environment["RUNNER_TEMP"]! + "/collabbench-gate.xml"))
        // The candidate ran with the server gone: every call came from the recorded cache.
        let store = try ResultStore(path: db, mode: .readOnly)
        #expect(try store.runs().map(\.name).sorted() == ["main-abc", "pr-0123456789abcdef"])
    }

    @Test("a gate that cannot decide (no such baseline) fails the action with its status, 2, and says so in the summary")
    func undecidedGate() async throws {
        let action = try CompositeAction(path: CLI.root + "/action.yml")
        let (db, agent) = try await Self.recordedStore()
        let environment = try Self.gitHubFiles()
        let outcome = try await action.run(
            inputs: [
                "agent": agent, "db": db, "baseline": "no-such-tag", "candidate-name": "pr-7", "collabbench": CLI.binary!,
                "run-args": "--tokenizer-dir \(TokenizerFiles.directory!)",
            ],
            environment: environment, actionPath: CLI.root)
        #expect(outcome.status == 2 && outcome.failedStep == "Gate against the baseline", "\(outcome.log)")
        #expect(outcome.log.contains("collabbench: error: "))
        let outputs = try String(contentsOfFile: environment["GITHUB_OUTPUT"]!, encoding: .utf8)
        #expect(outputs.contains("status=2\n"))
        let summary = try String(contentsOfFile: environment["GITHUB_STEP_SUMMARY"]!, encoding: .utf8)
        #expect(summary.contains("could not decide (status 2)"))
    }
}
