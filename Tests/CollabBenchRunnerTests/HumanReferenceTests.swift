import CollabBenchCore
import CollabBenchPacks
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `humans import` and `calibrate judge` as libraries: the SimulatorArena importer on a small
/// fixture written here (and on the real release when `../shared/data/simulatorarena` is
/// present), and the judge calibration end to end against the loopback server.
@Suite(.timeLimit(.minutes(5)))
struct HumanReferenceTests {
    // MARK: - Fixture

    /// A folder in the SimulatorArena layout: `docs` and `math` records, and a MATH file.
    struct Fixture {
        let directory: URL
        var mathFile: String { directory.appendingPathComponent("math.jsonl").path }
        var store: String { directory.appendingPathComponent("store.sqlite").path }

        init(docs: [[String: Any]], math: [[String: Any]]) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-humans-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: docs).write(
                to: directory.appendingPathComponent(HumanReferenceSet.documentCreation.fileName))
            try JSONSerialization.data(withJSONObject: math).write(
                to: directory.appendingPathComponent(HumanReferenceSet.mathTutoring.fileName))
            let problems = [
                ["id": "test/algebra/1.json", "problem": "What is $2+3$?", "solution": "$\\boxed{5}$"],
                ["id": "train/algebra/2.json", "problem": "What is $4+4$?", "solution": "$\\boxed{8}$"],
            ]
            let lines = try problems.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(
                separator: "\n")
            try Data((lines + "\n").utf8).write(to: URL(fileURLWithPath: mathFile))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func doc(_ n: Int, interaction: Any, document: Any = 7, queries: [Any]? = nil) -> [String: Any] {
        [
            "workerId": "worker-\(n)-abcdefgh", "model": n % 2 == 0 ? "gpt-4o" : "gpt-4o-mini", "document_type": "email",
            "intent": "Apology Letter: Write a sincere letter (CASE-\(n)).",
            "user_queries": queries ?? ["Help me write an apology CASE-\(n)?", "Make it shorter."],
            "ai_responses": ["Here is a draft.", "Here is a shorter draft."],
            "bullet_points": ["Who is it for?"], "bullet_points_responses": ["My friend Ana."],
            "strength": "Quick.", "weakness": "Too formal.", "why_stop": "I was satisfied.",
            "overall_interaction_rating": interaction, "overall_document_rating": document,
        ]
    }

    static func math(_ n: Int, rating: Any, location: String = "test/algebra/1.json", queries: [Any]? = nil, replies: [Any]? = nil)
        -> [String: Any]
    {
        [
            "workerId": "student-\(n)-12345678", "model": "claude-3-5-sonnet-20240620", "math_expertise": "undergrad",
            "user_queries": queries ?? ["How do I add CASE-\(n)?", "Thanks"],
            "ai_responses": replies ?? ["Add the numbers.", "You are welcome."],
            "question_location": location, "similar_question_location": "train/algebra/2.json", "moved_to_problem_2": true,
            "strength_weakness": "Clear.", "why_stop": "I solved it.", "overall_rating": rating,
        ]
    }

    static func standardFixture() throws -> Fixture {
        try Fixture(
            docs: [doc(1, interaction: 9), doc(2, interaction: 4), doc(3, interaction: 7), doc(4, interaction: 2)],
            math: [
                math(1, rating: 8, queries: ["CASE-1 look", ["/tmp/gradio/abc/image.png"]], replies: ["I see an image.", NSNull()]),
                math(2, rating: 3), math(3, rating: 6),
            ])
    }

    // MARK: - Import

    @Test func importsEachReferenceSetAsAHumanRunAndReimportingIsANoOp() throws {
        let fixture = try Self.standardFixture()
        defer { fixture.remove() }
        let plan = HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store)
        let outcomes = try plan.run()
        #expect(outcomes.map(\.set) == [.documentCreation, .mathTutoring])
        #expect(outcomes.map(\.conversations) == [4, 3])
        #expect(outcomes.map(\.imageMessages) == [0, 1])
        #expect(outcomes.map(\.missingReplies) == [0, 1])
        #expect(outcomes.allSatisfy { !$0.alreadyImported })

        let store = try ResultStore(path: fixture.store)
        let runs = try store.runs()
        #expect(runs.map(\.name).sorted() == ["simulatorarena-document-creation", "simulatorarena-math-tutoring"])
        for run in runs {
            #expect(HumanRunLayout.isHuman(run))
            #expect(run.agent == "recorded/simulatorarena" && run.agentPreset == "human" && run.userSimulator == "human/simulatorarena")
            #expect(run.status == .completed)
        }
        let docsRun = try #require(runs.first { $0.packKind == .docs })
        let docs = try store.conversationScores(runID: docsRun.id)
        #expect(docs.map(\.taskID) == ["doc-01-worker-1", "doc-02-worker-2", "doc-03-worker-3", "doc-04-worker-4"])
        let first = try #require(docs.first)
        #expect(first.endReason == "user_terminated")
        let rating = try #require(first.scores["human.interaction_rating"])
        #expect(rating.value == 9 && rating.status == .scored && rating.method == "human")
        #expect(first.scores["human.document_rating"]?.value == 7)
        let detail = try #require(rating.detail)
        #expect(
            detail.contains("\"why_stop\":\"I was satisfied.\"") && detail.contains("\"weakness\":\"Too formal.\"")
                && detail.contains("\"model\":\"gpt-4o-mini\""))
        let messages = try store.messages(conversationID: first.conversationID)
        #expect(messages.map(\.role) == ["user", "assistant", "user", "assistant"])
        #expect(messages.first?.text == "Help me write an apology CASE-1?")
        let transcript = try store.transcript(conversationID: first.conversationID)
        #expect(transcript.turns.map(\.call.model) == ["human", "recorded/gpt-4o-mini", "human", "recorded/gpt-4o-mini"])
        let intents = try store.runPrompts(runID: docsRun.id)
        let intent = try #require(intents[HumanRunLayout.intentName("doc-01-worker-1")])
        #expect(intent.contains("Apology Letter: Write a sincere letter (CASE-1).") && intent.contains("Who is it for? My friend Ana."))

        let mathRun = try #require(runs.first { $0.packKind == .math })
        let maths = try store.conversationScores(runID: mathRun.id)
        #expect(maths.first?.scores["human.overall_rating"]?.value == 8)
        let imageConversation = try store.messages(conversationID: try #require(maths.first?.conversationID))
        #expect(
            imageConversation.map(\.text) == [
                "CASE-1 look", "I see an image.", "[image: /tmp/gradio/abc/image.png]", "[no reply recorded]",
            ])
        let firstMath = try #require(maths.first)
        let mathIntents = try store.runPrompts(runID: mathRun.id)
        let mathIntent = try #require(mathIntents[HumanRunLayout.intentName(firstMath.taskID)])
        #expect(mathIntent.contains("What is $2+3$?") && mathIntent.contains("What is $4+4$?") && mathIntent.contains("undergrad"))

        // Again: nothing is written twice.
        let again = try plan.run()
        #expect(again.allSatisfy { $0.alreadyImported })
        #expect(again.map(\.runID) == outcomes.map(\.runID))
        #expect(try store.runs().count == 2)
        #expect(try store.conversationScores(runID: docsRun.id).count == 4)
    }

    @Test func malformedInputGetsOneLinePerProblemAndWritesNothing() throws {
        let fixture = try Fixture(
            docs: [Self.doc(1, interaction: 9), Self.doc(2, interaction: 11), Self.doc(3, interaction: 5, queries: [42, "x"])],
            math: [Self.math(1, rating: 5), Self.math(2, rating: 5, location: "test/algebra/999.json"), ["model": "gpt-4o"]])
        defer { fixture.remove() }
        let plan = HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store)
        let error = try #require(throws: HumanImportError.self) { try plan.run() }
        let problems = error.problems
        #expect(problems.allSatisfy { !$0.contains("\n") })
        #expect(problems.contains { $0.hasSuffix("record 2: 'overall_interaction_rating' must be a rating from 1 to 10, found 11") })
        #expect(problems.contains { $0.hasSuffix("record 3: user_queries[0] is neither text nor a list of image paths") })
        #expect(problems.contains { $0.contains("record 2: question_location 'test/algebra/999.json' is not in") })
        #expect(problems.contains { $0.hasSuffix("record 3: 'question_location' is missing") })
        #expect(problems.contains { $0.hasSuffix("record 3: 'overall_rating' is missing") })
        #expect(!FileManager.default.fileExists(atPath: fixture.store))

        let missing = try #require(throws: HumanImportError.self) {
            try HumanImportPlan(
                directory: fixture.directory.path, mathFile: fixture.directory.appendingPathComponent("none.jsonl").path,
                store: fixture.store
            ).run()
        }
        #expect(missing.problems.contains { $0.contains("none.jsonl") && $0.contains("the MATH file") })
    }

    // MARK: - Real data

    static let realDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/simulatorarena").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: realDirectory), "needs ../shared/data/simulatorarena"))
    func readsTheRealReleaseAndItsFiguresMatchSciPy() throws {
        let sources = try SimulatorArenaReader.read(directory: Self.realDirectory)
        #expect(sources.map(\.conversations.count) == [51, 50])
        let docs = sources[0].conversations
        let maths = sources[1].conversations
        #expect(maths.reduce(0) { $0 + $1.imageMessages } == 1)
        for source in sources {
            let b = HumanBaselines(source.conversations)
            print(
                "\(source.set.rawValue): \(b.conversations) conversations; user turns median \(b.medianUserTurns) mean \(b.meanUserTurns); words per user message median \(b.medianWordsPerUserMessage) mean \(b.meanWordsPerUserMessage); question share \(b.questionShare); ratings \(b.ratingCounts) means \(b.ratingMeans)"
            )
        }
        // The same figures as scripts/make-calibration-fixtures.py computes from the files.
        let url =
            Self.realDirectory.isEmpty
            ? nil
            : URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("CollabBenchReportsTests/Fixtures/calibration-stats.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: try #require(url))) as? [String: Any]
        let real = try #require(object?["real"] as? [[String: Any]])
        #expect(real.count == 6)
        func r(_ c: HumanConversation, _ rating: HumanRating) -> Double { c.ratings[rating] ?? .nan }
        func turns(_ c: HumanConversation) -> Double { Double(c.userMessages.count) }
        func words(_ set: [HumanConversation]) -> [Double] {
            set.flatMap(\.userMessages).map { Double($0.split(whereSeparator: \.isWhitespace).count) }
        }
        let pairs: [String: ([Double], [Double])] = [
            "docs: interaction rating vs document rating": (docs.map { r($0, .interaction) }, docs.map { r($0, .document) }),
            "docs: user turns vs interaction rating": (docs.map(turns), docs.map { r($0, .interaction) }),
            "math: user turns vs rating": (maths.map(turns), maths.map { r($0, .overall) }),
            "user turns: docs vs math": (docs.map(turns), maths.map(turns)),
            "ratings: docs interaction vs math": (docs.map { r($0, .interaction) }, maths.map { r($0, .overall) }),
            "words per user message: docs vs math": (words(docs), words(maths)),
        ]
        var worst = 0.0
        for entry in real {
            let name = try #require(entry["name"] as? String)
            let (x, y) = try #require(pairs[name], "\(name)")
            func check(_ key: String, _ mine: Double?) {
                guard let theirs = (entry[key] as? NSNumber)?.doubleValue else { return }
                #expect(mine != nil, "\(name) \(key)")
                if let mine { worst = max(worst, abs(mine - theirs)) }
            }
            if x.count == y.count {
                check("spearman", Correlation.spearman(x, y))
                check("kendall", Correlation.kendallTauB(x, y))
                check("pearson", Correlation.pearson(x, y))
            }
            let ks = KolmogorovSmirnov.test(x, y)
            check("ks_statistic", ks?.statistic)
            check("ks_pvalue", ks?.pValue)
        }
        #expect(worst < 1e-9, "max abs diff \(worst)")
    }

    // MARK: - Calibrate judge

    /// Judge A rates CASE-1/3 as 3, CASE-2 as 2, CASE-4 unreadably; judge B rates everything it can as 3 but CASE-2 as 1.
    static func judgeReply(_ request: RecordedRequest) -> ScriptedResponse {
        let prompt = request.messages.map(\.content).joined(separator: "\n")
        let model = request.json?["model"] as? String ?? ""
        let caseNumber = (1...4).first { prompt.contains("CASE-\($0)") } ?? 0
        if model == "judge-a" {
            switch caseNumber {
            case 4: return .chat("I would rather not rate this one.")
            case 2: return .chat(#"{"thought":"some clarification","score":2}"#)
            default: return .chat(#"{"thought":"asked well","score":3}"#)
            }
        }
        return .chat(caseNumber == 2 ? #"{"thought":"poor","score":1}"# : #"{"thought":"fine","score":3}"#)
    }

    @Test func calibrateJudgeEndToEndAgainstTheLoopbackServer() async throws {
        let fixture = try Self.standardFixture()
        defer { fixture.remove() }
        _ = try HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store).run()
        let server = try await LoopbackOpenAIServer.start { Self.judgeReply($0) }
        var plan = JudgeCalibrationPlan(
            store: fixture.store, judges: ["openai/judge-a@\(server.baseURL)", "openai/judge-b@\(server.baseURL)"])
        plan.judgeRepeats = 2
        let outcome: JudgeCalibrationPlan.Outcome
        do {
            outcome = try await plan.run(environment: [:])
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
        let calibration = outcome.calibration
        #expect(calibration.sets.map(\.set) == [.documentCreation, .mathTutoring])
        let docs = calibration.sets[0]
        #expect(docs.ratingMetric == "human.interaction_rating")
        #expect(docs.conversations.map(\.id) == ["doc-01-worker-1", "doc-02-worker-2", "doc-03-worker-3", "doc-04-worker-4"])
        #expect(docs.conversations.map(\.userRating) == [9, 4, 7, 2])
        #expect(docs.conversations.map(\.model) == ["gpt-4o-mini", "gpt-4o", "gpt-4o-mini", "gpt-4o"])
        // Judge A: CASE-4 unreadable in every attempt → unscored, counted, left out (never 0).
        #expect(docs.conversations.map { $0.judgeScores[0] } == [1, -1, 1, nil])
        #expect(docs.conversations.map { $0.judgeScores[1] } == [1, -3, 1, 1])
        let a = docs.judges[0]
        #expect(a.judge == "openai/judge-a@\(server.baseURL)")
        #expect(a.n == 3 && a.unscored == 1 && a.failed == 0)
        #expect(a.spearman.value == Correlation.spearman([9, 4, 7], [1, -1, 1]))
        #expect(a.kendall.value == Correlation.kendallTauB([9, 4, 7], [1, -1, 1]))
        #expect(a.pearson.value == Correlation.pearson([9, 4, 7], [1, -1, 1]))
        #expect(a.spearman.interval != nil)
        let b = docs.judges[1]
        #expect(b.n == 4 && b.unscored == 0)
        #expect(b.pearson.value == Correlation.pearson([9, 4, 7, 2], [1, -3, 1, 1]))
        // Interval α of [[1, 1], [-1, -3], [1, 1], [nil, 1]], as the krippendorff package computes it.
        #expect(abs((docs.judgesAlpha ?? 0) - 0.7619047619047619) < 1e-12)
        // The judged math set: the math judge sees the restored problem in the hidden intent.
        #expect(calibration.sets[1].conversations.count == 3)
        #expect(server.requests.contains { $0.body.contains("What is $2+3$?") })
        // Unreadable replies were retried (3 attempts × 2 repeats for CASE-4 of judge A).
        let caseFourA = server.requests.filter {
            ($0.json?["model"] as? String) == "judge-a" && $0.body.contains("CASE-4") && $0.body.contains("You are evaluating how well")
        }
        #expect(caseFourA.count == 6)

        // Stored as an ordinary run: the human ratings copied, the judges' itr beside them.
        let store = try ResultStore(path: fixture.store)
        let stored = try #require(try store.run(docs.calibrationRun))
        #expect(stored.agentPreset == "human" && stored.status == .completed)
        let statistics = try #require(try store.runPrompts(runID: stored.id)[JudgeCalibrator.statisticsName])
        #expect(try JSONDecoder().decode(JudgeCalibration.SetCalibration.self, from: Data(statistics.utf8)) == docs)
        let rows = try store.conversationScores(runID: stored.id)
        #expect(rows.map { $0.scores["human.interaction_rating"]?.value } == [9, 4, 7, 2])
        #expect(rows.map { $0.scores["itr.0.0"]?.status } == [.scored, .scored, .scored, .unscored])
        #expect(rows[3].scores["itr.0.0"]?.value == nil)
        #expect(rows[3].scores["itr"]?.value == 1)  // judge B's readable verdicts
        // The leaderboard shows the calibration run, marked human, with the judges' agreement.
        let rows2 = try Leaderboard.rows(store: store)
        #expect(rows2.contains { $0.runs == [stored.id] && $0.agent == "recorded/simulatorarena [human]" && $0.judgeAgreementAlpha != nil })
    }

    @Test func limitJudgesOnlyTheFirstConversationsOfEachSet() async throws {
        let fixture = try Self.standardFixture()
        defer { fixture.remove() }
        _ = try HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store).run()
        let server = try await LoopbackOpenAIServer.start { Self.judgeReply($0) }
        var plan = JudgeCalibrationPlan(store: fixture.store, judges: ["openai/judge-b@\(server.baseURL)"])
        plan.limit = 2
        let outcome: JudgeCalibrationPlan.Outcome
        do {
            outcome = try await plan.run(environment: [:])
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
        #expect(outcome.calibration.sets.map(\.conversations.count) == [2, 2])
        #expect(server.requests.count == 6)  // interactivity on 2 + 2, document quality on the 2 documents
        let store = try ResultStore(path: fixture.store)
        let run = try #require(try store.run(outcome.calibration.sets[0].calibrationRun))
        let judged = try store.conversationScores(runID: run.id)
        #expect(run.taskCount == 2 && judged.count == 2)
        var bad = JudgeCalibrationPlan(store: fixture.store, judges: ["openai/judge-b@\(server.baseURL)"])
        bad.limit = 0
        await #expect(throws: CollabBenchError.self) { try await bad.run(environment: [:]) }
    }
}
