extension ModelPrice {
    /// The share of the list price a provider's batch API charges: OpenAI's Batch API and
    /// Anthropic's Message Batches both bill 50% of the standard price, input and output alike.
    public static let batchShare = 0.5

    /// Cost of a call with this usage sent through a provider's batch API, in US dollars:
    /// ``cost(_:)`` × ``batchShare``.
    public func batchCost(_ usage: TokenUsage) -> Double {
        cost(usage) * Self.batchShare
    }
}
