import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner

/// `collabbench rejudge`: re-scores a stored run with another judge, without calling the agent or
/// the simulated user.
struct RejudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejudge",
        abstract: "Judge a stored run's conversations again with another judge; the result is a new run.")

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "The run to re-judge (id or name).")
    var run: String

    @Option(help: "The new judge (provider/model[@base_url]).")
    var judge: String

    @Option(help: "The pack the run used, checked against the run's (default: the copy of its tasks stored with the run; for older stores the built-in pack of the run's pack name).")
    var pack: String?

    @Option(help: "A name for the new run.")
    var name: String?

    @Option(parsing: .unconditional, help: "Maximum tokens per judge reply.")
    var judgeMaxTokens: Int = 400

    @Option(parsing: .unconditional, help: "Judge calls at most per conversation when its reply cannot be read.")
    var judgeAttempts: Int = 3

    @Option(help: "Folder of prompt templates overriding the bundled ones.")
    var prompts: String?

    @Option(help: "A pricing file on top of the built-in prices (see 'run --pricing').")
    var pricing: String?

    func validate() throws {
        guard judgeMaxTokens >= 1 else { throw ValidationError("--judge-max-tokens must be at least 1") }
        guard judgeAttempts >= 1 else { throw ValidationError("--judge-attempts must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            var plan = RejudgePlan(store: db, run: run, judge: judge)
            plan.pack = pack
            plan.name = name
            plan.judgeMaxTokens = judgeMaxTokens
            plan.judgeAttempts = judgeAttempts
            plan.promptsDirectory = prompts
            plan.pricingFile = pricing
            plan.packSearchRoots = PackSearch.roots
            let outcome = try await plan.run()
            print("Re-judged \(outcome.conversations) conversations of \(TerminalText.sanitize(outcome.sourceName)) with \(outcome.judge) into run \(outcome.runID). No agent or simulator call was made.")
            print("Cost: \(RunCommand.costLine(outcome.meter))")
        }
    }
}
