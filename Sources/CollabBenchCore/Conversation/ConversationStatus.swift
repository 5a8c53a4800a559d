/// How a stored conversation ended, as stored in `conversations.status`.
public enum ConversationStatus: String, Sendable, Codable, Hashable, CaseIterable {
    /// It ran to its end and was scored.
    case completed
    /// A model call failed after its retries; it is kept but not scored.
    case failed

    /// The status of a conversation that ended for `reason`: ``failed`` for ``EndReason/failed``,
    /// else ``completed``.
    public init(endReason reason: EndReason) {
        self = reason == .failed ? .failed : .completed
    }
}
