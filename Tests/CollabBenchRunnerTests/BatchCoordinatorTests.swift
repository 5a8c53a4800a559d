import CollabBenchCore
import CollabBenchModels
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The coordinator on its own: polls back off on an injected clock, and a call made again after
/// its process died waits for the stored batch instead of submitting a new one.
@Suite(.timeLimit(.minutes(5)))
struct BatchCoordinatorTests {
    static let key = String(repeating: "ab", count: 32)
    static let request = ChatRequest(messages: [.user("You are evaluating how well an AI assistant collaborated. Judge.")], seed: 7)

    static func coordinator(_ store: ResultStore, factory: ModelClientFactory, clock: ManualClock) -> BatchCoordinator<ManualClock> {
        BatchCoordinator(
            store: store, settings: BatchSettings(polling: BatchPollSchedule(first: .seconds(1), factor: 2, longest: .seconds(3))),
            clock: clock,
            clients: { factory.batchClient(for: $0) })
    }

    @Test func pollingBacksOffAndTheBatchIsStoredBeforeItIsPolled() async throws {
        let server = try await LoopbackBatchServer.start(holding: true, replies: BatchJudgingTests.replies)
        let store = try ResultStore(path: BatchJudgingTests.tempPath("backoff"))
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let clock = ManualClock()
        let coordinator = Self.coordinator(store, factory: factory, clock: clock)
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")
        async let service: Void = coordinator.serve()
        async let outcome = coordinator.call(Self.request, key: Self.key, spec: spec)

        // Submitted (no conversation is running, so at once) and recorded before the first poll.
        await clock.waitForSleepers(1)
        #expect(server.batchesCreated == 1 && server.polls == 0)
        let stored = try #require(try store.batches().first)
        #expect(stored.state == "in_progress" && stored.provider == "openai" && stored.model == spec.description)
        #expect(try store.batchRequests(batchID: stored.id).map(\.requestKey) == [Self.key])
        // Waits of 1 s, 2 s, then 3 s (the longest).
        clock.advance(by: .seconds(1))
        await clock.waitForSleepers(1)
        #expect(server.polls == 1)
        clock.advance(by: .seconds(1))
        #expect(server.polls == 1)
        clock.advance(by: .seconds(1))
        await clock.waitForSleepers(1)
        #expect(server.polls == 2)
        clock.advance(by: .seconds(2))
        #expect(server.polls == 2)
        server.release()
        clock.advance(by: .seconds(1))
        guard case .answered(let completion) = try await outcome else {
            Issue.record("the batch's reply did not arrive")
            return
        }
        #expect(server.polls == 3)
        #expect(completion.batched && completion.usage == TokenUsage(promptTokens: 10, completionTokens: 5))
        #expect(completion.text.contains("\"score\""))
        coordinator.finish()
        try await service
        #expect(try store.batches().first?.state == "completed")
        #expect(await coordinator.statistics() == BatchStatistics(submitted: 1, reattached: 0, answered: 1, direct: 0))
        try await factory.shutdown()
        try await server.stop()
    }

    @Test func aCallMadeAgainWaitsForItsStoredBatch() async throws {
        let server = try await LoopbackBatchServer.start(holding: true, replies: BatchJudgingTests.replies)
        let path = BatchJudgingTests.tempPath("reattach")
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")

        // The first "process": submits, then dies while the batch is pending.
        let clock = ManualClock()
        let first = Self.coordinator(try ResultStore(path: path), factory: factory, clock: clock)
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await first.serve() }
                group.addTask { _ = try await first.call(Self.request, key: Self.key, spec: spec) }
                try await group.waitForAll()
            }
        }
        await clock.waitForSleepers(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(server.batchesCreated == 1)

        // The second: the same call finds the stored line and waits for that batch.
        server.release()
        let second = Self.coordinator(try ResultStore(path: path), factory: factory, clock: ManualClock())
        async let service: Void = second.serve()
        let outcome = try await second.call(Self.request, key: Self.key, spec: spec)
        second.finish()
        try await service
        guard case .answered(let completion) = outcome else {
            Issue.record("no reply from the stored batch: \(outcome)")
            return
        }
        #expect(completion.batched)
        #expect(server.batchesCreated == 1)
        #expect(await second.statistics() == BatchStatistics(submitted: 0, reattached: 1, answered: 1, direct: 0))
        #expect(server.directRequests.isEmpty)
        try await factory.shutdown()
        try await server.stop()
    }
}
