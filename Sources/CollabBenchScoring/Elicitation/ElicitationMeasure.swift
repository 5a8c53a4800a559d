import CollabBenchCore
import Foundation

/// Which of a simulated user's known facts (a writer's own background answers) the agent asked
/// for, which the user volunteered, and which never came up — rule-based, by token overlap.
///
/// The rule, simple on purpose and the same for every conversation:
/// - A text's *content tokens* are its lower-cased runs of letters and digits of at least 3
///   characters, minus a short list of English function words (``stopwords``).
/// - A fact is *revealed* by the first user message holding at least half of the content tokens
///   of its answer (and at least one).
/// - A fact is *asked for* when an agent question (a sentence of an assistant message ending in
///   `?`) before that reveal — or anywhere, if it is never revealed — shares at least
///   ``minimumSharedTokens`` content tokens with the fact's question and answer together.
/// - Otherwise a revealed fact was *volunteered*, and an unrevealed, unasked one *never came up*.
///
/// The elicitation rate is the share of facts asked for.
public struct ElicitationMeasure: Sendable, Hashable, Codable {
    /// Content tokens an agent question must share with a fact to count as asking for it.
    public static let minimumSharedTokens = 2
    /// Share of an answer's content tokens a user message must hold to reveal it.
    public static let revealShare = 0.5

    /// Facts the agent asked for.
    public var asked: Int
    /// Facts the user gave without being asked.
    public var volunteered: Int
    /// Facts that never came up.
    public var never: Int
    /// For each fact, the 1-based user message revealing it, if any.
    public var revealedAt: [Int?]

    /// Facts measured.
    public var facts: Int { asked + volunteered + never }
    /// Share of facts the agent asked for (nil without facts).
    public var rate: Double? { facts == 0 ? nil : Double(asked) / Double(facts) }

    /// Measures `facts` in `transcript`.
    public init(facts: [PersonaFact], transcript: Transcript) {
        let turns = transcript.turns
        var asked = 0
        var volunteered = 0
        var never = 0
        var revealedAt: [Int?] = []
        for fact in facts {
            let answer = Self.contentTokens(fact.answer)
            let about = answer.union(Self.contentTokens(fact.question))
            var revealIndex: Int?
            var userNumber = 0
            var revealUserNumber: Int?
            for (i, turn) in turns.enumerated() where turn.role == .user {
                userNumber += 1
                let shared = answer.intersection(Self.contentTokens(turn.text)).count
                if !answer.isEmpty, shared >= 1, Double(shared) >= Self.revealShare * Double(answer.count) {
                    revealIndex = i
                    revealUserNumber = userNumber
                    break
                }
            }
            let before = turns.prefix(revealIndex ?? turns.count)
            let wasAsked = before.contains { turn in
                turn.role == .assistant
                    && Self.questions(turn.text).contains { about.intersection(Self.contentTokens($0)).count >= Self.minimumSharedTokens }
            }
            if wasAsked { asked += 1 } else if revealIndex != nil { volunteered += 1 } else { never += 1 }
            revealedAt.append(revealUserNumber)
        }
        self.asked = asked
        self.volunteered = volunteered
        self.never = never
        self.revealedAt = revealedAt
    }

    /// Share of facts revealed by user message `n` (1-based; nil without facts).
    public func revealedShare(byUserMessage n: Int) -> Double? {
        facts == 0 ? nil : Double(revealedAt.filter { ($0 ?? .max) <= n }.count) / Double(facts)
    }

    /// The `elicitation` score entry: the rate, with the three counts in its detail.
    public var entry: ScoreEntry {
        ScoreEntry(
            metric: "elicitation", value: rate, status: rate == nil ? .unscored : .scored, method: "token-overlap",
            detail: "asked \(asked), volunteered \(volunteered), never came up \(never) of \(facts) facts")
    }

    // MARK: - Tokens

    /// English function words left out of content tokens.
    public static let stopwords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "your", "yours", "all", "any", "can", "had", "her", "was", "one", "our", "out",
        "has", "have", "him", "his", "how", "its", "let", "may", "who", "did", "get", "got", "she", "too", "use", "way", "what", "when",
        "where", "which", "why", "with", "would", "could", "should", "will", "this", "that", "these", "those", "there", "their", "them",
        "they", "then", "than", "from", "into", "about", "also", "just", "like", "some", "such", "very", "want", "does", "been", "being",
        "were", "more", "most", "much", "many", "only", "other", "over", "each", "both", "well", "make", "made",
    ]

    /// The content tokens of `text`.
    public static func contentTokens(_ text: String) -> Set<String> {
        var out = Set<String>()
        var current = ""
        func flush() {
            if current.count >= 3, !stopwords.contains(current) { out.insert(current) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber { current.append(character) } else { flush() }
        }
        flush()
        return out
    }

    /// The sentences of `text` that end in a question mark.
    static func questions(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "?" {
                out.append(current)
                current = ""
            } else if character == "." || character == "!" || character == "\n" {
                current = ""
            }
        }
        return out
    }
}
