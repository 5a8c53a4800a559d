import CollabBenchCore

/// Where a standard dataset lives on the public internet, and what its published shape is.
///
/// Two shapes are supported: pages of rows from the Hugging Face datasets-server
/// (`/rows?dataset=…&config=…&split=…&offset=…&length=…`), and a folder of text files in a GitHub
/// repository at a pinned commit (the commits and trees API, then the raw files).
public struct DatasetSource: Sendable, Hashable {
    /// One config and split of a Hugging Face dataset, with the number of rows it is published with.
    public struct RowsPart: Sendable, Hashable {
        /// The dataset config (`algebra`, `default`).
        public var config: String
        /// The split (`train`, `test`, `v0.1.2`).
        public var split: String
        /// The published number of rows, checked after download; nil when none is published.
        public var expectedRows: Int?

        /// Creates a part.
        public init(config: String, split: String, expectedRows: Int?) {
            self.config = config
            self.split = split
            self.expectedRows = expectedRows
        }
    }

    /// How the rows are published.
    public enum Location: Sendable, Hashable {
        /// Rows from the Hugging Face datasets-server, part after part, in this order.
        case huggingFaceRows(dataset: String, parts: [RowsPart])
        /// The `.txt` files under `folder` of a GitHub repository at `commit` (each checked against
        /// the git blob hash the tree publishes).
        case gitHubFolder(owner: String, repository: String, commit: String, folder: String)
    }

    /// The kind of pack the dataset makes.
    public var kind: TaskKind
    /// A short name for the cache file and messages (`hendrycks_math`).
    public var name: String
    /// Where the rows come from.
    public var location: Location
    /// The local file `collabbench tasks import` reads instead (named in the offline message).
    public var localFileHint: String
    /// The `tasks import` options that make the paper's seeded subset from the downloaded file.
    public var paperSubsetOptions: [String]
    /// The `tasks import` options that make the full pack (without `--paper-subset`).
    public var fullOptions: [String]
    /// The pack folder's name under `--to`: (full, paper subset).
    public var packNames: (full: String, paper: String) {
        switch kind {
        case .math: ("math-level5", "math-paper")
        case .code: ("code-bigcodebench", "code-paper")
        case .docs: ("docs-medium", "docs-paper")
        }
    }

    /// The hosts the default location is reached at, for messages.
    public var defaultHosts: [String] {
        switch location {
        case .huggingFaceRows: ["datasets-server.huggingface.co"]
        case .gitHubFolder: ["api.github.com", "raw.githubusercontent.com"]
        }
    }

    /// Creates a source.
    public init(
        kind: TaskKind, name: String, location: Location, localFileHint: String, paperSubsetOptions: [String],
        fullOptions: [String]
    ) {
        self.kind = kind
        self.name = name
        self.location = location
        self.localFileHint = localFileHint
        self.paperSubsetOptions = paperSubsetOptions
        self.fullOptions = fullOptions
    }
}

// MARK: - The standard datasets

extension DatasetSource {
    /// The MATH subjects, as configs of `EleutherAI/hendrycks_math`, with their published row
    /// counts (train, test): 7,500 and 5,000 problems in all.
    static let mathSubjects: [(String, Int, Int)] = [
        ("algebra", 1744, 1187), ("counting_and_probability", 771, 474), ("geometry", 870, 479),
        ("intermediate_algebra", 1295, 903), ("number_theory", 869, 540), ("prealgebra", 1205, 871),
        ("precalculus", 746, 546),
    ]

    /// MATH (Hendrycks et al.), every subject, train then test (as `math_all.jsonl.gz` orders it),
    /// from the Hugging Face mirror `EleutherAI/hendrycks_math`.
    public static let math = DatasetSource(
        kind: .math, name: "hendrycks_math",
        location: .huggingFaceRows(
            dataset: "EleutherAI/hendrycks_math",
            parts: ["train", "test"].flatMap { split in
                mathSubjects.map { RowsPart(config: $0.0, split: split, expectedRows: split == "train" ? $0.1 : $0.2) }
            }),
        localFileHint: "math_all.jsonl.gz",
        paperSubsetOptions: ["--split", "test", "--level", "5", "--sample", "200", "--seed", "42"],
        fullOptions: ["--level", "5"])

    /// BigCodeBench v0.1.2 (the split the CollabLLM code loads), 1,140 tasks, from
    /// `bigcode/bigcodebench`.
    public static let code = DatasetSource(
        kind: .code, name: "bigcodebench-v0.1.2",
        location: .huggingFaceRows(
            dataset: "bigcode/bigcodebench", parts: [RowsPart(config: "default", split: "v0.1.2", expectedRows: 1140)]),
        localFileHint: "BigCodeBench-v0.1.2.jsonl.gz",
        paperSubsetOptions: ["--sample", "600", "--seed", "42"],
        fullOptions: [])

    /// The Medium (Towards Data Science) articles, from the `articles/` folder of
    /// NikodemWojtczak/Medium-articles-search-system at commit f280d92ce09d.
    public static let docs = DatasetSource(
        kind: .docs, name: "medium_tds_articles",
        location: .gitHubFolder(
            owner: "NikodemWojtczak", repository: "Medium-articles-search-system", commit: "f280d92ce09d", folder: "articles"),
        localFileHint: "medium_tds_articles.jsonl.gz",
        paperSubsetOptions: ["--max-tokens", "512", "--sample", "100", "--seed", "42"],
        fullOptions: [])

    /// The standard source of a kind of pack.
    public static func standard(for kind: TaskKind) -> DatasetSource {
        switch kind {
        case .math: math
        case .code: code
        case .docs: docs
        }
    }
}
