import CollabBenchCore
import CollabBenchTestSupport
import Testing

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
}
