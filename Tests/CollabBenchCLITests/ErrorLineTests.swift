import Foundation
import Testing

/// Every command words every failure the same way: exactly one `collabbench: error: …` line on
/// standard error naming the flag (or file) involved, no usage text, a non-zero exit of the
/// documented family, and nothing written.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available, "needs the built collabbench binary"))
struct ErrorLineTests {
    /// Runs `arguments` and checks the one-line shape; returns the line.
    func errorLine(_ arguments: [String], status expected: Int32, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let out = try await CLI.run(arguments)
        let lines = out.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(out.status == expected, "\(arguments): status \(out.status), stderr \(out.stderr)", sourceLocation: sourceLocation)
        #expect(lines.count == 1, "\(arguments): \(out.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("collabbench: error: ") == true, "\(arguments): \(out.stderr)", sourceLocation: sourceLocation)
        #expect(!out.stderr.contains("Usage:") && !out.stdout.contains("Usage:"), "\(arguments)", sourceLocation: sourceLocation)
        return String(lines.first ?? "")
    }

    @Test func badSettingsNameTheirFlagAndExitWithTheUsageStatus() async throws {
        let dir = try CLI.tempDir()
        let db = dir + "/never.sqlite"
        let run = ["run", "--pack", "math", "--agent", "openai/m@http://127.0.0.1:9/v1", "--db", db]
        let cases: [([String], String)] = [
            (["--concurrency", "-1"], "--concurrency: must be at least 1"),
            (["--agent-temperature", "nan"], "--agent-temperature: must be a number from 0 to 2"),
            (["--agent-temperature=-1"], "--agent-temperature: must be a number from 0 to 2"),
            (["--agent-top-p", "2"], "--agent-top-p: must be a number above 0 and at most 1"),
            (["--agent-max-tokens", "0"], "--agent-max-tokens: must be at least 1"),
            (["--judge-attempts", "0"], "--judge-attempts: must be at least 1"),
            (["--request-timeout", "0"], "--request-timeout: must be a positive number of seconds"),
            (["--shard", "9/4"], "--shard 9/4: must be i/n"),
            (["--protocol", "physics"], "'--protocol <protocol>'"),
            (["--bogus"], "Unknown option '--bogus'"),
        ]
        for (extra, expected) in cases {
            let line = try await errorLine(run + extra, status: 64)
            #expect(line.contains(expected), "\(extra): \(line)")
        }
        #expect(!FileManager.default.fileExists(atPath: db), "a refused run wrote its store")
    }

    @Test func reportCommandsUseTheSameLine() async throws {
        let missing = try CLI.tempDir() + "/missing.sqlite"
        let line = try await errorLine(["leaderboard", "--db", missing], status: 64)
        #expect(line.contains(missing))
        _ = try await errorLine(["export", "--db", missing, "--format", "csv"], status: 64)
    }

    @Test func dataErrorsExitWithTheDataStatus() async throws {
        let dir = try CLI.tempDir()
        let prompt = try await errorLine(
            ["run", "--pack", "math", "--agent", "openai/m@http://127.0.0.1:9/v1", "--agent-system-prompt", dir + "/none.txt", "--dry-run"],
            status: 65)
        #expect(prompt.contains(dir + "/none.txt"))
        let pack = try await errorLine(["run", "--pack", "no-such-pack", "--agent", "openai/m@http://127.0.0.1:9/v1", "--dry-run"], status: 65)
        #expect(pack.contains("unknown pack 'no-such-pack'"))
    }

    @Test func aRunRefusedAtThePreflightCheckWritesNoStore() async throws {
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let line = try await errorLine(["run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", db], status: 69)
        #expect(line.contains("cannot reach model server openai/x@http://127.0.0.1:9/v1"))
        #expect(!FileManager.default.fileExists(atPath: db), "the refused run left a store behind")
    }
}
