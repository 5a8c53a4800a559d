import CollabBenchCore
import Testing

/// Prompt tokens read from or written to a provider's prompt cache are priced at their own rates;
/// usage without cache counts costs what it always did.
@Suite(.timeLimit(.minutes(5)))
struct CachedTokenPricingTests {
    private func builtin(_ model: String, provider: String) throws -> ModelPrice {
        try #require(PricingTable.builtin.price(for: ModelSpec(provider: provider, model: model)))
    }

    @Test func openAICachedTokensAreChargedAtTheCachedInputRate() throws {
        // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million tokens.
        let price = try builtin("gpt-4o-2024-08-06", provider: "openai")
        // prompt_tokens 2000 INCLUDES the 1536 cached ones: 464 × 2.5 + 1536 × 1.25 + 300 × 10 = 6080 µ$.
        let usage = TokenUsage(promptTokens: 2000, completionTokens: 300, cachedPromptTokens: 1536)
        #expect(abs(price.cost(usage) - 0.006080) < 1e-12)
        // The same call without the cache: 2000 × 2.5 + 300 × 10 = 8000 µ$.
        #expect(abs(price.cost(TokenUsage(promptTokens: 2000, completionTokens: 300)) - 0.008) < 1e-12)
    }

    @Test func anthropicCacheReadsAndWritesHaveTheirMultipliers() throws {
        // claude-sonnet-4: $3 input, $15 output; reads 0.1× = $0.30, 5-minute writes 1.25× = $3.75.
        let price = try builtin("claude-sonnet-4-20250514", provider: "anthropic")
        #expect(abs((price.cachedInputPerMillion ?? 0) - 0.3) < 1e-12)
        #expect(abs((price.cacheWritePerMillion ?? 0) - 3.75) < 1e-12)
        // 50 uncached + 4000 read + 1000 written = 5050 prompt tokens:
        // 50 × 3 + 4000 × 0.3 + 1000 × 3.75 + 200 × 15 = 150 + 1200 + 3750 + 3000 = 8100 µ$.
        let usage = TokenUsage(promptTokens: 5050, completionTokens: 200, cachedPromptTokens: 4000, cacheWritePromptTokens: 1000)
        #expect(abs(price.cost(usage) - 0.008100) < 1e-12)
    }

    @Test func usageWithoutCacheCountsCostsExactlyWhatItDid() {
        let price = ModelPrice.anthropic(input: 3, output: 15)
        for usage in [
            TokenUsage(promptTokens: 1234, completionTokens: 567),
            TokenUsage(promptTokens: 1234, completionTokens: 567, cachedPromptTokens: 0, cacheWritePromptTokens: 0),
        ] {
            // Bit for bit the list-price formula, so stored costs of old runs are unchanged.
            let listCost: Double = (1234 * 3 + 567 * 15) / 1_000_000
            #expect(price.cost(usage) == listCost)
            #expect(price.cost(usage) == price.listPrice.cost(usage))
        }
    }

    @Test func aPriceWithoutCacheRatesChargesCachedTokensAsInput() {
        // A user's price file without cached_input: the cached tokens cost what input costs (an upper bound).
        let price = ModelPrice(inputPerMillion: 2, outputPerMillion: 8)
        let usage = TokenUsage(promptTokens: 1000, completionTokens: 100, cachedPromptTokens: 900, cacheWritePromptTokens: 50)
        let asInput: Double = (1000 * 2 + 100 * 8) / 1_000_000
        #expect(abs(price.cost(usage) - asInput) < 1e-15)
    }

    @Test func unconfirmedCachedPricesStayUnset() throws {
        // gpt-4o-2024-05-13 has no prompt caching; newer models without a confirmed cached price keep nil.
        #expect(try builtin("gpt-4o-2024-05-13", provider: "openai").cachedInputPerMillion == nil)
        #expect(try builtin("gpt-4o-mini", provider: "openai").cachedInputPerMillion == 0.075)
        #expect(try builtin("gpt-4.1", provider: "openai").cachedInputPerMillion == 0.5)
        #expect(try builtin("gpt-5", provider: "openai").cachedInputPerMillion == 0.125)
        // OpenAI charges nothing extra for cache writes.
        #expect(try builtin("gpt-4o", provider: "openai").cacheWritePerMillion == nil)
        for (key, price) in PricingTable.builtin.entries where key.hasPrefix("claude") {
            #expect(price.cachedInputPerMillion == price.inputPerMillion * 0.1, "\(key)")
            #expect(price.cacheWritePerMillion == price.inputPerMillion * 1.25, "\(key)")
        }
    }

    @Test func batchedCallsKeepTheCacheRatesAtHalfPrice() throws {
        let price = try builtin("gpt-4o", provider: "openai")
        let usage = TokenUsage(promptTokens: 2000, completionTokens: 300, cachedPromptTokens: 1536)
        #expect(abs(price.batchCost(usage) - 0.006080 / 2) < 1e-12)
    }
}
