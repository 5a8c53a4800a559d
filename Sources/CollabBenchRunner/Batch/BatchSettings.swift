/// When queued calls are sent as a batch and how often a batch is polled.
///
/// Queued calls of one model are submitted when there are ``maxRequests`` of them, when the
/// oldest has waited ``maxAge``, or at once when every conversation of the run is waiting for a
/// batched call (nothing else could join the queue).
public struct BatchSettings: Sendable, Hashable {
    /// Lines per batch at most.
    public var maxRequests: Int
    /// Longest a call waits in the queue before its batch is submitted.
    public var maxAge: Duration
    /// How polling backs off.
    public var polling: BatchPollSchedule

    /// Creates settings.
    public init(maxRequests: Int = 1_000, maxAge: Duration = .seconds(300), polling: BatchPollSchedule = .init()) {
        self.maxRequests = max(1, maxRequests)
        self.maxAge = maxAge
        self.polling = polling
    }
}

/// The waits between polls of a batch: `first`, then each `factor` times the one before, at most
/// `longest`.
public struct BatchPollSchedule: Sendable, Hashable {
    /// The wait before the first poll of a newly submitted batch.
    public var first: Duration
    /// How much longer each wait is than the one before.
    public var factor: Double
    /// The longest wait.
    public var longest: Duration

    /// Creates a schedule.
    public init(first: Duration = .seconds(1), factor: Double = 2, longest: Duration = .seconds(60)) {
        self.first = first
        self.factor = max(1, factor)
        self.longest = longest
    }

    /// The wait after `wait`.
    public func next(after wait: Duration) -> Duration {
        min(longest, wait * factor)
    }
}
