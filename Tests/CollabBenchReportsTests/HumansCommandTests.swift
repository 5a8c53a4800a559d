import CollabBenchTestSupport
import Foundation
import Testing

/// `collabbench humans import` and `collabbench calibrate judge` as a user runs them: output
/// lines, exit statuses, the human run in the leaderboard and the export, and the calibration's
/// JSON (against the loopback server).
@Suite(.timeLimit(.minutes(5)))
struct HumansCommandTests {
    static var binary: String? { BuildProducts.collabbench }

    /// A SimulatorArena-shaped folder: two document conversations, one math conversation, and a MATH file.
    static func writeFixture(badRating: Bool = false) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-humans-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func doc(_ n: Int, _ rating: Int) -> [String: Any] {
            [
                "workerId": "w\(n)", "model": "gpt-4o", "intent": "Blog post CASE-\(n)", "user_queries": ["Write it CASE-\(n)", "Thanks"],
                "ai_responses": ["Draft", "Done"], "why_stop": "done", "overall_interaction_rating": rating, "overall_document_rating": 8,
            ]
        }
        let docs = [doc(1, badRating ? 0 : 9), doc(2, 3)]
        let math: [[String: Any]] = [
            [
                "workerId": "s1", "model": "gpt-4o-mini", "user_queries": ["Help CASE-3"], "ai_responses": ["Sure"],
                "question_location": "test/algebra/1.json", "overall_rating": 6,
            ]
        ]
        try JSONSerialization.data(withJSONObject: docs).write(
            to: directory.appendingPathComponent("document_creation_annotations_for_benchmarking.json.gz"))
        try JSONSerialization.data(withJSONObject: math).write(
            to: directory.appendingPathComponent("math_tutoring_annotations_redacted_for_benchmarking.json.gz"))
        try Data(#"{"id": "test/algebra/1.json", "problem": "What is $1+1$?"}"#.utf8 + [10]).write(
            to: directory.appendingPathComponent("math.jsonl"))
        return directory
    }

    static func run(_ arguments: [String]) async throws -> TestProcess.Output {
        try await TestProcess.run(try #require(binary), arguments)
    }

    @Test(.enabled(if: binary != nil, "needs a built collabbench"))
    func importsOnceAndReportsTreatTheHumanRunLikeAnyOther() async throws {
        let directory = try Self.writeFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("store.sqlite").path
        let arguments = [
            "humans", "import", "--from", directory.path, "--math", directory.appendingPathComponent("math.jsonl").path, "--db", db,
        ]
        let first = try await Self.run(arguments)
        #expect(first.status == 0, "\(first.stderrText)")
        #expect(first.stdoutText.contains("document-creation: imported 2 conversations"))
        #expect(first.stdoutText.contains("math-tutoring: imported 1 conversations"))
        let second = try await Self.run(arguments)
        #expect(second.status == 0)
        #expect(second.stdoutText.split(separator: "\n").allSatisfy { $0.contains("already imported") })

        let board = try await Self.run(["leaderboard", "--db", db, "--json"])
        #expect(board.status == 0, "\(board.stderrText)")
        let rows = try #require(try JSONSerialization.jsonObject(with: board.stdout) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(
            rows.allSatisfy { ($0["agentPreset"] as? String) == "human" && ($0["agent"] as? String) == "recorded/simulatorarena [human]" })
        let export = try await Self.run(["export", "--db", db, "--format", "json"])
        #expect(export.status == 0, "\(export.stderrText)")
        #expect(export.stdoutText.contains("human.interaction_rating"))

        // calibrate judge against the loopback server: every conversation in the JSON.
        let server = try await LoopbackOpenAIServer.start { request in
            let prompt = request.messages.map(\.content).joined(separator: "\n")
            return .chat(prompt.contains("CASE-2") ? "no score here" : #"{"thought":"good","score":3}"#)
        }
        let calibration = try await Self.run([
            "calibrate", "judge", "--db", db, "--judge", "openai/j@\(server.baseURL)", "--judge-attempts", "1", "--json",
        ])
        try await server.stop()
        #expect(calibration.status == 0, "\(calibration.stderrText)")
        let object = try #require(try JSONSerialization.jsonObject(with: calibration.stdout) as? [String: Any])
        let sets = try #require(object["sets"] as? [[String: Any]])
        #expect(sets.count == 2)
        let docs = try #require(sets.first)
        let conversations = try #require(docs["conversations"] as? [[String: Any]])
        #expect(conversations.map { $0["id"] as? String } == ["doc-01-w1", "doc-02-w2"])
        #expect(conversations.map { ($0["userRating"] as? NSNumber)?.doubleValue } == [9, 3])
        let judges = try #require(docs["judges"] as? [[String: Any]])
        #expect((judges.first?["unscored"] as? Int) == 1 && (judges.first?["n"] as? Int) == 1)

        let text = try await Self.run([
            "calibrate", "judge", "--db", directory.appendingPathComponent("none.sqlite").path, "--judge", "openai/j@http://127.0.0.1:9/v1",
        ])
        #expect(text.status == 65)
        #expect(text.stderrText.hasPrefix("collabbench: error: "))
    }

    @Test(.enabled(if: binary != nil, "needs a built collabbench"))
    func malformedInputIsOneLinePerProblemAndNothingIsWritten() async throws {
        let directory = try Self.writeFixture(badRating: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("store.sqlite").path
        let result = try await Self.run([
            "humans", "import", "--from", directory.path, "--math", directory.appendingPathComponent("absent.jsonl").path, "--db", db,
        ])
        #expect(result.status == 65)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.count == 3, "\(result.stderrText)")
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("collabbench: problem: ") })
        #expect(lines.filter { $0.hasPrefix("collabbench: error: ") }.count == 1)
        #expect(lines[0].contains("record 1: 'overall_interaction_rating' must be a rating from 1 to 10, found 0"))
        #expect(lines[1].contains("absent.jsonl"))
        #expect(lines[2].hasSuffix("nothing imported (2 problems)"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}
