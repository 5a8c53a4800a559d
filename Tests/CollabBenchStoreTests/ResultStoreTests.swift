import CollabBenchCore
import CollabBenchStore
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ResultStoreTests {
    static func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cb-store-\(UUID().uuidString).sqlite").path
    }

    static func run(_ id: String) -> RunRecord {
        RunRecord(
            id: id, name: id, createdAt: "2026-01-01T00:00:00Z", status: .running, packName: "math", packVersion: "1",
            packKind: .math, packHash: "h", agent: "openai/a", agentPreset: "base", userSimulator: "openai/u", judge: "openai/j",
            seed: 42, taskCount: 1, configJSON: "{}", collabbenchVersion: "0.1.0")
    }

    static func result(runID: String, taskID: String) -> ConversationResult {
        let turns = [
            Turn(role: .user, text: "hi", call: CallRecord(model: "openai/u", rawReply: #"{"message":"hi"}"#, thought: "t")),
            Turn(role: .assistant, text: "\\boxed{4}", call: CallRecord(model: "openai/a", rawReply: "\\boxed{4}", promptTokens: 5, completionTokens: 3)),
        ]
        return ConversationResult(
            runID: runID, taskID: taskID, trial: 0, seed: 1, transcript: Transcript(turns: turns, endReason: .maxExchanges),
            turnTokens: [1, 4],
            scores: [
                ScoreEntry(metric: "accuracy", value: 1, status: .scored, method: "symbolic"),
                ScoreEntry(metric: "itr", value: nil, status: .unscored, method: "judge:openai/j", detail: "unreadable"),
            ],
            verdicts: [JudgeVerdict(criterion: "interactivity", status: .unscored, calls: [CallRecord(model: "openai/j", rawReply: "??", formatError: true)], promptHash: "p")],
            startedAt: "s", finishedAt: "f")
    }

    @Test func createsSchemaInWALModeAndRoundTrips() throws {
        let path = Self.tempPath()
        let store = try ResultStore(path: path)
        #expect(try store.schemaVersion() == 13)
        try store.createRun(Self.run("r1"), prompts: [PromptTemplate(name: "x", text: "y")])
        try store.save(Self.result(runID: "r1", taskID: "t1"))
        let scores = try store.conversationScores(runID: "r1")
        #expect(scores.count == 1)
        #expect(scores[0].scores["accuracy"]?.value == 1)
        #expect(scores[0].scores["itr"]?.status == .unscored)
        #expect(scores[0].scores["itr"]?.value == nil)
        #expect(try store.finishedKeys(runID: "r1") == ["t1#0"])
        let messages = try store.messages(conversationID: scores[0].conversationID)
        #expect(messages.map(\.role) == ["user", "assistant"])
        #expect(messages[0].rawReply == #"{"message":"hi"}"#)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try store.run("r1")?.packKind == .math)
    }

    @Test func aConversationIsSavedWhollyOrNotAtAll() throws {
        let store = try ResultStore(path: Self.tempPath())
        try store.createRun(Self.run("r1"), prompts: [])
        try store.save(Self.result(runID: "r1", taskID: "t1"))
        // The same key again violates the unique constraint: nothing of it may remain.
        #expect(throws: CollabBenchError.self) { try store.save(Self.result(runID: "r1", taskID: "t1")) }
        // A conversation for an unknown run violates the foreign key.
        #expect(throws: CollabBenchError.self) { try store.save(Self.result(runID: "nope", taskID: "t2")) }
        #expect(try store.conversationScores(runID: "r1").count == 1)
        #expect(try store.conversationScores(runID: "nope").isEmpty)
    }

    @Test func unwritableLocationIsAClearError() {
        #expect {
            try ResultStore(path: "/nonexistent-dir/x.sqlite")
        } throws: { error in
            (error as? CollabBenchError)?.code == .storeError && "\(error)".contains("/nonexistent-dir")
        }
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-dir"))
    }

    @Test func reopeningKeepsData() throws {
        let path = Self.tempPath()
        do {
            let store = try ResultStore(path: path)
            try store.createRun(Self.run("r1"), prompts: [])
        }
        #expect(try ResultStore(path: path).runs().map(\.id) == ["r1"])
    }
}
