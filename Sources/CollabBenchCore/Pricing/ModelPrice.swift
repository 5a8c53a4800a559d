/// Price of one model in US dollars per million tokens.
///
/// Prompt (input) tokens and completion (output) tokens have their list prices; prompt tokens
/// read from or written to a provider's prompt cache have their own rates when known
/// (``cachedInputPerMillion``, ``cacheWritePerMillion``) and are otherwise charged as ordinary
/// input. Batch discounts are in `ModelPrice+Batch.swift`; long-context surcharges are not
/// modelled.
public struct ModelPrice: Sendable, Codable, Hashable {
    /// US dollars per million prompt (input) tokens.
    public var inputPerMillion: Double
    /// US dollars per million completion (output) tokens.
    public var outputPerMillion: Double
    /// US dollars per million prompt tokens read from the prompt cache; nil: priced as input.
    public var cachedInputPerMillion: Double?
    /// US dollars per million prompt tokens written to the prompt cache (Anthropic's 5-minute
    /// cache writes); nil: priced as input.
    public var cacheWritePerMillion: Double?

    /// Creates a price.
    /// - Parameters:
    ///   - inputPerMillion: US dollars per million prompt tokens.
    ///   - outputPerMillion: US dollars per million completion tokens.
    ///   - cachedInputPerMillion: US dollars per million prompt tokens read from the prompt cache
    ///     (nil: as `inputPerMillion`).
    ///   - cacheWritePerMillion: US dollars per million prompt tokens written to the prompt cache
    ///     (nil: as `inputPerMillion`).
    public init(inputPerMillion: Double, outputPerMillion: Double, cachedInputPerMillion: Double? = nil, cacheWritePerMillion: Double? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion
        self.cacheWritePerMillion = cacheWritePerMillion
    }

    /// Cost of a call with this usage, in US dollars.
    ///
    /// Without cache counts: `(promptTokens × inputPerMillion + completionTokens × outputPerMillion)
    /// / 1,000,000`. With them, the prompt tokens read from the cache are charged at
    /// ``cachedInputPerMillion``, those written to it at ``cacheWritePerMillion``, and the rest
    /// (`promptTokens` minus both) at ``inputPerMillion``.
    public func cost(_ usage: TokenUsage) -> Double {
        let cached = max(0, usage.cachedPromptTokens ?? 0)
        let written = max(0, usage.cacheWritePromptTokens ?? 0)
        guard cached > 0 || written > 0 else {
            return (Double(usage.promptTokens) * inputPerMillion + Double(usage.completionTokens) * outputPerMillion) / 1_000_000
        }
        let uncached = max(0, usage.promptTokens - cached - written)
        let input = Double(uncached) * inputPerMillion + Double(cached) * (cachedInputPerMillion ?? inputPerMillion)
            + Double(written) * (cacheWritePerMillion ?? inputPerMillion)
        return (input + Double(usage.completionTokens) * outputPerMillion) / 1_000_000
    }
}
