import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The single-node Slurm cluster `scripts/slurm/start-single-node.sh` starts (`.ci/run` does), or
/// nil with the reason it is not usable.
enum SlurmCluster {
    /// The cluster's configuration file: `SLURM_CONF`, else the start script's default.
    static var configuration: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["SLURM_CONF"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/collabbench-slurm/slurm.conf"
    }

    /// A program on `PATH`, or nil.
    static func program(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Why the array test cannot run here, or nil when it can.
    static var unavailableReason: String? {
        guard CLI.available else { return "the collabbench binary was not built with this test bundle" }
        for name in ["sbatch", "squeue", "scontrol"] where program(name) == nil {
            return "\(name) is not installed (apt-get install slurm-wlm munge; .ci/run does)"
        }
        guard FileManager.default.fileExists(atPath: configuration) else {
            return "no cluster: \(configuration) is absent (start one with scripts/slurm/start-single-node.sh)"
        }
        let folder = (configuration as NSString).deletingLastPathComponent
        for daemon in ["slurmctld", "slurmd"] {
            guard let text = try? String(contentsOfFile: folder + "/\(daemon).pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0
            else { return "no cluster: \(daemon) is not running (scripts/slurm/start-single-node.sh starts it)" }
        }
        return nil
    }
}

/// A run as a Slurm job array, for real: one shard per array task, merged, equal to one machine's run.
@Suite(
    "Slurm job array", .timeLimit(.minutes(10)), .serialized,
    .enabled(if: SlurmCluster.unavailableReason == nil, "\(SlurmCluster.unavailableReason ?? "")"),
    .enabled(if: TokenizerFiles.directory != nil, "needs the cl100k_base tokenizer file (shared data or COLLABBENCH_TOKENIZER_DIR)"))
struct SlurmArrayTests {
    static func run(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> TestProcess.Output
    {
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = SlurmCluster.configuration
        for (key, value) in extra { environment[key] = value }
        return try await TestProcess.run(program, arguments, environment: environment, directory: CLI.root, timeLimit: .seconds(120))
    }

    @Test("sbatch --array=0-2 runs the three shards; merged, the leaderboard --json equals the single-machine run's")
    func arrayShardsMergeIntoTheSingleMachineRun() async throws {
        let server = try await ResumeAndReplayTests.server(delay: .zero)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let shards = 3
        let runArguments = [
            "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--concurrency", "2", "--name", "slurm-array",
            "--tokenizer-dir", TokenizerFiles.directory!,
        ]
        // The script the docs show, submitted as they show it.
        let submitted = try await Self.run(
            SlurmCluster.program("sbatch")!,
            [
                "--parsable", "--array=0-\(shards - 1)", "--output=\(dir)/slurm-%a.out", "--chdir=\(CLI.root)",
                "scripts/slurm/collabbench-array.sbatch", dir + "/shards",
            ]
                + runArguments,
            environment: ["COLLABBENCH": CLI.binary!])
        #expect(submitted.status == 0, "\(submitted.stderrText)")
        let jobID = try #require(
            submitted.stdoutText.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(!jobID.isEmpty)

        // Wait for the array to leave the queue: poll squeue, bounded (the suite's limit is the backstop).
        var polls = 0
        while true {
            let queue = try await Self.run(SlurmCluster.program("squeue")!, ["-h", "-j", jobID, "-o", "%T"])
            if queue.status == 0 && queue.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            polls += 1
            try #require(polls < 1200, "job array \(jobID) still queued or running: \(queue.stdoutText)")
            try await Task.sleep(for: .milliseconds(250))
        }
        let shown = try await Self.run(SlurmCluster.program("scontrol")!, ["show", "job", jobID])
        let states = shown.stdoutText.split(whereSeparator: \.isWhitespace).filter { $0.hasPrefix("JobState=") }
        let logs = (0..<shards).map { (try? String(contentsOfFile: "\(dir)/slurm-\($0).out", encoding: .utf8)) ?? "" }
        #expect(states.count == shards && states.allSatisfy { $0 == "JobState=COMPLETED" }, "\(shown.stdoutText) \(logs)")
        for shard in 0..<shards {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/shards/shard-\(shard).sqlite"), "\(logs[shard])")
        }

        let merged = try await CLI.run(
            ["merge"] + (0..<shards).map { "\(dir)/shards/shard-\($0).sqlite" } + ["--into", dir + "/merged.sqlite"])
        #expect(merged.status == 0, "\(merged.stderr)")
        // The same command on one machine: one shard of one (a sharded run's id is its configuration's, so the two compare whole).
        let single = try await CLI.run(["run"] + runArguments + ["--shard", "0/1", "--db", dir + "/single.sqlite", "--no-progress"])
        #expect(single.status == 0, "\(single.stderr)")

        let mergedBoard = try await CLI.run(["leaderboard", "--db", dir + "/merged.sqlite", "--json"])
        let singleBoard = try await CLI.run(["leaderboard", "--db", dir + "/single.sqlite", "--json"])
        #expect(mergedBoard.status == 0 && singleBoard.status == 0)
        #expect(!mergedBoard.stdout.isEmpty)
        #expect(mergedBoard.stdout == singleBoard.stdout)
    }
}
