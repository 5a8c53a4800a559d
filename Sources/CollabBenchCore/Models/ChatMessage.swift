/// The role of a message sent to a chat model.
public enum ChatRole: String, Sendable, Codable, Hashable {
    case system, user, assistant
}

/// One message of a chat-completion request.
public struct ChatMessage: Sendable, Codable, Hashable {
    /// Who speaks.
    public var role: ChatRole
    /// What is said.
    public var content: String

    /// Creates a message.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }

    /// A system message.
    public static func system(_ text: String) -> ChatMessage { .init(role: .system, content: text) }
    /// A user message.
    public static func user(_ text: String) -> ChatMessage { .init(role: .user, content: text) }
    /// An assistant message.
    public static func assistant(_ text: String) -> ChatMessage { .init(role: .assistant, content: text) }
}
