import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation

/// `collabbench leaderboard`: per pack and evaluation profile, one row per agent with intervals.
struct LeaderboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Print, per pack and evaluation profile, one row per agent: task metric, #Tok (k), ITR with 95% intervals.",
        discussion: """
            Rows are ranked together only when their runs share the evaluation profile: the task \
            pack (name, version, content hash) and task ids, the simulated user's model, prompts \
            and sampling, the judge's model, prompts and settings, the protocol and the metric \
            settings. Other profiles get their own board, with the difference named. Intervals are \
            percentile bootstrap intervals over tasks, seeded, so they are the same every time.
            """)

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "Only this pack.")
    var pack: String?

    @Flag(help: "Print the rows as JSON instead of tables.")
    var json = false

    @Option(help: "Also break each row down by a persona trait of its simulated users (e.g. document_type, understanding, expertise, or persona), marking the worst group; with --json, prints the breakdown instead of the rows.")
    var by: String?

    @OptionGroup var statistics: StatisticsOptions

    func run() async throws {
        try await reportingErrors {
            let store = try ReportStore.open(db)
            let report = try Leaderboard.build(store: store, options: statistics.leaderboardOptions(pack: pack))
            if let pack, report.boards.isEmpty {
                let packs = Set(try store.runs().map(\.packName))
                if !packs.contains(pack) {
                    let known = packs.isEmpty ? "it holds no runs yet" : "its packs: \(packs.sorted().map(TerminalText.sanitize).joined(separator: ", "))"
                    throw CollabBenchError(.invalidArgument, "no run of pack '\(TerminalText.sanitize(pack))' in \(db) (\(known))")
                }
            }
            if let by {
                let breakdown = try LeaderboardBreakdown.build(store: store, report: report, trait: by)
                print(json ? try breakdown.json() : LeaderboardRenderer.text(report) + "\n" + breakdown.text, terminator: "")
                return
            }
            print(json ? try LeaderboardRenderer.json(report.rows) : LeaderboardRenderer.text(report), terminator: "")
        }
    }
}

/// Options of the resampling behind intervals and p-values.
struct StatisticsOptions: ParsableArguments {
    @Option(help: "Bootstrap resamples per interval.")
    var resamples: Int = 2000

    @Option(help: "Seed of the resampling (the same seed gives the same intervals).")
    var statsSeed: UInt64 = StatisticsSeed.defaultBase

    @Option(help: "Coverage of the intervals, e.g. 0.95.")
    var level: Double = 0.95

    func validate() throws {
        guard resamples >= 1 else { throw ValidationError("--resamples must be at least 1") }
        guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
    }

    func leaderboardOptions(pack: String?) -> LeaderboardOptions {
        LeaderboardOptions(pack: pack, level: level, resamples: resamples, seed: statsSeed)
    }
}

/// Opening stores and naming runs for the report commands.
enum ReportStore {
    /// The existing store at `path` (never creates one), read-only unless `mode` says otherwise.
    static func open(_ path: String, mode: ResultStore.OpenMode = .readOnly) throws -> ResultStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path) (run 'collabbench run ... --db \(path)' first)")
        }
        return try ResultStore(path: path, mode: mode)
    }

    /// The one run `key` names: a run id or name, else a tag on exactly one run.
    static func run(_ key: String, in store: ResultStore, role: String) throws -> RunRecord {
        let runs = try store.resolveRuns(key)
        guard let first = runs.first else {
            throw CollabBenchError(.invalidArgument, "\(role): no run or tag '\(TerminalText.sanitize(key))' in \(store.path) (see 'collabbench tag --list' and 'collabbench leaderboard')")
        }
        guard runs.count == 1 else {
            throw CollabBenchError(
                .invalidArgument,
                "\(role): tag '\(TerminalText.sanitize(key))' names \(runs.count) runs (packs \(runs.map(\.packName).joined(separator: ", "))); name one run")
        }
        return first
    }
}
