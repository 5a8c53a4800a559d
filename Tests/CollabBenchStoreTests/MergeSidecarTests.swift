import CollabBenchCore
import CollabBenchStore
import Foundation
import Testing

/// `merge` carries what sits beside a conversation: the simulated user's persona, the simulator
/// gate's verdict and the provider batches (so a merged store reports and re-attaches as its
/// sources would), once, however often the same source is merged.
@Suite(.timeLimit(.minutes(5)))
struct MergeSidecarTests {
    @Test func mergeCarriesPersonasGateVerdictsAndBatches() async throws {
        let a = try ResultStore(path: ResultStoreTests.tempPath())
        try a.createRun(ResultStoreTests.run("r1"), prompts: [])
        try a.save(ResultStoreTests.result(runID: "r1", taskID: "t1"))
        try a.save(ResultStoreTests.result(runID: "r1", taskID: "t2"))
        let persona = Persona(
            id: "writer-17", background: [PersonaFact(question: "Audience?", answer: "my team")], traits: ["document_type": "email"])
        try await a.recordPersona(persona, runID: "r1", taskID: "t1", trial: 0)
        try await a.recordGate(GateRecord(outcome: "flagged", reasons: ["leak", "early_stop"], attempts: 1), runID: "r1", taskID: "t2", trial: 0)
        try await a.recordBatch(
            StoredBatch(id: "batch_1", provider: "openai", model: "gpt-4o", state: "completed", requestCount: 2, createdAt: "2026-12-04T00:00:00Z"),
            requests: [
                StoredBatchRequest(batchID: "batch_1", customID: "c0", requestKey: "k0", state: "done"),
                StoredBatchRequest(batchID: "batch_1", customID: "c1", requestKey: "k1"),
            ])

        let b = try ResultStore(path: ResultStoreTests.tempPath())
        _ = try b.merge(from: a.path)
        _ = try b.merge(from: a.path)
        #expect(try b.conversationPersonas(runID: "r1") == a.conversationPersonas(runID: "r1"))
        #expect(try b.conversationPersonas(runID: "r1")["t1#0"]?.id == "writer-17")
        #expect(try b.gateRecords(runID: "r1") == a.gateRecords(runID: "r1"))
        #expect(try b.gateRecords(runID: "r1")["t2#0"]?.reasons == ["leak", "early_stop"])
        #expect(try b.batches() == a.batches())
        #expect(try b.batchRequests(batchID: "batch_1") == a.batchRequests(batchID: "batch_1"))
        #expect(try b.batchRequests(batchID: "batch_1").count == 2)

        // Read one at a time, the conversations are those read whole, with their persona and verdict.
        var streamed: [StoredConversation] = []
        var sidecars: [String: (persona: String?, gate: String?)] = [:]
        try b.forEachConversation(runID: "r1") { conversation, persona, gate in
            streamed.append(conversation)
            sidecars[conversation.taskID] = (persona?.id, gate?.outcome)
        }
        #expect(streamed == (try b.conversations(runID: "r1")))
        #expect(streamed.count == 2 && streamed.allSatisfy { !$0.scores.isEmpty })
        #expect(sidecars["t1"]?.persona == "writer-17" && sidecars["t1"]?.gate == nil)
        #expect(sidecars["t2"]?.persona == nil && sidecars["t2"]?.gate == "flagged")
    }
}
