import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct PricingTableTests {
    private func spec(_ model: String, provider: String = "openai") -> ModelSpec {
        ModelSpec(provider: provider, model: model)
    }

    private func price(_ input: Double, _ output: Double) -> ModelPrice {
        ModelPrice(inputPerMillion: input, outputPerMillion: output)
    }

    // MARK: - Cost arithmetic

    @Test func costIsPerMillionTokens() {
        let cost = price(2.5, 10).cost(TokenUsage(promptTokens: 1_000, completionTokens: 500))
        #expect(abs(cost - 0.0075) < 1e-12)
        #expect(price(2.5, 10).cost(TokenUsage(promptTokens: 1_000_000, completionTokens: 0)) == 2.5)
        #expect(price(2.5, 10).cost(TokenUsage(promptTokens: 0, completionTokens: 1_000_000)) == 10)
        #expect(price(2.5, 10).cost(TokenUsage(promptTokens: 0, completionTokens: 0)) == 0)
    }

    // MARK: - Lookup rules

    @Test func exactBareKey() {
        let table = PricingTable(entries: ["gpt-4o": price(2.5, 10)])
        #expect(table.price(for: spec("gpt-4o")) == price(2.5, 10))
    }

    @Test func datedSnapshotFindsItsModel() {
        let table = PricingTable(entries: [
            "gpt-4o": price(2.5, 10), "gpt-4o-mini": price(0.15, 0.6),
            "claude-sonnet-4-5": price(3, 15), "claude-opus-4": price(15, 75), "claude-opus-4-1": price(16, 76),
        ])
        #expect(table.price(for: spec("gpt-4o-2024-08-06")) == price(2.5, 10))
        #expect(table.price(for: spec("gpt-4o-mini-2024-07-18")) == price(0.15, 0.6))
        #expect(table.price(for: spec("claude-sonnet-4-5-20250929", provider: "anthropic")) == price(3, 15))
        // The longest key wins: Opus 4.1's snapshot is not Opus 4.
        #expect(table.price(for: spec("claude-opus-4-1-20250805", provider: "anthropic")) == price(16, 76))
        #expect(table.price(for: spec("claude-opus-4-20250514", provider: "anthropic")) == price(15, 75))
    }

    @Test func otherSnapshotForms() {
        let table = PricingTable(entries: ["gpt-4": price(30, 60), "claude-3-5-haiku": price(0.8, 4)])
        #expect(table.price(for: spec("gpt-4-0613")) == price(30, 60))  // MMDD
        #expect(table.price(for: spec("claude-3-5-haiku-latest", provider: "anthropic")) == price(0.8, 4))
        // Not snapshots: a variant with a word, a malformed date, a bare number.
        #expect(table.price(for: spec("gpt-4-1106-preview")) == nil)
        #expect(table.price(for: spec("gpt-4-2024-8-6")) == nil)
        #expect(table.price(for: spec("gpt-4-5")) == nil)
        #expect(table.price(for: spec("gpt-4-")) == nil)
    }

    @Test func miniIsNeverTheLargerModel() {
        let both = PricingTable(entries: ["gpt-4o": price(2.5, 10), "gpt-4o-mini": price(0.15, 0.6)])
        #expect(both.price(for: spec("gpt-4o-mini")) == price(0.15, 0.6))
        // Without a gpt-4o-mini entry, gpt-4o-mini is unknown rather than priced as gpt-4o.
        let onlyLarge = PricingTable(entries: ["gpt-4o": price(2.5, 10)])
        #expect(onlyLarge.price(for: spec("gpt-4o-mini")) == nil)
        #expect(onlyLarge.price(for: spec("gpt-4o-mini-2024-07-18")) == nil)
    }

    @Test func variantsDoNotBorrowTheBasePrice() {
        #expect(PricingTable.builtin.price(for: spec("o3-pro")) == nil)
        #expect(PricingTable.builtin.price(for: spec("gpt-5-pro")) == nil)
        let table = PricingTable(entries: ["claude-opus-4": price(15, 75)])
        #expect(table.price(for: spec("claude-opus-4-6", provider: "anthropic")) == nil)
    }

    @Test func providerQualifiedKeyBeatsBareKey() {
        let table = PricingTable(entries: ["gpt-4o": price(2.5, 10), "openai/gpt-4o": price(1, 2)])
        #expect(table.price(for: spec("gpt-4o")) == price(1, 2))
        #expect(table.price(for: spec("gpt-4o", provider: "anthropic")) == price(2.5, 10))
        // Also for snapshots.
        #expect(table.price(for: spec("gpt-4o-2024-08-06")) == price(1, 2))
        #expect(table.price(for: spec("gpt-4o-2024-08-06", provider: "anthropic")) == price(2.5, 10))
        // An exact bare key beats a qualified key that only matches as a snapshot.
        let exact = PricingTable(entries: ["gpt-4o-2024-05-13": price(5, 15), "openai/gpt-4o": price(1, 2)])
        #expect(exact.price(for: spec("gpt-4o-2024-05-13")) == price(5, 15))
    }

    @Test func qualifiedKeyOnlyAppliesToItsProvider() {
        let table = PricingTable(entries: ["openai/my-model": price(1, 2)])
        #expect(table.price(for: spec("my-model")) == price(1, 2))
        #expect(table.price(for: spec("my-model", provider: "anthropic")) == nil)
    }

    @Test func matchingIgnoresCase() {
        let table = PricingTable(entries: ["OpenAI/GPT-4O": price(1, 2), "Claude-Sonnet-4-5": price(3, 15)])
        #expect(table.price(for: spec("gpt-4o", provider: "OPENAI")) == price(1, 2))
        #expect(table.price(for: spec("GPT-4o-2024-08-06")) == price(1, 2))
        #expect(table.price(for: spec("CLAUDE-SONNET-4-5-20250929", provider: "anthropic")) == price(3, 15))
        #expect(PricingTable.builtin.price(for: spec("GPT-4o-MINI"))?.listPrice == price(0.15, 0.6))
    }

    @Test func unknownModelHasNoPrice() {
        #expect(PricingTable.builtin.price(for: spec("llama-3.1-70b-instruct")) == nil)
        #expect(PricingTable(entries: [:]).price(for: spec("gpt-4o")) == nil)
    }

    @Test func changingEntriesChangesLookup() {
        var table = PricingTable(entries: [:])
        table.entries["my-model"] = price(1, 2)
        #expect(table.price(for: spec("my-model-20260101")) == price(1, 2))
        table.entries["my-model"] = nil
        #expect(table.price(for: spec("my-model")) == nil)
    }

    // MARK: - Merging

    @Test func mergingOverridesWin() {
        let base = PricingTable(entries: ["gpt-4o": price(2.5, 10), "gpt-4o-mini": price(0.15, 0.6)])
        let overrides = PricingTable(entries: ["gpt-4o": price(1, 1), "my-finetune": price(0.3, 1.2)])
        let merged = base.merging(overrides)
        #expect(merged.price(for: spec("gpt-4o")) == price(1, 1))
        #expect(merged.price(for: spec("gpt-4o-mini")) == price(0.15, 0.6))
        #expect(merged.price(for: spec("my-finetune")) == price(0.3, 1.2))
        #expect(merged.entries.count == 3)
        #expect(base.price(for: spec("gpt-4o")) == price(2.5, 10))  // base unchanged
    }

    @Test func mergingReplacesKeysThatDifferOnlyInCase() {
        let base = PricingTable(entries: ["GPT-4o": price(2.5, 10)])
        let merged = base.merging(PricingTable(entries: ["gpt-4o": price(1, 1)]))
        #expect(merged.price(for: spec("gpt-4o")) == price(1, 1))
        #expect(merged.entries == ["gpt-4o": price(1, 1)])
    }

    @Test func qualifiedOverrideBeatsBuiltinBareKey() {
        let merged = PricingTable.builtin.merging(PricingTable(entries: ["openai/gpt-4o": price(1, 2)]))
        #expect(merged.price(for: spec("gpt-4o-2024-11-20")) == price(1, 2))
        #expect(merged.price(for: spec("gpt-4o", provider: "anthropic"))?.listPrice == price(2.5, 10))
    }

    @Test func equalityIsByEntries() {
        #expect(PricingTable(entries: ["a": price(1, 2)]) == PricingTable(entries: ["a": price(1, 2)]))
        #expect(PricingTable(entries: ["a": price(1, 2)]) != PricingTable(entries: ["A": price(1, 2)]))
    }

    // MARK: - Built-in table

    @Test func builtinCoversCommonModels() throws {
        let expected: [String] = [
            "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o3", "o3-mini", "o4-mini",
            "gpt-5", "gpt-5-mini", "gpt-5-nano", "claude-3-5-haiku", "claude-3-5-sonnet", "claude-3-7-sonnet",
            "claude-sonnet-4", "claude-sonnet-4-5", "claude-opus-4", "claude-opus-4-1", "claude-haiku-4-5",
            "smollm2-135m-instruct",
        ]
        for key in expected { #expect(PricingTable.builtin.entries[key] != nil, "missing \(key)") }
        for (key, value) in PricingTable.builtin.entries {
            #expect(key == key.lowercased() && !key.contains("/"), "built-in keys are bare lower-case names: \(key)")
            #expect(value.inputPerMillion.isFinite && value.inputPerMillion >= 0, "\(key)")
            #expect(value.outputPerMillion >= value.inputPerMillion, "\(key): output is never cheaper than input")
        }
    }

    @Test func builtinSpotPrices() {
        let builtin = PricingTable.builtin
        #expect(builtin.price(for: spec("gpt-4o-2024-08-06"))?.listPrice == price(2.5, 10))
        #expect(builtin.price(for: spec("gpt-4o-2024-05-13"))?.listPrice == price(5, 15))
        #expect(builtin.price(for: spec("gpt-4o-mini"))?.listPrice == price(0.15, 0.6))
        #expect(builtin.price(for: spec("claude-sonnet-4-5-20250929", provider: "anthropic"))?.listPrice == price(3, 15))
        #expect(builtin.price(for: spec("claude-opus-4-1-20250805", provider: "anthropic"))?.listPrice == price(15, 75))
        #expect(builtin.price(for: spec("claude-opus-4-5-20251101", provider: "anthropic"))?.listPrice == price(5, 25))
        #expect(builtin.price(for: spec("claude-3-5-haiku-20241022", provider: "anthropic"))?.listPrice == price(0.8, 4))
    }

    @Test func embeddedLocalModelIsFree() throws {
        let local = try #require(PricingTable.builtin.price(for: spec("smollm2-135m-instruct")))
        #expect(local.cost(TokenUsage(promptTokens: 123_456, completionTokens: 7_890)) == 0)
        #expect(PricingTable.builtin.price(for: spec("SmolLM2-135M-Instruct")) == local)
    }

    @Test func builtinAsOfIsADate() {
        let parts = PricingTable.builtinAsOf.split(separator: "-")
        #expect(parts.map(\.count) == [4, 2, 2])
        #expect(parts.allSatisfy { $0.allSatisfy(\.isNumber) })
    }
}
