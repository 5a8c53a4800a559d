import ArgumentParser
import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchRunner
import CollabBenchStore
import Foundation

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

    @Option(help: "The pack the run used (default: the built-in pack of the run's pack name).")
    var pack: String?

    @Option(help: "A name for the new run.")
    var name: String?

    @Option(help: "Maximum tokens per judge reply.")
    var judgeMaxTokens: Int = 400

    @Option(help: "Judge calls at most per conversation when its reply cannot be read.")
    var judgeAttempts: Int = 3

    @Option(help: "Folder of prompt templates overriding the bundled ones.")
    var prompts: String?

    @Option(help: "A pricing file on top of the built-in prices (see 'run --pricing').")
    var pricing: String?

    func run() async throws {
        try await reportingErrors {
            guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
            let store = try ResultStore(path: db)
            guard let source = try store.run(run) else { throw ValidationError("no run '\(run)' in \(db)") }
            let judgeSpec = try ModelSpec(parsing: judge)
            let taskPack = try PackLoader.load(directory: try PackLoader.resolve(pack ?? source.packName))
            let library = try PromptLibrary.load(overrideDirectory: prompts)
            let config = try JSONDecoder().decode(RunConfiguration.self, from: Data(source.configJSON.utf8))
            let prices = try pricing.map(PricingFile.load(path:)).map(PricingTable.builtin.merging) ?? PricingTable.builtin
            let meter = RunMeter()
            let factory = ModelClientFactory()
            do {
                try await factory.preflight(judgeSpec)
                let model = MeteredChatModel(
                    base: CachedChatModel(base: factory.client(for: judgeSpec), cache: store, mode: .readWrite),
                    price: prices.price(for: judgeSpec), meter: meter)
                let sampling = Sampling(temperature: 0, maxTokens: judgeMaxTokens)
                let rejudger = Rejudger(
                    store: store, pack: taskPack, prompts: library,
                    judge: InteractivityJudge(
                        model: model, prompts: library, sampling: sampling, structuredOutput: config.judgeStructuredOutput,
                        maxAttempts: judgeAttempts, scale: config.itrScale == "unit" ? .unitInterval : .threeLevel),
                    accuracyJudge: config.judgedAccuracy
                        ? AccuracyJudge(model: model, prompts: library, sampling: sampling, structuredOutput: config.judgeStructuredOutput, maxAttempts: judgeAttempts)
                        : nil)
                let (runID, count) = try await rejudger.rejudge(source, name: name)
                try await factory.shutdown()
                print("Re-judged \(count) conversations of \(source.name) with \(judgeSpec) into run \(runID). No agent or simulator call was made.")
                print("Cost: \(RunCommand.costLine(meter.snapshot()))")
            } catch {
                try? await factory.shutdown()
                throw error
            }
        }
    }
}
