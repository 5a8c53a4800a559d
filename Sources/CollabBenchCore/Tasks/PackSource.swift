/// Where an imported pack's tasks came from: the dataset file, the filters, and the sample drawn.
///
/// Written by `collabbench tasks import` into `pack.json` as `source`, so a pack records exactly
/// which rows it holds and how to draw them again. Packs without it (the built-in ones, hand-made
/// ones) load as before.
///
/// ```json
/// "source": {"dataset": "MATH", "file": "math_all.jsonl.gz", "sha256": "…",
///            "filters": {"split": "test", "level": "5"}, "rows_read": 12500,
///            "rows_matching": 1324, "sample": 200, "seed": 42}
/// ```
public struct PackSource: Sendable, Codable, Hashable {
    /// The dataset family (`MATH`, `BigCodeBench`, `articles`).
    public var dataset: String
    /// Name of the file the rows were read from (its last path component).
    public var file: String
    /// Lower-case hex SHA-256 of the file's bytes as stored (compressed, for a `.gz`).
    public var sha256: String
    /// The filters applied before sampling, by option name (`split`, `level`, `max_tokens`, …).
    public var filters: [String: String]
    /// Records in the file.
    public var rowsRead: Int
    /// Records left out because they cannot make a task (say a MATH solution whose `\boxed{}` is
    /// empty); they are never sampled.
    public var rowsSkipped: Int
    /// Records that passed the filters: the population the sample is drawn from, in file order.
    public var rowsMatching: Int
    /// How many rows were sampled (`random.sample(rows, sample)`), or nil when every matching row
    /// was kept in file order.
    public var sample: Int?
    /// The seed of `random.seed(seed)` before sampling, or nil without a sample.
    public var seed: UInt64?

    /// Creates a source record.
    public init(
        dataset: String, file: String, sha256: String, filters: [String: String] = [:], rowsRead: Int,
        rowsSkipped: Int = 0, rowsMatching: Int, sample: Int? = nil, seed: UInt64? = nil
    ) {
        self.dataset = dataset
        self.file = file
        self.sha256 = sha256
        self.filters = filters
        self.rowsRead = rowsRead
        self.rowsSkipped = rowsSkipped
        self.rowsMatching = rowsMatching
        self.sample = sample
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case dataset, file, sha256, filters, rowsRead = "rows_read", rowsSkipped = "rows_skipped"
        case rowsMatching = "rows_matching", sample, seed
    }

    /// Decodes a source; `filters` and `rows_skipped` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decode(String.self, forKey: .dataset)
        file = try c.decode(String.self, forKey: .file)
        sha256 = try c.decode(String.self, forKey: .sha256)
        filters = try c.decodeIfPresent([String: String].self, forKey: .filters) ?? [:]
        rowsRead = try c.decode(Int.self, forKey: .rowsRead)
        rowsSkipped = try c.decodeIfPresent(Int.self, forKey: .rowsSkipped) ?? 0
        rowsMatching = try c.decode(Int.self, forKey: .rowsMatching)
        sample = try c.decodeIfPresent(Int.self, forKey: .sample)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
    }
}
