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
    /// Sends one request, handing the reply's text to `onPiece` as it is generated, and returns
    /// the whole reply.
    ///
    /// Pieces arrive in order, each once. When the call succeeds, the returned
    /// ``ChatCompletion/text`` is the reply; the pieces concatenated are normally that text, but
    /// need not be: a client that retries after an attempt failed part-way stops handing pieces
    /// over (so no text is ever handed over twice) and the rest of the reply only comes with the
    /// returned completion. A caller that shows pieces live therefore compares their concatenation
    /// with the returned text and replaces what it showed when they differ.
    ///
    /// The default implementation (for models that cannot stream: a cache, a batch, a subprocess
    /// agent) hands the whole reply over as one piece once it has arrived.
    /// - Parameters:
    ///   - request: The request.
    ///   - onPiece: Receives each piece of the reply's text; the call waits for it.
    /// - Throws: ``ModelError`` when the call fails after the client's retries.
    func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion
}

extension ChatModel {
    /// The whole reply as one piece, once it has arrived (for models that cannot stream).
    public func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion {
        let completion = try await complete(request)
        if !completion.text.isEmpty { await onPiece(completion.text) }
        return completion
    }
}
