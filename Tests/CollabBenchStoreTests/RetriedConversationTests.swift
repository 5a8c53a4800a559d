@testable import CollabBenchStore
import CollabBenchCore
import Foundation
import GRDB
import Testing

/// Failed conversations taken out for a retry leave the run wholly and are recorded with their
/// attempt number; completed ones and those not asked for stay.
@Suite(.timeLimit(.minutes(5)))
struct RetriedConversationTests {
    static func failed(runID: String, taskID: String, failure: String = "agent: HTTP 500") -> ConversationResult {
        var result = ResultStoreTests.result(runID: runID, taskID: taskID)
        result.transcript = Transcript(turns: Array(result.transcript.turns.prefix(1)), endReason: .failed, failure: failure)
        result.turnTokens = [1]
        result.scores = []
        result.verdicts = []
        return result
    }

    @Test func takesOutOnlyTheFailedConversationsAskedFor() throws {
        let store = try ResultStore(path: ResultStoreTests.tempPath())
        try store.createRun(ResultStoreTests.run("r1"), prompts: [])
        try store.save(ResultStoreTests.result(runID: "r1", taskID: "ok"))
        let failedID = try store.save(Self.failed(runID: "r1", taskID: "bad"))
        try store.save(Self.failed(runID: "r1", taskID: "other-shard"))
        #expect(try store.failedConversationCount(runID: "r1") == 2)

        let taken = try store.takeOutFailedConversations(runID: "r1", among: ["ok#0", "bad#0"], at: "2026-01-02T00:00:00Z")
        #expect(taken == ["bad#0"])
        #expect(try store.finishedKeys(runID: "r1") == ["ok#0", "other-shard#0"])
        #expect(try store.failedConversationCount(runID: "r1") == 1)
        // Its messages went with it.
        #expect(try store.messages(conversationID: failedID).isEmpty)
        let retried = try store.retriedConversations(runID: "r1")
        #expect(retried.count == 1)
        #expect(retried.first?.taskID == "bad")
        #expect(retried.first?.attempt == 1)
        #expect(retried.first?.status == .failed)
        #expect(retried.first?.failure == "agent: HTTP 500")
        #expect(retried.first?.retriedAt == "2026-01-02T00:00:00Z")
        #expect(retried.first?.unpricedCalls == 1)

        // A second failure of the same conversation is attempt 2.
        try store.save(Self.failed(runID: "r1", taskID: "bad", failure: "again"))
        try store.takeOutFailedConversations(runID: "r1", among: ["bad#0"], at: "2026-01-03T00:00:00Z")
        #expect(try store.retriedConversations(runID: "r1").map(\.attempt) == [1, 2])
        #expect(try store.retriedConversations(runID: "r1").map(\.failure) == ["agent: HTTP 500", "again"])
    }

    @Test func mergeCarriesRetryRecords() throws {
        let a = try ResultStore(path: ResultStoreTests.tempPath())
        try a.createRun(ResultStoreTests.run("r1"), prompts: [])
        try a.save(Self.failed(runID: "r1", taskID: "bad"))
        try a.takeOutFailedConversations(runID: "r1", among: ["bad#0"], at: "t")
        try a.save(ResultStoreTests.result(runID: "r1", taskID: "bad"))
        let b = try ResultStore(path: ResultStoreTests.tempPath())
        _ = try b.merge(from: a.path)
        _ = try b.merge(from: a.path)
        #expect(try b.retriedConversations(runID: "r1") == a.retriedConversations(runID: "r1"))
        #expect(try b.retriedConversations(runID: "r1").count == 1)
        #expect(try b.conversationScores(runID: "r1").map(\.status) == [.completed])
    }
}
