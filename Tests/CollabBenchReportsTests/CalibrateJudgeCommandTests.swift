import CollabBenchTestSupport
import Foundation
import Testing

/// `collabbench calibrate judge` with its other instruments as a user runs it: document quality
/// and math correctness (`--math`) in the text and the JSON, a bad MATH file as one error line,
/// and the calibrated judge's ρ on the leaderboard (against the loopback server).
@Suite(.timeLimit(.minutes(5)))
struct CalibrateJudgeCommandTests {
    static var binary: String? { BuildProducts.collabbench }

    static func run(_ arguments: [String]) async throws -> TestProcess.Output {
        try await TestProcess.run(try #require(binary), arguments)
    }

    /// Three documents (document ratings 8, 3, 5) and two math conversations, one boxing the right answer.
    static func writeFixture() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-calibrate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func doc(_ n: Int, _ interaction: Int, _ document: Int) -> [String: Any] {
            [
                "workerId": "w\(n)", "model": "gpt-4o", "intent": "Blog post CASE-\(n)", "user_queries": ["Write it CASE-\(n)", "Thanks"],
                "ai_responses": ["A long draft of the post.", "The final post, revised."], "why_stop": "done",
                "overall_interaction_rating": interaction, "overall_document_rating": document,
            ]
        }
        func math(_ n: Int, _ reply: String, _ rating: Int) -> [String: Any] {
            [
                "workerId": "s\(n)", "model": "gpt-4o-mini", "user_queries": ["Help CASE-\(n)"], "ai_responses": [reply],
                "question_location": "test/algebra/1.json", "overall_rating": rating,
            ]
        }
        try JSONSerialization.data(withJSONObject: [doc(1, 9, 8), doc(2, 3, 3), doc(3, 6, 5)]).write(
            to: directory.appendingPathComponent("document_creation_annotations_for_benchmarking.json.gz"))
        try JSONSerialization.data(withJSONObject: [math(4, "It is $\\boxed{2}$.", 9), math(5, "Think about it.", 4)]).write(
            to: directory.appendingPathComponent("math_tutoring_annotations_redacted_for_benchmarking.json.gz"))
        try Data(#"{"id": "test/algebra/1.json", "problem": "What is $1+1$?", "solution": "$1+1=\\boxed{2}$"}"#.utf8 + [10]).write(
            to: directory.appendingPathComponent("math.jsonl"))
        return directory
    }

    @Test(.enabled(if: binary != nil, "needs a built collabbench"))
    func documentQualityAndCorrectnessInTextJSONAndOnTheLeaderboard() async throws {
        let directory = try Self.writeFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("store.sqlite").path
        let mathFile = directory.appendingPathComponent("math.jsonl").path
        let imported = try await Self.run(["humans", "import", "--from", directory.path, "--math", mathFile, "--db", db])
        #expect(imported.status == 0, "\(imported.stderrText)")

        let server = try await LoopbackOpenAIServer.start { request in
            let prompt = request.messages.map(\.content).joined(separator: "\n")
            if prompt.contains("You are rating a document") {
                return .chat(
                    prompt.contains("CASE-1")
                        ? #"{"thought":"t","score":9}"# : prompt.contains("CASE-2") ? #"{"score":2}"# : #"{"score":6}"#)
            }
            if prompt.contains("You are grading the answer") { return .chat(#"{"thought":"no answer","accuracy":0}"#) }
            return .chat(prompt.contains("CASE-2") ? #"{"score":1}"# : #"{"score":3}"#)
        }
        let judge = "openai/j@\(server.baseURL)"
        let text = try await Self.run(["calibrate", "judge", "--db", db, "--judge", judge, "--math", mathFile])
        let json = try await Self.run(["calibrate", "judge", "--db", db, "--judge", judge, "--math", mathFile, "--json"])
        let badMath = try await Self.run([
            "calibrate", "judge", "--db", db, "--judge", judge, "--math", directory.appendingPathComponent("none.jsonl").path,
        ])
        try await server.stop()

        #expect(text.status == 0, "\(text.stderrText)")
        #expect(text.stdoutText.contains("document-quality against human.document_rating"))
        #expect(text.stdoutText.contains("correctness against human.overall_rating (1 checked symbolically, 1 judged"))
        #expect(text.stdoutText.contains("Spearman rho  +1.000"))

        #expect(json.status == 0, "\(json.stderrText)")
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        let sets = try #require(object["sets"] as? [[String: Any]])
        let docInstruments = try #require(sets.first?["instruments"] as? [[String: Any]])
        #expect(docInstruments.map { $0["instrument"] as? String } == ["interactivity", "document-quality"])
        let quality = try #require(docInstruments.last?["conversations"] as? [[String: Any]])
        #expect(quality.map { $0["id"] as? String } == ["doc-01-w1", "doc-02-w2", "doc-03-w3"])
        #expect(quality.map { ($0["userRating"] as? NSNumber)?.doubleValue } == [8, 3, 5])
        #expect(quality.map { (($0["judgeScores"] as? [Any])?.first as? NSNumber)?.doubleValue } == [9, 2, 6])
        let mathInstruments = try #require(sets.last?["instruments"] as? [[String: Any]])
        let correctness = try #require(mathInstruments.first { ($0["instrument"] as? String) == "correctness" })
        #expect((correctness["symbolicChecks"] as? Int) == 1)
        let scores = (correctness["conversations"] as? [[String: Any]])?.map {
            (($0["judgeScores"] as? [Any])?.first as? NSNumber)?.doubleValue
        }
        #expect(scores == [1, 0])

        #expect(badMath.status != 0)
        #expect(badMath.stderrText.hasPrefix("collabbench: error: ") && badMath.stderrText.contains("none.jsonl"))
        #expect(badMath.stderrText.split(separator: "\n").count == 1)

        // The calibration runs are judged by the calibrated judge: their rows show its ρ.
        let board = try await Self.run(["leaderboard", "--db", db])
        #expect(board.status == 0, "\(board.stderrText)")
        #expect(board.stdoutText.contains("judge ρ vs users [95% CI]"))
        #expect(board.stdoutText.contains("judge calibrated on document-creation"))
    }
}
