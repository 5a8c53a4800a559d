import CollabBenchCore
import CollabBenchStore
import Foundation

/// Computes the multiturn-aware reward (MR) of candidate responses: for each candidate m after a
/// history h, S continuations of at most w exchanges (simulated user, then policy, …, stopping
/// at the termination marker) are run with the runner's own engine, and each is scored
/// R*(t) = R_ext + R_int with R_ext the task metric of the final artefact of h ∪ m ∪ t and
/// R_int = −min(λ·tokens(t), 1) + R_ITR(t); MR is the mean over the samples (see ``RewardSample``
/// and ``CandidateReward`` for how unscored components and failed calls count).
///
/// The one entry point for the CLI, the service, benchmarks and tests. Each pack's models, judges,
/// scorer, cache and store are assembled once (by ``RunAssembler``) on first use and kept until
/// ``close()``. Every sample's seed derives from the plan's seed, the item's id, the candidate's
/// and the sample's index, so a rerun sends the same requests and is answered from the cache.
///
/// ```swift
/// let rewarder = try MultiturnRewarder(plan: plan)
/// try await rewarder.open(packs: ["math"])  // optional: checks the servers first
/// let results = try await rewarder.rewards(for: items)
/// await rewarder.close()
/// ```
public actor MultiturnRewarder {
    /// The plan.
    public nonisolated let plan: RewardPlan
    let environment: [String: String]
    let workingDirectory: String
    let packSearchRoots: [String]
    var contexts: [String: Task<RewardContext, any Error>] = [:]
    var opened: [RewardContext] = []

    /// Creates a rewarder; nothing is called or opened until the first items arrive (or ``open(packs:)``).
    /// - Parameters:
    ///   - plan: The plan.
    ///   - environment: Where API keys and the sandbox's interpreter are read from.
    ///   - workingDirectory: The folder the default code interpreter is looked for in.
    ///   - packSearchRoots: Folders searched last for a pack given by name.
    /// - Throws: ``CollabBenchError`` for an invalid plan.
    public init(
        plan: RewardPlan, environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath, packSearchRoots: [String] = []
    ) throws {
        try plan.validate()
        self.plan = plan
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.packSearchRoots = packSearchRoots
    }

    /// Assembles the packs' runs now: checks the model servers (unless the cache replays offline),
    /// loads the tokenizer and opens the store.
    /// - Throws: ``CollabBenchError`` as ``PreparedRun/open(factory:countingTokens:)`` does.
    public func open(packs: [String]) async throws {
        for pack in packs { _ = try await context(pack: pack) }
    }

    /// The rewards of every item's candidates, in the items' order.
    ///
    /// Continuations run concurrently (at most ``RewardPlan/concurrency`` in flight). A failing
    /// model call fails its sample, not the batch. With ``RewardPlan/record``, the call is
    /// recorded in the store.
    /// - Throws: ``CollabBenchError`` for an item naming an unknown pack or task (naming the
    ///   item), a run-wide model failure (a refused key), or a store failure; `CancellationError`.
    public func rewards(for items: [RewardItem]) async throws -> [RewardResult] {
        var resolved: [(item: RewardItem, context: RewardContext, task: BenchmarkTask)] = []
        for item in items {
            let (context, task) = try await resolve(item)
            resolved.append((item, context, task))
        }
        let plan = self.plan
        let jobs = resolved.enumerated().flatMap { position, entry in
            entry.item.candidates.indices.flatMap { c in
                (0..<plan.samples).map { s in RewardJob(position: position, candidate: c, sample: s) }
            }
        }
        var outcomes: [RewardJob: RewardOutcome] = [:]
        try await withThrowingTaskGroup(of: (RewardJob, RewardOutcome).self) { group in
            var next = 0
            func add() {
                guard next < jobs.count else { return }
                let job = jobs[next]
                next += 1
                let entry = resolved[job.position]
                group.addTask {
                    let outcome = try await entry.context.sample(
                        plan: plan, item: entry.item, task: entry.task, candidate: job.candidate, sample: job.sample)
                    return (job, outcome)
                }
            }
            for _ in 0..<min(plan.concurrency, jobs.count) { add() }
            while let (job, outcome) = try await group.next() {
                outcomes[job] = outcome
                add()
            }
        }
        let results = resolved.enumerated().map { position, entry in
            RewardResult(
                id: entry.item.id,
                rewards: entry.item.candidates.indices.map { c in
                    CandidateReward(samples: (0..<plan.samples).map { s in outcomes[RewardJob(position: position, candidate: c, sample: s)]!.sample })
                })
        }
        if plan.record, let store = resolved.first?.context.session.store {
            try await store.recordRewardCall(Self.record(plan: plan, resolved: resolved, results: results, outcomes: outcomes))
        }
        return results
    }

    /// Model calls made so far by every pack's models (cached answers counted as such).
    public func calls() -> (calls: Int, cached: Int) {
        let snapshots = opened.map { $0.session.meter.snapshot() }
        return (snapshots.map(\.calls).reduce(0, +), snapshots.map(\.cachedCalls).reduce(0, +))
    }

    /// The store every call is recorded in (nil before a pack is opened).
    public func store() -> ResultStore? { opened.first?.session.store }

    /// Shuts every pack's HTTP client down.
    public func close() async {
        for context in opened { await context.session.close() }
        opened = []
        contexts = [:]
    }

    // MARK: - Packs and tasks

    func context(pack: String) async throws -> RewardContext {
        if let existing = contexts[pack] { return try await existing.value }
        let plan = self.plan
        let (environment, workingDirectory, roots) = (self.environment, self.workingDirectory, self.packSearchRoots)
        let task = Task { () async throws -> RewardContext in
            let prepared = try RunAssembler(
                plan: plan.runPlan(pack: pack), environment: environment, workingDirectory: workingDirectory, packSearchRoots: roots
            ).prepare()
            return RewardContext(session: try await prepared.open())
        }
        contexts[pack] = task
        do {
            let context = try await task.value
            opened.append(context)
            return context
        } catch {
            contexts[pack] = nil
            throw error
        }
    }

    func resolve(_ item: RewardItem) async throws -> (RewardContext, BenchmarkTask) {
        guard let pack = item.pack ?? plan.defaultPack else {
            throw CollabBenchError(.invalidArgument, "item '\(item.id)': no pack (give \"pack\", or a default pack)")
        }
        guard !item.candidates.isEmpty else {
            throw CollabBenchError(.invalidArgument, "item '\(item.id)': no candidates")
        }
        let context = try await context(pack: pack)
        if let task = item.task { return (context, task) }
        guard let id = item.taskID else {
            throw CollabBenchError(.malformedTask, "item '\(item.id)': give \"task_id\" or an inline \"task\"")
        }
        guard let task = context.pack.tasks.first(where: { $0.id == id }) else {
            throw CollabBenchError(.malformedTask, "item '\(item.id)': pack '\(pack)' has no task '\(id)'", task: id)
        }
        return (context, task)
    }

    // MARK: - Record

    static func record(
        plan: RewardPlan, resolved: [(item: RewardItem, context: RewardContext, task: BenchmarkTask)], results: [RewardResult],
        outcomes: [RewardJob: RewardOutcome]
    ) throws -> RewardCallRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = { (value: any Encodable) throws -> String in String(decoding: try encoder.encode(value), as: UTF8.self) }
        let now = Date()
        let items = try resolved.enumerated().map { position, entry in
            let result = results[position]
            let samples = try entry.item.candidates.indices.flatMap { c in
                try (0..<plan.samples).map { s in
                    let outcome = outcomes[RewardJob(position: position, candidate: c, sample: s)]!
                    let x = outcome.sample
                    return RewardCallRecord.Sample(
                        candidate: c, sample: s, seed: x.seed, metricName: x.metricName, metric: x.metric, tokens: x.tokens, itr: x.itr,
                        itrStatus: x.itrStatus, endedBy: x.endedBy, exchanges: x.exchanges, reward: x.reward, failed: x.failed,
                        failure: x.failure, transcriptJSON: try json(outcome.transcript))
                }
            }
            return RewardCallRecord.Item(
                itemID: entry.item.id, pack: entry.context.pack.manifest.name, taskID: entry.task.id, itemJSON: try json(entry.item),
                resultJSON: try result.jsonLine(),
                candidates: zip(entry.item.candidates, result.rewards).map { .init(text: $0, mr: $1.mr, std: $1.std, used: $1.used) },
                samples: samples)
        }
        let id = "reward-" + StableHash.sha256(UUID().uuidString).prefix(16)
        return RewardCallRecord(id: id, createdAt: StableHash.timestamp(now), planJSON: plan.canonicalJSON(), seed: plan.seed, items: items)
    }
}

/// One continuation to run: item position, candidate index, sample index.
struct RewardJob: Hashable, Sendable {
    var position: Int
    var candidate: Int
    var sample: Int
}

/// A finished continuation: its sample and its whole transcript.
struct RewardOutcome: Sendable {
    var sample: RewardSample
    var transcript: Transcript
}
