import CollabBenchCore
@testable import CollabBenchModels
import Foundation
import Synchronization
import Testing

/// The rate budget learning a server's request rate from its refusals alone (no announced
/// limits), simulated on a clock that jumps to each sleeper's deadline: one caller sends as fast as
/// the budget lets it to a token-bucket "server" modelled in the test, so every figure is exact and
/// no real time passes.
@Suite(.timeLimit(.minutes(5)))
struct RequestRateLimiterAdaptationTests {
    /// A clock whose `sleep` moves time straight to the deadline (one caller at a time).
    final class JumpClock: Clock, Sendable {
        struct Instant: InstantProtocol, Sendable {
            var offset: Duration
            func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
            func duration(to other: Instant) -> Duration { other.offset - offset }
            static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        }
        private let current = Mutex(Instant(offset: .zero))
        var now: Instant { current.withLock { $0 } }
        var minimumResolution: Duration { .nanoseconds(1) }
        func sleep(until deadline: Instant, tolerance: Duration?) async throws {
            current.withLock { $0 = max($0, deadline) }
        }
        var seconds: Double {
            let c = now.offset.components
            return Double(c.seconds) + Double(c.attoseconds) / 1e18
        }
    }

    /// A server's token bucket: `perSecond` refill, `burst` capacity (starting full); a refusal
    /// says `Retry-After` as the whole seconds until one request fits, as real servers do.
    struct ServerBucket {
        var perSecond: Double
        var burst: Double
        var level: Double
        var at = 0.0
        init(perSecond: Double, burstSeconds: Double) {
            self.perSecond = perSecond
            burst = perSecond * burstSeconds
            level = burst
        }
        mutating func take(at time: Double) -> Double? {
            level = min(burst, level + (time - at) * perSecond)
            at = time
            if level >= 1 {
                level -= 1
                return nil
            }
            return ((1 - level) / perSecond).rounded(.up)
        }
    }

    struct Tally {
        var accepted = 0
        var refused = 0
        var acceptedAfterWarmup = 0
    }

    /// Sends for `seconds` of simulated time through `budget` to `server`.
    func drive(_ budget: RequestRateLimiter, clock: JumpClock, server: inout ServerBucket, seconds: Double, warmup: Double) async throws
        -> Tally
    {
        var tally = Tally()
        while clock.seconds < seconds {
            try await budget.acquire()
            let now = clock.seconds
            if let retryAfter = server.take(at: now) {
                tally.refused += 1
                await budget.refused(retryAfter: retryAfter)
            } else {
                tally.accepted += 1
                if now >= warmup { tally.acceptedAfterWarmup += 1 }
            }
            if tally.accepted + tally.refused > 1_000_000 { break }
        }
        return tally
    }

    @Test(arguments: [(10.0, 10.0), (5.0, 10.0), (2.75, 10.0), (50.0, 1.0), (0.5, 60.0)])
    func withNoAnnouncedLimitTheBudgetLearnsTheServersRate(perSecond: Double, burstSeconds: Double) async throws {
        let clock = JumpClock()
        let budget = RequestRateLimiter(requestsPerMinute: nil, clock: clock)
        var server = ServerBucket(perSecond: perSecond, burstSeconds: burstSeconds)
        // Learning costs a few refusals up front (about five), so the run spans at least ~1,000 calls.
        let seconds = max(600, 1000 / perSecond)
        let warmup = 60.0
        let tally = try await drive(budget, clock: clock, server: &server, seconds: seconds, warmup: warmup)
        let steadyShare = Double(tally.acceptedAfterWarmup) / ((seconds - warmup) * perSecond)
        let refusedShare = Double(tally.refused) / Double(tally.accepted + tally.refused)
        #expect(steadyShare >= 0.95, "achieved \(steadyShare) of the server's rate; \(tally)")
        // Above 1 only by what the server's bucket saved up during the warm-up.
        #expect(steadyShare <= 1 + server.burst / ((seconds - warmup) * perSecond))
        #expect(refusedShare <= 0.01, "\(tally.refused) of \(tally.accepted + tally.refused) calls refused")
        let learnt = try #require(await budget.learnedRequestsPerMinute)
        #expect(abs(learnt / 60 - perSecond) / perSecond < 0.1, "learnt \(learnt / 60)/s for \(perSecond)/s")
    }

    @Test func aLearntRateBelowTheUsersBudgetHolds() async throws {
        // --rpm 600 against a server that allows 300 and does not say so.
        let clock = JumpClock()
        let budget = RequestRateLimiter(requestsPerMinute: 600, clock: clock)
        var server = ServerBucket(perSecond: 5, burstSeconds: 10)
        let tally = try await drive(budget, clock: clock, server: &server, seconds: 600, warmup: 60)
        #expect(Double(tally.acceptedAfterWarmup) / (540 * 5) >= 0.95)
        #expect(Double(tally.refused) / Double(tally.accepted + tally.refused) <= 0.01)
        #expect(await budget.requestsPerMinute == 600)
        let learnt = try #require(await budget.learnedRequestsPerMinute)
        #expect(learnt < 320)
    }

    @Test func refusalsThatComeWhateverTheRateDoNotShrinkItToNothing() async throws {
        // A server that refuses every 7th call (an overloaded server's stray 429s, Retry-After
        // 0.05 s) and otherwise takes whatever comes, at 10 calls a second of the caller's own
        // pace (it waits 0.1 s per accepted call): lowering the rate cannot make the refusals stop,
        // so the learnt rate must not fall towards the 1-a-minute floor.
        let clock = JumpClock()
        let budget = RequestRateLimiter(requestsPerMinute: nil, clock: clock)
        var calls = 0
        var accepted = 0
        while clock.seconds < 600 {
            try await budget.acquire()
            calls += 1
            if calls % 7 == 0 {
                await budget.refused(retryAfter: 0.05)
            } else {
                accepted += 1
                try await clock.sleep(for: .milliseconds(100))
            }
        }
        // It gives such refusals up as teaching nothing (no learnt rate), or holds a rate near the pace.
        let learnt = await budget.learnedRequestsPerMinute
        #expect(learnt.map { $0 / 60 > 5 } ?? true, "learnt \(learnt.map { $0 / 60 } ?? 0) calls/s against a server taking 10 a second")
        #expect(accepted > 600 * 5)
    }

    @Test func aBudgetThatAlreadyFitsTheServerLearnsNothing() async throws {
        let clock = JumpClock()
        let budget = RequestRateLimiter(requestsPerMinute: 300, clock: clock)
        var server = ServerBucket(perSecond: 5, burstSeconds: 10)
        let tally = try await drive(budget, clock: clock, server: &server, seconds: 120, warmup: 0)
        #expect(tally.refused == 0)
        #expect(await budget.learnedRequestsPerMinute == nil)
    }

    @Test func aBudgetThatDoesNotLearnIgnoresRefusals() async throws {
        let clock = JumpClock()
        let budget = RequestRateLimiter(requestsPerMinute: nil, clock: clock, learnsFromServer: false)
        await budget.refused(retryAfter: 5)
        try await budget.acquire()
        #expect(clock.seconds == 0)
        #expect(await budget.learnedRequestsPerMinute == nil)
    }

    @Test func eachModelAtAnEndpointHasItsOwnBudget() async throws {
        // Providers limit each model on its own: what one model's refusals teach must not hold
        // another model at the same server back; every role calling one model shares its budget.
        let factory = ModelClientFactory(environment: [:], requestsPerMinute: 600)
        let url = "http://127.0.0.1:9/v1"
        let a = try #require(factory.rateLimiter(for: url, model: "gpt-4o"))
        #expect(factory.rateLimiter(for: url, model: "gpt-4o") === a)
        #expect(factory.rateLimiter(for: url, model: "gpt-4o-mini") !== a)
        #expect(factory.rateLimiter(for: "http://127.0.0.1:10/v1", model: "gpt-4o") !== a)
        try await factory.shutdown()
    }

    @Test func anIdleBudgetDoesNotDriftUpwards() async throws {
        // Learn 10/s, then call once a minute for an hour: the learnt rate must not grow.
        let clock = JumpClock()
        let budget = RequestRateLimiter(requestsPerMinute: nil, clock: clock)
        var server = ServerBucket(perSecond: 10, burstSeconds: 10)
        _ = try await drive(budget, clock: clock, server: &server, seconds: 300, warmup: 0)
        let learnt = try #require(await budget.learnedRequestsPerMinute)
        for _ in 0..<60 {
            try await clock.sleep(for: .seconds(60))
            try await budget.acquire()
        }
        let after = try #require(await budget.learnedRequestsPerMinute)
        #expect(after <= learnt * 1.01)
    }
}
