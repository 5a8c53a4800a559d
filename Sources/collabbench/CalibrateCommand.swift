import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import Foundation

/// `collabbench calibrate`: holds the instruments against real people.
struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Hold the judge and the simulated user against real users.",
        subcommands: [CalibrateJudgeCommand.self, CalibrateSimulatorCommand.self])
}

/// `collabbench calibrate judge`: the interactivity judge on every human conversation, against
/// the users' ratings; the document-quality judge on documents and the correctness check on math.
struct CalibrateJudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Judge every human conversation and report Spearman, Kendall tau-b and Pearson against the users' ratings.",
        discussion: """
            Needs human runs in the store (collabbench humans import). Instruments: interactivity (against the \
            users' interaction rating; math: overall rating), document quality 1-10 on the final document (against \
            the users' document rating), and on math the correctness of the assistant's last answer against the \
            MATH reference (--math; against the students' overall rating). The judges' scores are stored as a new \
            run per reference set. Unreadable judge replies are unscored and counted, never 0.
            """)

    @Option(help: "The results database holding the human runs.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "A judge (provider/model[@base_url]); repeat for several (their Krippendorff alpha is reported).")
    var judge: [String] = []

    @Option(parsing: .unconditional, help: "Judgements per conversation and judge.")
    var judgeRepeats: Int = 1

    @Option(parsing: .unconditional, help: "Maximum tokens per judge reply.")
    var judgeMaxTokens: Int = 400

    @Option(parsing: .unconditional, help: "Judge calls at most per judgement when its reply cannot be read.")
    var judgeAttempts: Int = 3

    @Option(parsing: .unconditional, help: "Seed of the judge calls and the bootstrap intervals.")
    var seed: Int = 0

    @Option(parsing: .unconditional, help: "Only the first N conversations of each reference set (a quick check on a slow judge).")
    var limit: Int?

    @Option(help: "Folder of prompt templates overriding the bundled ones.")
    var prompts: String?

    @Option(help: "A pricing file on top of the built-in prices (see 'run --pricing').")
    var pricing: String?

    @Option(
        help: """
            The MATH file (e.g. ../shared/data/math/math_all.jsonl.gz) the math reference answers are read from; \
            without it correctness is not checked.
            """
    )
    var math: String?

    @Flag(help: "Only the interactivity judge (no document-quality judge, no correctness check).")
    var interactivityOnly = false

    @Flag(inversion: .prefixedNo, help: "Ask the judge for JSON through response_format.")
    var structuredOutput = true

    @Flag(help: "Print JSON: the statistics and every conversation's id, user rating and judge scores, per instrument.")
    var json = false

    func validate() throws {
        guard !judge.isEmpty else { throw ValidationError("give at least one --judge") }
        guard judgeRepeats >= 1 else { throw ValidationError("--judge-repeats must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard judgeMaxTokens >= 1 else { throw ValidationError("--judge-max-tokens must be at least 1") }
        guard judgeAttempts >= 1 else { throw ValidationError("--judge-attempts must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            var plan = JudgeCalibrationPlan(store: db, judges: judge)
            plan.judgeRepeats = judgeRepeats
            plan.judgeMaxTokens = judgeMaxTokens
            plan.judgeAttempts = judgeAttempts
            plan.seed = seed
            plan.structuredOutput = structuredOutput
            plan.limit = limit
            plan.promptsDirectory = prompts
            plan.pricingFile = pricing
            plan.mathFile = math
            plan.otherInstruments = !interactivityOnly
            let outcome = try await plan.run()
            try CalibrateCommand.report(outcome.calibration, text: outcome.calibration.renderedText(), meter: outcome.meter, json: json)
        }
    }
}

extension CalibrateCommand {
    /// Prints a calibration: as pretty JSON, or as sanitised text lines and the cost line.
    static func report(_ value: some Encodable, text: String, meter: RunMeterSnapshot, json: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            for line in text.split(separator: "\n") { print(TerminalText.sanitize(String(line))) }
            print("Cost: \(RunCommand.costLine(meter))")
        }
    }
}

/// `collabbench calibrate simulator`: the simulated user on every human conversation's hidden
/// intent, beside the real user.
struct CalibrateSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Simulate every human conversation's user and report real vs simulated side by side (with KS tests).",
        discussion: """
            Needs human runs in the store (collabbench humans import). For each reference set and assistant the \
            simulated conversations and the statistics are stored as a new run (the simulator's fidelity profile).
            """)

    @Option(help: "The results database holding the human runs.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "The simulated user (provider/model[@base_url]).")
    var user: String

    @Option(help: "An assistant the simulated users talk to; repeat for several (Spearman over assistants). Default: the --user model.")
    var agent: [String] = []

    @Option(help: "The judge rating real and simulated conversations. Default: the --user model.")
    var judge: String?

    @Option(parsing: .unconditional, help: "Exchanges at most per simulated conversation.")
    var maxExchanges: Int = 10

    @Option(parsing: .unconditional, help: "Judge calls at most per judgement when its reply cannot be read.")
    var judgeAttempts: Int = 3

    @Option(parsing: .unconditional, help: "Seed of every call and of the bootstrap intervals.")
    var seed: Int = 0

    @Option(parsing: .unconditional, help: "Only the first N conversations of each reference set.")
    var limit: Int?

    @Option(help: "Folder of prompt templates overriding the bundled ones.")
    var prompts: String?

    @Option(help: "A pricing file on top of the built-in prices (see 'run --pricing').")
    var pricing: String?

    @Flag(inversion: .prefixedNo, help: "Ask the simulated user and the judge for JSON through response_format.")
    var structuredOutput = true

    @Flag(help: "Print the statistics as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard maxExchanges >= 1 else { throw ValidationError("--max-exchanges must be at least 1") }
        guard judgeAttempts >= 1 else { throw ValidationError("--judge-attempts must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            var plan = SimulatorCalibrationPlan(store: db, user: user)
            plan.agents = agent
            plan.judge = judge
            plan.maxExchanges = maxExchanges
            plan.judgeAttempts = judgeAttempts
            plan.seed = seed
            plan.limit = limit
            plan.structuredOutput = structuredOutput
            plan.promptsDirectory = prompts
            plan.pricingFile = pricing
            let outcome = try await plan.run()
            try CalibrateCommand.report(outcome.calibration, text: outcome.calibration.renderedText(), meter: outcome.meter, json: json)
        }
    }
}
