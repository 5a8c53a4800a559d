import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchReports
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// Plays every human conversation's hidden intent (the user's task card and their own background
/// answers) with a simulated user against one or more assistants, and sets the simulated
/// conversations beside the real ones (``SimulatorCalibration``).
///
/// Per conversation, on both sides: user turns, words per user message (whitespace-separated,
/// mean over the conversation's messages), share of user messages with a question mark, share of
/// the user's known facts (their background answers) revealed by user message 1, 3 and the end
/// (``ElicitationMeasure``'s reveal rule; documents only), how it ended, and the judge's
/// interactivity score. Each (set, assistant) is stored as a run: the simulated conversations with
/// their `itr` and `elicitation` scores, and the statistics as the recorded text
/// `calibration/simulator`.
public struct SimulatorCalibrator: Sendable {
    /// The store holding the human runs; the simulated runs are written to it.
    public var store: ResultStore
    /// The simulated user.
    public var simulator: any ChatModel
    /// The assistants, in order.
    public var agents: [any ChatModel]
    /// The judge rating real and simulated conversations.
    public var judge: InteractivityJudge
    /// Prompt templates.
    public var prompts: PromptLibrary
    /// Exchanges at most per simulated conversation.
    public var maxExchanges: Int
    /// Ask the simulated user for JSON through `response_format`.
    public var structuredOutput: Bool
    /// Seed of every call and of the bootstrap.
    public var seed: Int
    /// Only the first N conversations of each set.
    public var limit: Int?
    /// Bootstrap resamples per interval.
    public var resamples = Bootstrap.defaultResamples

    /// Creates a calibrator.
    public init(
        store: ResultStore, simulator: any ChatModel, agents: [any ChatModel], judge: InteractivityJudge, prompts: PromptLibrary,
        maxExchanges: Int = 10, structuredOutput: Bool = true, seed: Int = 0, limit: Int? = nil
    ) {
        self.store = store
        self.simulator = simulator
        self.agents = agents
        self.judge = judge
        self.prompts = prompts
        self.maxExchanges = maxExchanges
        self.structuredOutput = structuredOutput
        self.seed = seed
        self.limit = limit
    }

    /// The name of the text holding a simulated run's statistics.
    public static let statisticsName = "calibration/simulator"

    /// Calibrates against every human run.
    /// - Throws: ``CollabBenchError`` when the store has no human run, for store failures, broken
    ///   templates, or run-wide model errors (a refused key, cancellation).
    public func calibrate() async throws -> SimulatorCalibration {
        let runs = try store.runs().filter { HumanRunLayout.isHuman($0) && $0.judge == HumanRunLayout.selfRating.description }
        guard !runs.isEmpty else {
            throw CollabBenchError(.invalidArgument, "no human runs in \(store.path): import them first with `collabbench humans import`")
        }
        var sets: [SimulatorCalibration.SetResult] = []
        for run in runs { sets.append(try await calibrate(run)) }
        return SimulatorCalibration(sets: sets)
    }

    /// One conversation's figures.
    struct Figures {
        var userTurns: Double
        var wordsPerMessage: Double?
        var questionShare: Double?
        var revealed: [Double?]  // by user message 1, 3, end
        var ending: String
        var judge: Double?
    }

    static func figures(_ transcript: Transcript, facts: [PersonaFact], judge: Double?) -> Figures {
        let users = transcript.userTexts
        let words = users.map { Double($0.split(whereSeparator: \.isWhitespace).count) }
        let elicitation = ElicitationMeasure(facts: facts, transcript: transcript)
        return Figures(
            userTurns: Double(users.count), wordsPerMessage: words.isEmpty ? nil : words.reduce(0, +) / Double(words.count),
            questionShare: users.isEmpty ? nil : Double(users.filter { $0.contains("?") }.count) / Double(users.count),
            revealed: [1, 3, max(users.count, 1)].map { elicitation.revealedShare(byUserMessage: $0) },
            ending: transcript.endReason.rawValue, judge: judge)
    }

    /// The background answers in a human run's hidden intent (`- <question>? <answer>` lines
    /// after "Your own answers about what you want:").
    public static func facts(inIntent intent: String) -> [PersonaFact] {
        guard let range = intent.range(of: "Your own answers about what you want:") else { return [] }
        return intent[range.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("- ") else { return nil }
            let text = String(line.dropFirst(2))
            guard let mark = text.firstIndex(of: "?") else { return PersonaFact(question: "", answer: text) }
            return PersonaFact(
                question: String(text[...mark]), answer: String(text[text.index(after: mark)...]).trimmingCharacters(in: .whitespaces))
        }
    }

    func judged(_ task: BenchmarkTask, _ transcript: Transcript, seed: Int) async throws -> (Double?, JudgeVerdict) {
        let verdict = try await judge.judge(task: task, transcript: transcript, seed: seed)
        return (verdict.status == .scored ? verdict.score : nil, verdict)
    }

    func calibrate(_ source: RunRecord) async throws -> SimulatorCalibration.SetResult {
        let set = HumanReferenceSet.allCases.first { $0.runName == source.name || $0.kind == source.packKind } ?? .documentCreation
        let intents = try store.runPrompts(runID: source.id)
        let all = try store.conversationScores(runID: source.id)
        let conversations = Array(all.prefix(limit ?? all.count))
        // The real side: figures, the judge's score and the users' own ratings.
        var real: [Figures] = []
        var ratings: [(model: String?, rating: Double)] = []
        var tasks: [BenchmarkTask] = []
        for c in conversations {
            let transcript = try store.transcript(conversationID: c.conversationID)
            let intent = intents[HumanRunLayout.intentName(c.taskID)] ?? ""
            let task = BenchmarkTask(
                id: c.taskID, prompt: transcript.userTexts.first ?? "", hiddenIntent: intent, reference: TaskReference(text: ""))
            tasks.append(task)
            let (score, _) = try await judged(task, transcript, seed: StableHash.derivedSeed(seed, c.taskID, "real"))
            real.append(Self.figures(transcript, facts: Self.facts(inIntent: intent), judge: score))
            if let r = c.scores[set.interactionRatingMetric], r.status == .scored, let v = r.value {
                let model = transcript.turns.first { $0.role == .assistant }.map { JudgeCalibrator.recordedModel($0.call.model) }
                ratings.append((model, v))
            }
        }
        var results: [SimulatorCalibration.AgentResult] = []
        var simulatedMeans: [Double?] = []
        for agent in agents {
            let engine = ConversationEngine(
                agent: agent, simulator: simulator, prompts: prompts,
                settings: ConversationSettings(
                    maxExchanges: maxExchanges, agentSampling: Sampling(temperature: set.kind.paperAgentTemperature, maxTokens: 1024),
                    structuredOutput: structuredOutput))
            let runID = try createRun(source: source, agent: agent, set: set)
            var simulated: [Figures] = []
            var failed = 0
            for task in tasks {
                let callSeed = StableHash.derivedSeed(seed, task.id, "simulated")
                let started = BenchmarkRunner.timestamp(Date())
                let transcript = try await engine.run(task: task, kind: set.kind, seed: callSeed)
                var scores: [ScoreEntry] = []
                var verdicts: [JudgeVerdict] = []
                if transcript.endReason == .failed {
                    failed += 1
                } else {
                    let (score, verdict) = try await judged(task, transcript, seed: StableHash.derivedSeed(callSeed, "judge"))
                    verdicts.append(verdict)
                    scores.append(
                        ScoreEntry(
                            metric: "itr", value: score, status: ScoreStatus(verdict.status), method: "judge:\(judge.model.spec)",
                            detail: verdict.detail))
                    let facts = Self.facts(inIntent: task.hiddenIntent)
                    if !facts.isEmpty { scores.append(ElicitationMeasure(facts: facts, transcript: transcript).entry) }
                    simulated.append(Self.figures(transcript, facts: facts, judge: score))
                }
                _ = try await store.commit(
                    ConversationResult(
                        runID: runID, taskID: task.id, trial: 0, seed: callSeed, transcript: transcript, turnTokens: [], scores: scores,
                        verdicts: verdicts, startedAt: started, finishedAt: BenchmarkRunner.timestamp(Date())))
            }
            let modelName = agent.spec.model
            let result = SimulatorCalibration.AgentResult(
                agent: agent.spec.description, run: runID, measures: measures(real: real, simulated: simulated, set: set, agent: modelName),
                realEndings: Dictionary(grouping: real, by: \.ending).mapValues(\.count),
                simulatedEndings: Dictionary(grouping: simulated, by: \.ending).mapValues(\.count),
                realUserRatings: summary(ratings.map(\.rating), name: "ratings", set: set, agent: ""),
                realUserRatingsOfThisModel: summary(
                    ratings.filter { $0.model == modelName }.map(\.rating), name: "ratings", set: set, agent: modelName),
                failed: failed)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try store.addRunPrompts(
                runID: runID, [PromptTemplate(name: Self.statisticsName, text: String(decoding: try encoder.encode(result), as: UTF8.self))]
            )
            try store.finishRun(id: runID, status: .completed, at: BenchmarkRunner.timestamp(Date()))
            results.append(result)
            simulatedMeans.append(result.measures.last?.simulated.mean)
        }
        var ranking: SimulatorCalibration.Ranking?
        if agents.count >= 2 {
            let matched = results.indices.compactMap { i -> (String, Double, Double)? in
                guard let r = results[i].realUserRatingsOfThisModel.mean, let s = simulatedMeans[i] else { return nil }
                return (results[i].agent, r, s)
            }
            ranking = SimulatorCalibration.Ranking(
                agents: matched.map(\.0), realMeans: matched.map(\.1), simulatedMeans: matched.map(\.2),
                spearman: matched.count >= 2 ? Correlation.spearman(matched.map(\.1), matched.map(\.2)) : nil)
        }
        return SimulatorCalibration.SetResult(
            set: set, humanRun: source.name, conversations: tasks.count, agents: results, ranking: ranking)
    }

    func measures(real: [Figures], simulated: [Figures], set: HumanReferenceSet, agent: String) -> [SimulatorCalibration.Measure] {
        var named: [(String, (Figures) -> Double?)] = [
            ("user_turns", { $0.userTurns }), ("words_per_user_message", { $0.wordsPerMessage }), ("question_share", { $0.questionShare }),
        ]
        if set == .documentCreation {
            named += [
                ("revealed_by_turn_1", { $0.revealed[0] }), ("revealed_by_turn_3", { $0.revealed[1] }),
                ("revealed_by_end", { $0.revealed[2] }),
            ]
        }
        named.append(("judge_itr", { $0.judge }))
        return named.map { name, value in
            let a = real.compactMap(value)
            let b = simulated.compactMap(value)
            return SimulatorCalibration.Measure(
                name: name, real: summary(a, name: name + "/real", set: set, agent: agent),
                simulated: summary(b, name: name + "/simulated", set: set, agent: agent), ks: KolmogorovSmirnov.test(a, b))
        }
    }

    func summary(_ values: [Double], name: String, set: HumanReferenceSet, agent: String) -> SimulatorCalibration.Summary {
        let sorted = values.sorted()
        let bootstrapSeed = StatisticsSeed.derive(StatisticsSeed.defaultBase &+ UInt64(bitPattern: Int64(seed)), set.rawValue, agent, name)
        return SimulatorCalibration.Summary(
            n: values.count, mean: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count),
            median: sorted.isEmpty ? nil : Bootstrap.quantile(sorted: sorted, 0.5),
            interval: Bootstrap.meanInterval(values, resamples: resamples, seed: bootstrapSeed))
    }

    func createRun(source: RunRecord, agent: any ChatModel, set: HumanReferenceSet) throws -> String {
        var config = try JSONDecoder().decode(RunConfiguration.self, from: Data(source.configJSON.utf8))
        config.agent = agent.spec
        config.agentPreset = "base"
        config.userSimulator = simulator.spec
        config.judge = judge.model.spec
        config.judgeSampling = judge.sampling
        config.judgeMaxAttempts = judge.maxAttempts
        config.judgeStructuredOutput = judge.structuredOutput
        config.itrScale = judge.scale
        config.conversation = ConversationSettings(
            maxExchanges: maxExchanges, agentSampling: Sampling(temperature: set.kind.paperAgentTemperature, maxTokens: 1024),
            structuredOutput: structuredOutput)
        config.seed = seed
        config.limit = limit
        config.name = "\(source.name) simulated by \(simulator.spec) with \(agent.spec)"
        config.promptHashes = prompts.hashes
        let now = Date()
        let runID = BenchmarkRunner.newRunID(at: now)
        let record = RunRecord(
            id: runID, name: config.name ?? runID, createdAt: BenchmarkRunner.timestamp(now), status: .running,
            packName: source.packName, packVersion: source.packVersion, packKind: source.packKind, packHash: source.packHash,
            agent: agent.spec.description, agentPreset: "base", userSimulator: simulator.spec.description,
            judge: judge.model.spec.description,
            seed: seed, taskCount: min(source.taskCount, limit ?? source.taskCount), configJSON: try config.json(),
            collabbenchVersion: CollabBenchVersion.current, configHash: try config.identityHash())
        let intents = try store.runPrompts(runID: source.id).sorted { $0.key < $1.key }.map { PromptTemplate(name: $0.key, text: $0.value) }
        try store.createRun(record, prompts: intents)
        return runID
    }
}
