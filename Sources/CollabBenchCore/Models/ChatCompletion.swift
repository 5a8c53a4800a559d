/// Token usage reported by a server.
///
/// ``promptTokens`` counts every input token, cached or not (OpenAI's `prompt_tokens`; for
/// Anthropic, whose `input_tokens` leaves cached ones out, the sum of `input_tokens`,
/// `cache_read_input_tokens` and `cache_creation_input_tokens`). The two cache counts say how
/// many of them were read from or written to the provider's prompt cache, so ``ModelPrice`` can
/// price them at their own rates; nil when the server did not say.
public struct TokenUsage: Sendable, Codable, Hashable {
    /// Tokens in the prompt, cached ones included.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Prompt tokens read from the provider's prompt cache (OpenAI
    /// `prompt_tokens_details.cached_tokens`, Anthropic `cache_read_input_tokens`); part of
    /// ``promptTokens``.
    public var cachedPromptTokens: Int?
    /// Prompt tokens written to the provider's prompt cache (Anthropic
    /// `cache_creation_input_tokens`); part of ``promptTokens``.
    public var cacheWritePromptTokens: Int?

    /// Creates a usage record.
    /// - Parameters:
    ///   - promptTokens: Every prompt token, cached ones included.
    ///   - completionTokens: Tokens generated.
    ///   - cachedPromptTokens: Prompt tokens read from the prompt cache, if reported.
    ///   - cacheWritePromptTokens: Prompt tokens written to the prompt cache, if reported.
    public init(promptTokens: Int, completionTokens: Int, cachedPromptTokens: Int? = nil, cacheWritePromptTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.cacheWritePromptTokens = cacheWritePromptTokens
    }
}

/// The outcome of one successful model call.
public struct ChatCompletion: Sendable, Hashable {
    /// The generated text.
    public var text: String
    /// Why generation stopped (`stop`, `length`, …), as the server said.
    public var finishReason: String?
    /// Usage, when the server reports it.
    public var usage: TokenUsage?
    /// Wall-clock time of the call including retries, in seconds.
    public var latencySeconds: Double
    /// HTTP attempts made (1 when the first attempt succeeded).
    public var attempts: Int
    /// The model name the server reported.
    public var servedModel: String?
    /// Streamed calls: seconds from the request to the first generated text.
    public var timeToFirstTokenSeconds: Double?
    /// Streamed calls: completion tokens per second after the first one.
    public var tokensPerSecond: Double?
    /// True when the reply came from the response cache (nothing was sent or paid).
    public var fromCache = false
    /// True when the reply came through a provider's batch API: ``MeteredChatModel`` prices it at
    /// the batch rate (``ModelPrice/batchCost(_:)``).
    public var batched = false
    /// What the call cost in US dollars: 0 for a cache hit, nil when the model's price or the
    /// server's usage is unknown. Set by ``MeteredChatModel``.
    public var costUSD: Double?

    /// Creates a completion.
    public init(
        text: String, finishReason: String? = nil, usage: TokenUsage? = nil, latencySeconds: Double = 0,
        attempts: Int = 1, servedModel: String? = nil
    ) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.latencySeconds = latencySeconds
        self.attempts = attempts
        self.servedModel = servedModel
    }
}
