/// A requests-per-minute budget for one endpoint: a token bucket holding one second's worth of
/// requests, refilled continuously. ``acquire()`` waits (cancellably) until a request may go.
public actor RequestRateLimiter {
    /// Requests per minute allowed.
    public let requestsPerMinute: Int
    private let capacity: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// Creates a budget of `requestsPerMinute` (at least 1).
    public init(requestsPerMinute: Int) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        capacity = max(1, Double(self.requestsPerMinute) / 60)
        tokens = capacity
        last = ContinuousClock.now
    }

    /// Waits until one more request fits the budget, then takes it.
    public func acquire() async throws {
        while true {
            refill()
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let perSecond = Double(requestsPerMinute) / 60
            let wait = (1 - tokens) / perSecond
            try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    private func refill() {
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + seconds * Double(requestsPerMinute) / 60)
    }
}
