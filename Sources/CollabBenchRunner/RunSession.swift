import CollabBenchCore
import CollabBenchMetrics
import CollabBenchModels
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// An opened run: its store, model clients and the decision to start, continue or skip it.
///
/// Made by ``PreparedRun/open(factory:countingTokens:)``. Call ``close()`` when done (it stops an agent program
/// and shuts the HTTP client down).
public final class RunSession: Sendable {
    /// The prepared inputs.
    public let prepared: PreparedRun
    /// The HTTP client factory.
    public let factory: ModelClientFactory
    /// The store.
    public let store: ResultStore
    /// The pack's tokenizer (nil when tokens are not counted).
    public let tokenizer: BPETokenizer?
    /// Start new, continue a stored run, or nothing to do.
    public let resolution: RunResolution
    /// Counts calls, tokens and cost of this invocation; give it to a progress display.
    public let meter = RunMeter()
    /// The model chains.
    public let models: ModelStack
    /// Collects the batched calls into provider batches (`--batch judges` or `all`); nil without batching.
    public let batching: BatchCoordinator<ContinuousClock>?
    private let batchSettings = BatchSettings()

    init(prepared: PreparedRun, factory: ModelClientFactory, store: ResultStore, tokenizer: BPETokenizer?, resolution: RunResolution) {
        self.prepared = prepared
        self.factory = factory
        self.store = store
        self.tokenizer = tokenizer
        self.resolution = resolution
        batching =
            prepared.plan.batch == .off
            ? nil
            : BatchCoordinator(store: store, settings: batchSettings, clock: ContinuousClock(), clients: { factory.batchClient(for: $0) })
        models = ModelStack(
            factory: factory, cache: (store, prepared.plan.cache), prices: prepared.prices, meter: meter,
            defaultInFlight: prepared.plan.concurrency, batching: batching, batchedRoles: prepared.plan.batch.batchedRoles)
    }

    /// The run's cost as stored so far (for a resumed run).
    public func storedCost() throws -> RunCost? {
        guard case .resume(let run) = resolution else { return nil }
        return try store.runCost(runID: run.id)
    }

    /// The runner: engine, judges, extractor, sandbox and scorer wired to this session's models.
    public func makeRunner() -> BenchmarkRunner {
        let plan = prepared.plan
        let prompts = prepared.prompts
        let judgeModel = { (spec: ModelSpec) in self.models.model(spec, role: .judge, maxInFlight: plan.judgeConcurrency) }
        let agent: any ChatModel =
            prepared.subprocess.map { models.uncached($0, spec: prepared.agentSpec) }
            ?? models.model(prepared.agentSpec, role: .agent, maxInFlight: plan.agentConcurrency)
        let engine = ConversationEngine(
            agent: agent, simulator: models.model(prepared.userSpec, role: .user, maxInFlight: plan.userConcurrency), prompts: prompts,
            settings: prepared.settings)
        let judges = prepared.judgeSettings
        let kind = prepared.kind
        let judging = JudgingOptions(
            additionalInteractivityJudges: prepared.additionalJudges.map { judges.interactivityJudge(model: judgeModel($0), prompts: prompts) },
            repeats: plan.judgeRepeats,
            accuracyJudge: plan.judgesMathAccuracy && kind == .math
                ? judges.accuracyJudge(model: judgeModel(prepared.judgeSpec), prompts: prompts) : nil,
            judgedAccuracyIsPrimary: plan.isPaperProtocol,
            extractor: prepared.usesLLMExtractor
                ? judges.extractor(
                    model: judgeModel(prepared.judgeSpec), prompts: prompts, maxTokens: plan.extractorMaxTokens,
                    mode: plan.effectiveExtractor == .llmPaper ? .paper : .faithful)
                : nil)
        let sandbox = CodeSandbox(
            python: CodeSandbox.defaultPython(packageRoot: URL(fileURLWithPath: prepared.workingDirectory), environment: prepared.environment),
            limits: SandboxLimits(wallSeconds: prepared.pack.manifest.metric.codeTimeoutSeconds))
        var runner = BenchmarkRunner(
            pack: prepared.pack, configuration: prepared.configuration, engine: engine,
            judge: judges.interactivityJudge(model: judgeModel(prepared.judgeSpec), prompts: prompts),
            scorer: ConversationScorer(tokenizer: tokenizer, sandbox: sandbox), store: store, prompts: prompts, judging: judging)
        runner.meter = meter
        runner.budgetUSD = plan.budgetUSD
        runner.batching = batching
        runner.conversationsAtOnce = BenchmarkRunner.conversationsAtOnce(
            mode: plan.batch, concurrency: plan.concurrency, maxBatchRequests: batchSettings.maxRequests,
            agentProgram: prepared.subprocess != nil, budget: plan.budgetUSD != nil)
        runner.personas = prepared.personas
        runner.simulatorGate = SimulatorGate(mode: plan.simulatorGate, reruns: plan.simulatorReruns, leakThreshold: judging.leakThreshold)
        return runner
    }

    /// Runs (or continues) the run; for a run already complete, returns at once.
    /// - Parameter progress: Called with each progress event.
    /// - Returns: The summary; for an already complete run, one with no conversation run.
    public func run(progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) async throws -> RunSummary {
        switch resolution {
        case .alreadyComplete(let run):
            return RunSummary(
                runID: run.id, runName: run.name, conversations: 0, completed: 0, failed: 0, alreadyStored: run.taskCount, wallSeconds: 0)
        case .resume(let run):
            return try await makeRunner().run(resuming: run, progress: progress)
        case .retryFailed(let run, _):
            return try await makeRunner().run(resuming: run, retryingFailed: true, progress: progress)
        case .new:
            return try await makeRunner().run(resuming: nil, progress: progress)
        }
    }

    /// Runs (see ``run(progress:)``), then closes the session whether the run succeeded or not.
    public func runThenClose(progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) async throws -> RunSummary {
        do {
            let summary = try await run(progress: progress)
            await close()
            return summary
        } catch {
            await close()
            throw error
        }
    }

    /// Stops the agent program, if any, and shuts the HTTP client down.
    public func close() async {
        await prepared.subprocess?.shutdown()
        try? await factory.shutdown()
    }
}
