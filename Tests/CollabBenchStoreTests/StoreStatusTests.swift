import CollabBenchCore
import CollabBenchStore
import Foundation
import GRDB
import Testing

/// Run and conversation statuses: typed at the store's API, stored as the same text as always.
@Suite(.timeLimit(.minutes(5)))
struct StoreStatusTests {
    typealias T = ResultStoreTests

    /// The text in a status column, read with SQL of its own.
    static func storedText(_ path: String, _ sql: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: sql) }
    }

    static func failed(runID: String, taskID: String) -> ConversationResult {
        var result = T.result(runID: runID, taskID: taskID)
        result.transcript = Transcript(turns: Array(result.transcript.turns.prefix(1)), endReason: .failed, failure: "agent crashed")
        result.scores = []
        result.verdicts = []
        return result
    }

    @Test func rawValuesAreTheStoredText() {
        #expect(RunStatus.allCases.map(\.rawValue) == ["running", "completed", "partial", "interrupted"])
        #expect(ConversationStatus.allCases.map(\.rawValue) == ["completed", "failed"])
        #expect(ConversationStatus(endReason: .failed) == .failed)
        #expect(ConversationStatus(endReason: .userTerminated) == .completed)
        #expect(ConversationStatus(endReason: .maxExchanges) == .completed)
    }

    @Test func runStatusesAreWrittenAndReadAsTheirText() throws {
        let path = T.tempPath()
        let store = try ResultStore(path: path)
        try store.createRun(T.run("r1"), prompts: [])
        #expect(try Self.storedText(path, "SELECT status FROM runs") == ["running"])
        try store.finishRun(id: "r1", status: .partial, at: "t1")
        #expect(try Self.storedText(path, "SELECT status FROM runs") == ["partial"])
        #expect(try store.run("r1")?.status == .partial)
        try store.reopenRun(id: "r1")
        #expect(try Self.storedText(path, "SELECT status FROM runs") == ["running"])
        #expect(try store.run("r1")?.finishedAt == nil)
        try store.finishRun(id: "r1", status: .interrupted, at: "t2")
        #expect(try store.runs().map(\.status) == [.interrupted])
        try store.finishRun(id: "r1", status: .completed, at: "t3")
        #expect(try Self.storedText(path, "SELECT status FROM runs") == ["completed"])
        #expect(try store.latestRun(configHash: "")?.status == .completed)
    }

    @Test func conversationStatusesAreWrittenAndReadAsTheirText() throws {
        let path = T.tempPath()
        let store = try ResultStore(path: path)
        try store.createRun(T.run("r1"), prompts: [])
        try store.save(T.result(runID: "r1", taskID: "t1"))
        try store.save(Self.failed(runID: "r1", taskID: "t2"))
        #expect(try Self.storedText(path, "SELECT status FROM conversations ORDER BY id") == ["completed", "failed"])
        #expect(try store.conversationScores(runID: "r1").map(\.status) == [.completed, .failed])
        #expect(try store.conversations(runID: "r1").map(\.status) == [.completed, .failed])
    }

    @Test func textNoVersionWritesReadsAsNotFinished() throws {
        let path = T.tempPath()
        let store = try ResultStore(path: path)
        try store.createRun(T.run("r1"), prompts: [])
        try store.save(T.result(runID: "r1", taskID: "t1"))
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE runs SET status = 'aborted'")
            try db.execute(sql: "UPDATE conversations SET status = 'timed_out'")
        }
        // A run of unknown status is continued, not taken as complete; such a conversation is not scored.
        #expect(try store.run("r1")?.status == .partial)
        #expect(try store.conversationScores(runID: "r1").map(\.status) == [.failed])
        #expect(try store.conversations(runID: "r1").map(\.status) == [.failed])
    }
}
