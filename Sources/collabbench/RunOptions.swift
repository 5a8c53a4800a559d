import ArgumentParser
import CollabBenchCore
import CollabBenchModels
import CollabBenchRunner

/// The flags of `collabbench run`, each a setting of a ``RunPlan``.
///
/// A flag that is not given leaves the setting as the config file (if any) or the plan's default
/// has it; the defaults shown in the help come from ``RunPlan/defaults``.
struct RunOptions: ParsableArguments {
    private static let d = RunPlan.defaults

    @Option(help: "A built-in pack (math, code, docs) or a pack folder.")
    var pack: String?

    @Option(help: "A YAML evaluation config (packs, agents, user, judges, protocol, ...); flags given here win over its values. Check it with 'collabbench config check'.")
    var config: String?

    @Option(help: "The agent under test: provider/model[@base_url] (openai, anthropic), or the base URL of any service speaking OpenAI Chat Completions. Repeat to evaluate several agents with the same simulated user and judge.")
    var agent: [String] = []

    @Option(help: "A file holding the agent's system prompt (instead of a preset).")
    var agentSystemPrompt: String?

    @Option(help: "A name for an agent given as a bare URL or as --agent-cmd.")
    var agentName: String?

    @Option(help: "Run the agent as a program speaking JSON lines on stdin/stdout (see examples/agents/README.md).")
    var agentCmd: String?

    @Option(help: "With --agent-cmd: per-conversation (a fresh process per conversation) or per-run (one process). (default: per-conversation)")
    var agentScope: AgentScopeFlag?

    @Option(parsing: .unconditional, help: "With --agent-cmd: seconds the program may take for one turn. (default: \(Int(d.agentTimeoutSeconds)))")
    var agentTimeout: Double?

    @Option(help: "With --agent-cmd: environment variables passed to the program although they hold keys (repeatable).")
    var agentEnvPass: [String] = []

    @Option(help: "The simulated user's model (default: the agent's).")
    var user: String?

    @Option(help: "The judge's model (default: the simulated user's). Repeat for several judges; the first is primary.")
    var judge: [String] = []

    @Option(name: .customLong("protocol"), help: "Protocol preset: default, or collabllm (every setting of the CollabLLM paper). (default: default)")
    var protocolPreset: RunPlan.ProtocolPreset?

    @Option(help: "How the final document or program is taken: deterministic, llm (judge model, code copied verbatim) or llm-paper (the paper's, quirks included).")
    var extractor: ExtractorChoice?

    @Flag(help: "Also grade math with the accuracy judge (on under --protocol collabllm, where it is the task metric).")
    var judgedAccuracy = false

    @Option(help: "Interactivity rubric: three-level (the paper's 1-3, reported as 2*(S-2.5)) or unit (a score in [0, 1]). (default: three-level)")
    var itrScale: ITRScale?

    @Option(parsing: .unconditional, help: "Judgements per conversation and judge (agreement is reported as Krippendorff's alpha). (default: \(d.judgeRepeats))")
    var judgeRepeats: Int?

    @Option(help: "The results database (SQLite). (default: \(d.store))")
    var db: String?

    @Option(help: "A name for the run (default: its id).")
    var name: String?

    @Option(parsing: .unconditional, help: "Only the first N tasks of the pack.")
    var limit: Int?

    @Option(parsing: .unconditional, help: "Run seed; every conversation and model call derives its seed from it. (default: \(d.seed))")
    var seed: Int?

    @Option(parsing: .unconditional, help: "Conversations in flight at most. (default: \(d.concurrency))")
    var concurrency: Int?

    @Option(parsing: .unconditional, help: "Calls in flight at most to the agent's model (default: --concurrency).")
    var agentConcurrency: Int?

    @Option(parsing: .unconditional, help: "Calls in flight at most to the simulated user's model (default: --concurrency).")
    var userConcurrency: Int?

    @Option(parsing: .unconditional, help: "Calls in flight at most to each judge model, extractor included (default: --concurrency).")
    var judgeConcurrency: Int?

    @Option(help: "Agent preset: base (no system prompt) or proactive (asks clarifying questions). (default: base)")
    var preset: RunPlan.AgentPreset?

    @Option(parsing: .unconditional, help: "Maximum user/assistant exchanges (default: the pack's, 6 for math and code, 8 for docs).")
    var maxExchanges: Int?

    @Option(parsing: .unconditional, help: "Agent temperature (default: the paper's, 0.6 for math and code, 0.8 for docs).")
    var agentTemperature: Double?

    @Option(parsing: .unconditional, help: "Agent top_p. (default: \(d.agentTopP))")
    var agentTopP: Double?

    @Option(parsing: .unconditional, help: "Maximum tokens per agent reply. (default: \(d.agentMaxTokens))")
    var agentMaxTokens: Int?

    @Option(parsing: .unconditional, help: "Maximum tokens per simulated-user reply. (default: \(d.userMaxTokens))")
    var userMaxTokens: Int?

    @Option(parsing: .unconditional, help: "Maximum tokens per judge reply. (default: \(d.judgeMaxTokens))")
    var judgeMaxTokens: Int?

    @Option(parsing: .unconditional, help: "Judge calls at most per conversation when its reply cannot be read. (default: \(d.judgeAttempts))")
    var judgeAttempts: Int?

    @Flag(inversion: .prefixedNo, help: "Ask the simulated user and judge for JSON through response_format.")
    var structuredOutput = true

    @Option(help: "Folder of prompt templates overriding the bundled ones, file by file.")
    var prompts: String?

    @Option(help: "Folder holding <encoding>.tiktoken rank files.")
    var tokenizerDir: String?

    @Option(parsing: .unconditional, help: "Seconds one model call may take before it is retried. (default: \(Int(d.requestTimeoutSeconds)))")
    var requestTimeout: Double?

    @Option(parsing: .unconditional, help: "Conversations per task (for pass@k and pass^k). (default: \(d.trials))")
    var trials: Int?

    @Option(help: "Run only shard i of n (i/n, 0-based): task k belongs to shard k mod n. Shards merge with 'collabbench merge'.")
    var shard: String?

    @Option(help: "Response cache: read-write (default), read-only (replay offline; a miss is an error), or off.")
    var cache: CacheMode?

    @Flag(help: "Start a new run even when a stored run has this configuration (default: continue it).")
    var forceNew = false

    @Flag(help: "Run the failed conversations of the stored run with this configuration again, each replacing its failed attempt (recorded in the store as retried).")
    var retryFailed = false

    @Flag(help: "Stream replies from OpenAI-compatible servers (SSE) and record time to first token and tokens/s per call.")
    var stream = false

    @Flag(help: "Anthropic models: mark the system prompt and the conversation so far with cache_control breakpoints, so later calls read them from the prompt cache (priced at the cached rate). OpenAI caches prompts automatically, so this changes nothing for OpenAI-compatible servers; cached tokens are recorded and priced either way.")
    var promptCache = false

    @Option(parsing: .unconditional, help: "Requests per minute per model (server and model name; shared by every role calling it); on HTTP 429 the calls in flight also back off and recover by themselves.")
    var rpm: Int?

    @Option(parsing: .unconditional, help: "Tokens (prompt + completion) per minute per model (server and model name), shared by every role calling it.")
    var tpm: Int?

    @Option(help: "A pricing file (YAML: models: {<model>: {input: <USD per 1M>, output: <USD per 1M>}}) on top of the built-in prices.")
    var pricing: String?

    @Option(parsing: .unconditional, help: "Stop starting conversations once this many US dollars are spent (those in flight finish; re-run with a larger budget to continue).")
    var budget: Double?

    @Option(help: "Send calls through the providers' batch APIs (OpenAI Batch API, Anthropic Message Batches; half price, answered within 24 h): off; judges (the judge, accuracy-judge and extractor calls of finished conversations); or all (every call but an agent program's: the conversations start together, up to 1,000 or --concurrency, and advance one turn per batch). (default: off)")
    var batch: BatchMode?

    @Option(help: "Give each simulated user one real person's profile, sampled with the run's seed: simulatorarena-writers, simulatorarena-students (each optionally :<folder>; default folder ../shared/data/simulatorarena or $COLLABBENCH_SIMULATORARENA), or a JSON file of personas.")
    var personas: String?

    @Option(help: "A YAML file of synthetic traits sampled per conversation on top of --personas, e.g. 'expertise: [novice, expert]'.")
    var personaTraits: String?

    @Option(help: "What to do with a conversation whose simulated user broke the protocol (leaked the reference, answered its own request, stopped before any answer, too many malformed replies): off, flag (keep and mark) or rerun (new seed, then exclude). (default: flag)")
    var simulatorGate: SimulatorGateMode?

    @Option(help: "Under --simulator-gate rerun, new seeds tried at most per conversation. (default: 2)")
    var simulatorReruns: Int?

    @Flag(help: "Print what the run would do (conversations, model calls and tokens at most, and about what it would cost) and call nothing.")
    var dryRun = false

    @Flag(help: "No live display on a terminal: plain progress lines instead (always the case when output is not a terminal).")
    var noProgress = false

    @Option(parsing: .unconditional, help: "Seconds between plain progress lines. (default: 10)")
    var progressInterval: Double = 10

    /// The agents named on the command line, in order (`--agent` values, then `--agent-cmd`).
    var agentEntries: [AgentEntry] {
        agent.map { AgentEntry(model: $0) } + (agentCmd.map { [AgentEntry(command: $0)] } ?? [])
    }

    /// Writes every flag that was given into `plan` (packs and agents are set per plan elsewhere).
    func apply(to plan: inout RunPlan) throws {
        func set<T>(_ value: T?, _ path: WritableKeyPath<RunPlan, T>) { if let value { plan[keyPath: path] = value } }
        func set<T>(_ value: T?, _ path: WritableKeyPath<RunPlan, T?>) { if let value { plan[keyPath: path] = value } }
        set(agentSystemPrompt, \.agentSystemPromptFile)
        set(agentName, \.agentName)
        set(agentScope?.scope, \.agentScope)
        set(agentTimeout, \.agentTimeoutSeconds)
        if !agentEnvPass.isEmpty { plan.agentEnvironmentPass = agentEnvPass }
        set(user, \.user)
        if !judge.isEmpty { plan.judges = judge }
        set(protocolPreset, \.protocolPreset)
        set(extractor, \.extractor)
        if judgedAccuracy { plan.judgedAccuracy = true }
        set(itrScale, \.itrScale)
        set(judgeRepeats, \.judgeRepeats)
        set(db, \.store)
        set(name, \.name)
        set(limit, \.limit)
        set(seed, \.seed)
        set(concurrency, \.concurrency)
        set(agentConcurrency, \.agentConcurrency)
        set(userConcurrency, \.userConcurrency)
        set(judgeConcurrency, \.judgeConcurrency)
        set(preset, \.agentPreset)
        set(maxExchanges, \.maxExchanges)
        set(agentTemperature, \.agentTemperature)
        set(agentTopP, \.agentTopP)
        set(agentMaxTokens, \.agentMaxTokens)
        set(userMaxTokens, \.userMaxTokens)
        set(judgeMaxTokens, \.judgeMaxTokens)
        set(judgeAttempts, \.judgeAttempts)
        if !structuredOutput { plan.structuredOutput = false }
        set(prompts, \.promptsDirectory)
        set(tokenizerDir, \.tokenizerDirectory)
        set(requestTimeout, \.requestTimeoutSeconds)
        set(trials, \.trials)
        if let shard { plan.shard = try Shard(parsing: shard) }
        set(cache, \.cache)
        if forceNew { plan.forceNew = true }
        if retryFailed { plan.retryFailed = true }
        if stream { plan.stream = true }
        if promptCache { plan.promptCache = true }
        set(rpm, \.requestsPerMinute)
        set(tpm, \.tokensPerMinute)
        set(pricing, \.pricingFile)
        set(budget, \.budgetUSD)
        set(batch, \.batch)
        set(personas, \.personas)
        set(personaTraits, \.personaTraitsFile)
        set(simulatorGate, \.simulatorGate)
        set(simulatorReruns, \.simulatorReruns)
    }
}

/// `--agent-scope` values.
enum AgentScopeFlag: String, ExpressibleByArgument, CaseIterable {
    case perConversation = "per-conversation"
    case perRun = "per-run"

    var scope: RunPlan.AgentScope { self == .perRun ? .perRun : .perConversation }
}

extension RunPlan.ProtocolPreset: ExpressibleByArgument {}
extension RunPlan.AgentPreset: ExpressibleByArgument {}
extension ExtractorChoice: ExpressibleByArgument {}
extension ITRScale: ExpressibleByArgument {}
extension CacheMode: ExpressibleByArgument {}
extension BatchMode: ExpressibleByArgument {}
extension SimulatorGateMode: ExpressibleByArgument {}
