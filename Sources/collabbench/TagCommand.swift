import ArgumentParser
import CollabBenchReports
import CollabBenchStore
import Foundation

/// `collabbench tag`: names runs (`baseline`) so a CI gate can find them.
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag a run (e.g. as baseline), list tags, or remove one.",
        discussion: """
            A tag names at most one run per pack: tagging a newer run of the same pack moves the \
            tag. So one tag can name the baseline of every pack a CI job runs: \
            'collabbench gate --baseline baseline --candidate <run>'.
            """)

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Argument(help: "The run to tag (id or name).")
    var run: String?

    @Argument(help: "The tag, e.g. baseline.")
    var tag: String?

    @Flag(help: "List every tag.")
    var list = false

    @Option(help: "Remove this tag (from the run given, or from every run).")
    var remove: String?

    func validate() throws {
        if list {
            guard run == nil, remove == nil else { throw ValidationError("--list takes no run, tag or --remove") }
        } else if remove != nil {
            guard tag == nil else { throw ValidationError("--remove <tag> takes at most a run") }
        } else {
            guard run != nil, tag != nil else { throw ValidationError("usage: collabbench tag <run> <tag> | --list | --remove <tag> [<run>]") }
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try ReportStore.open(db, mode: list ? .readOnly : .readWrite)
            let s = TerminalText.sanitize
            if list {
                let tags = try store.tags()
                if tags.isEmpty { print("No tags.") }
                for t in tags {
                    let name = try store.run(t.runID).map { $0.name == $0.id ? $0.id : "\($0.name) (\($0.id))" } ?? t.runID
                    print("\(s(t.name))  \(s(t.packName))  \(s(name))  tagged \(s(t.createdAt))")
                }
            } else if let remove {
                let runID = try run.map { try ReportStore.run($0, in: store, role: "run").id }
                let removed = try store.removeTag(remove, runID: runID)
                guard removed > 0 else { throw ValidationError("no tag '\(s(remove))'\(runID.map { " on run \($0)" } ?? "")") }
                print("Removed tag \(s(remove)) from \(removed) run\(removed == 1 ? "" : "s").")
            } else if let run, let tag {
                guard let record = try store.run(run) else {
                    throw ValidationError("no run with id or name '\(s(run))' in \(db)")
                }
                let formatter = ISO8601DateFormatter()
                let previous = try store.tag(runID: record.id, as: tag, at: formatter.string(from: Date()))
                print("Tagged \(s(record.name == record.id ? record.id : "\(record.name) (\(record.id))")) (pack \(s(record.packName))) as \(s(tag))"
                    + (previous.map { "; the tag moved from \(s($0))" } ?? "") + ".")
            }
        }
    }
}
