/// Anything that answers chat-completion requests: a real model server, or a test double.
///
/// The conversation engine and judges talk to models only through this protocol, so the wire
/// protocol (OpenAI-compatible today) and the transport stay outside the core.
public protocol ChatModel: Sendable {
    /// What this model is, without secrets.
    var spec: ModelSpec { get }
    /// Sends one request and returns the model's reply.
    /// - Throws: ``ModelError`` when the call fails after the client's retries.
    func complete(_ request: ChatRequest) async throws -> ChatCompletion
}
