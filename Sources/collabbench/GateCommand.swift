import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation

/// `collabbench gate`: fails CI when a candidate run is significantly worse than a baseline.
///
/// Exit status: 0 when no metric dropped significantly by more than its allowance, 1 when one
/// did, 2 on usage or data errors. Its options are parsed here rather than by the command-line
/// parser, so that a usage error exits with 2 too.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Gate a candidate run against a baseline: exit 0 pass, 1 significant drop, 2 usage or data error.",
        usage: "collabbench gate --db <file> --baseline <run|tag> --candidate <run|tag> --max-drop <metric>=<x> ... [--alpha 0.05] [--junit <file>] [--summary <file>]",
        discussion: """
            Per pack and metric, the drop is baseline − candidate over the tasks both runs hold \
            (candidate − baseline for #Tok). A check fails when the drop exceeds its allowance and \
            a one-sided paired test (sign-flip permutation of drop − allowance; McNemar's exact \
            test for a 0/1 metric with allowance 0) rejects "drop ≤ allowance" at --alpha.

            OPTIONS:
              --db <file>                 The results database.
              --baseline <run|tag>        Baseline run id or name, or a tag (one run per pack).
              --candidate <run|tag>       Candidate run or tag; repeat for several packs.
              --max-drop <metric>=<x>     Allowed drop; metric is task, accuracy, pass_rate, bleu,
                                          itr or tok_k (points ×100; #Tok in thousands). Repeat.
              --alpha <p>                 Significance level (default 0.05).
              --junit <file>              Write JUnit XML (one test case per pack and metric).
              --summary <file>            Write a Markdown summary for a pull-request comment.
              --allow-profile-change      Gate runs evaluated differently (judge, simulator, ...).
              --resamples <n>, --draws <n>, --stats-seed <s>   Resampling settings.
            """)

    @Argument(parsing: .captureForPassthrough, help: "Options, as in the usage line.")
    var arguments: [String] = []

    func run() async throws {
        let options: GateArguments
        do {
            options = try GateArguments.parse(arguments)
        } catch {
            if GateArguments.exitCode(for: error) == .success {  // --help
                print(GateCommand.configuration.abstract + "\n")
                print(GateArguments.helpMessage(columns: 100).replacingOccurrences(of: "USAGE: gate_arguments", with: "USAGE: collabbench gate"))
                return
            }
            printError("collabbench: error: gate: \(GateArguments.message(for: error).replacingOccurrences(of: "\n", with: " "))")
            throw ExitCode(2)
        }
        do {
            let passed = try options.evaluate()
            if !passed { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("collabbench: error: gate: " + GateErrorWording.line(for: error))
            throw ExitCode(2)
        }
    }
}

/// The gate's options.
struct GateArguments: ParsableArguments {
    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "The baseline: a run id or name, or a tag (one run per pack).")
    var baseline: String

    @Option(help: "The candidate: a run id or name, or a tag. Repeat for several packs.")
    var candidate: [String] = []

    @Option(help: "Allowed drop of a metric, as metric=x (task, accuracy, pass_rate, bleu, itr, tok_k; ×100 points, #Tok in thousands). Repeat.")
    var maxDrop: [String] = []

    @Option(help: "Significance level of the one-sided tests.")
    var alpha: Double = 0.05

    @Option(help: "Write JUnit XML here (one test case per pack and metric).")
    var junit: String?

    @Option(help: "Write a Markdown summary here (for a pull-request comment).")
    var summary: String?

    @Flag(help: "Gate even when the runs were not evaluated alike (different judge, simulator, prompts, …).")
    var allowProfileChange = false

    @Option(help: "Bootstrap resamples of the intervals shown.")
    var resamples: Int = 2000

    @Option(help: "Random sign assignments of the permutation test above 30 tasks.")
    var draws: Int = PairedPermutationTest.defaultDraws

    @Option(help: "Seed of the resampling.")
    var statsSeed: UInt64 = StatisticsSeed.defaultBase

    func validate() throws {
        guard !candidate.isEmpty else { throw ValidationError("--candidate is required") }
        guard !maxDrop.isEmpty else { throw ValidationError("--max-drop is required, e.g. --max-drop task=0") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
        guard resamples >= 1, draws >= 1 else { throw ValidationError("--resamples and --draws must be at least 1") }
    }

    /// Runs the gate, writes the reports and prints the verdict.
    /// - Returns: Whether the gate passed.
    func evaluate() throws -> Bool {
        let allowances = try maxDrop.map(GateAllowance.init(parsing:))
        guard FileManager.default.fileExists(atPath: db) else { throw GateError("no database at \(db)") }
        let store = try ResultStore(path: db, mode: .readOnly)
        let baselineRuns = try store.resolveRuns(baseline)
        guard !baselineRuns.isEmpty else { throw GateError("no run or tag '\(TerminalText.sanitize(baseline))' in \(db)") }
        var candidateRuns: [RunRecord] = []
        for key in candidate {
            let runs = try store.resolveRuns(key)
            guard !runs.isEmpty else { throw GateError("no run or tag '\(TerminalText.sanitize(key))' in \(db)") }
            candidateRuns += runs.filter { run in !candidateRuns.contains { $0.id == run.id } }
        }
        let options = GateOptions(
            allowances: allowances, alpha: alpha, resamples: resamples, draws: draws, seed: statsSeed,
            allowProfileChange: allowProfileChange)
        let result = try Gate.evaluate(store: store, baseline: baselineRuns, candidate: candidateRuns, options: options)
        if let junit { try write(JUnitReport.xml(result), to: junit) }
        if let summary { try write(GateSummary.markdown(result), to: summary) }
        print(GateText.text(result), terminator: "")
        return result.passed
    }

    private func write(_ text: String, to path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw GateError("cannot write \(path): it is a folder, not a file")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw GateError("cannot write \(path): folder \(folder) does not exist")
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            let cause = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0 : nil }
            let reason = cause.map { String(cString: strerror(Int32($0.code))) } ?? "the file cannot be written"
            throw GateError("cannot write \(path): \(reason)")
        }
    }
}

/// The gate's verdict for a terminal.
enum GateText {
    static func text(_ result: GateResult) -> String {
        let s = TerminalText.sanitize
        var out = ""
        for (label, runs) in [("baseline", result.baseline), ("candidate", result.candidate)] {
            for run in runs { out += "\(label) \(s(run.pack)): \(s(run.display)) · \(s(run.agent))\n" }
        }
        for check in result.checks {
            out += "\(check.passed ? "PASS" : "FAIL") \(s(check.pack)) \(check.metric): \(s(check.message)) [\(check.pairs) tasks; \(check.test)]\n"
        }
        for note in result.notes { out += "note: \(s(note))\n" }
        out += result.passed ? "Gate passed.\n" : "Gate failed: \(result.checks.filter { !$0.passed }.count) of \(result.checks.count) checks.\n"
        return out
    }
}

/// How the command line words a gate error.
enum GateErrorWording {
    /// One line for a gate error, settings named by their flags.
    static func line(for error: any Error) -> String {
        if let gate = error as? GateError {
            var text = gate.setting.map { "\(CLIError.flag(forSetting: $0)): " } ?? ""
            text += gate.message
            if let override = gate.override { text += "; use \(CLIError.flag(forSetting: override)) to gate anyway" }
            return TerminalText.sanitize(text)
        }
        return CLIError.line(for: error)
    }
}
