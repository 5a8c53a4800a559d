import CollabBenchCore

/// The provider batch APIs CollabBench speaks.
public enum BatchProvider: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI's Batch API: a JSONL file uploaded through `/v1/files`, a batch made with `/v1/batches`.
    case openai
    /// Anthropic's Message Batches: `/v1/messages/batches`.
    case anthropic
}

/// One call of a batch: an id unique within the batch (the provider's `custom_id`) and the request.
public struct BatchRequestLine: Sendable, Hashable {
    /// The line's id within its batch: letters, digits, `-` and `_`, at most 64 characters (what
    /// both providers accept).
    public var customID: String
    /// The call.
    public var request: ChatRequest

    /// Creates a line.
    public init(customID: String, request: ChatRequest) {
        self.customID = customID
        self.request = request
    }
}

/// Where a batch stands, in CollabBench's words (each provider has its own).
public enum BatchJobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Submitted and not finished (OpenAI `validating`, `in_progress`, `finalizing`, `cancelling`;
    /// Anthropic `in_progress`, `canceling`).
    case inProgress = "in_progress"
    /// Finished; its lines have their results (some may have errored or expired one by one).
    case completed
    /// The completion window passed: the lines answered so far have results, the rest none.
    case expired
    /// The provider refused or gave up on the whole batch (OpenAI `failed`).
    case failed
    /// Cancelled; the lines answered before have results.
    case cancelled

    /// Whether the batch will not change any more.
    public var isEnded: Bool { self != .inProgress }
}

/// A batch as its provider describes it.
public struct BatchJob: Sendable, Hashable {
    /// The provider's batch id.
    public var id: String
    /// Where it stands.
    public var state: BatchJobState
    /// Where its results are read from: OpenAI's output and error file ids, Anthropic's results URL.
    public var resultLocations: [String]
    /// The provider's reason, for a failed batch.
    public var detail: String?

    /// Creates a description.
    public init(id: String, state: BatchJobState, resultLocations: [String] = [], detail: String? = nil) {
        self.id = id
        self.state = state
        self.resultLocations = resultLocations
        self.detail = detail
    }
}

/// What became of one line of a batch.
public enum BatchLineResult: Sendable, Hashable {
    /// The model's reply, read exactly as a direct call's reply is read (``ChatCompletion/batched`` set).
    case answered(ChatCompletion)
    /// No usable reply: the line errored, expired or was cancelled; the provider's reason.
    case unanswered(String)
}

/// A provider's batch API for one model: submit lines, ask where a batch stands, read its results.
///
/// Made by ``ModelClientFactory/batchClient(for:)``. Every request is retried like a model call
/// (429, 408, 5xx, timeouts); the key is sent only to the spec's server and taken out of errors.
public protocol BatchClient: Sendable {
    /// The provider.
    var provider: BatchProvider { get }
    /// The model every line is sent to (without secrets).
    var spec: ModelSpec { get }
    /// Submits `lines` as one batch.
    /// - Returns: The new batch (usually ``BatchJobState/inProgress``).
    /// - Throws: ``CollabBenchError`` when the server refuses or cannot be reached.
    func submit(_ lines: [BatchRequestLine]) async throws -> BatchJob
    /// Where batch `batchID` stands now.
    /// - Throws: ``CollabBenchError`` when the server refuses or cannot be reached.
    func status(of batchID: String) async throws -> BatchJob
    /// The results of an ended batch, by `custom_id`; lines without a result are missing.
    /// - Throws: ``CollabBenchError`` when a result file cannot be read.
    func results(of job: BatchJob) async throws -> [String: BatchLineResult]
}
