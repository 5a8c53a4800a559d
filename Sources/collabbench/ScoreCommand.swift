import ArgumentParser

/// `collabbench score`: the metrics as commands, for users who want to check a score.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score one input (or a JSON Lines batch) with a metric, exactly as runs do.",
        subcommands: [ScoreBLEUCommand.self, ScoreMathCommand.self, ScoreCodeCommand.self]
    )
}
