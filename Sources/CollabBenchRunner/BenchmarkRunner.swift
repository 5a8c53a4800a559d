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
    /// Conversations found already stored (a resumed run) and not run again.
    public var alreadyStored: Int
    public var wallSeconds: Double
    /// Quality of the judges and the simulated user in this invocation (conversations run now).
    public var quality = RunQuality()
    /// Calls, tokens and money of this invocation.
    public var meter = RunMeterSnapshot()
    /// Conversations not started because the budget was reached (0 without a budget).
    public var notStartedForBudget = 0
    /// Failed conversations taken out to be run again (``RunPlan/retryFailed``); they are among
    /// ``conversations``, not ``alreadyStored``.
    public var retried = 0
    /// What batching did (`run --batch`; all zero without it).
    public var batches = BatchStatistics()

    /// Creates a summary.
    public init(runID: String, runName: String, conversations: Int, completed: Int, failed: Int, alreadyStored: Int, wallSeconds: Double) {
        self.runID = runID
        self.runName = runName
        self.conversations = conversations
        self.completed = completed
        self.failed = failed
        self.alreadyStored = alreadyStored
        self.wallSeconds = wallSeconds
    }
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
    /// Judges and extractor beyond the primary interactivity judge.
    public var judging: JudgingOptions
    /// Counts conversations here and, through ``MeteredChatModel``, calls, tokens and cost. Give
    /// the same meter to the models' wrappers and to a progress display.
    public var meter = RunMeter()
    /// Stop starting conversations once the run's cost (its stored conversations plus this
    /// invocation's calls) reaches this many US dollars; those in flight finish, the run stays
    /// `partial`, and a re-run with a larger budget continues it. Not part of the run's identity.
    public var budgetUSD: Double?
    /// Collects the batched roles' calls into provider batches (`run --batch`); nil calls directly.
    var batching: (any CallBatching)?
    /// Conversations run at once (nil: the configuration's concurrency); `--batch all` runs more
    /// so that each turn of all of them goes in one batch
    /// (``conversationsAtOnce(mode:concurrency:maxBatchRequests:agentProgram:budget:)``).
    var conversationsAtOnce: Int?
    /// The people the simulated users play (`run --personas`); nil: the task's hidden intent only.
    public var personas: PersonaPopulation?
    /// Checks of the simulated user's protocol (`run --simulator-gate`).
    public var simulatorGate = SimulatorGate()

    /// Creates a runner.
    public init(
        pack: TaskPack, configuration: RunConfiguration, engine: ConversationEngine, judge: InteractivityJudge,
        scorer: ConversationScorer, store: ResultStore, prompts: PromptLibrary, judging: JudgingOptions = .init()
    ) {
        self.judging = judging
        self.pack = pack
        self.configuration = configuration
        self.engine = engine
        self.judge = judge
        self.scorer = scorer
        self.store = store
        self.prompts = prompts
    }

    /// One conversation to run: a task and a trial number.
    struct WorkItem: Sendable {
        var task: BenchmarkTask
        var trial: Int
        var key: String { "\(task.id)#\(trial)" }
    }

    /// The conversations this configuration asks for (limit, shard and trials applied), in order.
    func plannedItems() -> (items: [WorkItem], totalAcrossShards: Int) {
        let tasks = Array(pack.tasks.prefix(configuration.limit ?? pack.tasks.count))
        var items: [WorkItem] = []
        for (position, task) in tasks.enumerated() where configuration.shard?.contains(position: position) ?? true {
            for trial in 0..<configuration.trials { items.append(WorkItem(task: task, trial: trial)) }
        }
        return (items, tasks.count * configuration.trials)
    }

    /// Runs every planned conversation not yet stored and returns the summary.
    ///
    /// With `resuming`, continues that run: conversations already stored are kept and skipped.
    /// With `retryingFailed` as well, its failed conversations among those planned are first taken
    /// out of the run (recorded as retried, see ``ResultStore/takeOutFailedConversations(runID:among:at:)``)
    /// and so run again. Each finished conversation is committed on its own, so an interruption
    /// loses only the conversations in flight. On cancellation (Ctrl-C) the run is marked
    /// `interrupted`. The pack's content is stored once per content hash
    /// (``ResultStore/storePackSnapshot(_:)``) before the run's record, so later reports need no
    /// pack folder.
    /// - Throws: ``CollabBenchError`` for store failures and run-wide model failures (a refused key);
    ///   `CancellationError` when cancelled.
    public func run(
        resuming existing: RunRecord? = nil, retryingFailed: Bool = false, progress: @escaping @Sendable (RunProgress) -> Void = { _ in }
    ) async throws -> RunSummary {
        let started = Date()
        let (planned, totalAcrossShards) = plannedItems()
        let runID: String
        let runName: String
        var retried = 0
        // Stores written before schema v6 lack the snapshot of a resumed run's pack: stored now.
        try store.storePackSnapshot(pack)
        if let existing {
            runID = existing.id
            runName = existing.name
            try store.reopenRun(id: runID)
            if retryingFailed {
                retried = try store.takeOutFailedConversations(runID: runID, among: Set(planned.map(\.key)), at: Self.timestamp(started)).count
            }
        } else {
            let identity = try configuration.identityHash()
            runID = configuration.shard != nil ? "run-\(identity.prefix(16))" : Self.newRunID(at: started)
            runName = configuration.name ?? runID
            let record = RunRecord(
                id: runID, name: runName, createdAt: Self.timestamp(started), status: .running,
                packName: pack.manifest.name, packVersion: pack.manifest.version, packKind: pack.manifest.kind,
                packHash: pack.contentHash, agent: configuration.agent.description, agentPreset: configuration.agentPreset,
                userSimulator: configuration.userSimulator.description, judge: configuration.judge.description,
                seed: configuration.seed, taskCount: totalAcrossShards, configJSON: try configuration.json(),
                collabbenchVersion: configuration.collabbenchVersion, configHash: identity)
            try store.createRun(record, prompts: prompts.templates.values.sorted { $0.name < $1.name })
        }
        let done = try store.finishedKeys(runID: runID)
        let items = planned.filter { !done.contains($0.key) }
        progress(.started(runID: runID, total: items.count, alreadyStored: planned.count - items.count))

        var completed = 0
        var failed = 0
        var quality = RunQuality()
        var notStarted = 0
        meter.setTotal(items.count)
        let meter = meter
        let budgetUSD = budgetUSD
        // The budget covers the whole run: what its stored conversations cost counts too.
        let spentBefore = budgetUSD == nil ? 0 : (try store.runCost(runID: runID).usd ?? 0)
        func budgetReached() -> Bool { budgetUSD.map { spentBefore + meter.spendForBudgetUSD >= $0 } ?? false }
        do {
            try await withBatchService {
            try await withThrowingTaskGroup(of: ConversationStep.self) { group in
                var next = 0
                let atOnce = max(1, conversationsAtOnce ?? configuration.concurrency)
                // The first conversations count as the coordinator's producers before any of them
                // starts: otherwise the first to queue a call could find itself the only one
                // running and send a batch of one ("every conversation waits").
                var reserved = batching == nil ? 0 : min(items.count, atOnce)
                for _ in 0..<reserved { batching?.producerStarted() }
                func startNext() {
                    let item = items[next]
                    next += 1
                    meter.conversationStarted()
                    if reserved > 0 { reserved -= 1 } else { batching?.producerStarted() }
                    group.addTask { try await self.start(item, runID: runID) }
                }
                while next < items.count && next < atOnce && !budgetReached() { startNext() }
                // Conversations the budget kept from starting are no producers.
                while reserved > 0 {
                    reserved -= 1
                    await batching?.producerFinished()
                }
                while let step = try await group.next() {
                    guard case .finished(let taskID, let transcript, let scores) = step else {
                        // Batched judging: the conversation's slot is free while its calls wait for their batch.
                        if next < items.count && !budgetReached() { startNext() }
                        if case .ended(let ended) = step { group.addTask { try await self.finish(ended, runID: runID) } }
                        continue
                    }
                    meter.conversationFinished(failed: transcript.endReason == .failed)
                    if transcript.endReason == .failed { failed += 1 } else { completed += 1 }
                    quality.add(scores, taskMetric: pack.manifest.kind.metricName)
                    let metric = scores.first { $0.metric == pack.manifest.kind.metricName }
                    let detail = transcript.endReason == .failed
                        ? (transcript.failure ?? "failed")
                        : "\(pack.manifest.kind.metricName)=\(metric?.value.map { String(format: "%.3f", $0) } ?? "-") \(transcript.endReason.rawValue) after \(transcript.exchanges) exchanges"
                    progress(.conversationFinished(
                        taskID: taskID, done: completed + failed, total: items.count,
                        status: ConversationStatus(endReason: transcript.endReason), detail: detail))
                    if batching == nil && next < items.count && !budgetReached() { startNext() }
                }
                notStarted = items.count - next
            }
            }
        } catch {
            try? store.finishRun(id: runID, status: .interrupted, at: Self.timestamp(Date()))
            throw error
        }
        let stored = try store.finishedKeys(runID: runID).count
        try store.finishRun(id: runID, status: stored >= totalAcrossShards ? .completed : .partial, at: Self.timestamp(Date()))
        var summary = RunSummary(
            runID: runID, runName: runName, conversations: items.count, completed: completed, failed: failed,
            alreadyStored: planned.count - items.count, wallSeconds: Date().timeIntervalSince(started))
        summary.quality = quality
        summary.meter = meter.snapshot()
        summary.notStartedForBudget = notStarted
        summary.retried = retried
        summary.batches = await batching?.statistics() ?? BatchStatistics()
        return summary
    }

    /// An ISO 8601 timestamp with milliseconds (UTC).
    public static func timestamp(_ date: Date) -> String { StableHash.timestamp(date) }

    public static func newRunID(at date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "run-\(f.string(from: date))-\(String(format: "%04x", UInt16.random(in: 0...UInt16.max)))"
    }
}
