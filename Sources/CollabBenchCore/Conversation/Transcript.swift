/// Why a conversation ended.
public enum EndReason: String, Sendable, Codable, Hashable {
    /// The simulated user wrote the termination marker.
    case userTerminated = "user_terminated"
    /// The agent wrote the termination marker.
    case agentTerminated = "agent_terminated"
    /// The exchange limit was reached.
    case maxExchanges = "max_exchanges"
    /// A model call failed after its retries; the conversation is not scored.
    case failed
}

/// A finished (or failed) conversation.
public struct Transcript: Sendable, Codable, Hashable {
    /// The messages in order; the simulated user speaks first.
    public var turns: [Turn]
    /// Why it ended.
    public var endReason: EndReason
    /// For failed conversations, what failed.
    public var failure: String?

    /// Creates a transcript.
    public init(turns: [Turn], endReason: EndReason, failure: String? = nil) {
        self.turns = turns
        self.endReason = endReason
        self.failure = failure
    }

    /// Number of user/assistant exchanges (user messages sent).
    public var exchanges: Int { turns.filter { $0.role == .user }.count }

    /// The agent's messages in order.
    public var assistantTexts: [String] { turns.filter { $0.role == .assistant }.map(\.text) }

    /// The simulated user's messages in order.
    public var userTexts: [String] { turns.filter { $0.role == .user }.map(\.text) }

    /// The conversation as plain text with role labels, as simulators and judges read it.
    public func rendered(emptyPlaceholder: String = "(no messages yet: you speak first)") -> String {
        guard !turns.isEmpty else { return emptyPlaceholder }
        return turns.map { "\($0.role == .user ? "User" : "Assistant"): \($0.text)" }.joined(separator: "\n\n")
    }
}
