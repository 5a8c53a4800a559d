import CollabBenchCore
import CollabBenchPacks
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `calibrate simulator` end to end against the loopback server: the simulated user gets each
/// human conversation's hidden intent, talks to two assistants, and the figures are set beside
/// the real conversations'.
@Suite(.timeLimit(.minutes(5)))
struct CalibrateSimulatorTests {
    static func reply(_ request: RecordedRequest) -> ScriptedResponse {
        let first = request.messages.first?.content ?? ""
        let model = request.json?["model"] as? String ?? ""
        if first.contains("You are evaluating how well") {
            let all = request.messages.map(\.content).joined(separator: "\n")
            return .chat(all.contains("Draft A") ? #"{"thought":"good","score":3}"# : #"{"thought":"meh","score":1}"#)
        }
        if first.contains("You are playing a person") {
            let done = (request.messages.last?.content ?? "").contains("Assistant:")
            return .chat(
                done
                    ? #"{"thought":"","message":"ok thanks [[TERMINATE CHAT]]"}"#
                    : #"{"thought":"","message":"It is for my friend Ana. Can you help?"}"#)
        }
        return .chat(model == "gpt-4o" ? "Draft A for you." : "Draft B for you.")
    }

    @Test func simulatedUsersBesideRealOnesWithTwoAssistants() async throws {
        let fixture = try HumanReferenceTests.standardFixture()
        defer { fixture.remove() }
        _ = try HumanImportPlan(directory: fixture.directory.path, mathFile: fixture.mathFile, store: fixture.store).run()
        let server = try await LoopbackOpenAIServer.start { Self.reply($0) }
        var plan = SimulatorCalibrationPlan(store: fixture.store, user: "openai/sim@\(server.baseURL)")
        plan.agents = ["openai/gpt-4o@\(server.baseURL)", "openai/gpt-4o-mini@\(server.baseURL)"]
        plan.judge = "openai/judge@\(server.baseURL)"
        plan.maxExchanges = 4
        let outcome: SimulatorCalibrationPlan.Outcome
        do {
            outcome = try await plan.run(environment: [:])
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
        let sets = outcome.calibration.sets
        #expect(sets.map(\.set) == [.documentCreation, .mathTutoring])
        let docs = sets[0]
        #expect(docs.conversations == 4)
        #expect(docs.agents.map(\.agent).allSatisfy { $0.hasPrefix("openai/gpt-4o") })
        let first = docs.agents[0]
        func measure(_ name: String) throws -> SimulatorCalibration.Measure { try #require(first.measures.first { $0.name == name }) }
        #expect(try measure("user_turns").real.mean == 2)
        #expect(try measure("user_turns").simulated.mean == 2)
        #expect(try measure("question_share").simulated.mean == 0.5)
        #expect(try measure("question_share").real.mean == 0.5)
        // The real users never named Ana in the chat; every simulated user did in its first message.
        #expect(try measure("revealed_by_turn_1").real.mean == 0)
        #expect(try measure("revealed_by_turn_1").simulated.mean == 1)
        #expect(try measure("revealed_by_turn_1").ks?.statistic == 1)
        #expect(try measure("judge_itr").simulated.mean == 1, "gpt-4o's drafts are rated 3 → 1.0 on the unit scale")
        #expect(first.simulatedEndings == ["user_terminated": 4])
        #expect(first.realUserRatings.n == 4)
        #expect(first.realUserRatingsOfThisModel.mean == 3, "docs 2 and 4 (gpt-4o) were rated 4 and 2")
        // gpt-4o: real users 3, simulated judge high; gpt-4o-mini: real users 8, simulated judge low.
        let ranking = try #require(docs.ranking)
        #expect(ranking.agents.count == 2)
        #expect(abs((ranking.spearman ?? 0) + 1) < 1e-12)
        // Math has no background answers: no reveal measures.
        #expect(!sets[1].agents[0].measures.contains { $0.name.hasPrefix("revealed") })

        // Stored as runs with the statistics as a recorded text.
        let store = try ResultStore(path: fixture.store)
        let simulated = try store.runs().filter { $0.name.contains("simulated by") }
        #expect(simulated.count == 4)
        for run in simulated {
            #expect(try store.runPrompts(runID: run.id)[SimulatorCalibrator.statisticsName] != nil)
            #expect(run.status == .completed)
        }
        let docsRun = try #require(simulated.first { $0.id == first.run })
        let scores = try store.conversationScores(runID: docsRun.id)
        #expect(scores.count == 4)
        #expect(scores.allSatisfy { $0.scores["elicitation"]?.status == .scored && $0.scores["itr"] != nil })
    }

    @Test func aStoreWithoutHumanRunsIsOneClearError() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-sim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try ResultStore(path: dir + "/s.sqlite")
        let server = try await LoopbackOpenAIServer.start { Self.reply($0) }
        let plan = SimulatorCalibrationPlan(store: dir + "/s.sqlite", user: "openai/sim@\(server.baseURL)")
        await #expect(throws: CollabBenchError.self) { _ = try await plan.run(environment: [:]) }
        try await server.stop()
    }

    @Test func theIntentsBackgroundAnswersAreTheKnownFacts() {
        let facts = SimulatorCalibrator.facts(
            inIntent:
                "Task: Apology\nDocument type: email\nYour own answers about what you want:\n- Who is it for? My friend Ana.\n- No question here"
        )
        #expect(
            facts == [
                PersonaFact(question: "Who is it for?", answer: "My friend Ana."), PersonaFact(question: "", answer: "No question here"),
            ])
    }
}
