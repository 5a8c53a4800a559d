import CollabBenchCore
import GRDB

/// The queries behind `collabbench serve`: paged, sorted and filtered conversation tables, run
/// figures and one transcript. Each reads only what one page shows (aggregates and a `LIMIT`ed
/// query in SQLite), so a page of a 100,000-conversation run costs no more memory than a page
/// of a small one; all run on GRDB's reader queues without blocking the caller's thread.
extension ResultStore {
    /// The most rows one page may hold.
    public static let maximumPageSize = 500

    /// Every run with its figures, oldest first.
    public func runOverviews() async throws -> [RunOverview] {
        try await readAsync { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY created_at, id").map { try Self.overview(of: Self.runRecord($0), in: db) }
        }
    }

    /// The run with id `id` (ids only: links carry ids), with its figures and configuration.
    public func runDetail(id: String) async throws -> RunDetail? {
        try await readAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return nil }
            let run = Self.runRecord(row)
            return RunDetail(overview: try Self.overview(of: run, in: db), configJSON: run.configJSON, collabbenchVersion: run.collabbenchVersion)
        }
    }

    /// The run with id `id` as stored, without figures (one row: cheap).
    public func runRecord(id: String) async throws -> RunRecord? {
        try await readAsync { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.runRecord) }
    }

    /// One page of a run's conversations, or nil when there is no run `request.runID`.
    public func conversationPage(_ request: ConversationPageRequest) async throws -> ConversationPage? {
        try await conversationPage(request, total: nil)
    }

    /// One page of a run's conversations, or nil when there is no run `request.runID`.
    /// - Parameter knownTotal: The number of conversations the filter matches, when the caller
    ///   counted it at the current store state (the results browser keeps it per change marker):
    ///   the page then skips the count, a pass over every matching conversation.
    public func conversationPage(_ request: ConversationPageRequest, total knownTotal: Int?) async throws -> ConversationPage? {
        try await conversationPage(request, total: knownTotal, shallowRows: Self.shallowPageRows, walkFrom: Self.smallestWalkedRun)
    }

    /// ``conversationPage(_:total:)`` with the depth up to which a score-sorted page checks runs
    /// by lookups (``shallowPageRows``) and the fewest matching conversations for which it walks
    /// the score index (``smallestWalkedRun``); tests set both to reach every way.
    func conversationPage(
        _ request: ConversationPageRequest, total knownTotal: Int?, shallowRows: Int, walkFrom: Int = ResultStore.smallestWalkedRun
    ) async throws -> ConversationPage? {
        try await readAsync { db in
            guard let kind = try String.fetchOne(db, sql: "SELECT pack_kind FROM runs WHERE id = ?", arguments: [request.runID]) else { return nil }
            let metric = Self.metricName(packKind: kind)
            // Counted and ordered with only the joins the filter and the order read; the page's
            // rows are then read whole for its ids alone (the rows an offset skips never are).
            let query = Self.pageQuery(request, metric: metric, joins: try Self.joins(Self.tablesRead(by: request), db))
            let total = try knownTotal ?? Int.fetchOne(db, sql: "SELECT COUNT(*) \(query.from)", arguments: query.arguments) ?? 0
            let ids: [Int64]
            if Self.walksScoreIndex(request), total >= walkFrom {
                ids = try Self.scoreOrderedIDs(request, metric: metric, shallowRows: shallowRows, db)
            } else {
                var arguments = query.arguments
                arguments += [request.limit, request.offset]
                ids = try Int64.fetchAll(db, sql: "SELECT c.id \(query.from) ORDER BY \(Self.order(request)) LIMIT ? OFFSET ?", arguments: arguments)
            }
            guard !ids.isEmpty else {
                return ConversationPage(total: total, offset: request.offset, limit: request.limit, metric: metric, conversations: [])
            }
            let all = try Self.joins([.score, .persona, .gate], db)
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let sql = "\(Self.summaryColumns) FROM conversations c \(all.sql) WHERE c.id IN (\(marks)) ORDER BY \(Self.order(request))"
            var arguments = StatementArguments(all.arguments(metric))
            arguments += StatementArguments(ids)
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map { Self.summary($0, runID: request.runID) }
            return ConversationPage(total: total, offset: request.offset, limit: request.limit, metric: metric, conversations: rows)
        }
    }

    /// One conversation with its turns, scores and judge calls, or nil when there is none of `id`.
    public func conversationDetail(id: Int64) async throws -> ConversationDetail? {
        try await readAsync { db in
            guard
                let head = try Row.fetchOne(
                    db, sql: "SELECT c.run_id, c.seed, r.pack_kind FROM conversations c JOIN runs r ON r.id = c.run_id WHERE c.id = ?",
                    arguments: [id])
            else { return nil }
            let runID: String = head["run_id"]
            let metric = Self.metricName(packKind: head["pack_kind"])
            let joins = try Self.joins([.score, .persona, .gate], db)
            let sql = "\(Self.summaryColumns) FROM conversations c \(joins.sql) WHERE c.id = ?"
            var arguments = StatementArguments(joins.arguments(metric))
            arguments += [id]
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
            let scores = try Row.fetchAll(
                db, sql: "SELECT metric, value, status, method, detail FROM scores WHERE conversation_id = ? ORDER BY metric", arguments: [id]
            ).map { row in
                ScoreEntry(
                    metric: row["metric"], value: row["value"], status: ScoreStatus(rawValue: row["status"]) ?? .failed,
                    method: row["method"], detail: row["detail"])
            }
            let turns = try Row.fetchAll(
                db,
                sql: """
                    SELECT idx, role, text, tokens, model, raw_reply, thought, format_error, prompt_tokens, completion_tokens,
                        latency_ms, attempts, finish_reason, cost_usd
                    FROM messages WHERE conversation_id = ? ORDER BY idx
                    """, arguments: [id]
            ).map { row in
                TranscriptTurn(
                    index: row["idx"], role: row["role"], text: row["text"], tokens: row["tokens"], model: row["model"],
                    rawReply: row["raw_reply"], thought: row["thought"], formatError: row["format_error"],
                    promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"], latencyMs: row["latency_ms"],
                    attempts: row["attempts"], finishReason: row["finish_reason"], costUSD: row["cost_usd"])
            }
            let judges = try Row.fetchAll(
                db,
                sql: """
                    SELECT criterion, attempt, model, raw_reply, readable, latency_ms, cost_usd
                    FROM judge_calls WHERE conversation_id = ? ORDER BY criterion, attempt
                    """, arguments: [id]
            ).map { row in
                JudgeCallRecord(
                    criterion: row["criterion"], attempt: row["attempt"], model: row["model"], rawReply: row["raw_reply"],
                    readable: row["readable"], latencyMs: row["latency_ms"], costUSD: row["cost_usd"])
            }
            let summary = Self.summary(row, runID: runID)
            let reasons = (row["gate_reasons"] as String?).map { $0.split(separator: ",").map { String($0) } } ?? []
            return ConversationDetail(
                summary: summary, seed: head["seed"], scores: scores, turns: turns, judgeCalls: judges, gateReasons: reasons)
        }
    }

    /// A number that changes whenever a conversation or run is added or a run's status changes
    /// (caches of whole-store reports key on it).
    public func changeMarker() async throws -> String {
        try await readAsync { db in
            let c = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM conversations")
            let r = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(group_concat(status || COALESCE(finished_at, ''), ','), '') AS s FROM runs")
            let n: Int = c?["n"] ?? 0
            let m: Int64 = c?["m"] ?? 0
            let rn: Int = r?["n"] ?? 0
            let rs: String = r?["s"] ?? ""
            return "\(n):\(m):\(rn):\(rs.hashValue)"
        }
    }

    // MARK: - SQL pieces

    /// The name of the task metric of a pack kind stored as `packKind`.
    static func metricName(packKind: String) -> String {
        (TaskKind(rawValue: packKind) ?? .math).metric.name
    }

    /// The columns of a conversation row (``summary(_:runID:)`` reads them).
    private static let summaryColumns = """
        SELECT c.id, c.task_id, c.trial, c.status, c.end_reason, c.exchanges, c.failure, c.cost_usd, c.unpriced_calls,
            c.started_at, c.finished_at, s.value AS score, s.status AS score_status, p.persona_id, g.outcome AS gate, g.reasons AS gate_reasons
        """

    /// A table joined to a conversation row: its task metric's score (`s`), the persona its
    /// simulated user played (`p`), the simulator gate's verdict (`g`).
    enum JoinedTable: Hashable {
        case score, persona, gate
    }

    /// The tables the filter and the order of `request` read (the count and the ordering join
    /// only these).
    static func tablesRead(by request: ConversationPageRequest) -> Set<JoinedTable> {
        var tables: Set<JoinedTable> = []
        if request.sort == .score || request.filter.minScore != nil || request.filter.maxScore != nil { tables.insert(.score) }
        if request.filter.persona != nil { tables.insert(.persona) }
        if request.filter.gateFlagged != nil { tables.insert(.gate) }
        return tables
    }

    /// The `LEFT JOIN`s of `tables`, and their arguments given the task metric's name (the score
    /// join's only argument). The persona and gate tables come with schema v11 (`run --personas`,
    /// `run --simulator-gate`); a store without them reads as having neither.
    private static func joins(_ tables: Set<JoinedTable>, _ db: Database) throws -> (sql: String, arguments: (String) -> [String]) {
        var sql: [String] = []
        if tables.contains(.score) { sql.append("LEFT JOIN scores s ON s.conversation_id = c.id AND s.metric = ?") }
        if tables.contains(.persona) {
            sql.append(
                try db.tableExists("conversation_personas")
                    ? "LEFT JOIN conversation_personas p ON p.run_id = c.run_id AND p.task_id = c.task_id AND p.trial = c.trial"
                    : "LEFT JOIN (SELECT NULL AS persona_id) p ON 0")
        }
        if tables.contains(.gate) {
            sql.append(
                try db.tableExists("conversation_gate")
                    ? "LEFT JOIN conversation_gate g ON g.run_id = c.run_id AND g.task_id = c.task_id AND g.trial = c.trial"
                    : "LEFT JOIN (SELECT NULL AS outcome, NULL AS reasons) g ON 0")
        }
        let withScore = tables.contains(.score)
        return (sql.joined(separator: "\n"), { metric in withScore ? [metric] : [] })
    }

    /// Below this many matching conversations a score-sorted page sorts them (a few milliseconds)
    /// rather than walking the index of every run's scores, which for a small run in a big store
    /// would pass over all the other runs' scores to fill a page.
    static let smallestWalkedRun = 2_000

    /// Rows up to which a score-sorted page checks each walked score's run by a lookup rather
    /// than by first listing the run's conversations (which costs about as much as 20,000 lookups).
    static let shallowPageRows = 10_000

    /// Whether a page sorted by score is read along the index of scores by metric and value
    /// (schema v13) instead of sorting every conversation of the run: when its filter reads no
    /// more than the score.
    static func walksScoreIndex(_ request: ConversationPageRequest) -> Bool {
        let f = request.filter
        return request.sort == .score && f.status == nil && f.failure == nil && f.persona == nil && f.gateFlagged == nil
    }

    /// The conditions of a filter's score range on the score table `s` (none without one).
    private static func scoreRange(_ f: ConversationFilter, into conditions: inout [String], _ arguments: inout StatementArguments) {
        if let minimum = f.minScore {
            conditions.append("s.value >= ?")
            arguments += [minimum]
        }
        if let maximum = f.maxScore {
            conditions.append("s.value <= ?")
            arguments += [maximum]
        }
    }

    /// The ids of a page sorted by score, in the order of ``order(_:)``: the scored conversations
    /// along `scores_by_metric_value` (no sort; the index is walked from the page's offset on),
    /// then those without a score, by id.
    private static func scoreOrderedIDs(_ request: ConversationPageRequest, metric: String, shallowRows: Int, _ db: Database) throws -> [Int64] {
        let direction = request.descending ? "DESC" : "ASC"
        let f = request.filter
        // Whether a score is one of the run's: near the start, a lookup per index entry walked
        // (the first pages cost next to nothing); deeper, one pass over the run's ids first.
        let ofRun =
            request.offset + request.limit <= shallowRows
            ? "EXISTS (SELECT 1 FROM conversations r WHERE r.id = s.conversation_id AND r.run_id = ?)"
            : "s.conversation_id IN (SELECT id FROM conversations WHERE run_id = ?)"
        var conditions = ["s.metric = ?", "s.value IS NOT NULL", ofRun]
        var arguments: StatementArguments = [metric, request.runID]
        scoreRange(f, into: &conditions, &arguments)
        let scored = "FROM scores s INDEXED BY scores_by_metric_value WHERE \(conditions.joined(separator: " AND "))"
        var page = arguments
        page += [request.limit, request.offset]
        var ids = try Int64.fetchAll(
            db, sql: "SELECT s.conversation_id \(scored) ORDER BY s.value \(direction), s.conversation_id \(direction) LIMIT ? OFFSET ?",
            arguments: page)
        // A score filter leaves the unscored out; otherwise they follow the scored ones.
        guard ids.count < request.limit, f.minScore == nil, f.maxScore == nil else { return ids }
        let scoredCount = ids.isEmpty ? try Int.fetchOne(db, sql: "SELECT COUNT(*) \(scored)", arguments: arguments) ?? 0 : request.offset + ids.count
        ids += try Int64.fetchAll(
            db,
            sql: """
                SELECT c.id FROM conversations c LEFT JOIN scores s ON s.conversation_id = c.id AND s.metric = ?
                WHERE c.run_id = ? AND s.value IS NULL ORDER BY c.id \(direction) LIMIT ? OFFSET ?
                """, arguments: [metric, request.runID, request.limit - ids.count, max(0, request.offset - scoredCount)])
        return ids
    }

    /// The `FROM … WHERE …` of a page and its arguments (`joins` the ones the filter reads).
    private static func pageQuery(
        _ request: ConversationPageRequest, metric: String, joins: (sql: String, arguments: (String) -> [String])
    ) -> (from: String, arguments: StatementArguments) {
        var conditions = ["c.run_id = ?"]
        var arguments = StatementArguments(joins.arguments(metric))
        arguments += [request.runID]
        let f = request.filter
        switch f.status {
        case .completed?: conditions.append("c.status = 'completed'")
        case .failed?: conditions.append("c.status != 'completed'")
        case nil: break
        }
        switch f.failure {
        case nil: break
        case "none"?: conditions.append("c.failure IS NULL")
        case "any"?: conditions.append("c.failure IS NOT NULL")
        case let text?:
            conditions.append("instr(lower(c.failure), lower(?)) > 0")
            arguments += [text]
        }
        scoreRange(f, into: &conditions, &arguments)
        if let persona = f.persona {
            conditions.append("p.persona_id = ?")
            arguments += [persona]
        }
        switch f.gateFlagged {
        case true?: conditions.append("g.outcome IS NOT NULL")
        case false?: conditions.append("g.outcome IS NULL")
        case nil: break
        }
        return ("FROM conversations c \(joins.sql) WHERE \(conditions.joined(separator: " AND "))", arguments)
    }

    /// The `ORDER BY` of a page; ties broken by id so pages never overlap.
    private static func order(_ request: ConversationPageRequest) -> String {
        let direction = request.descending ? "DESC" : "ASC"
        switch request.sort {
        case .id: return "c.id \(direction)"
        case .task: return "c.task_id \(direction), c.trial \(direction), c.id \(direction)"
        case .score: return "(s.value IS NULL), s.value \(direction), c.id \(direction)"
        case .cost: return "(c.cost_usd IS NULL), c.cost_usd \(direction), c.id \(direction)"
        case .exchanges: return "c.exchanges \(direction), c.id \(direction)"
        case .status: return "c.status \(direction), c.id \(direction)"
        }
    }

    private static func summary(_ row: Row, runID: String) -> ConversationSummary {
        ConversationSummary(
            id: row["id"], runID: runID, taskID: row["task_id"], trial: row["trial"], status: ConversationStatus(storedText: row["status"]),
            endReason: row["end_reason"], exchanges: row["exchanges"], failure: row["failure"], score: row["score"],
            scoreStatus: row["score_status"], costUSD: row["cost_usd"], unpricedCalls: row["unpriced_calls"], persona: row["persona_id"],
            gate: row["gate"], startedAt: row["started_at"], finishedAt: row["finished_at"])
    }

    /// A run's figures, from aggregates (no conversation is loaded).
    private static func overview(of run: RunRecord, in db: Database) throws -> RunOverview {
        let metric = metricName(packKind: run.packKind.rawValue)
        let counts = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(status != 'completed'), 0) AS failed, SUM(cost_usd) AS usd,
                    COALESCE(SUM(unpriced_calls), 0) AS unpriced
                FROM conversations WHERE run_id = ?
                """, arguments: [run.id])
        let score = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(s.value) AS n, AVG(s.value) AS mean FROM conversations c
                JOIN scores s ON s.conversation_id = c.id AND s.metric = ? WHERE c.run_id = ?
                """, arguments: [metric, run.id])
        let user = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(m.format_error != 0), 0) AS bad FROM messages m
                JOIN conversations c ON c.id = m.conversation_id WHERE c.run_id = ? AND m.role = 'user'
                """, arguments: [run.id])
        let judge = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(j.readable = 0), 0) AS bad FROM judge_calls j
                JOIN conversations c ON c.id = j.conversation_id WHERE c.run_id = ?
                """, arguments: [run.id])
        let quality = RunQualityCounts(
            userMessages: user?["n"] ?? 0, userFormatErrors: user?["bad"] ?? 0, judgeCalls: judge?["n"] ?? 0, judgeUnreadable: judge?["bad"] ?? 0)
        return RunOverview(
            id: run.id, name: run.name, status: run.status.rawValue, createdAt: run.createdAt, finishedAt: run.finishedAt,
            pack: run.packName, packVersion: run.packVersion, packKind: run.packKind.rawValue, agent: run.agent, agentPreset: run.agentPreset,
            userSimulator: run.userSimulator, judge: run.judge, seed: run.seed, taskCount: run.taskCount, configHash: run.configHash,
            conversations: counts?["n"] ?? 0, failed: counts?["failed"] ?? 0, metric: metric, meanScore: score?["mean"],
            scored: score?["n"] ?? 0, costUSD: counts?["usd"], unpricedCalls: counts?["unpriced"] ?? 0, quality: quality)
    }
}
