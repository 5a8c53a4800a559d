import CollabBenchCore
import CollabBenchMetrics
import CollabBenchModels
import CollabBenchPacks
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// Turns a ``RunPlan`` into a ready run — the one place that assembles what every entry point
/// needs (the command line, benchmarks, tests, and servers built on the library).
///
/// Assembly happens in two steps, so that nothing is called or written before the run can start:
/// ``prepare()`` resolves every input (pack, prompts, prices, model specs, the run's configuration)
/// without a network call or a write; ``PreparedRun/open(factory:countingTokens:)`` checks the model servers,
/// loads the tokenizer, and only then opens the store and resolves the run against it.
///
/// ```swift
/// let prepared = try RunAssembler(plan: plan).prepare()
/// let session = try await prepared.open()
/// let summary = try await session.run { event in print(event) }
/// await session.close()
/// ```
public struct RunAssembler: Sendable {
    /// The plan.
    public var plan: RunPlan
    /// Where API keys and the sandbox's interpreter are read from.
    public var environment: [String: String]
    /// The folder the default code interpreter (`.venv-code`) is looked for in. Paths in the plan
    /// (pack, store, prompts, pricing, system prompt) are used as given, relative to the process's
    /// current directory.
    public var workingDirectory: String
    /// Folders searched last for a pack given by name (see `PackLoader.resolve`).
    public var packSearchRoots: [String]

    /// Creates an assembler.
    public init(
        plan: RunPlan, environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath, packSearchRoots: [String] = []
    ) {
        self.plan = plan
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.packSearchRoots = packSearchRoots
    }

    /// Validates the plan and resolves its inputs; calls nothing and writes nothing.
    /// - Throws: ``CollabBenchError`` naming the setting, file or model at fault.
    public func prepare() throws -> PreparedRun {
        try plan.validate()
        try plan.validatePersonasAndGate()
        let subprocess: SubprocessAgent?
        let agentSpec: ModelSpec
        switch plan.agent {
        case .command(let command):
            let agent = SubprocessAgent(
                SubprocessAgent.Configuration(
                    command: command, name: plan.agentName ?? "agent", scope: plan.agentScope, turnTimeoutSeconds: plan.agentTimeoutSeconds,
                    passEnvironment: plan.agentEnvironmentPass),
                environment: environment)
            subprocess = agent
            agentSpec = agent.spec
        case .model(let text):
            subprocess = nil
            agentSpec = try ModelSpec.agentSpec(parsing: text, name: plan.agentName)
        }
        let userSpec = try plan.user.map(ModelSpec.init(parsing:)) ?? agentSpec
        let judgeSpecs = try plan.judges.map(ModelSpec.init(parsing:))
        let judgeSpec = judgeSpecs.first ?? userSpec
        let pack = try PackLoader.load(directory: try PackLoader.resolve(plan.pack, environment: environment, searchRoots: packSearchRoots))
        let prompts = try PromptLibrary.load(overrideDirectory: plan.promptsDirectory)
        let kind = pack.manifest.kind
        guard let encoding = TokenizerEncodingName(rawValue: pack.manifest.metric.tokenEncoding) else {
            throw CollabBenchError(
                .malformedPack, "unknown token_encoding '\(pack.manifest.metric.tokenEncoding)'", file: pack.directory + "/pack.json")
        }
        let prices = try plan.pricingFile.map(PricingFile.load(path:)).map(PricingTable.builtin.merging) ?? PricingTable.builtin
        let called = (subprocess == nil ? [agentSpec] : []) + [userSpec] + (judgeSpecs.isEmpty ? [judgeSpec] : judgeSpecs)
        if plan.budgetUSD != nil, let unpriced = called.first(where: { prices.price(for: $0) == nil }) {
            // A budget needs every priced call's cost; a command agent's own calls are not seen.
            throw CollabBenchError(
                .invalidArgument, "no price for \(unpriced); add it in a pricing file", model: unpriced.description, setting: "budgetUSD",
                value: plan.budgetUSD.map { "\($0)" })
        }
        let systemPrompt = try plan.agentSystemPromptFile.map(Self.readSystemPrompt)
            ?? (plan.agentPreset == .proactive ? try prompts.template("agent.proactive.system").text : nil)
        let settings = ConversationSettings(
            maxExchanges: plan.maxExchanges ?? pack.maxExchanges,
            simulatorSampling: Sampling(temperature: 1.0, topP: 1.0, maxTokens: plan.userMaxTokens),
            agentSampling: Sampling(
                temperature: plan.agentTemperature ?? kind.paperAgentTemperature, topP: plan.agentTopP, maxTokens: plan.agentMaxTokens),
            agentSystemPrompt: systemPrompt, structuredOutput: plan.structuredOutput)
        let judgeSettings = JudgeSettings(plan: plan)
        var configuration = RunConfiguration(
            name: plan.name, agent: agentSpec,
            agentPreset: plan.agentSystemPromptFile.map { "custom:" + (($0 as NSString).lastPathComponent) } ?? plan.agentPreset.rawValue,
            userSimulator: userSpec, judge: judgeSpec, conversation: settings, judgeSampling: judgeSettings.sampling,
            judgeMaxAttempts: plan.judgeAttempts, judgeStructuredOutput: plan.structuredOutput, protocolName: plan.protocolPreset.rawValue,
            extractor: plan.effectiveExtractor, judgedAccuracy: plan.judgesMathAccuracy && kind == .math, itrScale: plan.itrScale,
            judgeRepeats: plan.judgeRepeats, additionalJudges: Array(judgeSpecs.dropFirst()), seed: plan.seed, limit: plan.limit,
            concurrency: plan.concurrency, trials: plan.trials, shard: plan.shard, metric: pack.manifest.metric,
            // The document-quality prompt is used by `calibrate judge` only: a run's identity does not depend on it.
            promptHashes: prompts.hashes.filter { $0.key != DocumentQualityJudge.templateName }, packName: pack.manifest.name,
            packVersion: pack.manifest.version, packHash: pack.contentHash)
        let personas = try plan.loadPersonas(environment: environment, workingDirectory: workingDirectory)
        configuration.personas = personas?.source
        configuration.simulatorReruns = plan.simulatorGate == .rerun ? plan.simulatorReruns : nil
        return PreparedRun(
            plan: plan, environment: environment, workingDirectory: workingDirectory, pack: pack, prompts: prompts, encoding: encoding,
            agentSpec: agentSpec, userSpec: userSpec, judgeSpec: judgeSpec, additionalJudges: Array(judgeSpecs.dropFirst()),
            subprocess: subprocess, prices: prices, settings: settings, judgeSettings: judgeSettings, configuration: configuration,
            personas: personas)
    }

    /// The text of a system-prompt file.
    /// - Throws: ``CollabBenchError`` (`.missingFile`) when it is missing, empty or not UTF-8.
    public static func readSystemPrompt(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw CollabBenchError(.missingFile, "cannot read the agent system prompt (missing, empty or not UTF-8)", file: path)
        }
        return text
    }
}
