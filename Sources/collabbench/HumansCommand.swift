import ArgumentParser
import CollabBenchCore
import CollabBenchPacks
import CollabBenchReports
import CollabBenchRunner
import Foundation

/// `collabbench humans`: real people's conversations as reference sets.
struct HumansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "humans",
        abstract: "Real human–AI conversations with the users' own ratings, as human runs in the store.",
        subcommands: [HumansImportCommand.self])
}

/// `collabbench humans import`: reads the SimulatorArena conversations into the store.
struct HumansImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the SimulatorArena conversations (document creation, math tutoring) as human runs.",
        discussion: """
            One run per reference set: the user is a person (human/simulatorarena), the assistant the \
            recorded model (recorded/simulatorarena, preset 'human'); the users' ratings are scores \
            human.<rating> with method 'human', their stop reasons and comments the scores' detail. \
            A user message that is an uploaded image is stored as the text '[image: <path>]'. \
            Every problem in the input is one line and nothing is written; importing again is a no-op.
            """)

    @Option(help: "The folder holding the SimulatorArena annotation files.")
    var from: String

    @Option(help: "The MATH file the math problems are restored from (default: ../math/math_all.jsonl.gz next to --from).")
    var math: String?

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    func run() async throws {
        do {
            let outcomes = try HumanImportPlan(directory: from, mathFile: math, store: db).run()
            for o in outcomes {
                if o.alreadyImported {
                    print("\(o.set.rawValue): already imported as run \(o.runName) (\(o.runID)); nothing written")
                } else {
                    print(
                        "\(o.set.rawValue): imported \(o.conversations) conversations (\(o.userMessages) user messages, \(o.imageMessages) image messages stored as '[image: <path>]', \(o.missingReplies) null assistant replies stored as '[no reply recorded]') as run \(o.runName) (\(o.runID))"
                    )
                }
            }
        } catch let error as HumanImportError {
            // One line per problem, then the one error line every command ends a failure with.
            for problem in error.problems { printError("collabbench: problem: " + TerminalText.sanitize(problem)) }
            printError("collabbench: error: nothing imported (\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s"))")
            throw ExitCode(65)
        } catch {
            try await reportingErrors { throw error }
        }
    }
}
