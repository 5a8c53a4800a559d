import ArgumentParser

/// `collabbench tasks`: build task packs from datasets, list and check them.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Build task packs from the standard datasets, list their tasks, and check them.",
        subcommands: [TasksImportCommand.self, TasksDownloadCommand.self, TasksListCommand.self, TasksValidateCommand.self]
    )
}
