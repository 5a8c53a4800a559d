import ArgumentParser
import CollabBenchPacks
import CollabBenchRunner
import Foundation

/// `collabbench config check`: validates an evaluation config file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with YAML evaluation configs (collabbench run --config <file>).",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check a config: every problem with file and line; non-zero exit when any.")

        @Argument(help: "The config file.")
        var file: String

        func run() async throws {
            var (config, problems) = EvaluationConfig.load(path: file)
            for pack in config?.packs ?? [] {
                do {
                    _ = try PackLoader.load(directory: try PackSearch.resolve(pack))
                } catch {
                    problems.append(.init(file: file, line: nil, message: "pack '\(pack)': \(error)"))
                }
            }
            for p in problems { printError(p.description) }
            guard problems.isEmpty, let config else { throw ExitCode.failure }
            print("\(file): ok — \(config.packs.count) packs × \(config.agents.count) agents = \(config.packs.count * config.agents.count) runs")
        }
    }
}
