import CollabBenchCore
import CollabBenchStore
import Foundation

/// Leaderboards as JSON with every number, plus each run's pinned configuration, quality counts
/// and per-conversation results.
///
/// The document is written piece by piece: one run and one conversation at a time (read through
/// ``ResultStore/forEachConversation(runID:_:)``), so neither the document nor a run's
/// conversations are ever whole in memory. Shape:
/// `{"format": "collabbench-export", "format_version": 1, "collabbench_version", "intervals",
///   "boards": [board…], "runs": [{…run, "profile_id", "configuration", "quality",
///   "conversations": [{…, "scores": {metric: {value, status, method, detail}},
///   "persona": {id, traits}?, "gate": {outcome, reasons, attempts}?}]}]}` (`persona` and `gate`
///   only for conversations that have them: `run --personas`, `--simulator-gate`).
public enum JSONExporter {
    /// Writes `report` and the runs it covers to `out`.
    /// - Throws: ``CollabBenchError`` for store failures.
    public static func write<Out: TextOutputStream>(_ report: LeaderboardReport, store: ResultStore, to out: inout Out) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func encode<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        out.write("{\"format\":\"collabbench-export\",\"format_version\":1,")
        out.write("\"collabbench_version\":\(quote(CollabBenchVersion.current)),")
        out.write("\"intervals\":{\"method\":\"percentile bootstrap over tasks\",\"level\":\(Exporter.exact(report.level)),")
        out.write("\"resamples\":\(report.resamples),\"seed\":\(quote(report.seed))},\n")
        out.write("\"boards\":[")
        for (i, board) in report.boards.enumerated() {
            out.write(i == 0 ? "\n" : ",\n")
            out.write("{\"pack\":\(quote(board.pack)),\"kind\":\(quote(board.kind.rawValue)),\"metric\":\(quote(board.metric)),")
            out.write("\"profile\":\(try encode(ProfileExport(board.profile))),")
            out.write("\"differences\":\(try encode(board.differences)),\"rows\":\(try encode(board.rows))}")
        }
        out.write("\n],\n\"runs\":[")
        for (i, runID) in Exporter.runIDs(report).enumerated() {
            guard let run = try store.run(runID) else { continue }
            out.write(i == 0 ? "\n" : ",\n")
            out.write("{\"id\":\(quote(run.id)),\"name\":\(quote(run.name)),\"created_at\":\(quote(run.createdAt)),")
            out.write("\"finished_at\":\(run.finishedAt.map(quote) ?? "null"),\"status\":\(quote(run.status.rawValue)),")
            out.write("\"pack\":{\"name\":\(quote(run.packName)),\"version\":\(quote(run.packVersion)),\"kind\":\(quote(run.packKind.rawValue)),\"hash\":\(quote(run.packHash))},")
            out.write("\"agent\":\(quote(run.agent)),\"agent_preset\":\(quote(run.agentPreset)),\"user_simulator\":\(quote(run.userSimulator)),")
            out.write("\"judge\":\(quote(run.judge)),\"seed\":\(run.seed),\"task_count\":\(run.taskCount),")
            out.write("\"collabbench_version\":\(quote(run.collabbenchVersion)),\"config_hash\":\(quote(run.configHash)),")
            out.write("\"profile_id\":\(report.runProfiles[run.id].map(quote) ?? "null"),")
            // The configuration is JSON CollabBench wrote; embed it as is when it parses, else as text.
            let configuration = (try? JSONSerialization.jsonObject(with: Data(run.configJSON.utf8))) != nil ? run.configJSON : quote(run.configJSON)
            out.write("\"configuration\":\(configuration),")
            out.write("\"quality\":\(try encode(try store.qualityCounts(runID: run.id))),")
            out.write("\"conversations\":[")
            // One conversation at a time: a run's conversations are never all in memory.
            var first = true
            try store.forEachConversation(runID: run.id) { conversation, persona, gate in
                out.write(first ? "\n" : ",\n")
                first = false
                var export = ConversationExport(conversation)
                export.persona = persona.map { PersonaExport(id: $0.id, traits: $0.traits) }
                export.gate = gate
                out.write(try encode(export))
            }
            out.write("\n]}")
        }
        out.write("\n]}\n")
    }

    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String { JSONText.quote(text) }

    struct ProfileExport: Encodable {
        var id: String
        var summary: String
        var pack: [String: String]
        var taskIDs: [String]
        var settings: [String: JSONValue]

        init(_ p: EvaluationProfile) {
            id = p.id
            summary = p.summary
            pack = ["name": p.packName, "version": p.packVersion, "kind": p.packKind.rawValue, "hash": p.packHash]
            taskIDs = p.taskIDs
            settings = p.settings.mapValues { (try? JSONValue.parse($0)) ?? .string($0) }
        }

        enum CodingKeys: String, CodingKey { case id, summary, pack, taskIDs = "task_ids", settings }
    }

    struct ScoreExport: Encodable {
        var entry: ScoreEntry

        enum CodingKeys: String, CodingKey { case value, status, method, detail }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(entry.value, forKey: .value)
            try c.encode(entry.status.rawValue, forKey: .status)
            try c.encode(entry.method, forKey: .method)
            try c.encode(entry.detail, forKey: .detail)
        }
    }

    struct PersonaExport: Encodable {
        var id: String
        var traits: [String: String]
    }

    struct ConversationExport: Encodable {
        var c: StoredConversation
        var persona: PersonaExport?
        var gate: GateRecord?

        init(_ c: StoredConversation) { self.c = c }

        enum CodingKeys: String, CodingKey {
            case id, taskID = "task_id", trial, seed, status, endReason = "end_reason", exchanges, failure
            case startedAt = "started_at", finishedAt = "finished_at", scores, persona, gate
        }

        func encode(to encoder: any Encoder) throws {
            var k = encoder.container(keyedBy: CodingKeys.self)
            try k.encode(c.id, forKey: .id)
            try k.encode(c.taskID, forKey: .taskID)
            try k.encode(c.trial, forKey: .trial)
            try k.encode(c.seed, forKey: .seed)
            try k.encode(c.status.rawValue, forKey: .status)
            try k.encode(c.endReason, forKey: .endReason)
            try k.encode(c.exchanges, forKey: .exchanges)
            try k.encode(c.failure, forKey: .failure)
            try k.encode(c.startedAt, forKey: .startedAt)
            try k.encode(c.finishedAt, forKey: .finishedAt)
            try k.encode(c.scores.mapValues(ScoreExport.init), forKey: .scores)
            try k.encodeIfPresent(persona, forKey: .persona)
            try k.encodeIfPresent(gate, forKey: .gate)
        }
    }
}
