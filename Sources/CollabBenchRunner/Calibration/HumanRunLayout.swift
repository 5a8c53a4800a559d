import CollabBenchCore
import CollabBenchPacks
import CollabBenchStore
import Foundation

/// How a human reference set is kept in the store: as an ordinary run whose configuration marks
/// it as human, so every report treats it like any other run (no schema change).
///
/// - The user simulator is ``userSimulator`` (`human/simulatorarena`), the agent ``agent``
///   (`recorded/simulatorarena`, preset `human`: leaderboards show `recorded/simulatorarena [human]`),
///   the judge ``selfRating`` (the users rated their own conversations).
/// - Each conversation's messages are stored messages (user messages with model `human`, replies
///   with model `recorded/<model>`); it ends `user_terminated`.
/// - The users' ratings are scores `human.<rating>` (status scored, method `human`); their stop
///   reason, comments and the recorded model are the JSON detail of each rating.
/// - Each conversation's hidden intent is a text recorded with the run, named
///   `intent/<conversation id>` (see ``intentName(_:)``).
public enum HumanRunLayout {
    /// The preset that marks a human run.
    public static let preset = "human"
    /// The user role of a human run.
    public static let userSimulator = ModelSpec(provider: "human", model: "simulatorarena")
    /// The agent of a human run: the assistants the people talked to, as recorded.
    public static let agent = ModelSpec(provider: "recorded", model: "simulatorarena")
    /// The judge of a human run: the people's own ratings.
    public static let selfRating = ModelSpec(provider: "human", model: "self-rating")
    /// The model recorded for a person's messages.
    public static let personModel = "human"

    /// Whether `run` holds real people's conversations.
    public static func isHuman(_ run: RunRecord) -> Bool {
        run.agentPreset == preset && run.userSimulator == userSimulator.description
    }

    /// The name of the text holding conversation `id`'s hidden intent.
    public static func intentName(_ id: String) -> String { "intent/\(id)" }

    /// The run and conversations `source` is stored as.
    /// - Parameter now: The import time (creation and finish time of the run).
    public static func completeRun(_ source: SimulatorArenaReader.Source, at now: Date) throws -> CompleteRun {
        let conversations = source.conversations
        let maxExchanges = conversations.map { $0.userMessages.count }.max() ?? 0
        let config = RunConfiguration(
            name: source.set.runName, agent: agent, agentPreset: preset, userSimulator: userSimulator, judge: selfRating,
            conversation: ConversationSettings(
                maxExchanges: maxExchanges, simulatorSampling: Sampling(), agentSampling: Sampling(), structuredOutput: false),
            judgeSampling: Sampling(), judgeMaxAttempts: 1, judgeStructuredOutput: false, seed: 0, limit: nil, concurrency: 1,
            metric: MetricSettings(), promptHashes: [:], packName: source.set.runName, packVersion: "e9f677c",
            packHash: source.contentHash)
        let runID = "human-\(source.set.rawValue)-\(source.contentHash.prefix(12))"
        let time = BenchmarkRunner.timestamp(now)
        let record = RunRecord(
            id: runID, name: source.set.runName, createdAt: time, finishedAt: time, status: .completed, packName: config.packName,
            packVersion: config.packVersion, packKind: source.set.kind, packHash: source.contentHash, agent: agent.description,
            agentPreset: preset, userSimulator: userSimulator.description, judge: selfRating.description, seed: 0,
            taskCount: conversations.count, configJSON: try config.json(), collabbenchVersion: CollabBenchVersion.current,
            configHash: try config.identityHash())
        let results = try conversations.map { try result($0, runID: runID, time: time) }
        let intents = conversations.map { PromptTemplate(name: intentName($0.id), text: $0.hiddenIntent) }
        return CompleteRun(run: record, prompts: intents, conversations: results)
    }

    static func result(_ c: HumanConversation, runID: String, time: String) throws -> ConversationResult {
        let turns = c.messages.map { m in
            Turn(
                role: m.fromUser ? .user : .assistant, text: m.text,
                call: CallRecord(
                    model: m.fromUser ? personModel : "recorded/\(c.model)", rawReply: m.text, latencySeconds: 0, attempts: 0, costUSD: 0))
        }
        var detail: [String: String] = c.comments
        detail["model"] = c.model
        if let why = c.whyStop { detail["why_stop"] = why }
        if c.imageMessages > 0 { detail["image_messages"] = String(c.imageMessages) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let detailJSON = String(decoding: try encoder.encode(detail), as: UTF8.self)
        let scores = c.ratings.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            ScoreEntry(metric: $0.key.metric, value: $0.value, status: .scored, method: HumanRating.method, detail: detailJSON)
        }
        return ConversationResult(
            runID: runID, taskID: c.id, trial: 0, seed: 0, transcript: Transcript(turns: turns, endReason: .userTerminated),
            turnTokens: [], scores: scores, verdicts: [], startedAt: time, finishedAt: time)
    }
}
