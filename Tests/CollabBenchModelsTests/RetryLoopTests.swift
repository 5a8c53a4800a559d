import CollabBenchCore
import CollabBenchTestSupport
import Testing

@testable import CollabBenchModels

/// The retry loop's backoff on a manual clock: the waits are exact and no test sleeps.
@Suite(.timeLimit(.minutes(5)))
struct RetryLoopTests {
    /// Attempts answered from a script, counted.
    actor Script {
        private var outcomes: [AttemptOutcome<String>]
        private(set) var calls = 0

        init(_ outcomes: [AttemptOutcome<String>]) { self.outcomes = outcomes }

        func next() -> AttemptOutcome<String> {
            calls += 1
            return outcomes.count > 1 ? outcomes.removeFirst() : outcomes[0]
        }
    }

    static let busy = CollabBenchError(.modelHTTPError, "HTTP 503")

    @Test func backoffDoublesWithJitterAndRetryAfterWinsWhenLonger() async throws {
        let clock = ManualClock()
        // Jitter unit 0.5: each delay is 0.75 × the exponential one.
        let loop = RetryLoop(policy: RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 60), clock: clock, random: { 0.5 })
        let script = Script([.retryable(Self.busy, retryAfter: nil), .retryable(Self.busy, retryAfter: 10), .retryable(Self.busy, retryAfter: 0.1), .success("ok")])
        async let result = loop.run { await script.next() }
        var waits: [Duration] = []
        for expected in [Duration.milliseconds(750), .seconds(10), .seconds(3)] {
            await clock.waitForSleepers(1)
            let before = clock.now
            // One nanosecond short of the delay, the loop still sleeps.
            clock.advance(by: expected - .nanoseconds(1))
            #expect(clock.sleeperCount == 1)
            clock.advance(by: .nanoseconds(1))
            waits.append(before.duration(to: clock.now))
        }
        let (value, attempts) = try await result
        #expect(value == "ok")
        #expect(attempts == 4)
        #expect(await script.calls == 4)
        #expect(waits == [.milliseconds(750), .seconds(10), .seconds(3)])
    }

    @Test func givesUpAfterMaxAttemptsNamingThem() async throws {
        let clock = ManualClock()
        let loop = RetryLoop(policy: RetryPolicy(maxAttempts: 2, baseDelay: 1, maxDelay: 60), clock: clock, random: { 0 })
        let script = Script([.retryable(Self.busy, retryAfter: nil)])
        let task = Task { try await loop.run { await script.next() } }
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(500))
        await #expect {
            try await task.value
        } throws: { error in
            "\(error)".contains("gave up after 2 attempts")
        }
        #expect(await script.calls == 2)
    }

    @Test func cancellationDuringABackoffEndsTheLoop() async throws {
        let clock = ManualClock()
        let loop = RetryLoop(policy: RetryPolicy(maxAttempts: 5), clock: clock, random: { 0 })
        let script = Script([.retryable(Self.busy, retryAfter: nil)])
        let task = Task { try await loop.run { await script.next() } }
        await clock.waitForSleepers(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await script.calls == 1)
    }
}
