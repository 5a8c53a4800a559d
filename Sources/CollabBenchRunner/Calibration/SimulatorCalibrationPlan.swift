import CollabBenchCore
import CollabBenchModels
import CollabBenchStore
import Foundation

/// What `calibrate simulator` needs: the store with the human runs, the simulated user, the
/// assistants and the judge.
///
/// ``run(environment:)`` builds every model through the same chain as a run's (``ModelStack``:
/// client → rate budget → cache → meter) and hands them to ``SimulatorCalibrator``.
public struct SimulatorCalibrationPlan: Sendable {
    /// The results database holding the human runs.
    public var store: String
    /// The simulated user's model spec.
    public var user: String
    /// The assistants' model specs (empty: the simulated user's model).
    public var agents: [String] = []
    /// The judge's model spec (nil: the simulated user's).
    public var judge: String?
    /// Exchanges at most per simulated conversation.
    public var maxExchanges = 10
    /// Maximum tokens per judge reply.
    public var judgeMaxTokens = 400
    /// Judge calls at most when a reply cannot be read.
    public var judgeAttempts = 3
    /// Ask the simulated user and the judge for JSON through `response_format`.
    public var structuredOutput = true
    /// Seed of every call and of the bootstrap.
    public var seed = 0
    /// Only the first N conversations of each set (nil: all).
    public var limit: Int?
    /// A folder of prompt templates overriding the bundled ones.
    public var promptsDirectory: String?
    /// A pricing file on top of the built-in prices.
    public var pricingFile: String?

    /// Creates a plan with the defaults.
    public init(store: String, user: String) {
        self.store = store
        self.user = user
    }

    /// The outcome: the calibration and the calls, tokens and cost.
    public struct Outcome: Sendable {
        public var calibration: SimulatorCalibration
        public var meter: RunMeterSnapshot
    }

    /// Checks the model servers, then simulates every human conversation with every assistant.
    /// - Throws: ``CollabBenchError`` for a missing store, a bad spec or setting, an unreachable
    ///   server, a store without human runs, or store failures.
    public func run(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Outcome {
        guard FileManager.default.fileExists(atPath: store) else {
            throw CollabBenchError(.missingFile, "no results database here", file: store)
        }
        if let limit, limit < 1 { throw CollabBenchError(.invalidArgument, "must be at least 1", setting: "limit", value: String(limit)) }
        guard maxExchanges >= 1 else {
            throw CollabBenchError(.invalidArgument, "must be at least 1", setting: "maxExchanges", value: String(maxExchanges))
        }
        let userSpec = try ModelSpec(parsing: user)
        let agentSpecs = agents.isEmpty ? [userSpec] : try agents.map { try ModelSpec.agentSpec(parsing: $0, name: nil) }
        let judgeSpec = try judge.map { try ModelSpec(parsing: $0) } ?? userSpec
        let resultStore = try ResultStore(path: store)
        let prompts = try PromptLibrary.load(overrideDirectory: promptsDirectory)
        let prices = try pricingFile.map(PricingFile.load(path:)).map(PricingTable.builtin.merging) ?? PricingTable.builtin
        let meter = RunMeter()
        let factory = ModelClientFactory(environment: environment)
        do {
            try await factory.preflight(Array(Set([userSpec, judgeSpec] + agentSpecs)))
            let models = ModelStack(factory: factory, cache: (resultStore, .readWrite), prices: prices, meter: meter, defaultInFlight: 64)
            let settings = JudgeSettings(
                sampling: Sampling(temperature: 0, maxTokens: judgeMaxTokens), structuredOutput: structuredOutput,
                maxAttempts: judgeAttempts,
                scale: .threeLevel)
            let calibrator = SimulatorCalibrator(
                store: resultStore, simulator: models.model(userSpec, role: .user),
                agents: agentSpecs.map { models.model($0, role: .agent) },
                judge: settings.interactivityJudge(model: models.model(judgeSpec, role: .judge), prompts: prompts), prompts: prompts,
                maxExchanges: maxExchanges, structuredOutput: structuredOutput, seed: seed, limit: limit)
            let calibration = try await calibrator.calibrate()
            try await factory.shutdown()
            return Outcome(calibration: calibration, meter: meter.snapshot())
        } catch {
            try? await factory.shutdown()
            throw error
        }
    }
}
