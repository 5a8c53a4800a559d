import CollabBenchCore
import Testing

actor Counter {
    var current = 0
    var peak = 0
    func enter() { current += 1; peak = max(peak, current) }
    func leave() { current -= 1 }
}

struct AsyncLimiterTests {
    @Test func neverMoreHoldersThanTheBound() async throws {
        let limiter = AsyncLimiter(limit: 3)
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.withSlot {
                        await counter.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        await counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await counter.peak == 3)
    }

    @Test func rateLimitHalvesTheBoundAndSuccessesRecoverIt() async {
        let limiter = AsyncLimiter(limit: 8)
        await limiter.reduceAfterRateLimit()
        #expect(await limiter.currentLimit == 4)
        await limiter.reduceAfterRateLimit()
        await limiter.reduceAfterRateLimit()
        await limiter.reduceAfterRateLimit()
        #expect(await limiter.currentLimit == 1)
        // One success at bound 1 raises it to 2; then two successes to 3; and so on up to 8, never beyond.
        for _ in 0..<100 { await limiter.recordSuccess() }
        #expect(await limiter.currentLimit == 8)
    }
}

struct RequestRateLimiterTests {
    @Test func requestsBeyondTheBurstWaitForTheBudget() async throws {
        // 600 per minute = 10 per second, a burst of 10: 25 requests need at least 1.5 s.
        let budget = RequestRateLimiter(requestsPerMinute: 600)
        let start = ContinuousClock.now
        for _ in 0..<25 { try await budget.acquire() }
        #expect(ContinuousClock.now - start >= .milliseconds(1400))
    }
}
