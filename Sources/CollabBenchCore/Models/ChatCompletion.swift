/// Token usage reported by a server.
public struct TokenUsage: Sendable, Codable, Hashable {
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int

    /// Creates a usage record.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
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
