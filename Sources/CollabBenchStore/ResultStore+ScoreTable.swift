import CollabBenchCore
import GRDB

extension ResultStore {
    /// Every conversation of `runID` with its scores' values, statuses and flags, in columns
    /// (``RunScoreTable``), in storage order, as ``conversationScores(runID:)`` gives them but
    /// without each entry's method and detail: what the leaderboard, comparisons and the gate read.
    ///
    /// Rows are streamed (cursors) into the table; a detail text is read only when it starts with
    /// ``ScoreFlag/detailPrefix``, and only to decode its flag. As with ``conversationScores(runID:)``,
    /// when a conversation holds two entries of one metric the one read last counts.
    /// - Throws: ``CollabBenchError`` for store failures.
    public func scoreTable(runID: String) throws -> RunScoreTable {
        try read { db in
            var taskIDs: [String] = []
            var taskNumbers: [String: Int32] = [:]
            var conversationIDs: [Int64] = []
            var taskIndex: [Int32] = []
            var trials: [Int32] = []
            var statuses: [ConversationStatus] = []
            let conversations = try Row.fetchCursor(
                db, sql: "SELECT id, task_id, trial, status FROM conversations WHERE run_id = ? ORDER BY id", arguments: [runID])
            while let row = try conversations.next() {
                let taskID: String = row["task_id"]
                let number: Int32
                if let known = taskNumbers[taskID] {
                    number = known
                } else {
                    number = Int32(taskIDs.count)
                    taskNumbers[taskID] = number
                    taskIDs.append(taskID)
                }
                conversationIDs.append(row["id"])
                taskIndex.append(number)
                trials.append(Int32(truncatingIfNeeded: row["trial"] as Int))
                statuses.append(ConversationStatus(storedText: row["status"]))
            }
            taskNumbers = [:]

            var metrics: [String] = []
            var metricNumbers: [String: Int] = [:]
            var values: [[Double]] = []
            var codes: [[UInt8]] = []
            let prefix = ScoreFlag.detailPrefix
            let sql = """
                SELECT s.conversation_id, s.metric, s.value, s.status,
                    CASE WHEN substr(s.detail, 1, ?) = ? THEN s.detail END AS flagged_detail FROM scores s
                JOIN conversations c ON c.id = s.conversation_id WHERE c.run_id = ?
                """
            let scores = try Row.fetchCursor(db, sql: sql, arguments: [prefix.count, prefix, runID])
            while let row = try scores.next() {
                let id: Int64 = row["conversation_id"]
                guard let i = Self.index(of: id, in: conversationIDs) else { continue }
                let metric: String = row["metric"]
                let m: Int
                if let known = metricNumbers[metric] {
                    m = known
                } else {
                    m = metrics.count
                    metricNumbers[metric] = m
                    metrics.append(metric)
                    values.append([Double](repeating: 0, count: conversationIDs.count))
                    codes.append([UInt8](repeating: 0, count: conversationIDs.count))
                }
                let value: Double? = row["value"]
                let status = ScoreStatus(rawValue: row["status"]) ?? .failed
                var code = UInt8(RunScoreTable.statusCodes.firstIndex(of: status)! + 1)
                if let value {
                    code |= RunScoreTable.valueBit
                    values[m][i] = value
                } else {
                    values[m][i] = 0
                }
                if let detail: String = row["flagged_detail"],
                    let flag = ScoreEntry(metric: metric, value: value, status: status, method: "", detail: detail).flag,
                    let bit = ScoreFlag.allCases.firstIndex(of: flag)
                {
                    code |= UInt8(1 << bit) << RunScoreTable.flagShift
                }
                codes[m][i] = code
            }
            return RunScoreTable(
                runID: runID, taskIDs: taskIDs, metrics: metrics, conversationIDs: conversationIDs, taskIndex: taskIndex, trials: trials,
                statuses: statuses, values: values, codes: codes)
        }
    }

    /// The position of `id` in `ids` (ascending), by binary search.
    static func index(of id: Int64, in ids: [Int64]) -> Int? {
        var low = 0
        var high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if ids[mid] < id { low = mid + 1 } else { high = mid }
        }
        return low < ids.count && ids[low] == id ? low : nil
    }
}
