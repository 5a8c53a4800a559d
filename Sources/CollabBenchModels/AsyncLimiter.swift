/// A counting semaphore for async code: at most `limit` holders at once, waiters served in order.
///
/// Used to bound calls in flight per endpoint and role. Cancellation of a waiting task removes it
/// from the queue and throws `CancellationError`. The bound adapts to rate limits: after a 429,
/// ``reduceAfterRateLimit()`` halves the slots in use (down to 1); every run of successes as long
/// as the current bound gives one slot back, up to `limit` (additive increase, multiplicative
/// decrease).
public actor AsyncLimiter {
    private let limit: Int
    /// The bound in force now (≤ `limit`).
    public private(set) var currentLimit: Int
    private var successes = 0
    private var inUse = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    /// Creates a limiter admitting `limit` holders (at least 1).
    public init(limit: Int) {
        self.limit = max(1, limit)
        self.currentLimit = max(1, limit)
    }

    /// Halves the bound after the server said "too many requests".
    public func reduceAfterRateLimit() {
        currentLimit = max(1, currentLimit / 2)
        successes = 0
    }

    /// Counts a success; a run of `currentLimit` successes raises the bound by one.
    public func recordSuccess() {
        guard currentLimit < limit else { return }
        successes += 1
        if successes >= currentLimit {
            successes = 0
            currentLimit += 1
            while inUse < currentLimit, !waiters.isEmpty {
                inUse += 1
                waiters.removeFirst().continuation.resume()
            }
        }
    }

    /// Runs `body` while holding one slot.
    public func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Waits for a slot.
    public func acquire() async throws {
        if inUse < currentLimit, waiters.isEmpty {
            inUse += 1
            return
        }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    c.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, c))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Gives a slot back.
    public func release() {
        if !waiters.isEmpty, inUse <= currentLimit {
            // Hand the slot straight to the next waiter.
            waiters.removeFirst().continuation.resume()
        } else {
            inUse -= 1
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        }
    }
}
