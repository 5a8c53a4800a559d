extension ModelPrice {
    /// Anthropic's prompt-cache multipliers of the base input price: a cache read costs 0.1× and a
    /// 5-minute cache write 1.25× (Anthropic's pricing page, "Prompt caching": "Cache reads: 0.1x
    /// base input price", "5-minute cache writes: 1.25x base input price"; 1-hour writes, 2×, are
    /// not used by CollabBench).
    public static let anthropicCacheReadShare = 0.1
    /// See ``anthropicCacheReadShare``.
    public static let anthropicCacheWriteShare = 1.25

    /// An Anthropic model's price: its list input and output prices, with cache reads and
    /// 5-minute cache writes at ``anthropicCacheReadShare`` and ``anthropicCacheWriteShare`` of
    /// the input price.
    /// - Parameters:
    ///   - input: US dollars per million input tokens.
    ///   - output: US dollars per million output tokens.
    public static func anthropic(input: Double, output: Double) -> ModelPrice {
        ModelPrice(
            inputPerMillion: input, outputPerMillion: output, cachedInputPerMillion: input * anthropicCacheReadShare,
            cacheWritePerMillion: input * anthropicCacheWriteShare)
    }

    /// An OpenAI model's price: its list input, cached-input and output prices. OpenAI caches
    /// prompts automatically and charges nothing extra for writing them.
    /// - Parameters:
    ///   - input: US dollars per million input tokens.
    ///   - cached: US dollars per million cached input tokens (nil when not published or not
    ///     confirmed: cached tokens are then charged as input, an upper bound).
    ///   - output: US dollars per million output tokens.
    public static func openAI(input: Double, cached: Double?, output: Double) -> ModelPrice {
        ModelPrice(inputPerMillion: input, outputPerMillion: output, cachedInputPerMillion: cached)
    }
}

extension ModelPrice {
    /// This price without its prompt-cache rates: only the input and output list prices.
    public var listPrice: ModelPrice {
        ModelPrice(inputPerMillion: inputPerMillion, outputPerMillion: outputPerMillion)
    }
}
