/// One message of a benchmark conversation, with the record of the model call that produced it.
public struct Turn: Sendable, Codable, Hashable {
    /// `user` (the simulated user) or `assistant` (the agent under test).
    public var role: ChatRole
    /// The text that was sent to the other side.
    public var text: String
    /// How the text was produced.
    public var call: CallRecord

    /// Creates a turn.
    public init(role: ChatRole, text: String, call: CallRecord) {
        self.role = role
        self.text = text
        self.call = call
    }
}

/// What one model call was and returned: enough to trace any message back to its inputs.
public struct CallRecord: Sendable, Codable, Hashable {
    /// The model spec (never a key).
    public var model: String
    /// The model's raw reply text, before any parsing.
    public var rawReply: String
    /// Prompt tokens as reported by the server.
    public var promptTokens: Int?
    /// Completion tokens as reported by the server.
    public var completionTokens: Int?
    /// Prompt tokens read from the provider's prompt cache (part of ``promptTokens``), when reported.
    public var cachedPromptTokens: Int?
    /// Prompt tokens written to the provider's prompt cache (part of ``promptTokens``), when reported.
    public var cacheWritePromptTokens: Int?
    /// Wall-clock seconds including retries.
    public var latencySeconds: Double
    /// HTTP attempts.
    public var attempts: Int
    /// Why generation stopped.
    public var finishReason: String?
    /// Seed sent with the request.
    public var seed: Int?
    /// SHA-256 of the exact messages sent, so a cached or repeated call can be matched.
    public var requestHash: String
    /// True when a JSON reply was requested and the reply was not valid JSON of that shape.
    public var formatError: Bool
    /// The simulated user's private thought, when it gave one.
    public var thought: String?
    /// Streamed calls: seconds to the first generated text.
    public var timeToFirstTokenSeconds: Double?
    /// Streamed calls: completion tokens per second after the first.
    public var tokensPerSecond: Double?
    /// US dollars paid for the call: 0 when answered from the cache, nil when unknown (no price
    /// for the model, or no usage in the reply).
    public var costUSD: Double?

    /// Creates a call record.
    public init(
        model: String, rawReply: String, promptTokens: Int? = nil, completionTokens: Int? = nil,
        latencySeconds: Double = 0, attempts: Int = 1, finishReason: String? = nil, seed: Int? = nil,
        requestHash: String = "", formatError: Bool = false, thought: String? = nil, costUSD: Double? = nil
    ) {
        self.model = model
        self.rawReply = rawReply
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencySeconds = latencySeconds
        self.attempts = attempts
        self.finishReason = finishReason
        self.seed = seed
        self.requestHash = requestHash
        self.formatError = formatError
        self.thought = thought
        self.costUSD = costUSD
    }

    /// A record of `completion`, returned by `model` for a request with `requestHash` and `seed`.
    public init(model: String, completion: ChatCompletion, seed: Int?, requestHash: String) {
        self.init(
            model: model, rawReply: completion.text, promptTokens: completion.usage?.promptTokens,
            completionTokens: completion.usage?.completionTokens, latencySeconds: completion.latencySeconds,
            attempts: completion.attempts, finishReason: completion.finishReason, seed: seed,
            requestHash: requestHash)
        cachedPromptTokens = completion.usage?.cachedPromptTokens
        cacheWritePromptTokens = completion.usage?.cacheWritePromptTokens
        timeToFirstTokenSeconds = completion.timeToFirstTokenSeconds
        tokensPerSecond = completion.tokensPerSecond
        costUSD = completion.costUSD
    }
}
