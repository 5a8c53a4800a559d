import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// Bad input gets one clear line on standard error, a non-zero exit, and leaves the store intact.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available, "needs the built collabbench binary (swift build)"))
struct BadInputTests {
    func expectOneLineError(_ output: CLI.Output, mentioning needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status != 0, sourceLocation: sourceLocation)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.contains(needle), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test func deadModelServer() async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run(["run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/r.sqlite", "--tokenizer-dir", dir])
        // The tokenizer or the server is named; either way nothing is stored.
        #expect(out.status != 0)
        #expect(out.stderr.split(separator: "\n").count == 1, "\(out.stderr)")
        if FileManager.default.fileExists(atPath: dir + "/r.sqlite") {
            #expect(try ResultStore(path: dir + "/r.sqlite").runs().isEmpty)
        }
    }

    @Test(.enabled(if: TokenizerFiles.directory != nil)) func deadModelServerWithTokenizer() async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run(["run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/r.sqlite", "--tokenizer-dir", TokenizerFiles.directory!])
        expectOneLineError(out, mentioning: "cannot reach model server openai/x@http://127.0.0.1:9/v1")
        #expect(try ResultStore(path: dir + "/r.sqlite").runs().isEmpty)
    }

    @Test(.enabled(if: TokenizerFiles.directory != nil)) func wrongAPIKey() async throws {
        let server = try await LoopbackOpenAIServer.start { _ in .error(401, message: "Incorrect API key") }
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        // The loopback server answers /models itself; the first chat call gets the 401.
        let out = try await CLI.run(
            ["run", "--pack", "math", "--limit", "1", "--agent", "openai/x@\(server.baseURL)", "--db", dir + "/r.sqlite", "--tokenizer-dir", TokenizerFiles.directory!],
            environment: ["OPENAI_API_KEY": "sk-wrong"])
        expectOneLineError(out, mentioning: "HTTP 401")
        #expect(!out.stdout.contains("sk-wrong") && !out.stderr.contains("sk-wrong"))
        let store = try ResultStore(path: dir + "/r.sqlite")
        for run in try store.runs() { #expect(!run.configJSON.contains("sk-wrong")) }
    }

    @Test func unknownPack() async throws {
        let out = try await CLI.run(["run", "--pack", "poetry", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", "/tmp/unused.sqlite"])
        expectOneLineError(out, mentioning: "unknown pack 'poetry'")
    }

    @Test func malformedTaskFile() async throws {
        let dir = try CLI.tempDir()
        try #"{"name":"bad","version":"1","kind":"math"}"#.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
        try "{\"id\": \"a\", \"prompt\": \"q\"\n".write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
        let out = try await CLI.run(["run", "--pack", dir, "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/r.sqlite"])
        expectOneLineError(out, mentioning: dir + "/tasks.jsonl:1:")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    @Test func unwritableDatabasePath() async throws {
        let out = try await CLI.run(["run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", "/nonexistent/r.sqlite", "--tokenizer-dir", TokenizerFiles.directory ?? "/nonexistent"])
        #expect(out.status != 0)
        #expect(out.stderr.split(separator: "\n").count == 1, "\(out.stderr)")
    }

    @Test func malformedModelSpec() async throws {
        let out = try await CLI.run(["run", "--pack", "math", "--agent", "gpt-4o", "--db", "/tmp/unused.sqlite"])
        expectOneLineError(out, mentioning: "provider/model")
    }

    @Test func leaderboardOfMissingDatabase() async throws {
        let out = try await CLI.run(["leaderboard", "--db", "/nonexistent/x.sqlite"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("no database at /nonexistent/x.sqlite"))
    }
}

/// Where tiktoken's rank files are, for tests that count tokens.
enum TokenizerFiles {
    static var directory: String? {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["COLLABBENCH_TOKENIZER_DIR"], CLI.root + "/../shared/data/tokenizers"]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/cl100k_base.tiktoken") }
    }
}

@Suite(.timeLimit(.minutes(5)))
struct DryRunTests {
    @Test(.enabled(if: CLI.available)) func dryRunCallsNothingAndWritesNothing() async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run(["run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/d.sqlite", "--trials", "2", "--dry-run"])
        #expect(out.status == 0, "\(out.stderr)")
        // 6 tasks × 2 trials; 6 exchanges → 12 calls + 1 judge call each.
        #expect(out.stdout.contains("Dry run: 12 conversations; 156 model calls"), "\(out.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/d.sqlite"))
        #expect(out.stdout.contains("cost unknown: no price for openai/x@http://127.0.0.1:9/v1"), "\(out.stdout)")
    }

    @Test(.enabled(if: CLI.available)) func dryRunPricesTheRunWithAPricingFile() async throws {
        let dir = try CLI.tempDir()
        try "models:\n  x: {input: 1.0, output: 2.0}\n".write(toFile: dir + "/prices.yaml", atomically: true, encoding: .utf8)
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/d.sqlite", "--dry-run",
            "--pricing", dir + "/prices.yaml",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("; cost up to about $"), "\(out.stdout)")
    }

    @Test(.enabled(if: CLI.available)) func budgetWithoutAPriceIsRefusedBeforeAnything() async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/unknown-model@http://127.0.0.1:9/v1", "--db", dir + "/d.sqlite", "--budget", "5",
        ])
        #expect(out.status != 0)
        #expect(out.stderr.contains("--budget 5.0: no price for openai/unknown-model"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/d.sqlite"))
    }

    @Test(.enabled(if: CLI.available)) func malformedPricingFileNamesFileAndLine() async throws {
        let dir = try CLI.tempDir()
        try "models:\n  x: {input: -1, output: 2}\n".write(toFile: dir + "/prices.yaml", atomically: true, encoding: .utf8)
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/d.sqlite", "--pricing", dir + "/prices.yaml",
        ])
        #expect(out.status != 0)
        #expect(out.stderr.contains(dir + "/prices.yaml:2"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/d.sqlite"))
    }
}
