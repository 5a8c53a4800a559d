/// Why a participant's request was refused. Messages never name another participant or a secret.
public enum StudyFailure: Error, Sendable, Hashable {
    /// No participant has this link (HTTP 404).
    case notFound
    /// The form token is missing or wrong (HTTP 403).
    case forbidden
    /// The request does not fit the conversation's state, e.g. a message while a rating is due, or
    /// a request while the previous one is still being answered (HTTP 409).
    case conflict(String)
    /// The form is invalid, e.g. a rating outside 1–10 (HTTP 400).
    case invalid(String)
    /// The agent or the judges could not be reached (HTTP 502); the participant may retry.
    case unavailable(String)
}
