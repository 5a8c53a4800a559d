import ArgumentParser
import CollabBenchCore
import CollabBenchMetrics
import CollabBenchModels
import CollabBenchPacks
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// `collabbench run`: runs a pack's conversations and records everything in the store.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a task pack: simulated user and agent converse, then every conversation is scored and stored.",
        discussion: """
            Model specs are provider/model[@base_url], e.g. openai/gpt-4o-mini or \
            openai/smollm2@http://127.0.0.1:8080/v1. The API key comes from OPENAI_API_KEY \
            (optional for local servers) and is never stored.
            """)

    @Option(help: "A built-in pack (math, code, docs) or a pack folder.")
    var pack: String

    @Option(help: "The agent under test (provider/model[@base_url]).")
    var agent: String

    @Option(help: "The simulated user's model (default: the agent's).")
    var user: String?

    @Option(help: "The judge's model (default: the simulated user's).")
    var judge: String?

    @Option(help: "The results database (SQLite).")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "A name for the run (default: its id).")
    var name: String?

    @Option(help: "Only the first N tasks of the pack.")
    var limit: Int?

    @Option(help: "Run seed; every conversation and model call derives its seed from it.")
    var seed: Int = 42

    @Option(help: "Conversations in flight at most.")
    var concurrency: Int = 4

    @Option(help: "Agent preset: base (no system prompt) or proactive (asks clarifying questions).")
    var preset: String = "base"

    @Option(help: "Maximum user/assistant exchanges (default: the pack's, 6 for math and code, 8 for docs).")
    var maxExchanges: Int?

    @Option(help: "Agent temperature (default: the paper's, 0.6 for math and code, 0.8 for docs).")
    var agentTemperature: Double?

    @Option(help: "Agent top_p.")
    var agentTopP: Double = 0.9

    @Option(help: "Maximum tokens per agent reply.")
    var agentMaxTokens: Int = 1024

    @Option(help: "Maximum tokens per simulated-user reply.")
    var userMaxTokens: Int = 512

    @Option(help: "Maximum tokens per judge reply.")
    var judgeMaxTokens: Int = 400

    @Option(help: "Judge calls at most per conversation when its reply cannot be read.")
    var judgeAttempts: Int = 3

    @Flag(inversion: .prefixedNo, help: "Ask the simulated user and judge for JSON through response_format.")
    var structuredOutput = true

    @Option(help: "Folder of prompt templates overriding the bundled ones, file by file.")
    var prompts: String?

    @Option(help: "Folder holding <encoding>.tiktoken rank files.")
    var tokenizerDir: String?

    @Option(help: "Seconds one model call may take before it is retried.")
    var requestTimeout: Double = 600

    @Flag(help: "Print no per-conversation progress lines.")
    var noProgress = false

    func validate() throws {
        guard ["base", "proactive"].contains(preset) else { throw ValidationError("--preset must be base or proactive") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let maxExchanges, maxExchanges < 1 { throw ValidationError("--max-exchanges must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            let agentSpec = try ModelSpec(parsing: agent)
            let userSpec = try user.map(ModelSpec.init(parsing:)) ?? agentSpec
            let judgeSpec = try judge.map(ModelSpec.init(parsing:)) ?? userSpec
            let taskPack = try PackLoader.load(directory: try PackLoader.resolve(pack))
            let library = try PromptLibrary.load(overrideDirectory: prompts)
            let kind = taskPack.manifest.kind
            guard let encoding = TokenizerEncodingName(rawValue: taskPack.manifest.metric.tokenEncoding) else {
                throw ValidationError("pack \(taskPack.manifest.name): unknown token_encoding '\(taskPack.manifest.metric.tokenEncoding)'")
            }
            let tokenizer = try await TokenizerLocator(explicitDirectory: tokenizerDir).load(encoding)
            let store = try ResultStore(path: db)

            let factory = ModelClientFactory(maxConnectionsPerHost: concurrency * 2, requestTimeoutSeconds: requestTimeout)
            do {
                for spec in Set([agentSpec, userSpec, judgeSpec]) { try await factory.preflight(spec) }
                let summary = try await execute(
                    pack: taskPack, kind: kind, library: library, tokenizer: tokenizer, store: store, factory: factory,
                    specs: (agentSpec, userSpec, judgeSpec))
                try await factory.shutdown()
                print("Run \(summary.runName) (\(summary.runID)): \(summary.completed) conversations completed, \(summary.failed) failed, in \(String(format: "%.1f", summary.wallSeconds)) s. Stored in \(db).")
                print("See the results with: collabbench leaderboard --db \(db)")
                if summary.failed > 0 && summary.completed == 0 { throw ExitCode.failure }
            } catch {
                try? await factory.shutdown()
                throw error
            }
        }
    }

    private func execute(
        pack taskPack: TaskPack, kind: TaskKind, library: PromptLibrary, tokenizer: BPETokenizer, store: ResultStore,
        factory: ModelClientFactory, specs: (agent: ModelSpec, user: ModelSpec, judge: ModelSpec)
    ) async throws -> RunSummary {
        let settings = ConversationSettings(
            maxExchanges: maxExchanges ?? taskPack.maxExchanges,
            simulatorSampling: Sampling(temperature: 1.0, topP: 1.0, maxTokens: userMaxTokens),
            agentSampling: Sampling(temperature: agentTemperature ?? kind.paperAgentTemperature, topP: agentTopP, maxTokens: agentMaxTokens),
            agentSystemPrompt: preset == "proactive" ? try library.template("agent.proactive.system").text : nil,
            structuredOutput: structuredOutput)
        let judgeSampling = Sampling(temperature: 0, maxTokens: judgeMaxTokens)
        let configuration = RunConfiguration(
            name: name, agent: specs.agent, agentPreset: preset, userSimulator: specs.user, judge: specs.judge,
            conversation: settings, judgeSampling: judgeSampling, judgeMaxAttempts: judgeAttempts,
            judgeStructuredOutput: structuredOutput, seed: seed, limit: limit, concurrency: concurrency,
            metric: taskPack.manifest.metric, promptHashes: library.hashes, packName: taskPack.manifest.name,
            packVersion: taskPack.manifest.version, packHash: taskPack.contentHash)
        let engine = ConversationEngine(
            agent: factory.client(for: specs.agent, maxInFlight: concurrency),
            simulator: factory.client(for: specs.user, maxInFlight: concurrency), prompts: library, settings: settings)
        let judgeModel = InteractivityJudge(
            model: factory.client(for: specs.judge, maxInFlight: concurrency), prompts: library, sampling: judgeSampling,
            structuredOutput: structuredOutput, maxAttempts: judgeAttempts)
        let sandbox = CodeSandbox(
            python: CodeSandbox.defaultPython(packageRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)),
            limits: SandboxLimits(wallSeconds: taskPack.manifest.metric.codeTimeoutSeconds))
        let runner = BenchmarkRunner(
            pack: taskPack, configuration: configuration, engine: engine, judge: judgeModel,
            scorer: ConversationScorer(tokenizer: tokenizer, sandbox: sandbox), store: store, prompts: library)
        let quiet = noProgress
        return try await runner.run { event in
            guard !quiet else { return }
            switch event {
            case .started(let runID, let total):
                print("Run \(runID): \(total) conversations of pack \(taskPack.manifest.name) with agent \(specs.agent) [\(preset)]")
            case .conversationFinished(let taskID, let done, let total, let status, let detail):
                print("[\(done)/\(total)] \(taskID): \(status) \(detail)")
            }
        }
    }
}
