import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import Foundation

/// `collabbench run`: runs a pack's conversations and records everything in the store.
///
/// The command maps its flags (and a YAML config) to ``RunPlan``s, lets the library assemble and
/// run each one, and prints what happened.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a task pack: simulated user and agent converse, then every conversation is scored and stored.",
        discussion: """
            Model specs are provider/model[@base_url], e.g. openai/gpt-4o-mini or \
            openai/smollm2@http://127.0.0.1:8080/v1. The API key comes from OPENAI_API_KEY \
            (optional for local servers) and is never stored.
            """)

    @OptionGroup var options: RunOptions

    func validate() throws {
        if options.config == nil {
            guard options.pack != nil else { throw ValidationError("give --pack <name or folder> (or --config <file>)") }
            guard options.agent.isEmpty != (options.agentCmd == nil) else {
                throw ValidationError("give the agent as --agent <spec or URL> or as --agent-cmd <command>, not both")
            }
            if options.agentCmd != nil && options.user == nil { throw ValidationError("--agent-cmd needs --user <spec>: the simulated user must be a model") }
        }
        guard options.progressInterval.isFinite, options.progressInterval > 0, options.progressInterval <= 86_400 else {
            throw ValidationError("--progress-interval must be a positive number of seconds, at most a day")
        }
    }

    func run() async throws {
        let plans = try await reportingErrors { try makePlans() }
        var failures = 0
        for plan in plans {
            if options.config != nil {
                print("== pack \(plan.pack), agent \(plan.agentLabel)")
            } else if plans.count > 1 {
                print("== agent \(plan.agentLabel)")
            }
            do {
                try await runOne(plan)
            } catch let exit as ExitCode where exit != .success && exit.rawValue != 130 && plans.count > 1 {
                failures += 1  // The next agent or pack still runs; the error line is printed.
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The plans of this invocation: defaults, then the config's settings, then the flags given,
    /// then each agent's own settings; one plan per pack and agent.
    func makePlans() throws -> [RunPlan] {
        var base = RunPlan.defaults
        var evaluation: EvaluationConfig?
        if let path = options.config {
            let (loaded, problems) = EvaluationConfig.load(path: path)
            guard let loaded, problems.isEmpty else {
                let more = problems.count > 1 ? " (and \(problems.count - 1) more; run 'collabbench config check \(path)')" : ""
                throw CollabBenchError(.invalidArgument, (problems.first?.description ?? "\(path): invalid") + more)
            }
            loaded.apply(to: &base)
            evaluation = loaded
        }
        try options.apply(to: &base)
        let agents = options.agentEntries
        let plans = (evaluation ?? EvaluationConfig()).plans(
            from: base, packs: options.pack.map { [$0] }, agents: agents.isEmpty ? nil : agents)
        for plan in plans { try plan.validate() }
        return plans
    }

    /// Assembles and runs one plan, printing its outcome.
    func runOne(_ plan: RunPlan) async throws {
        try await reportingErrors {
            let prepared = try RunAssembler(plan: plan, packSearchRoots: PackSearch.roots).prepare()
            if options.dryRun {
                print(prepared.dryRunEstimate().description)
                return
            }
            let session = try await prepared.open()
            let db = plan.store
            switch session.resolution {
            case .alreadyComplete(let run):
                print("Run \(TerminalText.sanitize(run.name)) (\(run.id)) with this configuration is already complete in \(db); nothing to do (--force-new runs it again).")
                let summary = try await session.run()
                await session.close()
                return printSummary(summary, plan: plan)
            case .resume(let run):
                print("Continuing run \(TerminalText.sanitize(run.name)) (\(run.id)).")
                if plan.budgetUSD != nil, let stored = try? session.storedCost(), stored.unpricedCalls > 0 {
                    print("Note: \(stored.unpricedCalls) stored calls of this run have an unknown cost; --budget counts only the known \(DryRunEstimate.dollars(stored.usd ?? 0)).")
                }
            case .retryFailed(let run, let failed):
                print("Retrying \(failed) failed conversation\(failed == 1 ? "" : "s") of run \(TerminalText.sanitize(run.name)) (\(run.id)).")
            case .new:
                break
            }
            let reporter = ProgressReporter(
                meter: session.meter, agent: "\(prepared.agentSpec) [\(plan.agentPreset.rawValue)]", pack: prepared.pack.manifest.name,
                noProgress: options.noProgress, interval: options.progressInterval)
            let outcome: RunSummary?
            do {
                outcome = try await InterruptibleRun.run {
                    reporter.start()
                    defer { reporter.finish() }
                    return try await session.run { reporter.handle($0) }
                }
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            guard let summary = outcome else {
                print("Interrupted: the conversations finished so far are stored in \(db). Run the same command again to resume.")
                throw ExitCode(130)
            }
            printSummary(summary, plan: plan)
            if summary.failed > 0 && summary.completed == 0 && summary.alreadyStored == 0 { throw ExitCode.failure }
        }
    }

    /// The lines after a run: counts, quality, cost, budget, where to look.
    func printSummary(_ summary: RunSummary, plan: RunPlan) {
        let db = plan.store
        let resumed = summary.alreadyStored > 0 ? " (\(summary.alreadyStored) already stored, kept)" : ""
        print("Run \(TerminalText.sanitize(summary.runName)) (\(summary.runID)): \(summary.completed) conversations completed, \(summary.failed) failed\(resumed), in \(String(format: "%.1f", summary.wallSeconds)) s. Stored in \(db).")
        if summary.quality.conversations > 0 { print("Quality: \(summary.quality.line)") }
        if summary.meter.calls > 0 { print("Cost: \(Self.costLine(summary.meter))") }
        if plan.batch != .off, case let b = summary.batches {
            print("Batches: \(b.submitted) submitted, \(b.reattached) re-attached; \(b.answered) calls answered by a batch, \(b.direct) made directly.")
        }
        if summary.notStartedForBudget > 0 {
            print("Budget of \(DryRunEstimate.dollars(plan.budgetUSD ?? 0)) reached: \(summary.notStartedForBudget) conversations not started. Run the same command with a larger --budget to continue.")
        }
        print("See the results with: collabbench leaderboard --db \(db)")
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

extension RunPlan {
    /// How the agent is named in headings: its spec, URL or command, without URL credentials or
    /// control characters.
    var agentLabel: String {
        switch agent {
        case .model(let text), .command(let text): TerminalText.sanitize(ModelSpec.masked(text))
        }
    }
}
