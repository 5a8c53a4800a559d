/// The limits of a reward service: how much it scores at once, how many items may be admitted,
/// and how large a request body may be.
public struct RewardServiceSettings: Sendable, Hashable {
    /// Units scored at once across all requests (at least 1): for the reward library, forward
    /// continuations in flight (an item costs candidates × samples; one larger than this runs alone).
    public var concurrency: Int
    /// Items admitted at most at any moment, being scored or waiting (at least 1). A request
    /// whose items do not fit next to those admitted answers 429 with `Retry-After`; one with more
    /// items than this answers 413.
    public var queue: Int
    /// The largest request body accepted, in bytes; a larger one answers 413.
    public var maxBodyBytes: Int
    /// The least `Retry-After` a 429 carries, in seconds.
    public var minimumRetryAfterSeconds: Int

    /// Settings with the service's defaults: 16 continuations at once, 1024 items admitted, 16 MiB bodies.
    public init(concurrency: Int = 16, queue: Int = 1024, maxBodyBytes: Int = 16 << 20, minimumRetryAfterSeconds: Int = 1) {
        self.concurrency = max(1, concurrency)
        self.queue = max(1, queue)
        self.maxBodyBytes = max(1, maxBodyBytes)
        self.minimumRetryAfterSeconds = max(1, minimumRetryAfterSeconds)
    }
}
