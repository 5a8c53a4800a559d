import CollabBenchCore

/// Turns the records of one dataset into tasks of one kind.
///
/// An importer reads every field it needs from each record (so a malformed file fails whatever
/// the filters), then applies its filters. ``PackImporter`` does the rest: duplicate ids,
/// sampling, and writing the pack.
public protocol DatasetImporter: Sendable {
    /// The kind of the pack this importer builds.
    var kind: TaskKind { get }
    /// The dataset family, recorded in the pack's `source` (`MATH`, `BigCodeBench`, `articles`).
    var datasetName: String { get }
    /// The filters in force, by option name, recorded in the pack's `source`.
    var filters: [String: String] { get }
    /// A few words naming the dataset and the rows kept, for the pack's description
    /// (`MATH level-5 test problems`).
    var rowsDescription: String { get }

    /// What to do with one record.
    /// - Parameter record: a record of the dataset file.
    /// - Returns: the task, or why the record is left out.
    /// - Throws: ``PackImportError`` when the record lacks a field or has an unusable one.
    func decide(_ record: DatasetRecord) throws(PackImportError) -> RecordDecision
}

/// What an importer does with one record.
public enum RecordDecision: Sendable, Hashable {
    /// The record becomes this task (if sampled).
    case keep(BenchmarkTask)
    /// The record does not pass the filters.
    case filteredOut
    /// The record passes the filters but cannot make a task; it is reported and never sampled.
    case skipped(id: String, reason: String)
}
