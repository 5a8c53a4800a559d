import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The report commands of the built `collabbench` binary: exit statuses of the gate, files written,
/// one-line errors. Skipped when no binary with these commands is built.
@Suite(.timeLimit(.minutes(5)))
struct ReportCommandsTests {
    typealias S = ReportsTestSupport

    /// `COLLABBENCH_BIN`, else the binary built with this test bundle (see ``BuildProducts``).
    static var binary: String? { BuildProducts.collabbench }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary through ``TestProcess`` (output through files: no pipe can fill up).
    static func run(_ binary: String, _ arguments: [String]) async throws -> Output {
        let result = try await TestProcess.run(binary, arguments)
        return Output(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }

    func cli(_ arguments: [String]) async throws -> Output {
        try await Self.run(Self.binary!, arguments)
    }

    static func store() throws -> ResultStore {
        let store = try S.newStore()
        try S.addRun(store, id: "run-good", name: "good", conversations: S.binary([1, 1, 1, 1, 1, 1, 1, 1]))
        try S.addRun(store, id: "run-bad", name: "bad", agent: "openai/worse", conversations: S.binary([0, 0, 0, 0, 0, 0, 0, 0]))
        try S.addRun(store, id: "run-code", name: "code", kind: .code, conversations: S.binary([1, 0]))
        return store
    }

    @Test(.enabled(if: binary != nil, "needs a built collabbench"))
    func gateExitStatuses() async throws {
        let db = try Self.store().path
        let junit = S.tempPath("junit", ext: "xml")
        let summary = S.tempPath("summary", ext: "md")
        #expect(try await cli(["tag", "--db", db, "good", "baseline"]).status == 0)

        let pass = try await cli(["gate", "--db", db, "--baseline", "baseline", "--candidate", "good", "--max-drop", "task=0", "--junit", junit, "--summary", summary])
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        #expect(pass.stdout.contains("Gate passed."))
        #expect(try JUnitParse(try String(contentsOfFile: junit, encoding: .utf8)).testcases == 1)
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("✅ passed"))

        let fail = try await cli(["gate", "--db", db, "--baseline", "baseline", "--candidate", "bad", "--max-drop", "accuracy=5", "--max-drop", "itr=0", "--junit", junit, "--summary", summary])
        #expect(fail.status == 1, "\(fail.stdout)\(fail.stderr)")
        #expect(fail.stdout.contains("FAIL math accuracy"))
        let parsed = try JUnitParse(try String(contentsOfFile: junit, encoding: .utf8))
        #expect(parsed.testcases == 2 && parsed.failures == 1)
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("❌ failed"))

        for arguments in [
            ["gate", "--db", db, "--baseline", "baseline", "--candidate", "bad"],  // no --max-drop
            ["gate", "--db", db, "--baseline", "baseline", "--candidate", "bad", "--max-drop", "speed=1"],
            ["gate", "--db", db, "--baseline", "baseline", "--candidate", "bad", "--max-drop", "task=1", "--no-such-option"],
            ["gate", "--db", db, "--baseline", "nope", "--candidate", "bad", "--max-drop", "task=1"],
            ["gate", "--db", db, "--baseline", "baseline", "--candidate", "code", "--max-drop", "task=1"],
            ["gate", "--db", "/nonexistent/x.sqlite", "--baseline", "a", "--candidate", "b", "--max-drop", "task=1"],
        ] {
            let out = try await cli(arguments)
            #expect(out.status == 2, "\(arguments): \(out.status) \(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1, "\(arguments): \(out.stderr)")
        }
    }

    @Test(.enabled(if: binary != nil, "needs a built collabbench"))
    func leaderboardCompareExportAndTag() async throws {
        let db = try Self.store().path
        let board = try await cli(["leaderboard", "--db", db])
        #expect(board.status == 0)
        #expect(board.stdout.contains("Acc [95% CI]"))
        #expect(board.stdout.contains("100.0 [100.0, 100.0]"))
        let json = try await cli(["leaderboard", "--db", db, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any])?.count == 3)

        let compare = try await cli(["compare", "--db", db, "good", "bad"])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("McNemar exact"))
        #expect(compare.stdout.contains("flipped to fail in B (8)"))
        #expect(try await cli(["compare", "--db", db, "good", "nope"]).status != 0)

        for format in ExportFormat.allCases {
            let path = S.tempPath("cli", ext: format.fileExtension)
            let out = try await cli(["export", "--db", db, "--format", format.rawValue, "--out", path])
            #expect(out.status == 0, "\(format): \(out.stderr)")
            #expect(((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0) > 100)
        }
        let stdout = try await cli(["export", "--db", db, "--format", "csv"])
        #expect(stdout.stdout.hasPrefix("pack,kind,profile_id"))

        #expect(try await cli(["tag", "--db", db, "bad", "candidate"]).status == 0)
        #expect(try await cli(["tag", "--db", db, "--list"]).stdout.contains("candidate"))
        #expect(try await cli(["tag", "--db", db, "--remove", "candidate"]).status == 0)
        #expect(try await cli(["tag", "--db", db, "nope", "x"]).status != 0)
        #expect(try await cli(["tag", "--db", db, "good", "bad name"]).status != 0)
    }
}
