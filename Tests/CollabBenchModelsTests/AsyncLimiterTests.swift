import CollabBenchModels
import CollabBenchTestSupport
import Testing

/// Counts holders of a slot, and the most at once.
actor HolderCount {
    var current = 0
    var peak = 0
    func enter() { current += 1; peak = max(peak, current) }
    func leave() { current -= 1 }
}

@Suite(.timeLimit(.minutes(5)))
struct AsyncLimiterTests {
    @Test func neverMoreHoldersThanTheBound() async throws {
        let limiter = AsyncLimiter(limit: 3)
        let counter = HolderCount()
        // Holders sleep on a manual clock, so each round admits exactly the holders the bound allows.
        let clock = ManualClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.withSlot {
                        await counter.enter()
                        try await clock.sleep(for: .seconds(1))
                        await counter.leave()
                    }
                }
            }
            // Seven rounds of at most three holders: 3+3+3+3+3+3+2.
            for round in 0..<7 {
                await clock.waitForSleepers(min(3, 20 - 3 * round))
                #expect(clock.sleeperCount <= 3)
                clock.advance(by: .seconds(1))
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
