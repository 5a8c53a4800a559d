import CollabBenchCore
import CollabBenchStore
import Foundation

/// How leaderboards are computed.
public struct LeaderboardOptions: Sendable, Hashable {
    /// Only this pack, or every pack.
    public var pack: String?
    /// Coverage of the confidence intervals.
    public var level: Double
    /// Bootstrap resamples per interval.
    public var resamples: Int
    /// Base seed of the resampling (each interval derives its own from it).
    public var seed: UInt64

    /// Creates options: 95 % intervals from 2,000 resamples.
    public init(pack: String? = nil, level: Double = 0.95, resamples: Int = Bootstrap.defaultResamples, seed: UInt64 = StatisticsSeed.defaultBase) {
        self.pack = pack
        self.level = level
        self.resamples = resamples
        self.seed = seed
    }
}

/// pass@k and pass^k of a binary task metric, averaged over tasks with at least k scored trials.
public struct PassAtKEstimate: Sendable, Codable, Hashable {
    /// k.
    public var k: Int
    /// Mean pass@k × 100.
    public var passAtK: Double
    /// Mean pass^k × 100.
    public var passHatK: Double
    /// Tasks that have at least k scored trials.
    public var tasks: Int
}

/// One row of a leaderboard: one agent (model, preset and sampling) on one evaluation profile.
public struct LeaderboardRow: Sendable, Codable, Hashable {
    /// Pack name.
    public var pack: String
    /// The pack's kind.
    public var kind: TaskKind
    /// The agent as shown: `provider/model`, the preset when not `base`, and the sampling when two
    /// rows of a board would otherwise read the same.
    public var agent: String
    /// The agent's spec as run (with its base URL, if any).
    public var agentSpec: String
    /// The agent's preset.
    public var agentPreset: String
    /// Ids of the runs that contributed.
    public var runs: [String]
    /// Names of those runs.
    public var runNames: [String]
    /// The evaluation profile shared by the rows of the board.
    public var profileID: String
    /// Conversations stored (completed and failed).
    public var conversations: Int
    /// Tasks with at least one conversation.
    public var tasks: Int
    /// Most conversations of one task (trials).
    public var trials: Int
    /// Conversations that failed (a model call failed after retries); not scored.
    public var failed: Int
    /// Name of the task metric (`accuracy`, `pass_rate`, `bleu`).
    public var metric: String
    /// Mean over tasks of the per-task mean task metric × 100, or nil when none is scored.
    public var taskMetric: Double?
    /// Its bootstrap confidence interval (resampling tasks).
    public var taskMetricCI: ConfidenceInterval?
    /// Conversations whose task metric is scored.
    public var taskMetricN: Int
    /// Conversations whose task metric was skipped (e.g. a library the task needs is missing).
    public var taskMetricSkipped: Int
    /// Completed conversations whose task metric is unscored, failed or missing.
    public var taskMetricUnscored: Int
    /// Mean over tasks of thousands of cl100k tokens of the agent's messages.
    public var tokensK: Double?
    /// Its bootstrap confidence interval.
    public var tokensKCI: ConfidenceInterval?
    /// Mean over tasks of ITR × 100 (each score rescaled to 2·(S − 2.5)), or nil when none is scored.
    public var interactivity: Double?
    /// Its bootstrap confidence interval.
    public var interactivityCI: ConfidenceInterval?
    /// Conversations with a readable ITR verdict.
    public var interactivityN: Int
    /// Completed conversations whose ITR is unscored (judge reply unreadable) or whose judge failed.
    public var interactivityUnscored: Int
    /// Completed conversations with the task metric or ITR unscored.
    public var unscored: Int
    /// Share of the simulated user's messages that were not the requested JSON, or nil.
    public var simulatorFormatErrorRate: Double?
    /// The simulated user's messages.
    public var userMessages: Int
    /// Share of judge calls whose reply could not be read, or nil.
    public var judgeUnreadableRate: Double?
    /// Judge calls (retries included).
    public var judgeCalls: Int
    /// pass@k and pass^k for k = 1… when the metric is binary and some task has several trials.
    public var passAtK: [PassAtKEstimate]
    /// Conversations the simulated user ended before the agent produced an answer.
    public var simulatorEarlyStops: Int = 0
    /// Conversations whose simulated user copied more of the reference than the leak threshold.
    public var simulatorLeaksFlagged: Int = 0
    /// Krippendorff's α (interval) over repeated or multiple ITR judgements, when there are any.
    public var judgeAgreementAlpha: Double? = nil
    /// Mean per-conversation spread (max − min, on the reported ITR scale ×100) of those judgements.
    public var judgeSpread: Double? = nil
    /// Math: share of conversations where the judged accuracy and the symbolic check agree.
    public var judgedSymbolicAgreement: Double? = nil
    /// Known cost of the row's conversations in US dollars (nil when no call had a price).
    public var costUSD: Double? = nil
    /// Calls of the row's conversations whose cost is unknown.
    public var unpricedCalls: Int = 0
    /// What the simulator gate did to the row's conversations; nil (absent from the JSON) when it
    /// recorded nothing.
    public var simulatorGate: GateCounts? = nil
    /// Mean elicitation rate (points: share of the simulated users' known facts the agent asked
    /// for) over conversations that have one; nil (absent from the JSON) when none has.
    public var elicitation: Double? = nil
    /// The user role when it is a person (`human/study`, `human/simulatorarena`); nil (absent
    /// from the JSON) for simulated users.
    public var user: String? = nil
    /// True for a human run's row (a study beside the simulated runs of its board); nil (absent
    /// from the JSON) otherwise.
    public var humanRun: Bool? = nil
    /// The judge's calibration against real users on the board's task kind, when `calibrate judge`
    /// has been run for this judge; nil (absent from the JSON) otherwise.
    public var judgeCalibration: JudgeCalibrationFigure? = nil
    /// Mean known cost per conversation in US dollars.
    public var costPerConversationUSD: Double? { costUSD.map { conversations > 0 ? $0 / Double(conversations) : 0 } }
}

/// Rows that may be ranked together: one pack and one evaluation profile.
public struct LeaderboardBoard: Sendable, Codable, Hashable {
    /// Pack name.
    public var pack: String
    /// The pack's kind.
    public var kind: TaskKind
    /// The task metric.
    public var metric: String
    /// The profile every row shares.
    public var profile: EvaluationProfile
    /// How this profile differs from the pack's first board (empty for that board).
    public var differences: [String]
    /// Rows, best task metric first.
    public var rows: [LeaderboardRow]
}

/// Every board of a store.
public struct LeaderboardReport: Sendable, Codable, Hashable {
    /// Boards: packs in name order; within a pack, the board with most conversations first.
    public var boards: [LeaderboardBoard]
    /// Coverage of the intervals.
    public var level: Double
    /// Bootstrap resamples per interval.
    public var resamples: Int
    /// Base seed, as decimal text (it may exceed JSON's exact integers).
    public var seed: String
    /// Run id → the id of its profile.
    public var runProfiles: [String: String]

    /// All rows, board by board.
    public var rows: [LeaderboardRow] { boards.flatMap(\.rows) }
}

/// Builds leaderboards from the store: per pack and evaluation profile, one row per agent, with
/// bootstrap confidence intervals over tasks.
public enum Leaderboard {
    /// Rows for every pack and agent in `store` (board by board), as ``build(store:options:)``.
    public static func rows(store: ResultStore, pack: String? = nil) throws -> [LeaderboardRow] {
        try build(store: store, options: LeaderboardOptions(pack: pack)).rows
    }

    /// The boards of `store`. Runs without conversations are left out.
    ///
    /// A human run (a study) whose profile matches a board of simulated runs in everything but the
    /// user role (``EvaluationProfile/admitsHumanRun(_:)``) joins that board as its own row,
    /// marked ``LeaderboardRow/humanRun``. Rows whose judge has a stored calibration
    /// (`calibrate judge`) on the board's task kind carry it (``LeaderboardRow/judgeCalibration``).
    /// - Throws: ``CollabBenchError`` for store failures.
    public static func build(store: ResultStore, options: LeaderboardOptions = .init()) throws -> LeaderboardReport {
        var groups: [String: [String: [RunData]]] = [:]  // pack → profile id → runs
        var profiles: [String: EvaluationProfile] = [:]
        var runProfiles: [String: String] = [:]
        var calibrations = JudgeCalibrations()
        for run in try store.runs() where options.pack == nil || run.packName == options.pack {
            // Conversations the simulator gate excluded (every attempt broke the protocol) leave the scores.
            let gate = try store.gateRecords(runID: run.id)
            // The compact table (values, statuses, flags; no method or detail text): memory follows the run's size, not its text.
            let conversations = try store.scoreTable(runID: run.id).conversations.filter { gate[$0.key]?.outcome != GateCounts.excluded }
            guard !conversations.isEmpty else { continue }
            let profile = EvaluationProfile(run: run, taskIDs: conversations.map(\.taskID))
            let data = RunData(run: run, agent: AgentIdentity(run: run), conversations: conversations, quality: try store.qualityCounts(runID: run.id),
                cost: try store.runCost(runID: run.id), gate: gate)
            profiles[profile.id] = profile
            runProfiles[run.id] = profile.id
            groups[run.packName, default: [:]][profile.id, default: []].append(data)
            try calibrations.add(run, profile: profile, store: store)
        }
        if options.pack != nil {
            // Calibrations are runs of their own packs: read them even when one pack is asked for.
            for run in try store.runs() where run.packName != options.pack && JudgeCalibrations.mayBeCalibration(run) {
                try calibrations.add(run, profile: EvaluationProfile(run: run, taskIDs: [String]()), store: store)
            }
        }
        for pack in groups.keys {
            groups[pack] = joiningHumanRuns(groups[pack] ?? [:], profiles: profiles, runProfiles: &runProfiles)
        }
        var boards: [LeaderboardBoard] = []
        for pack in groups.keys.sorted() {
            let byProfile = groups[pack] ?? [:]
            let ordered = byProfile.keys.sorted { a, b in
                let ca = byProfile[a]?.reduce(0) { $0 + $1.conversations.count } ?? 0
                let cb = byProfile[b]?.reduce(0) { $0 + $1.conversations.count } ?? 0
                return ca != cb ? ca > cb : a < b
            }
            guard let reference = ordered.first.flatMap({ profiles[$0] }) else { continue }
            for profileID in ordered {
                guard let profile = profiles[profileID], let runs = byProfile[profileID] else { continue }
                let figure = calibrations.figure(for: profile)
                let rows = boardRows(runs, profile: profile, options: options).map { $0.withJudgeCalibration(figure) }
                boards.append(LeaderboardBoard(
                    pack: pack, kind: profile.packKind, metric: profile.packKind.metric.name, profile: profile,
                    differences: profileID == reference.id ? [] : profile.differences(from: reference), rows: rows))
            }
        }
        return LeaderboardReport(
            boards: boards, level: options.level, resamples: options.resamples, seed: String(options.seed), runProfiles: runProfiles)
    }

    /// `byProfile` with each board of human runs only moved onto the board of simulated runs that
    /// admits it (the one with most conversations when several do); `runProfiles` follows.
    static func joiningHumanRuns(
        _ byProfile: [String: [RunData]], profiles: [String: EvaluationProfile], runProfiles: inout [String: String]
    ) -> [String: [RunData]] {
        func isHuman(_ id: String) -> Bool { byProfile[id]?.allSatisfy { EvaluationProfile.isHumanUser($0.run.userSimulator) } ?? false }
        let human = byProfile.keys.filter(isHuman).sorted()
        guard !human.isEmpty else { return byProfile }
        let simulated = byProfile.keys.filter { !isHuman($0) }.sorted { a, b in
            let ca = byProfile[a]?.reduce(0) { $0 + $1.conversations.count } ?? 0
            let cb = byProfile[b]?.reduce(0) { $0 + $1.conversations.count } ?? 0
            return ca != cb ? ca > cb : a < b
        }
        var out = byProfile
        for id in human {
            guard let profile = profiles[id], let runs = out[id],
                let target = simulated.first(where: { profiles[$0]?.admitsHumanRun(profile) ?? false })
            else { continue }
            out[target, default: []].append(contentsOf: runs)
            out[id] = nil
            for data in runs { runProfiles[data.run.id] = target }
        }
        return out
    }

    // MARK: - Rows

    struct RunData {
        var run: RunRecord
        var agent: AgentIdentity
        var conversations: [ScoredConversation]
        var quality: RunQualityCounts
        var cost: RunCost
        var gate: [String: GateRecord] = [:]
    }

    static func boardRows(_ runs: [RunData], profile: EvaluationProfile, options: LeaderboardOptions) -> [LeaderboardRow] {
        let byAgent = Dictionary(grouping: runs, by: \.agent.key)
        var rows = byAgent.keys.sorted().compactMap { key in byAgent[key].map { row($0, profile: profile, options: options) } }
        // Two agents that read the same get their sampling and server shown.
        let identities = byAgent.keys.sorted().compactMap { byAgent[$0]?.first?.agent }
        let seen = Dictionary(grouping: rows.map(\.agent), by: { $0 }).mapValues(\.count)
        for i in rows.indices where (seen[rows[i].agent] ?? 0) > 1 {
            rows[i].agent = identities[i].distinguishedLabel
        }
        return rows.sorted {
            ($0.taskMetric ?? -.infinity, -($0.tokensK ?? .infinity), $1.agent) > ($1.taskMetric ?? -.infinity, -($1.tokensK ?? .infinity), $0.agent)
        }
    }

    static func row(_ runs: [RunData], profile: EvaluationProfile, options: LeaderboardOptions) -> LeaderboardRow {
        let first = runs[0]
        let metric = profile.packKind.metric.name
        let all = runs.flatMap(\.conversations)
        let completed = all.filter { $0.status == .completed }
        let quality = runs.map(\.quality).reduce(RunQualityCounts(), +)
        let seedParts = [profile.id, first.agent.key]
        let task = TaskValues(completed, metric: profile.packKind.metric)
        let tokens = TaskValues(completed, metric: .tokensK)
        let itr = TaskValues(completed, metric: .itr)
        let tally = QualityTally(completed.lazy.map(\.scores.entries), taskMetric: metric)
        var perTaskCount: [String: Int] = [:]
        for c in all { perTaskCount[c.taskID, default: 0] += 1 }

        func interval(_ values: TaskValues, _ name: String) -> ConfidenceInterval? {
            Bootstrap.meanInterval(
                values.perTask, level: options.level, resamples: options.resamples,
                seed: StatisticsSeed.derive(options.seed, parts: seedParts + [name]))
        }
        return LeaderboardRow(
            pack: profile.packName, kind: profile.packKind, agent: first.agent.label, agentSpec: first.run.agent,
            agentPreset: first.run.agentPreset, runs: runs.map(\.run.id), runNames: runs.map(\.run.name), profileID: profile.id,
            conversations: all.count, tasks: perTaskCount.count, trials: perTaskCount.values.max() ?? 0,
            failed: all.count - completed.count, metric: metric,
            taskMetric: task.mean, taskMetricCI: interval(task, metric), taskMetricN: task.scoredConversations,
            taskMetricSkipped: tally.taskMetricSkipped, taskMetricUnscored: tally.taskMetricMissing + tally.taskMetricNotScored,
            tokensK: tokens.mean, tokensKCI: interval(tokens, Metric.tokensK.name),
            interactivity: itr.mean, interactivityCI: interval(itr, Metric.itr.name), interactivityN: itr.scoredConversations,
            interactivityUnscored: tally.interactivityMissing + tally.interactivityNotScored, unscored: tally.conversationsWithUnscoredFigure,
            simulatorFormatErrorRate: quality.simulatorFormatErrorRate, userMessages: quality.userMessages,
            judgeUnreadableRate: quality.judgeUnreadableRate, judgeCalls: quality.judgeCalls,
            passAtK: profile.packKind.metric.isBinary ? passAtK(completed, metric: metric) : [])
            .withJudgeAndSimulatorFigures(completed, tally: tally)
            .withCost(runs.map(\.cost))
            .withSimulatorGate(runs.flatMap(\.gate.values))
            .withElicitation(completed)
            .withHumanUser(first.run)
    }

    static func passAtK(_ conversations: [ScoredConversation], metric: String) -> [PassAtKEstimate] {
        var counts: [String: (n: Int, c: Int)] = [:]
        for conversation in conversations {
            guard let entry = conversation.scores[metric], entry.status == .scored, let value = entry.value else { continue }
            var current = counts[conversation.taskID] ?? (0, 0)
            current.n += 1
            if value >= 0.5 { current.c += 1 }
            counts[conversation.taskID] = current
        }
        let maxTrials = counts.values.map(\.n).max() ?? 0
        guard maxTrials >= 2 else { return [] }
        let tasks = counts.keys.sorted().compactMap { counts[$0] }
        return (1...maxTrials).compactMap { k in
            PassAtK.mean(tasks: tasks, k: k).map {
                PassAtKEstimate(k: k, passAtK: $0.passAtK * 100, passHatK: $0.passHatK * 100, tasks: $0.tasks)
            }
        }
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}

/// Per-task means of one metric over scored conversations, tasks in id order (the order fixes
/// which task each bootstrap index draws).
struct TaskValues {
    /// Task ids with at least one scored value, sorted.
    var taskIDs: [String]
    /// The mean scored value of each task, times the scale.
    var perTask: [Double]
    /// Scored conversations.
    var scoredConversations: Int

    init(_ conversations: [ScoredConversation], metric: String, scale: Double) {
        var sums: [String: (Double, Int)] = [:]
        var scored = 0
        for conversation in conversations {
            guard let entry = conversation.scores[metric], entry.status == .scored, let value = entry.value else { continue }
            let current = sums[conversation.taskID] ?? (0, 0)
            sums[conversation.taskID] = (current.0 + value * scale, current.1 + 1)
            scored += 1
        }
        taskIDs = sums.keys.sorted()
        perTask = taskIDs.map { id in sums[id].map { $0.0 / Double($0.1) } ?? 0 }
        scoredConversations = scored
    }

    /// The per-task means of `metric`, in its reporting units.
    init(_ conversations: [ScoredConversation], metric: Metric) {
        self.init(conversations, metric: metric.name, scale: metric.scale.factor)
    }

    /// Mean of the per-task means.
    var mean: Double? { Leaderboard.mean(perTask) }

    /// Task id → per-task mean.
    var byTask: [String: Double] { Dictionary(uniqueKeysWithValues: zip(taskIDs, perTask)) }
}

/// Who the agent of a run is: everything in its configuration that describes the agent (model,
/// server, preset, sampling, system prompt). Unlike the simulated user and the judge, the agent's
/// server address is part of its identity: two servers may serve different models under one name.
struct AgentIdentity: Hashable {
    /// Grouping key.
    var key: String
    /// `provider/model`, with ` [preset]` when the preset is not `base`.
    var label: String
    /// The agent's sampling, for telling apart rows that read the same.
    var samplingText: String
    /// `host:port/path` of the agent's server, when the spec names one.
    var server: String?

    init(run: RunRecord) {
        let parts = run.agent.split(separator: "@", maxSplits: 1).map(String.init)
        let spec = parts.first ?? run.agent
        if parts.count == 2 {
            var url = parts[1]
            for scheme in ["https://", "http://"] where url.hasPrefix(scheme) { url.removeFirst(scheme.count) }
            if url.hasSuffix("/v1") { url.removeLast(3) }
            server = url
        }
        label = run.agentPreset == "base" ? spec : "\(spec) [\(run.agentPreset)]"
        var keys = ["agent=\(run.agent)", "preset=\(run.agentPreset)"]
        // A human run is its own row, even beside simulated runs of the same agent.
        if EvaluationProfile.isHumanUser(run.userSimulator) { keys.append("user=\(run.userSimulator)") }
        var sampling: [String] = []
        if case .object(let root)? = try? JSONValue.parse(run.configJSON) {
            for (key, value) in root.sorted(by: { $0.key < $1.key }) where key.lowercased().hasPrefix("agent") && key != "agent" {
                keys.append("\(key)=\(value.canonicalText)")
            }
            if case .object(let conversation)? = root["conversation"] {
                for (key, value) in conversation.sorted(by: { $0.key < $1.key }) where key.lowercased().hasPrefix("agent") {
                    if key == "agentSystemPrompt", case .string(let text) = value {
                        keys.append("\(key)=sha256:\(StableHash.sha256(text))")
                    } else {
                        keys.append("\(key)=\(value.canonicalText)")
                    }
                }
                if case .object(let s)? = conversation["agentSampling"] {
                    for (name, label) in [("temperature", "T"), ("top_p", "top_p"), ("max_tokens", "max")] {
                        if let v = s[name], v != .null { sampling.append("\(label) \(v.canonicalText)") }
                    }
                }
            }
        }
        key = keys.joined(separator: "\u{1F}")
        samplingText = sampling.isEmpty ? "sampling ?" : sampling.joined(separator: ", ")
    }

    /// The label with what tells it apart from others that read the same: sampling and server.
    var distinguishedLabel: String {
        "\(label) (\(samplingText))" + (server.map { " @\($0)" } ?? "")
    }
}
