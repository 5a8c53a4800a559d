import ArgumentParser
import CollabBenchCore
import CollabBenchPacks

/// `collabbench tasks list`: prints a pack's task ids, one per line, in pack order.
struct TasksListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print a pack's task ids, one per line, in pack order.")

    @Argument(help: "A built-in pack (math, code, docs) or a pack folder.")
    var pack: String

    mutating func run() async throws {
        try await reportingErrors {
            let taskPack = try PackLoader.load(directory: try PackSearch.resolve(pack))
            var output = ""
            output.reserveCapacity(taskPack.tasks.count * 24)
            for task in taskPack.tasks {
                output += task.id
                output += "\n"
            }
            print(output, terminator: "")
        }
    }
}
