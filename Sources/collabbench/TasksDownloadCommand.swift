import ArgumentParser
import CollabBenchCore
import CollabBenchPacks
import Foundation

/// `collabbench tasks download`: fetches a standard dataset from its public home, caches it, and
/// imports it as a pack with `tasks import`.
struct TasksDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download MATH (math), BigCodeBench v0.1.2 (code) or the Medium articles (docs) and import the pack.",
        discussion: """
            math: every MATH problem from the Hugging Face datasets-server (EleutherAI/hendrycks_math, \
            7 subjects, train then test; row counts checked against the published 7,500 / 5,000); the \
            pack keeps level 5. code: bigcode/bigcodebench split v0.1.2 (1,140 rows checked). docs: the \
            articles/ folder of NikodemWojtczak/Medium-articles-search-system at commit f280d92ce09d, each \
            file checked against its git hash. Files are cached (--cache-dir; default \
            $COLLABBENCH_CACHE_DIR/datasets or ~/.cache/collabbench/datasets) and reused while their \
            hash matches. Failed requests (no connection, HTTP 429 or 5xx) are retried.

            The pack is written to <to>/math-level5, code-bigcodebench or docs-medium; with \
            --paper-subset, the paper's seeded subsets (math --split test --level 5 --sample 200; code \
            --sample 600; docs --max-tokens 512 --sample 100; seed 42) to <to>/math-paper, code-paper or \
            docs-paper. Without network access, import a local copy with `collabbench tasks import`.
            """)

    @Argument(
        help: "The dataset: math, code or docs.",
        transform: { value in
            guard let kind = TaskKind(rawValue: value) else {
                throw ValidationError("unknown kind '\(value)'; use math, code or docs")
            }
            return kind
        })
    var kind: TaskKind

    @Flag(help: "Import the paper's seeded subset instead of the whole dataset.")
    var paperSubset = false

    @Option(help: "The folder the pack is written into.")
    var to: String = "Tasks"

    @Option(
        help:
            "A base URL replacing the public hosts (a mirror): rows at <base>/rows, GitHub's API at <base>/repos, raw files at <base>/raw.")
    var sourceURL: String?

    @Option(help: "The folder downloaded datasets are cached in.")
    var cacheDir: String?

    @Flag(help: "Download again even when the cache holds the dataset.")
    var refresh = false

    @Option(help: "How many times a failed request is tried again.")
    var retries: Int = 4

    @Flag(help: "Replace the pack folder if it exists.")
    var force = false

    @Option(help: "docs --paper-subset: a folder holding cl100k_base.tiktoken (for --max-tokens).")
    var tokenizerDir: String?

    func validate() throws {
        if retries < 0 { throw ValidationError("--retries must be at least 0") }
        if let sourceURL, URL(string: sourceURL)?.scheme.map({ ["http", "https"].contains($0.lowercased()) }) != true {
            throw ValidationError("--source-url must be an http:// or https:// URL")
        }
    }

    mutating func run() async throws {
        let source = DatasetSource.standard(for: kind)
        let (cacheDirectory, sourceURL, retries, refresh) = (cacheDir ?? DatasetCacheFolder.standard(), sourceURL, retries, refresh)
        let file: DownloadedDataset
        do {
            file = try await HTTPDatasetTransport.withTransport { (transport) throws(DatasetDownloadError) in
                let downloader = DatasetDownloader(
                    transport: transport, cacheDirectory: cacheDirectory, sourceURL: sourceURL, retries: retries)
                return try await downloader.download(source, refresh: refresh) { line in printError("collabbench: \(line)") }
            }
        } catch {
            printError("collabbench: error: " + error.description)
            throw ExitCode(error.exitStatus)
        }
        print(
            (file.fromCache ? "cached " : "downloaded ") + "\(source.name): \(file.rows) rows, sha256 \(file.sha256) (\(file.path))")
        let packName = paperSubset ? source.packNames.paper : source.packNames.full
        var arguments = [kind.rawValue, "--from", file.path, "--out", (to as NSString).appendingPathComponent(packName)]
        arguments += paperSubset ? source.paperSubsetOptions : source.fullOptions
        if force { arguments.append("--force") }
        if let tokenizerDir, paperSubset, kind == .docs { arguments += ["--tokenizer-dir", tokenizerDir] }
        var importer = try TasksImportCommand.parse(arguments)
        try await importer.run()
    }
}
