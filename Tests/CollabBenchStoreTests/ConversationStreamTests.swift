import CollabBenchCore
import CollabBenchStore
import Foundation
import Testing

/// Reading a run one conversation at a time (`forEachConversationTranscript`, what the HTML
/// exports use) gives what reading it whole gives: every conversation with its scores and
/// messages, those with messages first in id order, then those without; other runs' rows never.
@Suite(.timeLimit(.minutes(5)))
struct ConversationStreamTests {
    @Test func streamedConversationsAndTranscriptsEqualTheWholeRead() throws {
        let store = try ResultStore(path: ResultStoreTests.tempPath())
        try store.createRun(ResultStoreTests.run("r1"), prompts: [])
        try store.createRun(ResultStoreTests.run("r2"), prompts: [])
        var silent = ResultStoreTests.result(runID: "r1", taskID: "silent")
        silent.transcript = Transcript(turns: [], endReason: .failed, failure: "agent: HTTP 500")
        silent.turnTokens = []
        for (run, task) in [("r1", "a"), ("r2", "x"), ("r1", "b"), ("r2", "y")] { try store.save(ResultStoreTests.result(runID: run, taskID: task)) }
        try store.save(silent)
        try store.save(ResultStoreTests.result(runID: "r1", taskID: "c"))

        var seen: [(StoredConversation, [StoredMessage])] = []
        try store.forEachConversationTranscript(runID: "r1") { seen.append(($0, $1)) }
        let whole = try store.conversations(runID: "r1")
        #expect(try store.conversationCount(runID: "r1") == 4)
        #expect(seen.map(\.0.taskID) == ["a", "b", "c", "silent"], "with messages in id order, then without")
        #expect(Set(seen.map(\.0)) == Set(whole))
        for (conversation, messages) in seen {
            #expect(messages == (try store.storedMessages(conversationID: conversation.id)))
            #expect(conversation.taskID == "silent" ? messages.isEmpty : !messages.isEmpty)
        }
    }
}
