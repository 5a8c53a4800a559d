/// The `pack.json` of a task pack: what the pack is and how its conversations are run and scored.
public struct PackManifest: Sendable, Codable, Hashable {
    /// Short name, used by `--pack` and shown in leaderboards.
    public var name: String
    /// Version of the pack's content; part of the evaluation profile.
    public var version: String
    /// Which family of tasks this pack holds.
    public var kind: TaskKind
    /// One line saying what the pack is and where its tasks come from.
    public var description: String
    /// File (relative to the pack folder) holding one JSON task per line.
    public var tasksFile: String
    /// Maximum user/assistant exchanges; the kind's paper default when absent.
    public var maxExchanges: Int?
    /// How the pack is scored.
    public var metric: MetricSettings
    /// For an imported pack: the dataset file, filters and sample its tasks came from.
    public var source: PackSource?

    /// Creates a manifest.
    public init(
        name: String, version: String, kind: TaskKind, description: String,
        tasksFile: String = "tasks.jsonl", maxExchanges: Int? = nil, metric: MetricSettings = .init(),
        source: PackSource? = nil
    ) {
        self.name = name
        self.version = version
        self.kind = kind
        self.description = description
        self.tasksFile = tasksFile
        self.maxExchanges = maxExchanges
        self.metric = metric
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case name, version, kind, description, tasksFile = "tasks_file"
        case maxExchanges = "max_exchanges", metric, source
    }

    /// Decodes a manifest; `tasks_file`, `max_exchanges`, `metric` and `source` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(String.self, forKey: .version)
        kind = try c.decode(TaskKind.self, forKey: .kind)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        tasksFile = try c.decodeIfPresent(String.self, forKey: .tasksFile) ?? "tasks.jsonl"
        maxExchanges = try c.decodeIfPresent(Int.self, forKey: .maxExchanges)
        metric = try c.decodeIfPresent(MetricSettings.self, forKey: .metric) ?? .init()
        source = try c.decodeIfPresent(PackSource.self, forKey: .source)
    }
}

/// Scoring settings of a pack. Part of the evaluation profile: runs are only comparable when equal.
public struct MetricSettings: Sendable, Codable, Hashable {
    /// Docs: which BLEU is the task metric.
    public var bleuMode: BLEUMode
    /// Code: wall-clock limit for one program's test run, in seconds.
    public var codeTimeoutSeconds: Double
    /// Encoding used for token counts (#Tok).
    public var tokenEncoding: String

    /// Creates metric settings; the defaults are the paper's.
    public init(bleuMode: BLEUMode = .char, codeTimeoutSeconds: Double = 60, tokenEncoding: String = "cl100k_base") {
        self.bleuMode = bleuMode
        self.codeTimeoutSeconds = codeTimeoutSeconds
        self.tokenEncoding = tokenEncoding
    }

    enum CodingKeys: String, CodingKey {
        case bleuMode = "bleu_mode", codeTimeoutSeconds = "code_timeout_seconds", tokenEncoding = "token_encoding"
    }

    /// Decodes settings; every field may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bleuMode = try c.decodeIfPresent(BLEUMode.self, forKey: .bleuMode) ?? .char
        codeTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .codeTimeoutSeconds) ?? 60
        tokenEncoding = try c.decodeIfPresent(String.self, forKey: .tokenEncoding) ?? "cl100k_base"
    }
}

/// Which BLEU a docs pack reports.
public enum BLEUMode: String, Sendable, Codable, Hashable, CaseIterable {
    /// The paper's: NLTK sentence BLEU over characters.
    case char
    /// sacreBLEU's word-level BLEU with the 13a tokenizer.
    case sacrebleu
}
