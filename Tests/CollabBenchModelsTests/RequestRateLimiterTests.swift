import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Testing

/// The rate budget on a manual clock: every wait is exact and no test sleeps.
@Suite(.timeLimit(.minutes(5)))
struct RequestRateLimiterTests {
    /// Runs `acquire`, advances `clock` by `step` once it sleeps, and returns how far the clock
    /// moved by the time `acquire` returned.
    static func driven(_ clock: ManualClock, step: Duration, _ acquire: @escaping @Sendable () async throws -> Void) async throws
        -> Duration
    {
        let before = clock.now
        async let done: Void = acquire()
        await clock.waitForSleepers(1)
        clock.advance(by: step)
        try await done
        return before.duration(to: clock.now)
    }

    @Test func requestsBeyondTheBurstWaitForTheBudget() async throws {
        // 600 per minute = 10 per second, a burst of 10: 25 requests need 1.5 s.
        let clock = ManualClock()
        let budget = RequestRateLimiter(requestsPerMinute: 600, clock: clock)
        for _ in 0..<10 { try await budget.acquire() }
        #expect(clock.now.offset == .zero)
        // Each further request waits 100 ms for the bucket to refill by one.
        for _ in 0..<15 {
            #expect(try await Self.driven(clock, step: .milliseconds(100)) { try await budget.acquire() } == .milliseconds(100))
        }
        #expect(clock.now.offset == .milliseconds(1500))
    }

    @Test func tokensBeyondTheBudgetWaitAndActualUsageIsSettled() async throws {
        // 60,000 tokens per minute = 1,000 per second, a bucket of 10,000.
        let clock = ManualClock()
        let budget = RequestRateLimiter(requestsPerMinute: nil, tokensPerMinute: 60_000, clock: clock)
        try await budget.acquire(estimatedTokens: 10_000)
        #expect(await budget.availableTokens() < 9_000)
        // The call used only 1,000 tokens: 9,000 come back (refill only adds to that).
        await budget.settle(estimatedTokens: 10_000, actualTokens: 1_000)
        #expect(await budget.availableTokens() >= 9_000)
        try await budget.acquire(estimatedTokens: 5_000)
        #expect(clock.now.offset == .zero)
        // 11,000 tokens used against a bucket of 10,000: 1 s of refill.
        #expect(try await Self.driven(clock, step: .seconds(1)) { try await budget.acquire(estimatedTokens: 5_000) } == .seconds(1))
        #expect(await budget.availableTokens() == 0)
    }

    @Test func aWaitingRequestIsCancellable() async throws {
        let clock = ManualClock()
        let budget = RequestRateLimiter(requestsPerMinute: 1, clock: clock)
        try await budget.acquire()
        let waiting = Task { try await budget.acquire() }
        await clock.waitForSleepers(1)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test func aFailedAttemptGivesItsEstimateBack() async throws {
        let budget = RequestRateLimiter(requestsPerMinute: nil, tokensPerMinute: 60_000, clock: ManualClock())
        try await budget.acquire(estimatedTokens: 10_000)
        #expect(await budget.availableTokens() < 9_000)
        await budget.refund(estimatedTokens: 10_000)
        #expect(await budget.availableTokens() >= 9_999)
    }

    @Test func estimateCountsPromptBytesAndMaxTokens() {
        let request = ChatRequest(
            messages: [ChatMessage(role: .user, content: String(repeating: "abcd", count: 100))], sampling: Sampling(maxTokens: 50))
        #expect(RequestRateLimiter.estimatedTokens(of: request) == 100 + 4 + 50)
    }
}
