import CollabBenchCore
import CollabBenchMetrics
import Foundation

/// Builds a task pack from a dataset file: reads the records, lets a ``DatasetImporter`` turn them
/// into tasks, optionally draws a sample exactly as CPython's `random.sample` does, and writes the
/// pack atomically.
///
/// With `sample: n, seed: s`, the tasks are `random.seed(s); random.sample(rows, n)` over the
/// rows that pass the filters, in file order, and keep the order `random.sample` returns them
/// in, so the CollabLLM paper's subsets can be rebuilt row for row:
///
/// ```swift
/// let summary = try PackImporter(importer: MathImporter(split: "test", level: 5), sample: 200, seed: 42)
///     .run(from: "math_all.jsonl.gz", to: "Packs/math-paper")
/// ```
public struct PackImporter<Importer: DatasetImporter>: Sendable {
    /// Turns records into tasks.
    public var importer: Importer
    /// How many rows to sample, or nil to keep every matching row in file order.
    public var sample: Int?
    /// The seed of `random.seed` before sampling.
    public var seed: UInt64
    /// The pack's name; the output folder's name when nil.
    public var name: String?
    /// The pack's version.
    public var version: String
    /// Whether an existing output folder may be replaced.
    public var overwrite: Bool

    /// Creates an import.
    /// - Parameters:
    ///   - importer: the dataset's importer, with its filters.
    ///   - sample: how many rows to sample (at least 1), or nil for all.
    ///   - seed: the seed for sampling (the paper's is 42).
    ///   - name: the pack's name (default: the output folder's name).
    ///   - version: the pack's version.
    ///   - overwrite: whether to replace an existing output folder.
    public init(
        importer: Importer, sample: Int? = nil, seed: UInt64 = 42, name: String? = nil, version: String = "1",
        overwrite: Bool = false
    ) {
        self.importer = importer
        self.sample = sample
        self.seed = seed
        self.name = name
        self.version = version
        self.overwrite = overwrite
    }

    /// The tasks and provenance of an import, before anything is written.
    public struct Selection: Sendable {
        /// The chosen tasks, in pack order.
        public var tasks: [BenchmarkTask]
        /// Where they came from.
        public var source: PackSource
        /// Records that passed the filters but could not make a task: line, id and why.
        public var skipped: [SkippedRecord]
    }

    /// Reads `file` and chooses the tasks, writing nothing.
    /// - Parameter path: the dataset file (`.jsonl`, `.jsonl.gz`, `.csv`, `.csv.gz`).
    /// - Returns: the chosen tasks and their provenance.
    /// - Throws: ``PackImportError`` for an unreadable file, a bad record, a duplicate id among
    ///   the matching rows, or a sample larger than they are.
    public func tasks(from path: String) throws(PackImportError) -> Selection {
        let file = try DatasetFile(path: path)
        return try tasks(from: file)
    }

    /// Chooses the tasks from an already read file, writing nothing.
    public func tasks(from file: DatasetFile) throws(PackImportError) -> Selection {
        var kept: [BenchmarkTask] = []
        var keptLines: [String: Int] = [:]
        var skipped: [SkippedRecord] = []
        for record in file.records {
            switch try importer.decide(record) {
            case .keep(let task):
                if let first = keptLines[task.id] {
                    throw PackImportError(
                        .duplicateID, file: file.path, line: record.line, "duplicate id '\(task.id)' (first on line \(first))")
                }
                keptLines[task.id] = record.line
                kept.append(task)
            case .filteredOut:
                continue
            case .skipped(let id, let reason):
                skipped.append(SkippedRecord(line: record.line, id: id, reason: reason))
            }
        }
        guard !kept.isEmpty else {
            let what = file.records.isEmpty ? "the file has no records" : "no record passes the filters"
            throw PackImportError(.invalidOption, file: file.path, "\(what); nothing to import")
        }
        var chosen = kept
        if let sample {
            guard sample >= 1 else {
                throw PackImportError(.invalidOption, file: file.path, "the sample size must be at least 1, got \(sample)")
            }
            guard sample <= kept.count else {
                throw PackImportError(
                    .invalidOption, file: file.path,
                    "cannot sample \(sample) rows: only \(kept.count) pass the filters (sample larger than population)")
            }
            var random = PythonRandom(seed: seed)
            chosen = random.sample(kept, count: sample)
        }
        let source = PackSource(
            dataset: importer.datasetName, file: file.name, sha256: file.sha256, filters: importer.filters,
            rowsRead: file.records.count, rowsSkipped: skipped.count, rowsMatching: kept.count,
            sample: sample, seed: sample == nil ? nil : seed)
        return Selection(tasks: chosen, source: source, skipped: skipped)
    }

    /// Reads `path`, chooses the tasks and writes the pack to `directory`.
    ///
    /// The pack is written to a hidden folder beside `directory`, checked with ``PackValidator``,
    /// and only then moved into place, so a failure leaves no partial pack behind.
    /// - Parameters:
    ///   - path: the dataset file.
    ///   - directory: the pack folder to create.
    /// - Returns: what was written.
    /// - Throws: ``PackImportError``; `.outputFailure` when `directory` exists and
    ///   ``overwrite`` is false, or writing fails.
    @discardableResult
    public func run(from path: String, to directory: String) throws(PackImportError) -> PackImportSummary {
        try PackWriter.checkDestination(directory, overwrite: overwrite)
        let result = try tasks(from: path)
        let manifest = self.manifest(for: result, directory: directory)
        try PackWriter.write(manifest: manifest, tasks: result.tasks, to: directory, overwrite: overwrite)
        return PackImportSummary(
            directory: directory, manifest: manifest, taskIDs: result.tasks.map(\.id), skipped: result.skipped)
    }

    /// The manifest of the pack holding `result`.
    public func manifest(for result: Selection, directory: String) -> PackManifest {
        let source = result.source
        let packName = name ?? URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        var description = "\(importer.rowsDescription): "
        if let sample = source.sample, let seed = source.seed {
            description += "\(sample) of \(source.rowsMatching) sampled with random.seed(\(seed)); random.sample(rows, \(sample))"
        } else {
            description += "all \(source.rowsMatching) in file order"
        }
        description += " from \(source.file) (sha256 \(source.sha256.prefix(12)))."
        return PackManifest(
            name: packName, version: version, kind: importer.kind, description: description, tasksFile: "tasks.jsonl",
            metric: MetricSettings(), source: source)
    }
}

/// What ``PackImporter/run(from:to:)`` wrote.
public struct PackImportSummary: Sendable {
    /// The pack folder.
    public var directory: String
    /// Its manifest (with ``PackManifest/source``).
    public var manifest: PackManifest
    /// The task ids, in pack order.
    public var taskIDs: [String]
    /// Records that passed the filters but could not make a task: line, id and why.
    public var skipped: [SkippedRecord]
}

/// A record that passed the filters but could not make a task.
public struct SkippedRecord: Sendable, Hashable {
    /// The line where the record starts.
    public var line: Int
    /// The record's id.
    public var id: String
    /// Why it was skipped.
    public var reason: String

    /// Creates a skipped-record entry.
    public init(line: Int, id: String, reason: String) {
        self.line = line
        self.id = id
        self.reason = reason
    }
}
