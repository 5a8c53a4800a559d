import ArgumentParser
import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchScoring
import Foundation

/// `collabbench tasks import`: builds a pack from a standard dataset file.
struct TasksImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Build a task pack from a dataset file: MATH (math), BigCodeBench (code), or articles (docs).",
        discussion: """
            Input is JSON Lines (.jsonl, or .jsonl.gz) or, with a header row, CSV (.csv, .csv.gz). \
            math reads id, problem, solution, level, type (and split, subject); the answer is the \
            solution's last \\boxed{}. code reads any BigCodeBench v0.1.x file (task_id, \
            instruct_prompt, code_prompt, canonical_solution, test, entry_point, libs). docs reads \
            title and text (and id, ends_with_ellipsis or truncated).

            --sample N --seed S picks exactly the rows of Python's random.seed(S); \
            random.sample(rows, N) over the rows that pass the filters, in file order, and keeps \
            that order. The paper's subsets (seed 42): math --split test --level 5 --sample 200; \
            code on BigCodeBench-v0.1.2 --sample 600; docs --max-tokens 512 --sample 100.

            The pack is written to a temporary folder beside --out, checked, and moved into place.
            """)

    @Argument(
        help: "The kind of pack: math, code or docs.",
        transform: { value in
            guard let kind = TaskKind(rawValue: value) else {
                throw ValidationError("unknown kind '\(value)'; use math, code or docs")
            }
            return kind
        })
    var kind: TaskKind

    @Option(help: "The dataset file (.jsonl, .jsonl.gz, .csv, .csv.gz).")
    var from: String

    @Option(help: "The pack folder to create.")
    var out: String

    @Option(help: "Sample N rows, as Python's random.sample does (default: every row, in file order).")
    var sample: Int?

    @Option(help: "The seed of random.seed before sampling (with --sample).")
    var seed: UInt64?

    @Option(help: "math: keep only this split (train or test).")
    var split: String?

    @Option(help: "math: keep only this level (1-5; the field reads \"Level 5\").")
    var level: Int?

    @Option(help: "docs: keep only articles of at most N cl100k_base tokens.")
    var maxTokens: Int?

    @Flag(help: "docs: drop records flagged as truncated (ends_with_ellipsis or truncated).")
    var dropTruncated = false

    @Option(help: "The pack's name (default: the --out folder's name).")
    var name: String?

    @Flag(help: "Replace --out if it exists.")
    var force = false

    @Option(help: "docs: a folder holding cl100k_base.tiktoken (for --max-tokens).")
    var tokenizerDir: String?

    func validate() throws {
        if kind != .math, split != nil || level != nil {
            throw ValidationError("--split and --level apply to math only")
        }
        if kind != .docs, maxTokens != nil || dropTruncated {
            throw ValidationError("--max-tokens and --drop-truncated apply to docs only")
        }
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1") }
        if seed != nil && sample == nil { throw ValidationError("--seed needs --sample") }
        if let level, level < 1 { throw ValidationError("--level must be at least 1") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if let split, split.isEmpty { throw ValidationError("--split must not be empty") }
    }

    mutating func run() async throws {
        try await reportingErrors {
            let started = ContinuousClock.now
            let summary: PackImportSummary
            switch kind {
            case .math:
                summary = try importPack(MathImporter(split: split, level: level))
            case .code:
                summary = try importPack(BigCodeBenchImporter())
            case .docs:
                var counter: ArticleImporter.TokenCounter?
                if maxTokens != nil {
                    let tokenizer = try await TokenizerLocator(explicitDirectory: tokenizerDir).load(.cl100kBase)
                    counter = { tokenizer.count($0) }
                }
                summary = try importPack(
                    ArticleImporter(maxTokens: maxTokens, dropTruncated: dropTruncated, countTokens: counter))
            }
            report(summary, seconds: (ContinuousClock.now - started).seconds)
        }
    }

    /// Runs the import with `importer` and the command's sampling and output options.
    private func importPack<I: DatasetImporter>(_ importer: I) throws -> PackImportSummary {
        try PackImporter(importer: importer, sample: sample, seed: seed ?? 42, name: name, overwrite: force)
            .run(from: from, to: out)
    }

    /// Prints what was written, and any skipped records on standard error.
    private func report(_ summary: PackImportSummary, seconds: Double) {
        if !summary.skipped.isEmpty {
            let shown = summary.skipped.prefix(5).map { "\(from):\($0.line) (\($0.id)): \($0.reason)" }
            let more = summary.skipped.count > 5 ? "; and \(summary.skipped.count - 5) more" : ""
            printError(
                "collabbench: note: skipped \(summary.skipped.count) record\(summary.skipped.count == 1 ? "" : "s") that cannot make a task: "
                    + shown.joined(separator: "; ") + more)
        }
        guard let source = summary.manifest.source else { return }
        var line = "wrote \(summary.directory): \(summary.taskIDs.count) \(kind.rawValue) tasks ("
        if let sample = source.sample, let seed = source.seed {
            line += "sampled \(sample) of \(source.rowsMatching) matching rows with seed \(seed)"
        } else {
            line += "all \(source.rowsMatching) matching rows"
        }
        line += "; \(source.rowsRead) read from \(source.file)) in \(String(format: "%.2f", seconds)) s"
        print(line)
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
