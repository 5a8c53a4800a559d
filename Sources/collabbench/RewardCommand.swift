import ArgumentParser
import CollabBenchCore
import CollabBenchRunner
import Foundation

/// `collabbench reward`: the multiturn-aware reward of candidate responses (issue 14).
///
/// `collabbench reward --in items.jsonl --out rewards.jsonl …` computes the rewards of a file
/// (``RewardComputeCommand``, the default subcommand); further subcommands (the service) are
/// listed in ``subcommands``.
struct RewardCommand: AsyncParsableCommand {
    /// The subcommands of `reward`; the first is the default. Add further ones here.
    static let subcommands: [any ParsableCommand.Type] = [RewardComputeCommand.self, RewardServeCommand.self]

    static let configuration = CommandConfiguration(
        commandName: "reward",
        abstract: "Multiturn-aware rewards of candidate responses, for training loops.",
        subcommands: subcommands, defaultSubcommand: RewardComputeCommand.self)
}

/// The model and scoring options of every `reward` subcommand, mapped to a ``RewardPlan``.
struct RewardOptions: ParsableArguments {
    static let d = RewardPlan(policy: "", user: "", judge: "")

    @Option(help: "The policy that continues the conversation after each candidate: provider/model[@base_url].")
    var policy: String

    @Option(help: "The simulated user's model.")
    var user: String

    @Option(help: "The judge's model (interactivity, and extraction or accuracy when on).")
    var judge: String

    @Option(help: "The pack of items that name none (built-in name or folder).")
    var pack: String?

    @Option(parsing: .unconditional, help: "w: exchanges at most after the candidate. (default: \(d.window))")
    var window: Int?

    @Option(parsing: .unconditional, help: "S: continuations sampled per candidate. (default: \(d.samples))")
    var samples: Int?

    @Option(parsing: .unconditional, help: "λ of the token penalty -min(λ·tokens, 1) (default: the paper's, 1e-4 for docs, 5e-4 for code and math).")
    var lambda: Double?

    @Option(help: "paper (metric - min(λ·tokens, 1) + ITR) or weighted (a sum of --weight name=value). (default: paper)")
    var formula: RewardPlan.Formula?

    @Option(help: "With --formula weighted: a component's weight, e.g. accuracy=1, interactivity=0.5, token_amount=-0.5 (repeatable).")
    var weight: [String] = []

    @Option(name: .customLong("protocol"), help: "Protocol preset, as for 'run': default or collabllm. (default: default)")
    var protocolPreset: RunPlan.ProtocolPreset?

    @Option(help: "How the final document or program is taken, as for 'run': deterministic, llm or llm-paper.")
    var extractor: ExtractorChoice?

    @Flag(help: "Grade math with the accuracy judge; the judged accuracy is the reward's task metric.")
    var judgedAccuracy = false

    @Option(help: "Interactivity rubric: unit (a score in [0, 1], the paper's MR) or three-level (reported as 2*(S-2.5)). (default: unit)")
    var itrScale: ITRScale?

    @Option(parsing: .unconditional, help: "Seed every continuation's seed derives from (with the item id, candidate and sample). (default: \(d.seed))")
    var seed: Int?

    @Option(parsing: .unconditional, help: "Continuations in flight at most. (default: \(d.concurrency))")
    var concurrency: Int?

    @Option(help: "The store: response cache and a record of every reward call. (default: \(d.store))")
    var db: String?

    @Option(help: "Response cache: read-write (default), read-only (replay offline; a miss is an error), or off.")
    var cache: CacheMode?

    @Flag(help: "Do not record the call in the store (the cache is still used).")
    var noRecord = false

    @Option(help: "Folder holding <encoding>.tiktoken rank files.")
    var tokenizerDir: String?

    @Option(help: "Folder of prompt templates overriding the bundled ones, file by file.")
    var prompts: String?

    @Option(parsing: .unconditional, help: "Seconds one model call may take before it is retried. (default: \(Int(d.requestTimeoutSeconds)))")
    var requestTimeout: Double?

    @Flag(inversion: .prefixedNo, help: "Ask the simulated user and judge for JSON through response_format.")
    var structuredOutput = true

    /// The plan these options ask for, validated.
    func plan() throws -> RewardPlan {
        var plan = RewardPlan(policy: policy, user: user, judge: judge)
        func set<T>(_ value: T?, _ path: WritableKeyPath<RewardPlan, T>) { if let value { plan[keyPath: path] = value } }
        plan.defaultPack = pack
        set(window, \.window)
        set(samples, \.samples)
        plan.lambda = lambda
        set(formula, \.formula)
        for entry in weight {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
                throw CollabBenchError(.invalidArgument, "use name=value, e.g. accuracy=1", setting: "weight", value: entry)
            }
            plan.weights[parts[0]] = value
        }
        set(protocolPreset, \.protocolPreset)
        plan.extractor = extractor
        if judgedAccuracy { plan.judgedAccuracy = true }
        set(itrScale, \.itrScale)
        set(seed, \.seed)
        set(concurrency, \.concurrency)
        set(db, \.store)
        set(cache, \.cache)
        if noRecord { plan.record = false }
        plan.tokenizerDirectory = tokenizerDir
        plan.promptsDirectory = prompts
        set(requestTimeout, \.requestTimeoutSeconds)
        plan.structuredOutput = structuredOutput
        try plan.validate()
        return plan
    }
}

extension RewardPlan.Formula: ExpressibleByArgument {}

/// `collabbench reward --in items.jsonl --out rewards.jsonl …`: one result line per item, in input order.
struct RewardComputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Reward the candidates of a JSON-lines file of items; one result line per item, in input order.",
        discussion: """
            Each input line: {"id", "pack", "task_id" (or an inline "task"), "history": [{"role", "content"}], \
            "candidates": [...]}. Each output line: {"id", "rewards": [{"mr", "std", "used", "samples": [...]}]}, \
            one reward per candidate. A sample whose judge reply cannot be read has "itr": null, never 0; \
            a failing model call marks the sample failed and it is left out of the mean.
            """)

    @Option(name: .customLong("in"), help: "The items, one JSON object per line.")
    var input: String

    @Option(name: .customLong("out"), help: "Where the result lines go ('-': standard output).")
    var output: String

    @OptionGroup var options: RewardOptions

    func run() async throws {
        try await reportingErrors {
            let plan = try options.plan()
            guard let data = FileManager.default.contents(atPath: input) else {
                throw CollabBenchError(.missingFile, "cannot read the items", file: input)
            }
            let name = (input as NSString).lastPathComponent
            let items = try RewardItem.parseJSONLines(String(decoding: data, as: UTF8.self), file: name)
            guard !items.isEmpty else { throw CollabBenchError(.malformedTask, "no items", file: name) }
            let started = Date()
            let rewarder = try MultiturnRewarder(plan: plan, packSearchRoots: PackSearch.roots)
            let results: [RewardResult]
            do {
                // The servers are checked (as 'run' does) before any continuation starts.
                var packs: [String] = []
                for item in items {
                    if let pack = item.pack ?? plan.defaultPack, !packs.contains(pack) { packs.append(pack) }
                }
                try await rewarder.open(packs: packs)
                results = try await rewarder.rewards(for: items)
            } catch {
                await rewarder.close()
                throw error
            }
            let (calls, cached) = await rewarder.calls()
            await rewarder.close()
            let text = try results.map { try $0.jsonLine() + "\n" }.joined()
            if output == "-" {
                FileHandle.standardOutput.write(Data(text.utf8))
            } else {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CollabBenchError(.storeError, "cannot write the rewards", file: output, cause: error.localizedDescription)
                }
            }
            let samples = results.flatMap(\.rewards).flatMap(\.samples)
            let candidates = results.map(\.rewards.count).reduce(0, +)
            let summary = """
                Rewarded \(candidates) candidates of \(items.count) items: \(samples.count) samples, \
                \(samples.filter(\.failed).count) failed, \(samples.filter { !$0.failed && $0.itr == nil }.count) with ITR unscored; \
                \(calls) model calls (\(cached) from the cache) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.\
                \(plan.record ? " Recorded in \(plan.store)." : "")
                """
            if output == "-" { printError(summary) } else { print(summary) }
        }
    }
}
