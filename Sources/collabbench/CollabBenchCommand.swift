import ArgumentParser
import CollabBenchCore
import Foundation

/// The `collabbench` command: runs multi-turn collaboration benchmarks and reports on them.
@main
struct CollabBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collabbench",
        abstract: "Measure how well LLM agents collaborate with a simulated user over many turns.",
        version: CollabBenchVersion.current,
        subcommands: [
            RunCommand.self, LeaderboardCommand.self, CompareCommand.self, GateCommand.self, ExportCommand.self, TagCommand.self,
            RejudgeCommand.self, MergeCommand.self, TasksCommand.self, ConfigCommand.self, ScoreCommand.self, TokensCommand.self, HumansCommand.self, CalibrateCommand.self,
            RewardCommand.self,
            ServeCommand.self,
            StudyCommand.self,
        ]
    )

    /// Parses and runs a subcommand. Every error, a wrong flag included, is one
    /// `collabbench: error: …` line and a non-zero exit; help and version print as usual.
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitWithOneLine(error)
        }
        do {
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                var sync = command
                try sync.run()
            }
        } catch {
            exitWithOneLine(error)
        }
    }

    /// Exits for `error`: help, version and explicit exit codes as ArgumentParser has them,
    /// anything else as one line.
    private static func exitWithOneLine(_ error: any Error) -> Never {
        if error is CleanExit || error is ExitCode { exit(withError: error) }
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }  // --help, --version.
        let message = error is CollabBenchError ? CLIError.line(for: error) : message(for: error)
        printError("collabbench: error: " + message.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces))
        Foundation.exit(code == .failure && error is CollabBenchError ? CLIError.exitCode(for: error).rawValue : code.rawValue)
    }
}
