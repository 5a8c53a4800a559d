import CollabBenchCore
import CollabBenchTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct AccuracyJudgeTests {
    let task = BenchmarkTask(
        id: "m1", prompt: "What is 2 + 3?", hiddenIntent: "ask what 2 + 3 is",
        reference: TaskReference(text: "Adding gives $\\boxed{5}$.", answer: "5"))
    let transcript = Transcript(
        turns: [
            Turn(role: .user, text: "whats 2+3", call: CallRecord(model: "sim", rawReply: "")),
            Turn(role: .assistant, text: "It is \\boxed{6}.", call: CallRecord(model: "agent", rawReply: "")),
            Turn(role: .user, text: "hm sure?", call: CallRecord(model: "sim", rawReply: "")),
            Turn(role: .assistant, text: "Sorry: \\boxed{5}.", call: CallRecord(model: "agent", rawReply: "")),
        ], endReason: .maxExchanges)

    @Test(arguments: [
        (#"{"thought":"last answer 5 matches","accuracy":1}"#, 1.0),
        (#"{"thought":"wrong","accuracy":0}"#, 0.0),
        (#"```json\n{"thought": "ok", "accuracy": true}\n```"#, 1.0),
        (#"{"accuracy": "0", "thought": "no"}"#, 0.0),
        ("The last answer is wrong. Accuracy: 0", 0.0),
        ("Accuracy: 1.", 1.0),
        ("The accuracy of that answer: accuracy = 1.0", 1.0),
    ])
    func readsZeroOrOne(reply: String, expected: Double) async throws {
        let model = ScriptedChatModel(replies: [reply])
        let verdict = try await AccuracyJudge(model: model, prompts: try PromptLibrary.load()).judge(task: task, transcript: transcript, seed: 3)
        #expect(verdict.status == .scored)
        #expect(verdict.criterion == "accuracy")
        #expect(verdict.score == expected)
        #expect(verdict.rawScore == expected)
        #expect(verdict.calls.count == 1)
        #expect(verdict.calls[0].formatError == false)
    }

    @Test func unreadableRepliesBecomeUnscoredNeverZero() async throws {
        let replies = ["I am not sure.", #"{"thought":"half right","accuracy":0.5}"#, "Accuracy: 10"]
        let model = ScriptedChatModel(replies: replies)
        let verdict = try await AccuracyJudge(model: model, prompts: try PromptLibrary.load(), maxAttempts: 3)
            .judge(task: task, transcript: transcript, seed: 3)
        #expect(verdict.status == .unscored)
        #expect(verdict.score == nil)
        #expect(verdict.rawScore == nil)
        #expect(verdict.calls.map(\.rawReply) == replies)
        #expect(verdict.calls.allSatisfy { $0.formatError })
        #expect(model.requests.count == 3)
        #expect(Set(model.requests.compactMap(\.seed)).count == 3)
    }

    @Test func retriesUntilReadable() async throws {
        let model = ScriptedChatModel(replies: ["hmm", #"{"thought":"fine","accuracy":1}"#])
        let verdict = try await AccuracyJudge(model: model, prompts: try PromptLibrary.load()).judge(task: task, transcript: transcript, seed: 3)
        #expect(verdict.status == .scored)
        #expect(verdict.score == 1)
        #expect(verdict.thought == "fine")
        #expect(verdict.calls.count == 2)
        #expect(verdict.calls[0].formatError)
        #expect(!verdict.calls[1].formatError)
    }

    @Test func judgeSeesQuestionReferenceAndWholeConversation() async throws {
        let model = ScriptedChatModel(replies: [#"{"thought":"x","accuracy":1}"#])
        let library = try PromptLibrary.load()
        let verdict = try await AccuracyJudge(model: model, prompts: library).judge(task: task, transcript: transcript, seed: 3)
        let request = model.requests[0]
        let prompt = request.messages[0].content
        #expect(prompt.contains("What is 2 + 3?"))
        #expect(prompt.contains("Adding gives $\\boxed{5}$."))
        #expect(prompt.contains("Assistant: It is \\boxed{6}."))
        #expect(prompt.contains("Assistant: Sorry: \\boxed{5}."))
        #expect(prompt.contains("LAST answer"))
        #expect(request.sampling.temperature == 0)
        #expect(request.responseFormat?.schemaJSON == AccuracyJudge.schemaJSON)
        #expect(verdict.promptHash == (try library.template("judge.accuracy")).hash)
    }

    @Test func noStructuredOutputWhenDisabled() async throws {
        let model = ScriptedChatModel(replies: [#"{"thought":"x","accuracy":0}"#])
        _ = try await AccuracyJudge(model: model, prompts: try PromptLibrary.load(), structuredOutput: false)
            .judge(task: task, transcript: transcript, seed: 3)
        #expect(model.requests[0].responseFormat == nil)
    }

    @Test func aModelFailureIsFailedNotZero() async throws {
        let model = ScriptedChatModel(results: [.failure(CollabBenchError(.modelUnreachable, "down"))])
        let verdict = try await AccuracyJudge(model: model, prompts: try PromptLibrary.load()).judge(task: task, transcript: transcript, seed: 3)
        #expect(verdict.status == .failed)
        #expect(verdict.score == nil)
        #expect(verdict.detail?.contains("down") == true)
    }

    @Test func parserRejectsValuesOtherThanZeroAndOne() {
        #expect(AccuracyJudge.parse(#"{"accuracy": 2}"#) == nil)
        #expect(AccuracyJudge.parse(#"{"accuracy": "maybe"}"#) == nil)
        #expect(AccuracyJudge.parse("accuracy: 0.7") == nil)
        #expect(AccuracyJudge.parse("accuracy: 10") == nil)
        #expect(AccuracyJudge.parse("nothing here") == nil)
        #expect(AccuracyJudge.parse(#"{"correct": false}"#)?.accuracy == 0)
    }
}
