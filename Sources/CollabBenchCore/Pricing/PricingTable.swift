/// Prices per model, used to turn token usage into US dollars.
///
/// Keys are either `provider/model` (e.g. `openai/gpt-4o`, which applies only to that provider) or a
/// bare model name (e.g. `gpt-4o`, which applies to any provider serving a model of that name).
///
/// ## Lookup
/// ``price(for:)`` compares names case-insensitively and tries, in order:
/// 1. the exact key `provider/model`;
/// 2. the exact key `model`;
/// 3. a snapshot of a known model: the longest key `K` (as `provider/K`, then bare `K`) such that the
///    model name is `K-SUFFIX`, where `SUFFIX` names a snapshot of `K` — a date `YYYY-MM-DD`,
///    `YYYYMMDD` or `MMDD`, or `latest`. So `gpt-4o-2024-08-06` finds `gpt-4o`,
///    `claude-sonnet-4-5-20250929` finds `claude-sonnet-4-5` and `claude-3-5-haiku-latest` finds
///    `claude-3-5-haiku`.
///
/// A name that merely starts with a known key is *not* that model: `gpt-4o-mini` finds the key
/// `gpt-4o-mini` or nothing, never `gpt-4o`; likewise `o3-pro`, `gpt-5-pro` and `claude-opus-4-6` never
/// borrow the (different) price of `o3`, `gpt-5` or `claude-opus-4`. When nothing matches the price is
/// unknown (`nil`), never zero: an unknown price must stay unknown, so a report can say so instead of
/// showing a wrong cost.
///
/// Keys that differ only in letter case name the same model; if a table has several, the one that
/// sorts first (by `String` comparison) is used.
public struct PricingTable: Sendable {
    /// Prices by key: `provider/model` or bare `model`.
    public var entries: [String: ModelPrice] {
        didSet { index = Self.makeIndex(entries) }
    }

    /// `entries` with lower-cased keys.
    private var index: [String: ModelPrice]

    /// Creates a table.
    /// - Parameter entries: Prices by key (`provider/model` or bare `model`).
    public init(entries: [String: ModelPrice]) {
        self.entries = entries
        self.index = Self.makeIndex(entries)
    }

    /// The price of `spec`, or nil when it is unknown. See the type's documentation for the rules.
    public func price(for spec: ModelSpec) -> ModelPrice? {
        let provider = spec.provider.lowercased()
        let model = spec.model.lowercased()
        if let price = index[provider + "/" + model] { return price }
        if let price = index[model] { return price }
        // Snapshot of a known model: walk the '-' boundaries from the right, so the longest key wins.
        var end = model.endIndex
        while let dash = model[..<end].lastIndex(of: "-") {
            end = dash
            guard Self.isSnapshotSuffix(model[model.index(after: dash)...]) else { continue }
            let base = model[..<dash]
            if let price = index[provider + "/" + base] { return price }
            if let price = index[String(base)] { return price }
        }
        return nil
    }

    /// This table with `overrides` on top (their entries win).
    ///
    /// An override replaces every entry whose key equals its key ignoring case.
    public func merging(_ overrides: PricingTable) -> PricingTable {
        let replaced = Set(overrides.entries.keys.map { $0.lowercased() })
        var merged = entries.filter { !replaced.contains($0.key.lowercased()) }
        for (key, price) in overrides.entries { merged[key] = price }
        return PricingTable(entries: merged)
    }

    private static func makeIndex(_ entries: [String: ModelPrice]) -> [String: ModelPrice] {
        var index: [String: ModelPrice] = [:]
        index.reserveCapacity(entries.count)
        for key in entries.keys.sorted() {
            let lower = key.lowercased()
            if index[lower] == nil { index[lower] = entries[key] }
        }
        return index
    }

    /// `latest`, or a date: `YYYY-MM-DD`, `YYYYMMDD` or `MMDD`.
    private static func isSnapshotSuffix(_ suffix: Substring) -> Bool {
        if suffix == "latest" { return true }
        var count = 0
        var dashes = 0
        for byte in suffix.utf8 {
            if byte == UInt8(ascii: "-") {
                // Only YYYY-MM-DD has dashes, at offsets 4 and 7.
                guard count == 4 || count == 7 else { return false }
                dashes += 1
            } else if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                return false
            }
            count += 1
            if count > 10 { return false }
        }
        return (count == 4 || count == 8) ? dashes == 0 : (count == 10 && dashes == 2)
    }
}

// MARK: - Hashable

extension PricingTable: Hashable {
    public static func == (lhs: PricingTable, rhs: PricingTable) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }
}

// MARK: - Built-in prices

extension PricingTable {
    /// The date the built-in prices were checked.
    ///
    /// Checked against the providers' own documentation (OpenAI's model pages and models overview;
    /// Anthropic's pricing page and model overview pages); where a provider page could not be
    /// consulted, only prices that several gateways publish identically as the provider's list price
    /// were kept. Models whose price could not be confirmed are left out (and so stay unknown).
    public static let builtinAsOf = "2026-11-22"

    /// List prices (standard tier, no batch discount; Anthropic's ≤200K-token prompt tier) for
    /// models people commonly evaluate, plus CollabBench's embedded local model at zero. Keys are
    /// bare model names. As of ``builtinAsOf``.
    ///
    /// Prompt caching: OpenAI's cached-input prices are those its pricing page lists per model
    /// ("Cached input" column, platform.openai.com/docs/pricing, as remembered for 2025 list
    /// prices; 50% of input for gpt-4o/o1/o3-mini/o4-mini-era models, 25% for gpt-4.1 and o3,
    /// 10% for gpt-5). Where a model's cached price could not be confirmed it is nil, and cached
    /// tokens are charged as ordinary input (an upper bound, as before caching was priced).
    /// Anthropic's are the documented multipliers (``ModelPrice/anthropic(input:output:)``).
    public static let builtin = PricingTable(entries: [
        // OpenAI — official model pages / models overview (developers.openai.com).
        "gpt-5.5": .openAI(input: 5, cached: nil, output: 30),  // cached-input price not confirmed
        "gpt-5.4": .openAI(input: 2.5, cached: nil, output: 15),  // cached-input price not confirmed
        "gpt-5.4-mini": .openAI(input: 0.75, cached: nil, output: 4.5),  // cached-input price not confirmed
        "gpt-5": .openAI(input: 1.25, cached: 0.125, output: 10),
        "gpt-5-mini": .openAI(input: 0.25, cached: 0.025, output: 2),
        "gpt-5-nano": .openAI(input: 0.05, cached: 0.005, output: 0.4),
        // OpenAI — list prices as published identically by several gateways for provider OpenAI.
        "gpt-4.1": .openAI(input: 2, cached: 0.5, output: 8),
        "gpt-4.1-mini": .openAI(input: 0.4, cached: 0.1, output: 1.6),
        "gpt-4.1-nano": .openAI(input: 0.1, cached: 0.025, output: 0.4),
        "gpt-4o": .openAI(input: 2.5, cached: 1.25, output: 10),
        "gpt-4o-2024-05-13": .openAI(input: 5, cached: nil, output: 15),  // first snapshot, dearer; no prompt caching
        "gpt-4o-mini": .openAI(input: 0.15, cached: 0.075, output: 0.6),
        "o1": .openAI(input: 15, cached: 7.5, output: 60),
        "o3": .openAI(input: 2, cached: 0.5, output: 8),
        "o3-mini": .openAI(input: 1.1, cached: 0.55, output: 4.4),
        "o4-mini": .openAI(input: 1.1, cached: 0.275, output: 4.4),
        // Anthropic — pricing page and model overview pages (docs.anthropic.com, platform.claude.com).
        "claude-opus-4-6": .anthropic(input: 5, output: 25),
        "claude-opus-4-5": .anthropic(input: 5, output: 25),
        "claude-opus-4-1": .anthropic(input: 15, output: 75),
        "claude-opus-4": .anthropic(input: 15, output: 75),
        "claude-opus-4-0": .anthropic(input: 15, output: 75),  // alias of claude-opus-4
        "claude-sonnet-4-5": .anthropic(input: 3, output: 15),
        "claude-sonnet-4": .anthropic(input: 3, output: 15),
        "claude-sonnet-4-0": .anthropic(input: 3, output: 15),  // alias of claude-sonnet-4
        "claude-haiku-4-5": .anthropic(input: 1, output: 5),
        "claude-3-7-sonnet": .anthropic(input: 3, output: 15),
        "claude-3-5-sonnet": .anthropic(input: 3, output: 15),
        "claude-3-5-haiku": .anthropic(input: 0.8, output: 4),
        "claude-3-opus": .anthropic(input: 15, output: 75),
        "claude-3-haiku": .anthropic(input: 0.25, output: 1.25),
        // CollabBench's embedded model (SmolLM2-135M-Instruct) runs locally: no per-token price.
        // `smollm2` is the name the project's local-model scripts serve it under.
        "smollm2-135m-instruct": ModelPrice(inputPerMillion: 0, outputPerMillion: 0),
        "smollm2": ModelPrice(inputPerMillion: 0, outputPerMillion: 0),
    ])
}
