import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `run --config eval.yaml` and `config check`.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct ConfigFileTests {
    @Test func checkReportsEveryProblemWithFileAndLine() async throws {
        let dir = try CLI.tempDir()
        let file = dir + "/eval.yaml"
        try """
            packs: [math]
            agents:
              - model: gpt-4o
              - url: http://127.0.0.1:9/v1
                colour: blue
            trials: zero
            judges: [openai/judge]
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let out = try await CLI.run(["config", "check", file])
        #expect(out.status != 0)
        let lines = out.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(file + ":3:") && $0.contains("not a model spec") }, "\(out.stderr)")
        #expect(lines.contains { $0.hasPrefix(file + ":5:") && $0.contains("unknown agent setting 'colour'") }, "\(out.stderr)")
        #expect(lines.contains { $0.hasPrefix(file + ":6:") && $0.contains("'trials'") }, "\(out.stderr)")
    }

    @Test func aConfigRunsEveryAgentOnEveryPackOnOneBoard() async throws {
        let server = try await ResumeAndReplayTests.server(delay: .zero)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let file = dir + "/eval.yaml"
        try """
            packs: [math]
            agents:
              - model: openai/first@\(server.baseURL)
              - url: \(server.baseURL)
                name: second
                preset: proactive
            user: openai/sim@\(server.baseURL)
            judges: [openai/judge@\(server.baseURL)]
            limit: 2
            seed: 7
            db: \(dir)/eval.sqlite
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let check = try await CLI.run(["config", "check", file])
        #expect(check.status == 0, "\(check.stderr)")
        // A flag overrides the file: --limit 1 instead of 2.
        let out = try await CLI.run(["run", "--config", file, "--limit", "1", "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"])
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let store = try ResultStore(path: dir + "/eval.sqlite")
        let runs = try store.runs()
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.seed == 7 && $0.taskCount == 1 && $0.judge.hasPrefix("openai/judge@") })
        #expect(Set(runs.map(\.agentPreset)) == ["base", "proactive"])
    }
}
