import CollabBenchCore
import Foundation

/// One rating a participant gave: the outcome's quality and the interaction, 1–10 each, and a
/// comment (as in the CollabLLM user study).
public struct StudyRating: Sendable, Codable, Hashable {
    /// Document or solution quality, 1–10.
    public var quality: Int
    /// The interaction, 1–10.
    public var interaction: Int
    /// Free text (may be empty).
    public var comment: String
    /// How many agent replies the participant had read when rating.
    public var afterReplies: Int
    /// Whether this is the rating given on ending the chat.
    public var final: Bool

    /// Creates a rating.
    public init(quality: Int, interaction: Int, comment: String, afterReplies: Int, final: Bool) {
        self.quality = quality
        self.interaction = interaction
        self.comment = comment
        self.afterReplies = afterReplies
        self.final = final
    }

    /// Whether both scores are in 1…10.
    public var isValid: Bool { (1...10).contains(quality) && (1...10).contains(interaction) }
}

/// A participant's conversation as it goes: the turns so far, the ratings, and the time they took
/// (stored as JSON in `study_participants.progress_json` until the chat ends).
public struct StudyProgress: Sendable, Codable, Hashable {
    /// The turns so far (the participant's messages and the agent's replies, alternating).
    public var turns: [Turn] = []
    /// The ratings so far, in order.
    public var ratings: [StudyRating] = []
    /// Seconds the participant took to write each of their messages (from the page showing the
    /// agent's last reply, or the task card, to the message arriving).
    public var turnSeconds: [Double] = []
    /// When the participant first opened the link (seconds since the reference date).
    public var startedAt: Double?
    /// When the last agent reply was shown, or the page first opened (seconds since the reference date).
    public var lastEventAt: Double?
    /// Why the agent's last call failed, if it did (shown to the participant, who may retry).
    public var lastFailure: String?

    /// Creates empty progress.
    public init() {}

    /// Agent replies so far.
    public var replies: Int { turns.filter { $0.role == .assistant }.count }

    /// Whether a rating is due before the next message: every `rateEvery` replies.
    public func ratingDue(rateEvery: Int) -> Bool {
        guard rateEvery > 0, replies > 0, replies % rateEvery == 0 else { return false }
        return !ratings.contains { $0.afterReplies == replies }
    }

    /// The progress as stored.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Progress read back (empty progress for an empty or unreadable text).
    public init(json: String) {
        self = (try? JSONDecoder().decode(StudyProgress.self, from: Data(json.utf8))) ?? StudyProgress()
    }
}
