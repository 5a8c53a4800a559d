/// Price of one model in US dollars per million tokens.
///
/// Only the two list prices matter here: prompt (input) tokens and completion (output) tokens.
/// Cached-input discounts, batch discounts and long-context surcharges are not modelled, so a
/// cost computed from a ``ModelPrice`` is the standard, uncached list price of a call.
public struct ModelPrice: Sendable, Codable, Hashable {
    /// US dollars per million prompt (input) tokens.
    public var inputPerMillion: Double
    /// US dollars per million completion (output) tokens.
    public var outputPerMillion: Double

    /// Creates a price.
    /// - Parameters:
    ///   - inputPerMillion: US dollars per million prompt tokens.
    ///   - outputPerMillion: US dollars per million completion tokens.
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// Cost of a call with this usage, in US dollars.
    ///
    /// `(promptTokens × inputPerMillion + completionTokens × outputPerMillion) / 1,000,000`.
    public func cost(_ usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * inputPerMillion + Double(usage.completionTokens) * outputPerMillion) / 1_000_000
    }
}
