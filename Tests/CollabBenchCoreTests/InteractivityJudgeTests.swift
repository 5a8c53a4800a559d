import CollabBenchCore
import CollabBenchTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct InteractivityJudgeTests {
    let task = BenchmarkTask(id: "t", prompt: "p", hiddenIntent: "intent", reference: TaskReference(text: "r"))
    let transcript = Transcript(
        turns: [Turn(role: .user, text: "hi", call: CallRecord(model: "m", rawReply: "hi"))], endReason: .maxExchanges)

    @Test(arguments: [(3.0, 1.0), (2.0, -1.0), (1.0, -3.0)])
    func rescalesThePaperRubric(raw: Double, expected: Double) async throws {
        let model = ScriptedChatModel(replies: [#"{"thought":"x","score":\#(Int(raw))}"#])
        let verdict = try await InteractivityJudge(model: model, prompts: try PromptLibrary.load()).judge(task: task, transcript: transcript, seed: 1)
        #expect(verdict.status == .scored)
        #expect(verdict.score == expected)
    }

    @Test func unreadableRepliesBecomeUnscoredNeverZero() async throws {
        let model = ScriptedChatModel(replies: ["I cannot decide.", "Still thinking", "{\"score\": 9}"])
        let verdict = try await InteractivityJudge(model: model, prompts: try PromptLibrary.load(), maxAttempts: 3)
            .judge(task: task, transcript: transcript, seed: 1)
        #expect(verdict.status == .unscored)
        #expect(verdict.score == nil)
        #expect(verdict.calls.count == 3)
        #expect(verdict.calls.map(\.rawReply) == ["I cannot decide.", "Still thinking", "{\"score\": 9}"])
        #expect(model.requests.count == 3)
    }

    @Test func retriesUntilAReadableReply() async throws {
        let model = ScriptedChatModel(replies: ["hmm", "Score: 3"])
        let verdict = try await InteractivityJudge(model: model, prompts: try PromptLibrary.load()).judge(task: task, transcript: transcript, seed: 1)
        #expect(verdict.status == .scored)
        #expect(verdict.score == 1)
        #expect(verdict.calls.count == 2)
        #expect(verdict.calls[0].formatError)
    }

    @Test func judgeSeesTheHiddenIntentAndTheConversation() async throws {
        let model = ScriptedChatModel(replies: [#"{"thought":"x","score":2}"#])
        _ = try await InteractivityJudge(model: model, prompts: try PromptLibrary.load()).judge(task: task, transcript: transcript, seed: 1)
        let prompt = model.requests[0].messages[0].content
        #expect(prompt.contains("intent"))
        #expect(prompt.contains("User: hi"))
        #expect(model.requests[0].responseFormat != nil)
    }

    @Test(arguments: [(#"{"thought":"x","score":0.75}"#, 0.75), (#"{"thought":"x","score":0}"#, 0.0), ("Score: 1", 1.0)])
    func unitScaleStoresTheFloatAsGiven(reply: String, expected: Double) async throws {
        let model = ScriptedChatModel(replies: [reply])
        let verdict = try await InteractivityJudge(model: model, prompts: try PromptLibrary.load(), scale: .unit)
            .judge(task: task, transcript: transcript, seed: 1)
        #expect(verdict.status == .scored)
        #expect(verdict.score == expected)
        #expect(verdict.rawScore == expected)
        #expect(verdict.criterion == "interactivity_unit")
    }

    @Test func unitScaleRejectsOutOfRangeScoresAsUnscored() async throws {
        let model = ScriptedChatModel(replies: [#"{"score": 3}"#, #"{"score": -0.5}"#, "meh"])
        let verdict = try await InteractivityJudge(model: model, prompts: try PromptLibrary.load(), scale: .unit)
            .judge(task: task, transcript: transcript, seed: 1)
        #expect(verdict.status == .unscored)
        #expect(verdict.score == nil)
        #expect(verdict.calls.count == 3)
    }

    @Test func eachScaleHasItsOwnPromptHashCriterionAndSchema() async throws {
        let library = try PromptLibrary.load()
        var hashes: Set<String> = []
        for scale in ITRScale.allCases {
            let model = ScriptedChatModel(replies: [#"{"thought":"x","score":1}"#])
            let verdict = try await InteractivityJudge(model: model, prompts: library, scale: scale).judge(task: task, transcript: transcript, seed: 1)
            #expect(verdict.promptHash == (try library.template(scale.templateName)).hash)
            #expect(verdict.criterion == scale.criterion)
            #expect(model.requests[0].responseFormat?.schemaJSON == scale.schemaJSON)
            #expect(model.requests[0].messages[0].content.contains("intent"))
            hashes.insert(verdict.promptHash)
        }
        #expect(hashes.count == 2)
        #expect(ITRScale.threeLevel.criterion == "interactivity")
    }

    @Test func theScaleHasOneSpellingTheStoredConfigurationUses() throws {
        // The judge's scale is the configuration's: one type, written as a run's JSON and `--itr-scale` write it.
        #expect(InteractivityJudge.Scale.self == ITRScale.self)
        #expect(ITRScale.allCases.map(\.rawValue) == ["three-level", "unit"])
        #expect(String(decoding: try JSONEncoder().encode([ITRScale.threeLevel, .unit]), as: UTF8.self) == #"["three-level","unit"]"#)
        #expect(try JSONDecoder().decode(ITRScale.self, from: Data(#""unit""#.utf8)) == .unit)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ITRScale.self, from: Data(#""three_level""#.utf8)) }
    }
}
