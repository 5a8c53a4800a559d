import CollabBenchPacks
import Foundation

/// What real users did in a reference set: the baselines a simulated user is compared with.
///
/// Words are whitespace-separated; an image message counts as its marker text.
public struct HumanBaselines: Sendable, Hashable, Codable {
    /// Conversations.
    public var conversations: Int
    /// User messages per conversation: median and mean.
    public var medianUserTurns: Double
    public var meanUserTurns: Double
    /// Words per user message over all user messages: median and mean.
    public var medianWordsPerUserMessage: Double
    public var meanWordsPerUserMessage: Double
    /// Share of user messages with a question mark.
    public var questionShare: Double
    /// For each rating (`human.<rating>` metric), how many conversations got each value 1…10.
    public var ratingCounts: [String: [Int]]
    /// For each rating, its mean.
    public var ratingMeans: [String: Double]

    /// The baselines of `conversations`.
    public init(_ conversations: [HumanConversation]) {
        self.conversations = conversations.count
        let turns = conversations.map { Double($0.userMessages.count) }
        let messages = conversations.flatMap(\.userMessages)
        let words = messages.map { Double($0.split(whereSeparator: \.isWhitespace).count) }
        medianUserTurns = Self.median(turns)
        meanUserTurns = Self.mean(turns)
        medianWordsPerUserMessage = Self.median(words)
        meanWordsPerUserMessage = Self.mean(words)
        questionShare = messages.isEmpty ? 0 : Double(messages.filter { $0.contains("?") }.count) / Double(messages.count)
        var counts: [String: [Int]] = [:]
        var means: [String: Double] = [:]
        for rating in HumanRating.allCases {
            let values = conversations.compactMap { $0.ratings[rating] }
            guard !values.isEmpty else { continue }
            var row = [Int](repeating: 0, count: 10)
            for v in values where (1...10).contains(v) { row[Int(v.rounded()) - 1] += 1 }
            counts[rating.metric] = row
            means[rating.metric] = Self.mean(values)
        }
        ratingCounts = counts
        ratingMeans = means
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
