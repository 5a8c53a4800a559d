/// What a run's batching did, for the summary and the tests.
public struct BatchStatistics: Sendable, Hashable {
    /// Batches submitted by this invocation.
    public var submitted = 0
    /// Batches of an earlier, interrupted invocation that this one waited for again.
    public var reattached = 0
    /// Calls answered by a batch.
    public var answered = 0
    /// Calls made directly because a batch had no answer for them (expired, errored, failed, not
    /// submitted).
    public var direct = 0

    /// Creates counts.
    public init(submitted: Int = 0, reattached: Int = 0, answered: Int = 0, direct: Int = 0) {
        self.submitted = submitted
        self.reattached = reattached
        self.answered = answered
        self.direct = direct
    }
}
