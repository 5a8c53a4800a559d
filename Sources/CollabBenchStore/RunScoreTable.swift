import CollabBenchCore

/// One metric of one conversation as reports read it: value, status and flags, without the
/// method and detail text (``ResultStore/conversationScores(runID:)`` keeps those).
public struct ScoreCell: Sendable, Hashable {
    /// The value, or nil when not scored.
    public var value: Double?
    /// Status.
    public var status: ScoreStatus
    /// The flag the stored entry raises (``ScoreEntry/flag``), if any.
    public var flag: ScoreFlag?

    /// Creates a cell.
    public init(value: Double?, status: ScoreStatus, flag: ScoreFlag? = nil) {
        self.value = value
        self.status = status
        self.flag = flag
    }

    /// The cell as an entry of `metric` whose ``ScoreEntry/flag`` is this cell's flag (empty
    /// method; detail only when flagged), for code written against entries such as ``QualityTally``.
    public func entry(metric: String) -> ScoreEntry {
        ScoreEntry(metric: metric, value: value, status: status, method: "", detail: flag.map { _ in ScoreFlag.detailPrefix })
    }
}

/// A run's conversations and their scores in columns, for reports on big stores
/// (``ResultStore/scoreTable(runID:)``).
///
/// Per conversation it holds the task (an index into ``taskIDs``, each id held once), trial and
/// status; per metric (each name held once, in ``metrics``) one value and one status byte per
/// conversation, the byte also holding whether the value is present and the entry's flags. About
/// 20 bytes per conversation plus 9 per metric, instead of a dictionary of entries with their
/// method and detail text. Conversations are in storage order (as ``ResultStore/conversationScores(runID:)``).
public final class RunScoreTable: Sendable {
    /// The run.
    public let runID: String
    /// Distinct task ids, in order of first appearance.
    public let taskIDs: [String]
    /// Metric names, in order of first appearance.
    public let metrics: [String]
    /// Conversation ids.
    public let conversationIDs: [Int64]
    let taskIndex: [Int32]
    let trials: [Int32]
    let statuses: [ConversationStatus]
    let metricIndex: [String: Int]
    /// `values[m][i]`: metric m of conversation i (0 when absent or nil).
    let values: [[Double]]
    /// `codes[m][i]`: 0 when conversation i has no entry of metric m; else the status (low three
    /// bits, ``statusCodes`` index + 1), ``valueBit`` and one bit per flag from ``flagShift``.
    let codes: [[UInt8]]

    static let statusCodes: [ScoreStatus] = [.scored, .unscored, .skipped, .failed]
    static let valueBit: UInt8 = 0x08
    static let flagShift: UInt8 = 4

    init(
        runID: String, taskIDs: [String], metrics: [String], conversationIDs: [Int64], taskIndex: [Int32], trials: [Int32],
        statuses: [ConversationStatus], values: [[Double]], codes: [[UInt8]]
    ) {
        self.runID = runID
        self.taskIDs = taskIDs
        self.metrics = metrics
        self.conversationIDs = conversationIDs
        self.taskIndex = taskIndex
        self.trials = trials
        self.statuses = statuses
        self.metricIndex = Dictionary(uniqueKeysWithValues: metrics.enumerated().map { ($1, $0) })
        self.values = values
        self.codes = codes
    }

    /// Conversations held.
    public var count: Int { conversationIDs.count }

    /// Task id of conversation `i`.
    public func taskID(at i: Int) -> String { taskIDs[Int(taskIndex[i])] }

    /// Trial of conversation `i`.
    public func trial(at i: Int) -> Int { Int(trials[i]) }

    /// How conversation `i` ended.
    public func status(at i: Int) -> ConversationStatus { statuses[i] }

    /// The cell of `metric` for conversation `i`, or nil when it has no such entry.
    public func cell(_ metric: String, at i: Int) -> ScoreCell? {
        metricIndex[metric].flatMap { cell(metricAt: $0, row: i) }
    }

    func cell(metricAt m: Int, row i: Int) -> ScoreCell? {
        let code = codes[m][i]
        guard code != 0 else { return nil }
        let status = Self.statusCodes[Int(code & 0x07) - 1]
        let flags = code >> Self.flagShift
        let flag = flags == 0 ? nil : ScoreFlag.allCases.indices.first { flags & (1 << $0) != 0 }.map { ScoreFlag.allCases[$0] }
        return ScoreCell(value: code & Self.valueBit != 0 ? values[m][i] : nil, status: status, flag: flag)
    }

    /// Metrics with a ``ScoreStatus/scored`` entry in some conversation.
    public var scoredMetrics: Set<String> {
        let scored = UInt8(Self.statusCodes.firstIndex(of: .scored)! + 1)
        return Set(metrics.indices.filter { m in codes[m].contains { $0 & 0x07 == scored } }.map { metrics[$0] })
    }

    /// Every conversation, in storage order.
    public var conversations: [ScoredConversation] { (0..<count).map { ScoredConversation(table: self, row: $0) } }
}

/// One conversation of a ``RunScoreTable``: a reference to the table and a row, so arrays of them
/// cost 16 bytes a conversation.
public struct ScoredConversation: Sendable {
    /// The table.
    public let table: RunScoreTable
    /// The row in it.
    public let row: Int

    /// Creates the view of row `row` of `table`.
    public init(table: RunScoreTable, row: Int) {
        self.table = table
        self.row = row
    }

    /// The run.
    public var runID: String { table.runID }
    /// The conversation's id in the store.
    public var conversationID: Int64 { table.conversationIDs[row] }
    /// The task.
    public var taskID: String { table.taskID(at: row) }
    /// The trial.
    public var trial: Int { table.trial(at: row) }
    /// How it ended.
    public var status: ConversationStatus { table.status(at: row) }
    /// `task#trial`, the key of ``ResultStore/conversationPersonas(runID:)`` and ``ResultStore/gateRecords(runID:)``.
    public var key: String { "\(taskID)#\(trial)" }
    /// Its scores by metric.
    public var scores: Scores { Scores(table: table, row: row) }

    /// The scores of one conversation, read by metric name like ``ConversationScores/scores``.
    public struct Scores: Sendable {
        let table: RunScoreTable
        let row: Int

        /// The cell of `metric`, or nil when the conversation has no such entry.
        public subscript(metric: String) -> ScoreCell? { table.cell(metric, at: row) }

        /// Metrics the conversation has an entry of.
        public var keys: [String] { table.metrics.indices.filter { table.codes[$0][row] != 0 }.map { table.metrics[$0] } }

        /// The entries as a dictionary (``ScoreCell/entry(metric:)``: no method, detail only for a flag).
        public var entries: [String: ScoreEntry] {
            var out: [String: ScoreEntry] = [:]
            for m in table.metrics.indices {
                if let cell = table.cell(metricAt: m, row: row) { out[table.metrics[m]] = cell.entry(metric: table.metrics[m]) }
            }
            return out
        }
    }
}
