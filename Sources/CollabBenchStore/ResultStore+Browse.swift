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
        try await readAsync { db in
            guard let kind = try String.fetchOne(db, sql: "SELECT pack_kind FROM runs WHERE id = ?", arguments: [request.runID]) else { return nil }
            let metric = Self.metricName(packKind: kind)
            let query = Self.pageQuery(request, metric: metric, joins: try Self.summaryJoins(db))
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(query.from)", arguments: query.arguments) ?? 0
            let sql = "\(Self.summaryColumns) \(query.from) ORDER BY \(Self.order(request)) LIMIT ? OFFSET ?"
            var arguments = query.arguments
            arguments += [request.limit, request.offset]
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
            let sql = "\(Self.summaryColumns) FROM conversations c \(try Self.summaryJoins(db)) WHERE c.id = ?"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [metric, id]) else { return nil }
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

    /// Joins of the task metric (first argument: its name), the persona the simulated user played
    /// and the simulator gate's verdict. The persona and gate tables come with schema v11
    /// (`run --personas`, `run --simulator-gate`); a store without them reads as having neither.
    private static func summaryJoins(_ db: Database) throws -> String {
        let personas = try db.tableExists("conversation_personas")
            ? "LEFT JOIN conversation_personas p ON p.run_id = c.run_id AND p.task_id = c.task_id AND p.trial = c.trial"
            : "LEFT JOIN (SELECT NULL AS persona_id) p ON 0"
        let gate = try db.tableExists("conversation_gate")
            ? "LEFT JOIN conversation_gate g ON g.run_id = c.run_id AND g.task_id = c.task_id AND g.trial = c.trial"
            : "LEFT JOIN (SELECT NULL AS outcome, NULL AS reasons) g ON 0"
        return "LEFT JOIN scores s ON s.conversation_id = c.id AND s.metric = ?\n\(personas)\n\(gate)"
    }

    /// The `FROM … WHERE …` of a page and its arguments.
    private static func pageQuery(_ request: ConversationPageRequest, metric: String, joins: String) -> (from: String, arguments: StatementArguments) {
        var conditions = ["c.run_id = ?"]
        var arguments: StatementArguments = [metric, request.runID]
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
        if let minimum = f.minScore {
            conditions.append("s.value >= ?")
            arguments += [minimum]
        }
        if let maximum = f.maxScore {
            conditions.append("s.value <= ?")
            arguments += [maximum]
        }
        if let persona = f.persona {
            conditions.append("p.persona_id = ?")
            arguments += [persona]
        }
        switch f.gateFlagged {
        case true?: conditions.append("g.outcome IS NOT NULL")
        case false?: conditions.append("g.outcome IS NULL")
        case nil: break
        }
        return ("FROM conversations c \(joins) WHERE \(conditions.joined(separator: " AND "))", arguments)
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
