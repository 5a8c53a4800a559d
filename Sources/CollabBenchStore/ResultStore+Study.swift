import CollabBenchCore
import GRDB

/// Where a study participant is.
public enum StudyParticipantState: String, Sendable, Codable, Hashable, CaseIterable {
    /// The link was made and not opened yet.
    case invited
    /// The participant opened the link and may be chatting.
    case chatting
    /// The participant ended the chat; the conversation is scored and stored.
    case finished
}

/// A user study as stored: the run it belongs to and what the study server needs to serve it.
public struct StudyRecord: Sendable, Hashable {
    /// The study's run.
    public var runID: String
    /// The study's settings as JSON (model specs without credentials, the pack, the protocol).
    public var settingsJSON: String
    /// Ratings are asked for after every `rateEvery` agent replies (and at the end).
    public var rateEvery: Int
    /// When the study was made.
    public var createdAt: String

    /// Creates a record.
    public init(runID: String, settingsJSON: String, rateEvery: Int, createdAt: String) {
        self.runID = runID
        self.settingsJSON = settingsJSON
        self.rateEvery = rateEvery
        self.createdAt = createdAt
    }
}

/// One participant of a study: an opaque id, never a person's name or address.
public struct StudyParticipantRecord: Sendable, Hashable {
    /// The opaque participant id (`p-…`).
    public var id: String
    /// The study's run.
    public var runID: String
    /// The participant's number in the study (0-based; the stored conversation's trial).
    public var position: Int
    /// The secret in the participant's link (URL-safe, at least 128 random bits).
    public var token: String
    /// The secret every form of the participant's pages carries.
    public var csrfToken: String
    /// The task bound to the participant.
    public var taskID: String
    /// Where the participant is.
    public var state: StudyParticipantState
    /// When the link was made, first opened, and the chat ended.
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
    /// The conversation so far, ratings and timings, as JSON written by the study library.
    public var progressJSON: String
    /// The stored conversation once finished.
    public var conversationID: Int64?

    /// Creates a record.
    public init(
        id: String, runID: String, position: Int, token: String, csrfToken: String, taskID: String, state: StudyParticipantState,
        createdAt: String, startedAt: String? = nil, finishedAt: String? = nil, progressJSON: String, conversationID: Int64? = nil
    ) {
        self.id = id
        self.runID = runID
        self.position = position
        self.token = token
        self.csrfToken = csrfToken
        self.taskID = taskID
        self.state = state
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.progressJSON = progressJSON
        self.conversationID = conversationID
    }
}

extension ResultStore {
    /// Records a study: its run (with its prompts), its settings and its participants, in one
    /// transaction.
    /// - Throws: ``CollabBenchError`` (`.storeError`) naming the store and the cause.
    public func createStudy(
        run: RunRecord, prompts: [PromptTemplate], study: StudyRecord, participants: [StudyParticipantRecord]
    ) throws {
        try write { db in
            try Self.insertRun(run, prompts: prompts, into: db)
            try db.execute(
                sql: "INSERT INTO studies (run_id, settings_json, rate_every, created_at) VALUES (?, ?, ?, ?)",
                arguments: [study.runID, study.settingsJSON, study.rateEvery, study.createdAt])
            for p in participants {
                try db.execute(
                    sql: """
                        INSERT INTO study_participants (id, run_id, position, token, csrf_token, task_id, state, created_at,
                            started_at, finished_at, progress_json, conversation_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        p.id, p.runID, p.position, p.token, p.csrfToken, p.taskID, p.state.rawValue, p.createdAt, p.startedAt,
                        p.finishedAt, p.progressJSON, p.conversationID,
                    ])
            }
        }
    }

    /// Every study, oldest first.
    public func studies() throws -> [StudyRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM studies ORDER BY created_at, run_id").map(Self.studyRecord) }
    }

    /// The study of run `runID`, if it is one.
    public func study(runID: String) throws -> StudyRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM studies WHERE run_id = ?", arguments: [runID]).map(Self.studyRecord) }
    }

    /// The participants of study `runID`, in order.
    public func studyParticipants(runID: String) throws -> [StudyParticipantRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM study_participants WHERE run_id = ? ORDER BY position", arguments: [runID])
                .map(Self.participantRecord)
        }
    }

    /// The participant whose link holds `token`, if any (the only way a page finds a participant).
    public func studyParticipant(token: String) throws -> StudyParticipantRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM study_participants WHERE token = ?", arguments: [token]).map(Self.participantRecord)
        }
    }

    /// Saves a participant's state, start time and progress (not their token, task or conversation).
    public func updateStudyParticipant(_ p: StudyParticipantRecord) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE study_participants SET state = ?, started_at = ?, progress_json = ? WHERE id = ? AND state != ?",
                arguments: [p.state.rawValue, p.startedAt, p.progressJSON, p.id, StudyParticipantState.finished.rawValue])
        }
    }

    /// Stores a participant's finished conversation (messages, scores, judge calls) as a
    /// conversation of the study's run and marks the participant finished, in one transaction;
    /// when every participant has finished, the run is marked completed.
    /// - Returns: The conversation's id.
    public func finishStudyParticipant(_ p: StudyParticipantRecord, result: ConversationResult, at time: String) throws -> Int64 {
        try write { db in
            let id = try Self.insert(result, into: db)
            try db.execute(
                sql: "UPDATE study_participants SET state = ?, finished_at = ?, progress_json = ?, conversation_id = ? WHERE id = ?",
                arguments: [StudyParticipantState.finished.rawValue, time, p.progressJSON, id, p.id])
            let open = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM study_participants WHERE run_id = ? AND state != ?",
                arguments: [p.runID, StudyParticipantState.finished.rawValue]) ?? 0
            if open == 0 {
                try db.execute(
                    sql: "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", arguments: [RunStatus.completed.rawValue, time, p.runID])
            }
            return id
        }
    }

    static func studyRecord(_ row: Row) -> StudyRecord {
        StudyRecord(runID: row["run_id"], settingsJSON: row["settings_json"], rateEvery: row["rate_every"], createdAt: row["created_at"])
    }

    static func participantRecord(_ row: Row) -> StudyParticipantRecord {
        StudyParticipantRecord(
            id: row["id"], runID: row["run_id"], position: row["position"], token: row["token"], csrfToken: row["csrf_token"],
            taskID: row["task_id"], state: StudyParticipantState(rawValue: row["state"]) ?? .invited, createdAt: row["created_at"],
            startedAt: row["started_at"], finishedAt: row["finished_at"], progressJSON: row["progress_json"],
            conversationID: row["conversation_id"])
    }
}
