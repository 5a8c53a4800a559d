/// A chat-completion request, independent of the wire protocol.
public struct ChatRequest: Sendable, Hashable {
    /// The conversation sent to the model.
    public var messages: [ChatMessage]
    /// Sampling settings.
    public var sampling: Sampling
    /// Seed for servers that honour one.
    public var seed: Int?
    /// A JSON schema the reply must follow, for servers with structured output.
    public var responseFormat: ResponseFormat?

    /// Creates a request.
    public init(messages: [ChatMessage], sampling: Sampling = .init(), seed: Int? = nil, responseFormat: ResponseFormat? = nil) {
        self.messages = messages
        self.sampling = sampling
        self.seed = seed
        self.responseFormat = responseFormat
    }
}

/// Structured-output request: the reply must be a JSON object following a JSON schema.
public struct ResponseFormat: Sendable, Hashable {
    /// A name for the schema (OpenAI requires one).
    public var name: String
    /// The JSON schema as JSON text. Kept as text so property order survives: constrained decoders
    /// generate properties in schema order, and a private "thought" should come before the answer.
    public var schemaJSON: String

    /// Creates a response format.
    public init(name: String, schemaJSON: String) {
        self.name = name
        self.schemaJSON = schemaJSON
    }
}
