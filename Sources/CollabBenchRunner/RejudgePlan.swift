import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchStore
import Foundation

/// What `rejudge` needs: a stored run and the judge that judges it again.
///
/// ``run()`` assembles the judge through the same chain as a run's (client → rate budget → cache →
/// meter, see ``ModelStack``) and with the source run's judge settings (``JudgeSettings``).
public struct RejudgePlan: Sendable {
    /// The results database.
    public var store: String
    /// The run to re-judge (id or name).
    public var run: String
    /// The new judge's model spec.
    public var judge: String
    /// The pack the run used, checked against the run's pack hash (nil: the copy of the pack's
    /// content stored with the run, or for a store written before schema v6, the built-in pack of
    /// the run's pack name).
    public var pack: String?
    /// A name for the new run.
    public var name: String?
    /// Maximum tokens per judge reply.
    public var judgeMaxTokens = 400
    /// Judge calls at most per conversation when a reply cannot be read.
    public var judgeAttempts = 3
    /// A folder of prompt templates overriding the bundled ones.
    public var promptsDirectory: String?
    /// A pricing file on top of the built-in prices.
    public var pricingFile: String?
    /// Folders searched last for the pack by name (see `PackLoader.resolve`).
    public var packSearchRoots: [String] = []

    /// Creates a plan with the defaults.
    public init(store: String, run: String, judge: String) {
        self.store = store
        self.run = run
        self.judge = judge
    }

    /// The outcome of a re-judging.
    public struct Outcome: Sendable {
        /// The new run's id.
        public var runID: String
        /// The source run's name.
        public var sourceName: String
        /// The new judge.
        public var judge: ModelSpec
        /// Conversations re-judged.
        public var conversations: Int
        /// The judge's calls, tokens and cost.
        public var meter: RunMeterSnapshot
    }

    /// The pack `source` used: ``pack`` when given (refused unless its content hash is the run's),
    /// else the snapshot stored with the run, else (a store written before schema v6) the pack of
    /// the run's pack name.
    func loadPack(for source: RunRecord, from store: ResultStore, environment: [String: String]) throws -> TaskPack {
        let stored = try store.hasPackSnapshot(hash: source.packHash)
        if pack == nil, stored, let snapshot = try store.packSnapshot(hash: source.packHash) { return snapshot }
        let loaded = try PackLoader.load(directory: try PackLoader.resolve(pack ?? source.packName, environment: environment, searchRoots: packSearchRoots))
        guard loaded.contentHash == source.packHash else {
            let hint = stored
                ? "; leave the pack out to use the copy of the run's tasks stored in \(self.store)"
                : "; give the pack folder the run was made with"
            throw CollabBenchError(
                .malformedPack, "pack \(loaded.directory) is not the one run \(source.id) used (content hash differs)\(hint)")
        }
        return loaded
    }

    /// Checks the judge's server, then re-judges the run into a new run.
    /// - Throws: ``CollabBenchError`` for a missing store or run, a pack that is not the run's, an
    ///   unreachable judge, or store failures.
    public func run(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Outcome {
        guard FileManager.default.fileExists(atPath: store) else { throw CollabBenchError(.missingFile, "no results database here", file: store) }
        let judgeSpec = try ModelSpec(parsing: judge)
        // Everything is read (and checked) before the judge's server is; the store is opened for
        // writing only once the judge answered, so a refused start writes nothing.
        let reader = try ResultStore(path: store, mode: .readOnly)
        guard let source = try reader.run(run) else { throw CollabBenchError(.invalidArgument, "no run '\(run)' in \(store)", setting: "run") }
        let taskPack = try loadPack(for: source, from: reader, environment: environment)
        let prompts = try PromptLibrary.load(overrideDirectory: promptsDirectory)
        let config = try JSONDecoder().decode(RunConfiguration.self, from: Data(source.configJSON.utf8))
        let prices = try pricingFile.map(PricingFile.load(path:)).map(PricingTable.builtin.merging) ?? PricingTable.builtin
        let meter = RunMeter()
        let factory = ModelClientFactory(environment: environment)
        do {
            try await factory.preflight(judgeSpec)
            let resultStore = try ResultStore(path: store)
            let models = ModelStack(factory: factory, cache: (resultStore, .readWrite), prices: prices, meter: meter, defaultInFlight: 64)
            let model = models.model(judgeSpec, role: .judge)
            let judges = JudgeSettings(
                sampling: Sampling(temperature: 0, maxTokens: judgeMaxTokens), structuredOutput: config.judgeStructuredOutput,
                maxAttempts: judgeAttempts, scale: config.itrScale)
            let rejudger = Rejudger(
                store: resultStore, pack: taskPack, prompts: prompts, judge: judges.interactivityJudge(model: model, prompts: prompts),
                accuracyJudge: config.judgedAccuracy ? judges.accuracyJudge(model: model, prompts: prompts) : nil)
            let (runID, count) = try await rejudger.rejudge(source, name: name)
            try await factory.shutdown()
            return Outcome(runID: runID, sourceName: source.name, judge: judgeSpec, conversations: count, meter: meter.snapshot())
        } catch {
            try? await factory.shutdown()
            throw error
        }
    }
}
