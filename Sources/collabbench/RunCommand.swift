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
    var pack: String?

    @Option(help: "A YAML evaluation config (packs, agents, user, judges, protocol, ...); flags left at their defaults take its values. Check it with 'collabbench config check'.")
    var config: String?

    @Option(help: "The agent under test: provider/model[@base_url] (openai, anthropic), or the base URL of any service speaking OpenAI Chat Completions. Repeat to evaluate several agents with the same simulated user and judge.")
    var agent: [String] = []

    @Option(help: "A file holding the agent's system prompt (instead of a preset).")
    var agentSystemPrompt: String?

    @Option(help: "A name for an agent given as a bare URL or as --agent-cmd.")
    var agentName: String?

    @Option(help: "Run the agent as a program speaking JSON lines on stdin/stdout (see examples/agents/README.md).")
    var agentCmd: String?

    @Option(help: "With --agent-cmd: per-conversation (a fresh process per conversation) or per-run (one process).")
    var agentScope: String = "per-conversation"

    @Option(help: "With --agent-cmd: seconds the program may take for one turn.")
    var agentTimeout: Double = 600

    @Option(help: "With --agent-cmd: environment variables passed to the program although they hold keys (repeatable).")
    var agentEnvPass: [String] = []

    @Option(help: "The simulated user's model (default: the agent's).")
    var user: String?

    @Option(help: "The judge's model (default: the simulated user's). Repeat for several judges; the first is primary.")
    var judge: [String] = []

    @Option(name: .customLong("protocol"), help: "Protocol preset: default, or collabllm (every setting of the CollabLLM paper).")
    var protocolName: String = "default"

    @Option(help: "How the final document or program is taken: deterministic, llm (judge model, code copied verbatim) or llm-paper (the paper's, quirks included).")
    var extractor: String?

    @Flag(help: "Also grade math with the accuracy judge (on under --protocol collabllm, where it is the task metric).")
    var judgedAccuracy = false

    @Option(help: "Interactivity rubric: three-level (the paper's 1-3, reported as 2*(S-2.5)) or unit (a score in [0, 1]).")
    var itrScale: String = "three-level"

    @Option(help: "Judgements per conversation and judge (agreement is reported as Krippendorff's alpha).")
    var judgeRepeats: Int = 1

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

    @Option(help: "Calls in flight at most to the agent's model (default: --concurrency).")
    var agentConcurrency: Int?

    @Option(help: "Calls in flight at most to the simulated user's model (default: --concurrency).")
    var userConcurrency: Int?

    @Option(help: "Calls in flight at most to each judge model, extractor included (default: --concurrency).")
    var judgeConcurrency: Int?

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

    @Option(help: "Conversations per task (for pass@k and pass^k).")
    var trials: Int = 1

    @Option(help: "Run only shard i of n (i/n, 0-based): task k belongs to shard k mod n. Shards merge with 'collabbench merge'.")
    var shard: String?

    @Option(help: "Response cache: read-write (default), read-only (replay offline; a miss is an error), or off.")
    var cache: String = "read-write"

    @Flag(help: "Start a new run even when a stored run has this configuration (default: continue it).")
    var forceNew = false

    @Flag(help: "Stream replies from OpenAI-compatible servers (SSE) and record time to first token and tokens/s per call.")
    var stream = false

    @Option(help: "Requests per minute per model endpoint (shared by every role calling it); on HTTP 429 the calls in flight also back off and recover by themselves.")
    var rpm: Int?

    @Option(help: "Tokens (prompt + completion) per minute per model endpoint, shared by every role calling it.")
    var tpm: Int?

    @Option(help: "A pricing file (YAML: models: {<model>: {input: <USD per 1M>, output: <USD per 1M>}}) on top of the built-in prices.")
    var pricing: String?

    @Option(help: "Stop starting conversations once this many US dollars are spent (those in flight finish; re-run with a larger budget to continue).")
    var budget: Double?

    @Flag(help: "Print what the run would do (conversations, model calls and tokens at most, and about what it would cost) and call nothing.")
    var dryRun = false

    @Flag(help: "No live display on a terminal: plain progress lines instead (always the case when output is not a terminal).")
    var noProgress = false

    @Option(help: "Seconds between plain progress lines.")
    var progressInterval: Double = 10

    func validate() throws {
        if config == nil {
            guard pack != nil else { throw ValidationError("give --pack <name or folder> (or --config <file>)") }
            guard agent.isEmpty != (agentCmd == nil) else { throw ValidationError("give the agent as --agent <spec or URL> or as --agent-cmd <command>, not both") }
            if agentCmd != nil && user == nil { throw ValidationError("--agent-cmd needs --user <spec>: the simulated user must be a model") }
        }
        guard ["per-conversation", "per-run"].contains(agentScope) else { throw ValidationError("--agent-scope must be per-conversation or per-run") }
        guard ["base", "proactive"].contains(preset) else { throw ValidationError("--preset must be base or proactive") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        for (flag, value) in [("--agent-concurrency", agentConcurrency), ("--user-concurrency", userConcurrency), ("--judge-concurrency", judgeConcurrency)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let maxExchanges, maxExchanges < 1 { throw ValidationError("--max-exchanges must be at least 1") }
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
        if let rpm, rpm < 1 { throw ValidationError("--rpm must be at least 1") }
        if let tpm, tpm < 1 { throw ValidationError("--tpm must be at least 1") }
        if let budget, !(budget > 0) { throw ValidationError("--budget must be a positive number of US dollars") }
        guard progressInterval > 0 else { throw ValidationError("--progress-interval must be positive") }
        guard ["default", "collabllm"].contains(protocolName) else { throw ValidationError("--protocol must be default or collabllm") }
        if let extractor, ExtractorChoice(rawValue: extractor) == nil { throw ValidationError("--extractor must be deterministic, llm or llm-paper") }
        guard ["three-level", "unit"].contains(itrScale) else { throw ValidationError("--itr-scale must be three-level or unit") }
        guard judgeRepeats >= 1 else { throw ValidationError("--judge-repeats must be at least 1") }
        guard CacheMode(rawValue: cache) != nil else { throw ValidationError("--cache must be read-write, read-only or off") }
        if let shard { _ = try Shard(parsing: shard) }
    }

    func run() async throws {
        guard let config else {
            guard agent.count > 1 else { return try await runSingle() }
            // Several agents: one run each, sharing the simulated user, judges and settings.
            var failures = 0
            for one in agent {
                var single = self
                single.agent = [one]
                print("== agent \(one)")
                do { try await single.runSingle() } catch let exit as ExitCode where exit == .failure { failures += 1 }
            }
            if failures > 0 { throw ExitCode.failure }
            return
        }
        let evaluation = try await reportingErrors { () -> EvaluationConfig in
            let (loaded, problems) = EvaluationConfig.load(path: config)
            guard let loaded, problems.isEmpty else {
                let more = problems.count > 1 ? " (and \(problems.count - 1) more; run 'collabbench config check \(config)')" : ""
                throw CollabBenchError(.invalidArgument, (problems.first?.description ?? "\(config): invalid") + more)
            }
            return loaded
        }
        let defaults = RunCommand.defaults
        var failures = 0
        for packName in pack.map({ [$0] }) ?? evaluation.packs {
            for entry in (agent.isEmpty && agentCmd == nil) ? evaluation.agents : agent.map({ AgentEntry(model: $0) }) + (agentCmd.map { [AgentEntry(command: $0)] } ?? []) {
                var one = self
                one.config = nil
                one.pack = packName
                do {
                    one.agent = [entry.model ?? entry.url].compactMap { $0 }
                    one.agentCmd = entry.command
                    one.agentName = entry.name ?? agentName
                    if let p = entry.preset { one.preset = p }
                    if let t = entry.temperature { one.agentTemperature = t }
                    if let t = entry.topP { one.agentTopP = t }
                    if let m = entry.maxTokens { one.agentMaxTokens = m }
                }
                if user == nil { one.user = evaluation.user }
                if judge.isEmpty { one.judge = evaluation.judges }
                if protocolName == defaults.protocolName, let v = evaluation.protocolName { one.protocolName = v }
                if extractor == nil { one.extractor = evaluation.extractor }
                if trials == defaults.trials, let v = evaluation.trials { one.trials = v }
                if seed == defaults.seed, let v = evaluation.seed { one.seed = v }
                if concurrency == defaults.concurrency, let v = evaluation.concurrency { one.concurrency = v }
                if limit == nil { one.limit = evaluation.limit }
                if maxExchanges == nil { one.maxExchanges = evaluation.maxExchanges }
                if judgeRepeats == defaults.judgeRepeats, let v = evaluation.judgeRepeats { one.judgeRepeats = v }
                if db == defaults.db, let v = evaluation.db { one.db = v }
                if cache == defaults.cache, let v = evaluation.cache { one.cache = v }
                print("== pack \(packName), agent \(one.agent.first ?? one.agentCmd ?? "?")")
                do {
                    try one.validate()
                    try await one.runSingle()
                } catch let exit as ExitCode where exit == .failure {
                    failures += 1
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The text of a system-prompt file.
    static func readSystemPrompt(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { throw CollabBenchError(.missingFile, "cannot read the agent system prompt \(path) (missing, empty or not UTF-8)") }
        return text
    }

    /// The LLM extractor's max_tokens: room to copy the agent's longest artefact.
    var extractorMaxTokens: Int { max(agentMaxTokens * 2, 1024) }

    /// The options' default values, to tell which flags a config may fill in.
    static var defaults: RunCommand {
        // Parsing the minimal valid command line yields every default.
        (try? RunCommand.parse(["--config", "x"])) ?? RunCommand()
    }

    func runSingle() async throws {
        try await reportingErrors {
            let subprocess = agentCmd.map {
                SubprocessAgent(SubprocessAgent.Configuration(
                    command: $0, name: agentName ?? "agent", scope: agentScope == "per-run" ? .perRun : .perConversation,
                    turnTimeoutSeconds: agentTimeout, passEnvironment: agentEnvPass))
            }
            let agentSpec = try subprocess?.spec ?? ModelSpec.agentSpec(parsing: agent.first ?? "", name: agentName)
            let userSpec = try user.map(ModelSpec.init(parsing:)) ?? agentSpec
            let judgeSpecs = try judge.map(ModelSpec.init(parsing:))
            let judgeSpec = judgeSpecs.first ?? userSpec
            let taskPack = try PackLoader.load(directory: try PackLoader.resolve(pack ?? ""))
            let library = try PromptLibrary.load(overrideDirectory: prompts)
            let kind = taskPack.manifest.kind
            guard let encoding = TokenizerEncodingName(rawValue: taskPack.manifest.metric.tokenEncoding) else {
                throw ValidationError("pack \(taskPack.manifest.name): unknown token_encoding '\(taskPack.manifest.metric.tokenEncoding)'")
            }
            let prices = try pricing.map(PricingFile.load(path:)).map(PricingTable.builtin.merging) ?? PricingTable.builtin
            if let budget {
                // A budget needs every priced call's cost; a command agent's own calls are not seen.
                let paid = (subprocess == nil ? [agentSpec] : []) + [userSpec] + (judgeSpecs.isEmpty ? [judgeSpec] : judgeSpecs)
                if let unpriced = paid.first(where: { prices.price(for: $0) == nil }) {
                    throw CollabBenchError(.invalidArgument, "--budget \(budget): no price for \(unpriced); add it with --pricing <file>")
                }
            }
            if dryRun {
                let promptTokens = { (names: [String]) in names.compactMap { library.templates[$0]?.text.utf8.count }.reduce(0, +) / 4 }
                let taskTokens = taskPack.tasks.isEmpty ? 0 : taskPack.tasks.map { $0.prompt.utf8.count + $0.hiddenIntent.utf8.count }.max()! / 4
                let costing = DryRunEstimate.Costing(
                    agent: (agentSpec.description, prices.price(for: agentSpec)),
                    user: (userSpec.description, prices.price(for: userSpec)),
                    judge: (judgeSpec.description, judgeSpecs.dropFirst().allSatisfy { prices.price(for: $0) == prices.price(for: judgeSpec) } ? prices.price(for: judgeSpec) : nil),
                    agentPromptTokens: promptTokens(preset == "proactive" ? ["agent.proactive.system"] : []),
                    userPromptTokens: promptTokens(["user-simulator.system", "user-simulator.turn", "user-simulator.guidance.\(kind.rawValue)"]) + taskTokens,
                    judgePromptTokens: promptTokens([itrScale == "unit" ? "judge.interactivity.unit" : "judge.interactivity"]) + taskTokens)
                print(DryRunEstimate(
                    pack: taskPack, limit: limit, trials: trials, shard: try shard.map(Shard.init(parsing:)),
                    maxExchanges: maxExchanges ?? taskPack.maxExchanges, judges: max(1, judge.count) * judgeRepeats,
                    judgeAttempts: judgeAttempts, extraJudgeCalls: (judgedAccuracy || protocolName == "collabllm") && kind == .math ? 1 : 0,
                    extractorCalls: (protocolName == "collabllm" || (extractor ?? "deterministic") != "deterministic") && kind != .math ? 1 : 0,
                    agentMaxTokens: agentMaxTokens, userMaxTokens: userMaxTokens, judgeMaxTokens: judgeMaxTokens,
                    extractorMaxTokens: extractorMaxTokens, costing: costing
                ).description)
                return
            }
            let tokenizer = try await TokenizerLocator(explicitDirectory: tokenizerDir).load(encoding)
            let store = try ResultStore(path: db)

            let factory = ModelClientFactory(
                maxConnectionsPerHost: concurrency * 2, requestTimeoutSeconds: requestTimeout, streaming: stream, requestsPerMinute: rpm,
                tokensPerMinute: tpm)
            let cacheMode = CacheMode(rawValue: cache) ?? .readWrite
            do {
                if cacheMode != .readOnly {
                    for spec in Set((subprocess == nil ? [agentSpec] : []) + [userSpec] + (judgeSpecs.isEmpty ? [judgeSpec] : judgeSpecs)) {
                        try await factory.preflight(spec)
                    }
                }
                let outcome = try await InterruptibleRun.run {
                    try await execute(
                        pack: taskPack, kind: kind, library: library, tokenizer: tokenizer, store: store, factory: factory,
                        specs: (agentSpec, userSpec, judgeSpec), extraJudges: Array(judgeSpecs.dropFirst()), cacheMode: cacheMode,
                        subprocess: subprocess, prices: prices)
                }
                await subprocess?.shutdown()
                try await factory.shutdown()
                guard let summary = outcome else {
                    print("Interrupted: the conversations finished so far are stored in \(db). Run the same command again to resume.")
                    throw ExitCode(130)
                }
                let resumed = summary.alreadyStored > 0 ? " (\(summary.alreadyStored) already stored, kept)" : ""
                print("Run \(summary.runName) (\(summary.runID)): \(summary.completed) conversations completed, \(summary.failed) failed\(resumed), in \(String(format: "%.1f", summary.wallSeconds)) s. Stored in \(db).")
                if summary.quality.conversations > 0 { print("Quality: \(summary.quality.line)") }
                if summary.meter.calls > 0 { print("Cost: \(Self.costLine(summary.meter))") }
                if summary.notStartedForBudget > 0 {
                    print("Budget of \(DryRunEstimate.dollars(budget ?? 0)) reached: \(summary.notStartedForBudget) conversations not started. Run the same command with a larger --budget to continue.")
                }
                print("See the results with: collabbench leaderboard --db \(db)")
                if summary.failed > 0 && summary.completed == 0 && summary.alreadyStored == 0 { throw ExitCode.failure }
            } catch {
                await subprocess?.shutdown()
                try? await factory.shutdown()
                throw error
            }
        }
    }

    private func execute(
        pack taskPack: TaskPack, kind: TaskKind, library: PromptLibrary, tokenizer: BPETokenizer, store: ResultStore,
        factory: ModelClientFactory, specs: (agent: ModelSpec, user: ModelSpec, judge: ModelSpec), extraJudges: [ModelSpec], cacheMode: CacheMode,
        subprocess: SubprocessAgent?, prices: PricingTable
    ) async throws -> RunSummary {
        let settings = ConversationSettings(
            maxExchanges: maxExchanges ?? taskPack.maxExchanges,
            simulatorSampling: Sampling(temperature: 1.0, topP: 1.0, maxTokens: userMaxTokens),
            agentSampling: Sampling(temperature: agentTemperature ?? kind.paperAgentTemperature, topP: agentTopP, maxTokens: agentMaxTokens),
            agentSystemPrompt: try agentSystemPrompt.map(Self.readSystemPrompt)
                ?? (preset == "proactive" ? try library.template("agent.proactive.system").text : nil),
            structuredOutput: structuredOutput)
        let judgeSampling = Sampling(temperature: 0, maxTokens: judgeMaxTokens)
        let paper = protocolName == "collabllm"
        let extractorChoice = extractor.flatMap(ExtractorChoice.init(rawValue:)) ?? (paper ? .llmPaper : .deterministic)
        let judgeMath = judgedAccuracy || paper
        let configuration = RunConfiguration(
            name: name, agent: specs.agent,
            agentPreset: agentSystemPrompt.map { "custom:" + (($0 as NSString).lastPathComponent) } ?? preset,
            userSimulator: specs.user, judge: specs.judge,
            conversation: settings, judgeSampling: judgeSampling, judgeMaxAttempts: judgeAttempts,
            judgeStructuredOutput: structuredOutput, protocolName: protocolName, extractor: extractorChoice,
            judgedAccuracy: judgeMath && kind == .math, itrScale: itrScale, judgeRepeats: judgeRepeats, additionalJudges: extraJudges,
            seed: seed, limit: limit, concurrency: concurrency, trials: trials,
            shard: try shard.map(Shard.init(parsing:)),
            metric: taskPack.manifest.metric, promptHashes: library.hashes, packName: taskPack.manifest.name,
            packVersion: taskPack.manifest.version, packHash: taskPack.contentHash)
        let resolution = try RunResolver.resolve(store: store, configuration: configuration, forceNew: forceNew)
        var resuming: RunRecord?
        switch resolution {
        case .alreadyComplete(let run):
            print("Run \(run.name) (\(run.id)) with this configuration is already complete in \(db); nothing to do (--force-new runs it again).")
            return RunSummary(runID: run.id, runName: run.name, conversations: 0, completed: 0, failed: 0, alreadyStored: run.taskCount, wallSeconds: 0)
        case .resume(let run):
            print("Continuing run \(run.name) (\(run.id)).")
            resuming = run
            if budget != nil, case let stored = try store.runCost(runID: run.id), stored.unpricedCalls > 0 {
                print("Note: \(stored.unpricedCalls) stored calls of this run have an unknown cost; --budget counts only the known \(DryRunEstimate.dollars(stored.usd ?? 0)).")
            }
        case .new:
            break
        }
        let meter = RunMeter()
        // One client per role and model, so a role's bound holds across everything that calls it.
        var clients: [String: any ChatModel] = [:]
        func model(_ spec: ModelSpec, role: String, limit: Int?) -> any ChatModel {
            let key = role + "\u{1F}" + spec.description
            if let existing = clients[key] { return existing }
            let client = factory.client(for: spec, maxInFlight: limit ?? concurrency)
            let cached: any ChatModel = cacheMode == .off ? client : CachedChatModel(base: client, cache: store, mode: cacheMode)
            let metered = MeteredChatModel(base: cached, price: prices.price(for: spec), meter: meter)
            clients[key] = metered
            return metered
        }
        func judgeModel(_ spec: ModelSpec) -> any ChatModel { model(spec, role: "judge", limit: judgeConcurrency) }
        // A subprocess agent keeps state per conversation: it is not put behind the response cache.
        let agentModel: any ChatModel = subprocess.map { MeteredChatModel.wrapping($0, price: prices.price(for: specs.agent), meter: meter) }
            ?? model(specs.agent, role: "agent", limit: agentConcurrency)
        let engine = ConversationEngine(
            agent: agentModel, simulator: model(specs.user, role: "user", limit: userConcurrency), prompts: library, settings: settings)
        let scale: InteractivityJudge.Scale = itrScale == "unit" ? .unitInterval : .threeLevel
        let itrJudge = { (spec: ModelSpec) in
            InteractivityJudge(
                model: judgeModel(spec), prompts: library, sampling: judgeSampling, structuredOutput: structuredOutput,
                maxAttempts: judgeAttempts, scale: scale)
        }
        let primaryJudge = itrJudge(specs.judge)
        let judging = JudgingOptions(
            additionalInteractivityJudges: extraJudges.map(itrJudge), repeats: judgeRepeats,
            accuracyJudge: judgeMath && kind == .math
                ? AccuracyJudge(model: judgeModel(specs.judge), prompts: library, sampling: judgeSampling, structuredOutput: structuredOutput, maxAttempts: judgeAttempts)
                : nil,
            judgedAccuracyIsPrimary: paper,
            extractor: extractorChoice == .deterministic || kind == .math
                ? nil
                : ArtifactLLMExtractor(
                    model: judgeModel(specs.judge), prompts: library, sampling: Sampling(temperature: 0, maxTokens: extractorMaxTokens),
                    structuredOutput: structuredOutput, maxAttempts: judgeAttempts, mode: extractorChoice == .llmPaper ? .paper : .faithful))
        let sandbox = CodeSandbox(
            python: CodeSandbox.defaultPython(packageRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)),
            limits: SandboxLimits(wallSeconds: taskPack.manifest.metric.codeTimeoutSeconds))
        var runner = BenchmarkRunner(
            pack: taskPack, configuration: configuration, engine: engine, judge: primaryJudge,
            scorer: ConversationScorer(tokenizer: tokenizer, sandbox: sandbox), store: store, prompts: library, judging: judging)
        runner.meter = meter
        runner.budgetUSD = budget
        let reporter = ProgressReporter(
            meter: meter, agent: "\(specs.agent) [\(preset)]", pack: taskPack.manifest.name, noProgress: noProgress, interval: progressInterval)
        reporter.start()
        defer { reporter.finish() }
        return try await runner.run(resuming: resuming) { reporter.handle($0) }
    }

    /// The summary's cost line: calls, tokens, dollars, and what is unknown.
    static func costLine(_ m: RunMeterSnapshot) -> String {
        var parts = ["\(m.calls) model calls"]
        if m.cachedCalls > 0 { parts.append("\(m.cachedCalls) from the cache") }
        parts.append("\(m.inputTokens) prompt and \(m.outputTokens) completion tokens reported")
        let priced = m.calls - m.cachedCalls - m.unpricedCalls
        if m.unpricedCalls == m.calls - m.cachedCalls && m.unpricedCalls > 0 {
            parts.append("cost unknown (no price or no usage; see --pricing)")
        } else {
            parts.append(DryRunEstimate.dollars(m.costUSD) + (m.unpricedCalls > 0 ? " for \(priced) priced calls, \(m.unpricedCalls) calls unpriced" : ""))
        }
        return parts.joined(separator: ", ")
    }
}
