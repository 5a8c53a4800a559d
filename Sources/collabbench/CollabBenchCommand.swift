import ArgumentParser
import CollabBenchCore

/// The `collabbench` command: runs multi-turn collaboration benchmarks and reports on them.
@main
struct CollabBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collabbench",
        abstract: "Measure how well LLM agents collaborate with a simulated user over many turns.",
        version: CollabBenchVersion.current,
        subcommands: [
            RunCommand.self, LeaderboardCommand.self, CompareCommand.self, GateCommand.self, ExportCommand.self, TagCommand.self,
            RejudgeCommand.self, MergeCommand.self, TasksCommand.self, ConfigCommand.self, ScoreCommand.self, TokensCommand.self,
        ]
    )
}
