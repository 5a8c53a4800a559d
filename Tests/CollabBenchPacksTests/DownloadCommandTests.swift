import CollabBenchTestSupport
import Foundation
import Testing

/// `collabbench tasks download` end to end: the built binary against the loopback dataset server.
@Suite("tasks download command", .timeLimit(.minutes(10)))
struct DownloadCommandTests {
    /// MATH's published rows per subject (train, test).
    static let subjects: [(String, Int, Int)] = [
        ("algebra", 1744, 1187), ("counting_and_probability", 771, 474), ("geometry", 870, 479),
        ("intermediate_algebra", 1295, 903), ("number_theory", 869, 540), ("prealgebra", 1205, 871), ("precalculus", 746, 546),
    ]

    /// A made-up MATH problem in the datasets-server's row shape (no id, split or subject).
    static func mathRow(_ i: Int) -> [String: Any] {
        ["problem": "Compute \(i) + 1.", "solution": "It is $\\boxed{\(i + 1)}$.", "level": "Level \(i % 5 + 1)", "type": "Algebra"]
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> TestProcess.Output {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        return try await TestProcess.run(try #require(BuildProducts.collabbench), arguments, environment: environment)
    }

    @Test(
        "math --paper-subset: 12,500 rows fetched in pages, the 200-problem seeded subset imported exactly as tasks import makes it from the same rows",
        .enabled(if: BuildProducts.collabbench != nil, "the collabbench binary was not built with this test bundle"))
    func mathPaperSubset() async throws {
        var rows: [String: [String]] = [:]
        var local: [String] = []  // the same rows as a local file, in the downloaded file's layout
        var counter = 0
        for split in ["train", "test"] {
            for (subject, train, test) in Self.subjects {
                let key = "EleutherAI/hendrycks_math|\(subject)|\(split)"
                for index in 0..<(split == "train" ? train : test) {
                    let row = Self.mathRow(counter)
                    counter += 1
                    rows[key, default: []].append(DownloadFixtures.json(row))
                    var record = row
                    record["id"] = "\(split)/\(subject)/\(index)"
                    record["split"] = split
                    record["subject"] = subject
                    local.append(DownloadFixtures.json(record))
                }
            }
        }
        let server = try await LoopbackDatasetServer.start(rows: rows, failFirst: 2)
        let dir = try TestFixtures.temporaryDirectory()
        let result = try await Self.run([
            "tasks", "download", "math", "--paper-subset", "--to", dir + "/packs", "--source-url", server.baseURL, "--cache-dir",
            dir + "/cache",
        ])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.contains("downloaded hendrycks_math: 12500 rows, sha256 "))
        #expect(result.stdoutText.contains("wrote \(dir)/packs/math-paper: 200 math tasks (sampled 200 of 1000 matching rows with seed 42"))
        // 2 refused, then per subject and split ceil(n / 100) pages: 131 in all.
        let pages = Self.subjects.reduce(0) { $0 + ($1.1 + 99) / 100 + ($1.2 + 99) / 100 }
        #expect(server.requests.count == 2 + pages)

        let localFile = try TestFixtures.temporaryFile("math.jsonl", local.joined(separator: "\n") + "\n")
        let imported = try await Self.run([
            "tasks", "import", "math", "--from", localFile, "--split", "test", "--level", "5", "--sample", "200", "--seed", "42", "--out",
            dir + "/local",
        ])
        #expect(imported.status == 0, "\(imported.stderrText)")
        let downloadedTasks = try String(contentsOfFile: dir + "/packs/math-paper/tasks.jsonl", encoding: .utf8)
        let localTasks = try String(contentsOfFile: dir + "/local/tasks.jsonl", encoding: .utf8)
        #expect(downloadedTasks == localTasks)
        #expect(downloadedTasks.split(separator: "\n").count == 200)

        // Again: the cache answers, nothing is fetched.
        let before = server.requests.count
        let again = try await Self.run([
            "tasks", "download", "math", "--paper-subset", "--force", "--to", dir + "/packs", "--source-url", server.baseURL, "--cache-dir",
            dir + "/cache",
        ])
        #expect(again.status == 0 && again.stdoutText.contains("cached hendrycks_math: 12500 rows"))
        #expect(server.requests.count == before)
        try await server.stop()
    }

    @Test(
        "an unreachable host: one error line naming it and the local import, exit 69",
        .enabled(if: BuildProducts.collabbench != nil, "the collabbench binary was not built with this test bundle"))
    func unreachable() async throws {
        let closed = try await LoopbackDatasetServer.start()
        let base = closed.baseURL
        try await closed.stop()
        let dir = try TestFixtures.temporaryDirectory()
        let result = try await Self.run([
            "tasks", "download", "code", "--to", dir, "--source-url", base, "--cache-dir", dir + "/cache", "--retries", "0",
        ])
        #expect(result.status == 69)
        #expect(result.stdoutText.isEmpty)
        let lines = result.stderrText.split(separator: "\n")
        #expect(
            lines == [
                "collabbench: error: could not reach 127.0.0.1 (connection refused) to download bigcodebench-v0.1.2; on a machine without access, "
                    + "import a local copy instead: collabbench tasks import code --from <path>/BigCodeBench-v0.1.2.jsonl.gz --out Tasks/code-bigcodebench …"
            ])
        #expect(!FileManager.default.fileExists(atPath: dir + "/code-bigcodebench"))
    }
}
