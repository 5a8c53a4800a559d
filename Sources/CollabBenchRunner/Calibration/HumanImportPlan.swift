import CollabBenchCore
import CollabBenchPacks
import CollabBenchStore
import Foundation

/// What `humans import` needs: the SimulatorArena folder, the MATH file and the store.
///
/// ``run(now:)`` reads both reference sets (every problem in the input is reported, one line
/// each, and nothing is written), then records each as a human run (``HumanRunLayout``) in one
/// transaction. A set whose run name the store already has is left as it is ("already imported").
public struct HumanImportPlan: Sendable {
    /// The folder holding the SimulatorArena annotation files.
    public var directory: String
    /// The MATH file the math problems are restored from (nil: `../math/math_all.jsonl.gz` next to ``directory``).
    public var mathFile: String?
    /// The results database.
    public var store: String

    /// Creates a plan.
    public init(directory: String, mathFile: String? = nil, store: String) {
        self.directory = directory
        self.mathFile = mathFile
        self.store = store
    }

    /// What happened to one reference set.
    public struct SetOutcome: Sendable, Hashable {
        /// The set.
        public var set: HumanReferenceSet
        /// Its run's name and id.
        public var runName: String
        public var runID: String
        /// Conversations, user messages and image messages (stored as `[image: <path>]`).
        public var conversations: Int
        public var userMessages: Int
        public var imageMessages: Int
        /// Assistant replies the release records as null, stored as `[no reply recorded]`.
        public var missingReplies: Int
        /// True when the store already had a run of this name (nothing was written for it).
        public var alreadyImported: Bool
    }

    /// Reads and records both sets.
    /// - Returns: One outcome per set, document creation first.
    /// - Throws: ``HumanImportError`` listing every problem in the input (nothing written), or
    ///   ``CollabBenchError`` for store failures (nothing written either).
    public func run(now: Date = Date()) throws -> [SetOutcome] {
        let sources = try SimulatorArenaReader.read(directory: directory, mathFile: mathFile)
        let runs = try sources.map { try HumanRunLayout.completeRun($0, at: now) }
        let resultStore = try ResultStore(path: store)
        let skipped = Set(try resultStore.recordCompleteRuns(runs, skippingExistingNames: true))
        return try zip(sources, runs).map { source, complete in
            let already = skipped.contains(complete.run.name)
            return SetOutcome(
                set: source.set, runName: complete.run.name,
                runID: already ? try resultStore.run(complete.run.name)?.id ?? complete.run.id : complete.run.id,
                conversations: source.conversations.count, userMessages: source.conversations.reduce(0) { $0 + $1.userMessages.count },
                imageMessages: source.conversations.reduce(0) { $0 + $1.imageMessages },
                missingReplies: source.conversations.reduce(0) { $0 + $1.missingReplies }, alreadyImported: already)
        }
    }
}
