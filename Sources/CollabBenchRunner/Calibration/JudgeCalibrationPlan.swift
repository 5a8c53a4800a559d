import CollabBenchCore
import CollabBenchModels
import CollabBenchStore
import Foundation

/// What `calibrate judge` needs: the store with the human runs, the judges to calibrate and (for
/// the math correctness check) the MATH file.
///
/// ``run(environment:)`` builds each judge through the same chain as a run's (``ModelStack``:
/// client → rate budget → cache → meter) and with the same settings type (``JudgeSettings``),
/// then hands them to ``JudgeCalibrator``.
public struct JudgeCalibrationPlan: Sendable {
    /// The results database holding the human runs.
    public var store: String
    /// The judges' model specs, primary first.
    public var judges: [String]
    /// Judgements per conversation and judge.
    public var judgeRepeats = 1
    /// Maximum tokens per judge reply.
    public var judgeMaxTokens = 400
    /// Judge calls at most per judgement when a reply cannot be read.
    public var judgeAttempts = 3
    /// Ask the judge for JSON through `response_format`.
    public var structuredOutput = true
    /// The interactivity rubric.
    public var scale: ITRScale = .threeLevel
    /// Seed of the judge calls and the bootstrap.
    public var seed = 0
    /// Only the first N conversations of each set (nil: all).
    public var limit: Int?
    /// A folder of prompt templates overriding the bundled ones.
    public var promptsDirectory: String?
    /// A pricing file on top of the built-in prices.
    public var pricingFile: String?
    /// The MATH file the math conversations' reference answers are read from (nil: correctness is
    /// not checked, and the report says so).
    public var mathFile: String?
    /// Also run the document-quality judge on document creation and the correctness check on math.
    public var otherInstruments = true

    /// Creates a plan with the defaults.
    public init(store: String, judges: [String]) {
        self.store = store
        self.judges = judges
    }

    /// The outcome: the calibration and the judges' calls, tokens and cost.
    public struct Outcome: Sendable {
        /// Per reference set, the statistics and every conversation's scores.
        public var calibration: JudgeCalibration
        /// The judges' calls, tokens and cost.
        public var meter: RunMeterSnapshot
    }

    /// Checks the judges' servers, then judges every human conversation.
    /// - Throws: ``CollabBenchError`` for a missing store, no judge, a bad spec, an unreadable MATH
    ///   file, an unreachable judge, a store without human runs, or store failures.
    public func run(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Outcome {
        guard FileManager.default.fileExists(atPath: store) else {
            throw CollabBenchError(.missingFile, "no results database here", file: store)
        }
        guard !judges.isEmpty else { throw CollabBenchError(.invalidArgument, "give at least one judge", setting: "judges") }
        if let limit, limit < 1 { throw CollabBenchError(.invalidArgument, "must be at least 1", setting: "limit", value: String(limit)) }
        guard judgeRepeats >= 1 else {
            throw CollabBenchError(.invalidArgument, "must be at least 1", setting: "judgeRepeats", value: String(judgeRepeats))
        }
        let specs = try judges.map { try ModelSpec(parsing: $0) }
        let resultStore = try ResultStore(path: store)
        let prompts = try PromptLibrary.load(overrideDirectory: promptsDirectory)
        if otherInstruments { _ = try prompts.template(DocumentQualityJudge.templateName) }
        let references = try otherInstruments ? mathFile.map { try JudgeCalibrationReferences.load(mathFile: $0) } : nil
        let prices = try pricingFile.map(PricingFile.load(path:)).map(PricingTable.builtin.merging) ?? PricingTable.builtin
        let meter = RunMeter()
        let factory = ModelClientFactory(environment: environment)
        do {
            try await factory.preflight(specs)
            let models = ModelStack(factory: factory, cache: (resultStore, .readWrite), prices: prices, meter: meter, defaultInFlight: 64)
            let settings = JudgeSettings(
                sampling: Sampling(temperature: 0, maxTokens: judgeMaxTokens), structuredOutput: structuredOutput,
                maxAttempts: judgeAttempts, scale: scale)
            let judgeModels = specs.map { models.model($0, role: .judge) }
            let documentJudges = judgeModels.map {
                DocumentQualityJudge(
                    model: $0, prompts: prompts, sampling: settings.sampling, structuredOutput: structuredOutput,
                    maxAttempts: judgeAttempts)
            }
            let calibrator = JudgeCalibrator(
                store: resultStore, judges: judgeModels.map { settings.interactivityJudge(model: $0, prompts: prompts) },
                repeats: judgeRepeats, seed: seed, limit: limit, documentJudges: otherInstruments ? documentJudges : [],
                accuracyJudges: otherInstruments ? judgeModels.map { settings.accuracyJudge(model: $0, prompts: prompts) } : [],
                references: references)
            let calibration = try await calibrator.calibrate()
            try await factory.shutdown()
            return Outcome(calibration: calibration, meter: meter.snapshot())
        } catch {
            try? await factory.shutdown()
            throw error
        }
    }
}
