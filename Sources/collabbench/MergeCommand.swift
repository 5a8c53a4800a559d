import ArgumentParser
import CollabBenchStore
import Foundation

/// `collabbench merge`: combines stores (shards, or runs made on different machines).
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge result stores (e.g. the shards of a run) into one, without duplicates.")

    @Argument(help: "Stores to merge.")
    var sources: [String]

    @Option(help: "The store to merge into (created if missing).")
    var into: String

    func validate() throws {
        guard !sources.isEmpty else { throw ValidationError("name at least one store to merge") }
    }

    func run() async throws {
        try await reportingErrors {
            // Every source is checked (read-only) before the destination is created or changed.
            for source in sources where FileManager.default.fileExists(atPath: source) {
                _ = try ResultStore(path: source, mode: .readOnly)
            }
            let destination = try ResultStore(path: into)
            for source in sources {
                let r = try destination.merge(from: source)
                print("\(source): \(r.runsAdded) runs and \(r.conversationsAdded) conversations added, \(r.conversationsSkipped) already present, \(r.cacheEntriesAdded) cached replies added")
            }
        }
    }
}
