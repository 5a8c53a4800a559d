/// One real conversation of a ``HumanReferenceSet``, as read from the SimulatorArena files.
public struct HumanConversation: Sendable, Hashable {
    /// A stable id: `doc-<n>-<worker>` or `math-<n>-<worker>` (n is the record's 1-based position,
    /// worker the first 8 characters of its `workerId`).
    public var id: String
    /// The set it belongs to.
    public var set: HumanReferenceSet
    /// The recorded assistant (`model`, e.g. `gpt-4o`).
    public var model: String
    /// What the person wanted: their task card and their own background answers (documents), or
    /// the problem restored from the MATH file and their stated expertise (math).
    public var hiddenIntent: String
    /// The messages in order, alternating user and assistant, the user first.
    public var messages: [Message]
    /// The user's own ratings (1–10).
    public var ratings: [HumanRating: Double]
    /// Why the user stopped, in their words (`why_stop`).
    public var whyStop: String?
    /// The user's free-text comments: `strength`/`weakness` (documents), `strength_weakness` (math).
    public var comments: [String: String]
    /// User messages that were an uploaded image, stored as the marker text `[image: <path>]`.
    public var imageMessages: Int
    /// Provenance (`workerId`, `document_type`, `question_location`, `level`, …).
    public var metadata: [String: String]

    /// One message.
    public struct Message: Sendable, Hashable {
        /// True for the person, false for the recorded assistant.
        public var fromUser: Bool
        /// The text.
        public var text: String

        /// Creates a message.
        public init(fromUser: Bool, text: String) {
            self.fromUser = fromUser
            self.text = text
        }
    }

    /// Creates a conversation.
    public init(
        id: String, set: HumanReferenceSet, model: String, hiddenIntent: String, messages: [Message],
        ratings: [HumanRating: Double], whyStop: String?, comments: [String: String], imageMessages: Int, metadata: [String: String]
    ) {
        self.id = id
        self.set = set
        self.model = model
        self.hiddenIntent = hiddenIntent
        self.messages = messages
        self.ratings = ratings
        self.whyStop = whyStop
        self.comments = comments
        self.imageMessages = imageMessages
        self.metadata = metadata
    }

    /// The text stored for an assistant reply the release records as null.
    public static let missingReplyMarker = "[no reply recorded]"

    /// Assistant replies the release records as null, stored as ``missingReplyMarker``.
    public var missingReplies: Int { messages.filter { !$0.fromUser && $0.text == Self.missingReplyMarker }.count }

    /// The user's messages in order.
    public var userMessages: [String] { messages.filter(\.fromUser).map(\.text) }
}
