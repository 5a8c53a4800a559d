import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchReports
import Foundation

/// The result of `calibrate simulator`: for each human reference set and assistant, how the
/// simulated users behave beside the real ones on the same hidden intents — the simulator's
/// fidelity profile.
public struct SimulatorCalibration: Sendable, Codable, Hashable {
    /// One entry per human run in the store.
    public var sets: [SetResult]

    /// Mean, median and a seeded 95 % percentile bootstrap interval of the mean.
    public struct Summary: Sendable, Codable, Hashable {
        public var n: Int
        public var mean: Double?
        public var median: Double?
        public var interval: ConfidenceInterval?
    }

    /// One measure, real beside simulated, with the two-sample Kolmogorov–Smirnov test.
    public struct Measure: Sendable, Codable, Hashable {
        /// `user_turns`, `words_per_user_message`, `question_share`, `revealed_by_turn_1`,
        /// `revealed_by_turn_3`, `revealed_by_end`, `judge_itr`.
        public var name: String
        public var real: Summary
        public var simulated: Summary
        public var ks: KolmogorovSmirnov?
    }

    /// One assistant talking to the simulated users of one set.
    public struct AgentResult: Sendable, Codable, Hashable {
        /// The assistant's model spec.
        public var agent: String
        /// The run holding the simulated conversations and these statistics.
        public var run: String
        /// The measures, in the order above.
        public var measures: [Measure]
        /// How the conversations ended (`user_terminated`, `max_exchanges`, …), real and simulated.
        public var realEndings: [String: Int]
        public var simulatedEndings: [String: Int]
        /// The real users' own ratings of the recorded conversations.
        public var realUserRatings: Summary
        /// The real users' ratings of conversations with this assistant's model (matched by model
        /// name, e.g. `gpt-4o`), if any were recorded.
        public var realUserRatingsOfThisModel: Summary
        /// Simulated conversations that failed (a model call failed; left out).
        public var failed: Int
    }

    /// Does the simulator rank the assistants as real users do? Over assistants whose model the
    /// real users rated: Spearman's ρ between the judge's mean score of the simulated
    /// conversations and the real users' mean rating.
    public struct Ranking: Sendable, Codable, Hashable {
        public var agents: [String]
        public var realMeans: [Double]
        public var simulatedMeans: [Double]
        public var spearman: Double?
    }

    /// One reference set.
    public struct SetResult: Sendable, Codable, Hashable {
        public var set: HumanReferenceSet
        public var humanRun: String
        /// Conversations simulated per assistant.
        public var conversations: Int
        public var agents: [AgentResult]
        /// With two assistants or more.
        public var ranking: Ranking?
    }

    /// The result as lines of text.
    public func renderedText() -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
        func s(_ x: Summary) -> String {
            "mean \(f(x.mean)) median \(f(x.median)) [\(f(x.interval?.lower)), \(f(x.interval?.upper))] n \(x.n)"
        }
        var out = ""
        for set in sets {
            out += "\(set.set.rawValue) (\(set.humanRun)), \(set.conversations) conversations:\n"
            for agent in set.agents {
                out += "  assistant \(agent.agent) (run \(agent.run)\(agent.failed > 0 ? ", \(agent.failed) failed" : "")):\n"
                for m in agent.measures {
                    let ks = m.ks.map { "KS D \(f($0.statistic)) p \($0.pValue.map { String(format: "%.3g", $0) } ?? "—")" } ?? "KS —"
                    out += "    \(m.name): real \(s(m.real)) | simulated \(s(m.simulated)) | \(ks)\n"
                }
                let endings = { (d: [String: Int]) in d.keys.sorted().map { "\($0) \(d[$0] ?? 0)" }.joined(separator: ", ") }
                out += "    ended: real \(endings(agent.realEndings)) | simulated \(endings(agent.simulatedEndings))\n"
                out += "    real users' own ratings: \(s(agent.realUserRatings))\n"
            }
            if let r = set.ranking {
                out += "  ranking over \(r.agents.count) assistants: Spearman \(f(r.spearman))\n"
            }
        }
        return out
    }
}
