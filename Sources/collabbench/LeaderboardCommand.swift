import ArgumentParser
import CollabBenchReports
import CollabBenchStore
import Foundation

/// `collabbench leaderboard`: per pack, one row per agent.
struct LeaderboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Print, per pack, one row per agent: task metric, #Tok (k), interactivity, conversations.")

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "Only this pack.")
    var pack: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            guard FileManager.default.fileExists(atPath: db) else {
                throw ValidationError("no database at \(db) (run 'collabbench run ... --db \(db)' first)")
            }
            let store = try ResultStore(path: db)
            let rows = try Leaderboard.rows(store: store, pack: pack)
            print(json ? try LeaderboardRenderer.json(rows) : LeaderboardRenderer.text(rows), terminator: "")
        }
    }
}
