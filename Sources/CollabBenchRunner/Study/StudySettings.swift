import CollabBenchCore
import Foundation

/// What a study is made of, stored with it (`studies.settings_json`) so the study server can talk
/// to the same agent and judge the finished conversations the same way. Model specs are stored as
/// written without credentials (keys come from the environment of the server, never the store).
public struct StudySettings: Sendable, Codable, Hashable {
    /// The pack (a folder or a pack name).
    public var pack: String
    /// The agent under test (`provider/model[@base_url]`).
    public var agent: String
    /// The agent's preset (`base` or `proactive`).
    public var agentPreset: RunPlan.AgentPreset
    /// The judges (the first is the primary judge); empty: the agent's model judges.
    public var judges: [String]
    /// Ratings are asked for after every `rateEvery` agent replies, and at the end.
    public var rateEvery: Int
    /// The run's seed (agent calls' seeds derive from it).
    public var seed: Int

    /// Creates settings.
    public init(pack: String, agent: String, agentPreset: RunPlan.AgentPreset = .base, judges: [String] = [], rateEvery: Int = 3, seed: Int = 42) {
        self.pack = pack
        self.agent = agent
        self.agentPreset = agentPreset
        self.judges = judges
        self.rateEvery = rateEvery
        self.seed = seed
    }

    /// The run plan the study's agent calls and judgements are assembled from (``RunAssembler``):
    /// a plan whose simulated user is never called (the person is the user).
    public func runPlan(store: String, name: String?) -> RunPlan {
        var plan = RunPlan(pack: pack, agent: .model(agent))
        plan.store = store
        plan.name = name
        plan.agentPreset = agentPreset
        plan.judges = judges
        plan.user = judges.first ?? agent
        plan.seed = seed
        plan.concurrency = 1
        plan.forceNew = true
        return plan
    }

    /// The settings as stored (sorted keys).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Settings read back from the store.
    /// - Throws: ``CollabBenchError`` (`.storeError`) when the stored text is not readable.
    public init(json: String) throws {
        do {
            self = try JSONDecoder().decode(StudySettings.self, from: Data(json.utf8))
        } catch {
            throw CollabBenchError(.storeError, "the study's stored settings are unreadable (\(error))")
        }
    }
}
