/// A chat model that keeps state for the length of one conversation, such as an agent running as
/// a subprocess that should see each conversation in a fresh process.
///
/// ``ChatModel/complete(_:)`` carries no conversation identity, so whoever runs a conversation
/// asks such a model for a session first and closes it when the conversation ends:
///
/// ```swift
/// let transcript = try await agent.withConversation(id: "\(task.id)#\(seed)") { agent in
///     // every agent call of this conversation goes through `agent`
/// }
/// ```
///
/// Every request still carries the whole conversation, so calling ``ChatModel/complete(_:)``
/// outside a session stays correct; the model only loses what it keeps between turns.
public protocol ConversationScopedModel: ChatModel {
    /// A model for one conversation. Cheap and non-throwing: resources (a process, a connection)
    /// are acquired at the first call, whose failure is then that call's error. The caller must
    /// ``ConversationSession/close()`` it when the conversation ends.
    /// - Parameter id: Names the conversation (in messages to the model and in errors).
    func openConversation(id: String) -> any ConversationSession
}

/// A ``ChatModel`` bound to one conversation; see ``ConversationScopedModel``.
public protocol ConversationSession: ChatModel {
    /// Ends the conversation and releases what the session holds (e.g. stops its process).
    /// Idempotent; calls after it fail. Completes even when the calling task is cancelled.
    func close() async
}

extension ChatModel {
    /// Runs `body` with the model to use for one conversation: a fresh session when this is a
    /// ``ConversationScopedModel`` (closed when `body` returns or throws), otherwise `self`.
    /// - Parameters:
    ///   - id: Names the conversation.
    ///   - body: Runs the conversation with the given model.
    public func withConversation<T>(id: String, _ body: (any ChatModel) async throws -> T) async rethrows -> T {
        guard let scoped = self as? any ConversationScopedModel else { return try await body(self) }
        let session = scoped.openConversation(id: id)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }
}
