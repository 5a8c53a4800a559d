import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Testing

/// The rate budget learning from the server (announced limits, Retry-After pauses), on a manual
/// clock; and end to end against ``RateLimitedServer``.
@Suite(.timeLimit(.minutes(5)))
struct RequestRateLimiterLearningTests {
    @Test func announcedLimitsAreReadFromOpenAIAndAnthropicHeaders() {
        let openAI = RequestRateLimiter.announcedLimits([("X-RateLimit-Limit-Requests", "500"), ("x-ratelimit-limit-tokens", "30000")])
        #expect(openAI.requestsPerMinute == 500 && openAI.tokensPerMinute == 30000)
        let anthropic = RequestRateLimiter.announcedLimits([
            ("anthropic-ratelimit-requests-limit", "50"), ("anthropic-ratelimit-tokens-limit", "80000"), ("retry-after", "3"),
        ])
        #expect(anthropic.requestsPerMinute == 50 && anthropic.tokensPerMinute == 80000)
        let none = RequestRateLimiter.announcedLimits([("content-type", "application/json"), ("x-ratelimit-limit-requests", "lots")])
        #expect(none.requestsPerMinute == nil && none.tokensPerMinute == nil)
    }

    @Test func anAnnouncedLimitLowersTheBudgetButNeverRaisesIt() async throws {
        let clock = ManualClock()
        let budget = RequestRateLimiter(requestsPerMinute: 600, clock: clock)
        await budget.adopt(requestsPerMinute: 6000, tokensPerMinute: nil)
        #expect(await budget.requestsPerMinute == 600)
        await budget.adopt(requestsPerMinute: 60, tokensPerMinute: 6000)
        #expect(await budget.requestsPerMinute == 60)
        #expect(await budget.tokensPerMinute == 6000)
        // 60 per minute: a burst of 1, then one per second.
        try await budget.acquire()
        let before = clock.now
        async let next: Void = budget.acquire()
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        try await next
        #expect(before.duration(to: clock.now) == .seconds(1))
    }

    @Test func aPauseHoldsEveryCallerUntilRetryAfterHasPassed() async throws {
        let clock = ManualClock()
        let budget = RequestRateLimiter(requestsPerMinute: nil, clock: clock)
        try await budget.acquire()
        await budget.pause(seconds: 2)
        async let held: Void = budget.acquire()
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))
        try await held
        #expect(clock.now.offset == .seconds(2))
        // After the pause, calls go at once.
        try await budget.acquire()
        #expect(clock.now.offset == .seconds(2))
    }

    @Test func aBudgetThatDoesNotLearnIgnoresTheServer() async throws {
        let clock = ManualClock()
        let budget = RequestRateLimiter(requestsPerMinute: 600, clock: clock, learnsFromServer: false)
        await budget.adopt(requestsPerMinute: 60, tokensPerMinute: 60)
        await budget.pause(seconds: 5)
        #expect(await budget.requestsPerMinute == 600)
        #expect(await budget.tokensPerMinute == nil)
        try await budget.acquire()
        #expect(clock.now.offset == .zero)
    }

    @Test(arguments: [true, false])
    func theClientAdoptsTheLimitsARateLimitedServerAnnounces(advertised: Bool) async throws {
        // Retries are off. When the server announces its limit (60 requests per minute, a burst of
        // one), the first reply teaches the client's budget (learnt afresh, so empty), which holds
        // the second call until the server's bucket has refilled: a slow machine only delays the
        // second call further, so it cannot make it fail. When the server does not announce it
        // (1 request per minute, a burst of one), the second call is refused unless a whole minute
        // passes between the two calls.
        let server = try await RateLimitedServer.start(
            limits: .init(requestsPerMinute: advertised ? 60 : 1, burstSeconds: advertised ? 1 : 60, advertised: advertised),
            latency: .zero)
        let factory = ModelClientFactory(requestTimeoutSeconds: 10, retry: RetryPolicy(maxAttempts: 1), environment: [:])
        let client = factory.client(for: try ModelSpec(parsing: "openai/m@\(server.baseURL)"))
        let request = ChatRequest(messages: [.user("hi")], sampling: Sampling(maxTokens: 8))
        let first = try await client.complete(request)
        // The usage reported is what the server charged: 2 bytes ÷ 4 + 4 prompt tokens, 64 completion tokens.
        #expect(first.usage == TokenUsage(promptTokens: 4, completionTokens: 64))
        var secondSucceeded = false
        do {
            _ = try await client.complete(request)
            secondSucceeded = true
        } catch {}
        #expect(secondSucceeded == advertised)
        #expect(server.counts.accepted == (advertised ? 2 : 1))
        #expect(server.counts.refused == (advertised ? 0 : 1))
        try await factory.shutdown()
        try await server.stop()
    }

    @Test func aRefusalCarriesRetryAfterInWholeSeconds() async throws {
        // A burst of 1 request and 1 per minute: the second request is refused with Retry-After 60.
        let server = try await RateLimitedServer.start(limits: .init(requestsPerMinute: 1, burstSeconds: 60), latency: .zero)
        let factory = ModelClientFactory(requestTimeoutSeconds: 10, retry: RetryPolicy(maxAttempts: 1), environment: [:])
        let client = factory.client(for: try ModelSpec(parsing: "openai/m@\(server.baseURL)"))
        let request = ChatRequest(messages: [.user("hi")])
        _ = try await client.complete(request)
        await #expect(throws: CollabBenchError.self) { try await client.complete(request) }
        #expect(server.counts.accepted == 1 && server.counts.refused == 1)
        try await factory.shutdown()
        try await server.stop()
    }
}
