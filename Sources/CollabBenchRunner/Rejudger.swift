import CollabBenchCore
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// Re-scores a stored run with other judges, without calling the agent or the simulated user.
///
/// The result is a new run (same conversations, same task metrics, tokens and fidelity figures)
/// whose configuration names the new judge, so it lands on the leaderboard as its own evaluation
/// profile. The interactivity judgement is made again, and so is judged accuracy when the source
/// run had it. Scores that come from an LLM extractor are copied as they were.
public struct Rejudger: Sendable {
    public var store: ResultStore
    public var pack: TaskPack
    public var prompts: PromptLibrary
    public var judge: InteractivityJudge
    public var accuracyJudge: AccuracyJudge?

    /// Creates a re-judger.
    public init(store: ResultStore, pack: TaskPack, prompts: PromptLibrary, judge: InteractivityJudge, accuracyJudge: AccuracyJudge?) {
        self.store = store
        self.pack = pack
        self.prompts = prompts
        self.judge = judge
        self.accuracyJudge = accuracyJudge
    }

    /// Re-judges `source` into a new run called `name`.
    /// - Returns: The new run's id and the number of conversations re-judged.
    /// - Throws: ``CollabBenchError`` when the pack does not match the run, or for store failures.
    public func rejudge(_ source: RunRecord, name: String?) async throws -> (runID: String, conversations: Int) {
        guard source.packHash == pack.contentHash else {
            throw CollabBenchError(.malformedPack, "pack \(pack.directory) is not the one run \(source.id) used (content hash differs)")
        }
        var config = try JSONDecoder().decode(RunConfiguration.self, from: Data(source.configJSON.utf8))
        config.judge = judge.model.spec
        config.additionalJudges = []
        config.judgeRepeats = 1
        config.name = name ?? "\(source.name) judged by \(judge.model.spec.model)"
        let now = Date()
        let runID = BenchmarkRunner.newRunID(at: now)
        let record = RunRecord(
            id: runID, name: config.name ?? runID, createdAt: BenchmarkRunner.timestamp(now), status: .running,
            packName: source.packName, packVersion: source.packVersion, packKind: source.packKind, packHash: source.packHash,
            agent: source.agent, agentPreset: source.agentPreset, userSimulator: source.userSimulator, judge: judge.model.spec.description,
            seed: source.seed, taskCount: source.taskCount, configJSON: try config.json(), collabbenchVersion: CollabBenchVersion.current,
            configHash: try config.identityHash())
        // The pack's content with the new run, for stores written before schema v6.
        try store.storePackSnapshot(pack)
        try store.createRun(record, prompts: prompts.templates.values.sorted { $0.name < $1.name })
        let tasks = Dictionary(pack.tasks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var count = 0
        for conversation in try store.conversationScores(runID: source.id) {
            let transcript = try store.transcript(conversationID: conversation.conversationID)
            var scores: [ScoreEntry] = []
            var verdicts: [JudgeVerdict] = []
            if conversation.status == .completed, let task = tasks[conversation.taskID] {
                let seed = StableHash.derivedSeed(config.seed, task.id, String(conversation.trial))
                let verdict = try await judge.judge(task: task, transcript: transcript, seed: seed)
                verdicts.append(verdict)
                scores.append(ScoreEntry(
                    metric: "itr", value: verdict.score, status: ScoreStatus(verdict.status),
                    method: "judge:\(judge.model.spec)", detail: verdict.detail ?? verdict.thought))
                if let accuracyJudge, pack.manifest.kind == .math, conversation.scores["accuracy_symbolic"] != nil || conversation.scores["accuracy_judged"] != nil {
                    let v = try await accuracyJudge.judge(task: task, transcript: transcript, seed: seed)
                    verdicts.append(v)
                    let primary = conversation.scores["accuracy_symbolic"] != nil
                    scores.append(ScoreEntry(
                        metric: primary ? "accuracy" : "accuracy_judged", value: v.status == .scored ? v.score : nil,
                        status: ScoreStatus(v.status), method: "judge:\(accuracyJudge.model.spec)", detail: v.detail ?? v.thought))
                }
            }
            let replaced = Set(scores.map(\.metric))
            try store.copyConversation(
                conversation.conversationID, toRun: runID,
                dropping: { $0 == "itr" || $0.hasPrefix("itr.") || replaced.contains($0) }, adding: scores, verdicts: verdicts)
            count += 1
        }
        try store.finishRun(id: runID, status: .completed, at: BenchmarkRunner.timestamp(Date()))
        return (runID, count)
    }
}
