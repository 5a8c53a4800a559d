import CollabBenchCore
import CollabBenchPacks
import CollabBenchStore
import Foundation

/// How a study is kept in the store: as an ordinary run whose user is a person, so leaderboards,
/// exports and comparisons treat it like any other run.
///
/// - The configuration is the one a simulated run of the same pack, agent and judges would pin,
///   with the user role ``userSimulator`` (`human/study`) and the preset ``HumanRunLayout/preset``
///   (`human`), as `humans import` marks its runs: the leaderboard shows the agent as
///   `<agent> [human]`, as its own row on the board of the simulated runs it matches in everything
///   but the user role (``EvaluationProfile/admitsHumanRun(_:)``), else on a board of its own.
/// - Each participant's conversation is stored with the task bound to them and trial = the
///   participant's position; their messages have model ``personModel`` and latency = the time
///   they took to write it; it ends `user_terminated`.
/// - The final ratings are scores `human.<rating>` (method `human`), their detail the JSON of
///   every rating given, the comment and the timings.
public enum StudyLayout {
    /// The user role of a study run.
    public static let userSimulator = ModelSpec(provider: "human", model: "study")
    /// The model recorded for a participant's messages.
    public static let personModel = "human"

    /// Whether `run` is a study.
    public static func isStudy(_ run: RunRecord) -> Bool { run.userSimulator == userSimulator.description }

    /// A simulated run's configuration turned into the study's.
    static func configuration(_ simulated: RunConfiguration, name: String?) -> RunConfiguration {
        var c = simulated
        c.name = name
        c.userSimulator = userSimulator
        c.agentPreset = HumanRunLayout.preset
        c.concurrency = 1
        c.limit = nil
        return c
    }
}

extension StudyLayout {
    /// The final ratings as `human.*` scores: the quality as `human.document_rating` (documents) or
    /// `human.overall_rating` (other kinds), the interaction as `human.interaction_rating`; each
    /// one's detail is the JSON of every rating given, the final comment and the timings.
    static func ratingScores(progress: StudyProgress, kind: TaskKind, finishedAt: Date) throws -> [ScoreEntry] {
        guard let last = progress.ratings.last else { return [] }
        struct Detail: Encodable {
            var comment: String
            var ratings: [StudyRating]
            var turnSeconds: [Double]
            var totalSeconds: Double?
        }
        let total = progress.startedAt.map { max(0, finishedAt.timeIntervalSinceReferenceDate - $0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let detail = String(
            decoding: try encoder.encode(Detail(comment: last.comment, ratings: progress.ratings, turnSeconds: progress.turnSeconds, totalSeconds: total)),
            as: UTF8.self)
        let quality: HumanRating = kind == .docs ? .document : .overall
        return [
            ScoreEntry(metric: quality.metric, value: Double(last.quality), status: .scored, method: HumanRating.method, detail: detail),
            ScoreEntry(
                metric: HumanRating.interaction.metric, value: Double(last.interaction), status: .scored, method: HumanRating.method, detail: detail),
        ]
    }
}
