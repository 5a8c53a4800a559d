import CollabBenchCore
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// What happened in a run, for the summary line.
public struct RunSummary: Sendable, Hashable {
    public var runID: String
    public var runName: String
    public var conversations: Int
    public var completed: Int
    public var failed: Int
    public var wallSeconds: Double
}

/// Progress events, for a progress display.
public enum RunProgress: Sendable {
    case started(runID: String, total: Int)
    case conversationFinished(taskID: String, done: Int, total: Int, status: String, detail: String)
}

/// Runs a pack's conversations with bounded concurrency, scores and judges them, and stores each
/// one atomically as it finishes. Memory holds only the conversations in flight.
public struct BenchmarkRunner: Sendable {
    public var pack: TaskPack
    public var configuration: RunConfiguration
    public var engine: ConversationEngine
    public var judge: InteractivityJudge
    public var scorer: ConversationScorer
    public var store: ResultStore
    public var prompts: PromptLibrary

    /// Creates a runner.
    public init(
        pack: TaskPack, configuration: RunConfiguration, engine: ConversationEngine, judge: InteractivityJudge,
        scorer: ConversationScorer, store: ResultStore, prompts: PromptLibrary
    ) {
        self.pack = pack
        self.configuration = configuration
        self.engine = engine
        self.judge = judge
        self.scorer = scorer
        self.store = store
        self.prompts = prompts
    }

    /// Runs every selected task once and returns the summary.
    /// - Throws: ``CollabBenchError`` for store failures; model failures are stored per conversation.
    public func run(progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) async throws -> RunSummary {
        let started = Date()
        let tasks = Array(pack.tasks.prefix(configuration.limit ?? pack.tasks.count))
        let runID = Self.newRunID(at: started)
        let record = RunRecord(
            id: runID, name: configuration.name ?? runID, createdAt: Self.timestamp(started), status: "running",
            packName: pack.manifest.name, packVersion: pack.manifest.version, packKind: pack.manifest.kind,
            packHash: pack.contentHash, agent: configuration.agent.description, agentPreset: configuration.agentPreset,
            userSimulator: configuration.userSimulator.description, judge: configuration.judge.description,
            seed: configuration.seed, taskCount: tasks.count, configJSON: try configuration.json(),
            collabbenchVersion: configuration.collabbenchVersion)
        try store.createRun(record, prompts: prompts.templates.values.sorted { $0.name < $1.name })
        progress(.started(runID: runID, total: tasks.count))

        var completed = 0
        var failed = 0
        do {
            try await withThrowingTaskGroup(of: (String, Transcript, [ScoreEntry]).self) { group in
                var next = 0
                var inFlight = 0
                func startNext() {
                    let task = tasks[next]
                    next += 1
                    inFlight += 1
                    group.addTask { try await self.runOne(task: task, runID: runID) }
                }
                while next < tasks.count && inFlight < max(1, configuration.concurrency) { startNext() }
                while let (taskID, transcript, scores) = try await group.next() {
                    inFlight -= 1
                    if transcript.endReason == .failed { failed += 1 } else { completed += 1 }
                    let metric = scores.first { $0.metric == pack.manifest.kind.metricName }
                    let detail = transcript.endReason == .failed
                        ? (transcript.failure ?? "failed")
                        : "\(pack.manifest.kind.metricName)=\(metric?.value.map { String(format: "%.3f", $0) } ?? "-") \(transcript.endReason.rawValue) after \(transcript.exchanges) exchanges"
                    progress(.conversationFinished(
                        taskID: taskID, done: completed + failed, total: tasks.count,
                        status: transcript.endReason == .failed ? "failed" : "completed", detail: detail))
                    if next < tasks.count { startNext() }
                }
            }
        } catch {
            try? store.finishRun(id: runID, status: "interrupted", at: Self.timestamp(Date()))
            throw error
        }
        try store.finishRun(id: runID, status: "completed", at: Self.timestamp(Date()))
        return RunSummary(
            runID: runID, runName: record.name, conversations: tasks.count, completed: completed, failed: failed,
            wallSeconds: Date().timeIntervalSince(started))
    }

    /// Runs, scores, judges and stores one conversation.
    func runOne(task: BenchmarkTask, runID: String, trial: Int = 0) async throws -> (String, Transcript, [ScoreEntry]) {
        let startedAt = Self.timestamp(Date())
        let seed = StableHash.derivedSeed(configuration.seed, task.id, String(trial))
        let transcript = try await engine.run(task: task, kind: pack.manifest.kind, seed: seed)
        var scores: [ScoreEntry] = []
        var verdicts: [JudgeVerdict] = []
        if transcript.endReason != .failed {
            scores = await scorer.score(task: task, manifest: pack.manifest, transcript: transcript)
            let verdict = try await judge.judge(task: task, transcript: transcript, seed: seed)
            verdicts.append(verdict)
            let status: ScoreStatus = switch verdict.status {
            case .scored: .scored
            case .unscored: .unscored
            case .failed: .failed
            }
            scores.append(ScoreEntry(
                metric: "itr", value: verdict.score, status: status, method: "judge:\(judge.model.spec)",
                detail: verdict.detail ?? verdict.thought))
        }
        let result = ConversationResult(
            runID: runID, taskID: task.id, trial: trial, seed: seed, transcript: transcript,
            turnTokens: scorer.turnTokens(transcript), scores: scores, verdicts: verdicts,
            startedAt: startedAt, finishedAt: Self.timestamp(Date()))
        try store.save(result)
        return (task.id, transcript, scores)
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func newRunID(at date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "run-\(f.string(from: date))-\(String(format: "%04x", UInt16.random(in: 0...UInt16.max)))"
    }
}
