import CollabBenchCore
import CollabBenchPacks
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `calibrate judge`'s other instruments: the document-quality judge on document creation and the
/// correctness check on math tutoring, end to end against the loopback server with scripted
/// replies (and on the real release when `../shared/data` is present).
@Suite(.timeLimit(.minutes(5)))
struct JudgeCalibrationInstrumentsTests {
    typealias Fixture = HumanReferenceTests.Fixture

    /// Documents rated 8, 3, 6, 2 by their users; math conversations whose assistant boxed 5
    /// (correct), boxed 7 (wrong) or nothing (judged).
    static func fixture() throws -> Fixture {
        try Fixture(
            docs: [
                HumanReferenceTests.doc(1, interaction: 9, document: 8), HumanReferenceTests.doc(2, interaction: 4, document: 3),
                HumanReferenceTests.doc(3, interaction: 7, document: 6), HumanReferenceTests.doc(4, interaction: 2, document: 2),
            ],
            math: [
                HumanReferenceTests.math(1, rating: 8, replies: ["Try adding them.", "Right, it is five."]),
                HumanReferenceTests.math(2, rating: 3, replies: ["So the sum is $\\boxed{5}$.", "You are welcome."]),
                HumanReferenceTests.math(3, rating: 6, replies: ["So the sum is $\\boxed{7}$.", "You are welcome."]),
            ])
    }

    static let documentPrompt = "You are rating a document an AI assistant wrote"
    static let accuracyPrompt = "You are grading the answer an AI assistant reached"

    /// Interactivity 3 everywhere; document quality 9, 3, unreadable (11 is off the scale), 2;
    /// judged accuracy 1.
    static func reply(_ request: RecordedRequest) -> ScriptedResponse {
        let prompt = request.messages.map(\.content).joined(separator: "\n")
        if prompt.contains(documentPrompt) {
            if prompt.contains("CASE-1") { return .chat(#"{"thought":"what they wanted","score":9}"#) }
            if prompt.contains("CASE-2") { return .chat(#"{"thought":"weak","score":3}"#) }
            if prompt.contains("CASE-3") { return .chat(#"{"thought":"off the scale","score":11}"#) }
            return .chat(#"{"thought":"unusable","score":2}"#)
        }
        if prompt.contains(accuracyPrompt) { return .chat(#"{"thought":"five is right","accuracy":1}"#) }
        return .chat(#"{"thought":"fine","score":3}"#)
    }

    static func run(_ fixture: Fixture, math: Bool, judges: Int = 1) async throws -> (JudgeCalibration, [RecordedRequest]) {
        _ = try HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store).run()
        let server = try await LoopbackOpenAIServer.start { Self.reply($0) }
        var plan = JudgeCalibrationPlan(store: fixture.store, judges: (0..<judges).map { "openai/judge-\($0)@\(server.baseURL)" })
        plan.mathFile = math ? fixture.mathFile : nil
        do {
            let outcome = try await plan.run(environment: [:])
            try await server.stop()
            return (outcome.calibration, server.requests)
        } catch {
            try? await server.stop()
            throw error
        }
    }

    @Test func documentQualityAndCorrectnessAreHeldAgainstTheUsersRatings() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let (calibration, requests) = try await Self.run(fixture, math: true)
        let docs = try #require(calibration.sets.first { $0.set == .documentCreation })
        #expect(docs.instruments.map(\.instrument) == [.interactivity, .documentQuality])
        #expect(docs.instrument(.interactivity)?.judges == docs.judges)
        let quality = try #require(docs.instrument(.documentQuality))
        #expect(quality.ratingMetric == "human.document_rating")
        #expect(quality.conversations.map(\.userRating) == [8, 3, 6, 2])
        // CASE-3's replies are off the scale in every attempt: unscored and counted, never 0.
        #expect(quality.conversations.map { $0.judgeScores[0] } == [9, 3, nil, 2])
        let q = quality.judges[0]
        #expect(q.n == 3 && q.unscored == 1 && q.failed == 0)
        #expect(q.spearman.value == Correlation.spearman([8, 3, 2], [9, 3, 2]))
        #expect(q.kendall.value == Correlation.kendallTauB([8, 3, 2], [9, 3, 2]))
        #expect(q.pearson.value == Correlation.pearson([8, 3, 2], [9, 3, 2]))
        // The judge saw the final document and the hidden intent (task card and background answers).
        let documentCalls = requests.filter { $0.body.contains(Self.documentPrompt) }
        #expect(documentCalls.count == 3 + 3 * 1)  // CASE-3 asked three times
        #expect(documentCalls.allSatisfy { $0.body.contains("Here is a shorter draft.") && $0.body.contains("My friend Ana.") })

        let math = try #require(calibration.sets.first { $0.set == .mathTutoring })
        let correctness = try #require(math.instrument(.correctness))
        #expect(correctness.ratingMetric == "human.overall_rating")
        #expect(correctness.conversations.map(\.userRating) == [8, 3, 6])
        #expect(correctness.conversations.map { $0.judgeScores[0] } == [1, 1, 0])
        #expect(correctness.symbolicChecks == 2 && correctness.missingReferences == 0)
        let c = correctness.judges[0]
        #expect(c.n == 3 && c.unscored == 0)
        #expect(c.pearson.value == Correlation.pearson([8, 3, 6], [1, 1, 0]))
        #expect(c.spearman.value == Correlation.spearman([8, 3, 6], [1, 1, 0]))
        // Only the unboxed conversation went to the accuracy judge, with both problems' solutions.
        let accuracyCalls = requests.filter { $0.body.contains(Self.accuracyPrompt) }
        #expect(accuracyCalls.count == 1)
        #expect(accuracyCalls.allSatisfy { $0.body.contains("CASE-1") && $0.body.contains("Solution of the similar problem") })

        // Stored with the calibration run: the scores, the prompt hashes and the statistics.
        let store = try ResultStore(path: fixture.store)
        let docsRun = try #require(try store.run(docs.calibrationRun))
        let config = try JSONDecoder().decode(RunConfiguration.self, from: Data(docsRun.configJSON.utf8))
        let prompts = try PromptLibrary.load()
        #expect(config.promptHashes[DocumentQualityJudge.templateName] == (try prompts.template(DocumentQualityJudge.templateName)).hash)
        let docRows = try store.conversationScores(runID: docsRun.id)
        #expect(docRows.map { $0.scores["document_quality"]?.value } == [9, 3, nil, 2])
        #expect(docRows[2].scores["document_quality"]?.status == .unscored)
        let mathRows = try store.conversationScores(runID: math.calibrationRun)
        #expect(mathRows.map { $0.scores["correctness"]?.value } == [1, 1, 0])
        #expect(mathRows.dropFirst().map { $0.scores["correctness"]?.method } == ["symbolic", "symbolic"])
        #expect(mathRows[0].scores["correctness"]?.method.hasPrefix("judge:openai/judge-0") == true)
        let statistics = try #require(try store.runPrompts(runID: math.calibrationRun)[JudgeCalibrator.statisticsName])
        #expect(try JSONDecoder().decode(JudgeCalibration.SetCalibration.self, from: Data(statistics.utf8)) == math)

        // The text names every instrument and the rating it is held against.
        let text = calibration.renderedText()
        #expect(text.contains("document-quality against human.document_rating"))
        #expect(text.contains("correctness against human.overall_rating (2 checked symbolically, 1 judged"))
    }

    @Test func withoutAMathFileCorrectnessIsNotRunAndSaysWhy() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let (calibration, requests) = try await Self.run(fixture, math: false, judges: 2)
        let math = try #require(calibration.sets.first { $0.set == .mathTutoring })
        let correctness = try #require(math.instrument(.correctness))
        #expect(correctness.notRun?.contains("--math") == true && correctness.judges.isEmpty)
        #expect(!requests.contains { $0.body.contains(Self.accuracyPrompt) })
        #expect(calibration.renderedText().contains("correctness: not run (no MATH file given (--math)"))
        // Two judges: each one's document scores, their agreement, and each judgement stored.
        let quality = try #require(calibration.sets.first { $0.set == .documentCreation }?.instrument(.documentQuality))
        #expect(quality.judges.count == 2 && quality.conversations.allSatisfy { $0.judgeScores.count == 2 })
        let store = try ResultStore(path: fixture.store)
        let rows = try store.conversationScores(runID: calibration.sets[0].calibrationRun)
        #expect(rows[0].scores["document_quality.1.0"]?.value == 9)
    }

    @Test func aProblemTheMATHFileDoesNotHoldIsUnscoredAndCounted() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        _ = try HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store).run()
        let other = fixture.directory.appendingPathComponent("other.jsonl")
        try Data(#"{"id": "x/1.json", "problem": "What is $9+9$?", "solution": "$\\boxed{18}$"}"#.utf8 + [10]).write(to: other)
        let server = try await LoopbackOpenAIServer.start { Self.reply($0) }
        var plan = JudgeCalibrationPlan(store: fixture.store, judges: ["openai/judge@\(server.baseURL)"])
        plan.mathFile = other.path
        let calibration: JudgeCalibration
        do {
            calibration = try await plan.run(environment: [:]).calibration
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
        let correctness = try #require(calibration.sets.first { $0.set == .mathTutoring }?.instrument(.correctness))
        #expect(correctness.missingReferences == 3 && correctness.symbolicChecks == 0)
        #expect(correctness.judges[0].n == 0 && correctness.judges[0].unscored == 3)
        #expect(correctness.conversations.allSatisfy { $0.judgeScores == [nil] })
        #expect(calibration.renderedText().contains("(0 checked symbolically, 0 judged, 3 without a MATH reference)"))
    }

    @Test func aRunsConfigurationLeavesOutTheCalibrationOnlyPrompt() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        var plan = RunPlan(pack: root + "/Tasks/math", agent: .model("openai/a@http://127.0.0.1:9/v1"))
        plan.cache = .off
        let prepared = try await RunAssembler(plan: plan, environment: [:], workingDirectory: root).prepare()
        #expect(prepared.configuration.promptHashes[DocumentQualityJudge.templateName] == nil)
        #expect(prepared.configuration.promptHashes["judge.interactivity"] != nil)
    }

    @Test func documentQualityRepliesOffTheScaleAreUnreadable() {
        #expect(DocumentQualityJudge.parse(#"{"thought":"ok","score":7}"#)?.score == 7)
        #expect(DocumentQualityJudge.parse("Rating: 10")?.score == 10)
        for unreadable in [#"{"score":0}"#, #"{"score":11}"#, #"{"score":7.5}"#, "a fine document", ""] {
            #expect(DocumentQualityJudge.parse(unreadable) == nil, "\(unreadable)")
        }
    }

    @Test func referencesAreFoundByTheProblemTextsOfTheHiddenIntent() {
        let references = JudgeCalibrationReferences(solutions: ["What is\n$2+3$?": "It is $\\boxed{5}$.", "What is $4+4$?": "$\\boxed{8}$"])
        let both = references.problems(
            inHiddenIntent: "Problem: What is\n$2+3$?\nThen a similar problem: What is $4+4$?\nYour own math background: none")
        #expect(both.map(\.answer) == ["5", "8"])
        #expect(references.problems(inHiddenIntent: "Problem: What is $4+4$?").map(\.answer) == ["8"])
        #expect(references.problems(inHiddenIntent: "Problem: What is $9+9$?").isEmpty)
        #expect(references.problems(inHiddenIntent: "Task: write a letter").isEmpty)
    }

    // MARK: - Real data

    static let mathFile = URL(fileURLWithPath: HumanReferenceTests.realDirectory).deletingLastPathComponent()
        .appendingPathComponent("math/math_all.jsonl.gz").path

    /// A judge whose replies depend only on the prompt: interactivity 1–3, quality 1–10, accuracy 0/1.
    static func hashedReply(_ request: RecordedRequest) -> ScriptedResponse {
        let prompt = request.messages.map(\.content).joined(separator: "\n")
        let h = Int(StableHash.sha256(prompt).prefix(6), radix: 16) ?? 0
        if prompt.contains(documentPrompt) { return .chat(#"{"thought":"t","score":\#(h % 10 + 1)}"#) }
        if prompt.contains(accuracyPrompt) { return .chat(#"{"thought":"t","accuracy":\#(h % 2)}"#) }
        return .chat(#"{"thought":"t","score":\#(h % 3 + 1)}"#)
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: HumanReferenceTests.realDirectory)
                && FileManager.default.fileExists(atPath: mathFile),
            "needs ../shared/data/simulatorarena and ../shared/data/math"))
    func everyRealConversationGetsADocumentOrItsMATHReference() async throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent(
            "collabbench-real-calibration-\(UUID().uuidString).sqlite"
        ).path
        defer { try? FileManager.default.removeItem(atPath: store) }
        _ = try HumanImportPlan(directory: HumanReferenceTests.realDirectory, mathFile: Self.mathFile, store: store).run()
        let server = try await LoopbackOpenAIServer.start { Self.hashedReply($0) }
        var plan = JudgeCalibrationPlan(store: store, judges: ["openai/hashed@\(server.baseURL)"])
        plan.mathFile = Self.mathFile
        let calibration: JudgeCalibration
        do {
            calibration = try await plan.run(environment: [:]).calibration
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
        let quality = try #require(calibration.sets.first { $0.set == .documentCreation }?.instrument(.documentQuality))
        #expect(quality.conversations.count == 51 && quality.judges[0].n == 51 && quality.judges[0].unscored == 0)
        let correctness = try #require(calibration.sets.first { $0.set == .mathTutoring }?.instrument(.correctness))
        // Every problem is found again in the MATH file; the tutors never box an answer, so all are judged.
        #expect(correctness.conversations.count == 50 && correctness.missingReferences == 0 && correctness.symbolicChecks == 0)
        #expect(correctness.judges[0].n == 50)
        for instrument in [quality, correctness] {
            let pairs = instrument.conversations.compactMap { c in c.userRating.flatMap { u in c.judgeScores[0].map { (u, $0) } } }
            #expect(instrument.judges[0].spearman.value == Correlation.spearman(pairs.map(\.0), pairs.map(\.1)))
            #expect(instrument.judges[0].pearson.value == Correlation.pearson(pairs.map(\.0), pairs.map(\.1)))
        }
    }
}
