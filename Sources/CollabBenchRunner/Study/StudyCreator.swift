import CollabBenchCore
import CollabBenchStore
import Foundation

/// What `study create` needs: the store, the pack, the agent, the judges and the study's shape.
///
/// ``create(now:random:)`` resolves the pack, prompts and model specs as a run would (no model is
/// called), then records a run whose user is a person (``StudyLayout``) with one participant per
/// link, each bound to a task of the pack in turn.
public struct StudyPlan: Sendable {
    /// The results database.
    public var store: String
    /// The study's settings (pack, agent, judges, ratings).
    public var settings: StudySettings
    /// Participants to invite (one link each).
    public var participants: Int
    /// The run's name (nil: the run id).
    public var name: String?
    /// The address printed links start with.
    public var baseURL: String
    /// Where API keys are read from (only to check that the specs parse; nothing is called).
    public var environment: [String: String]
    /// Folders searched last for a pack given by name.
    public var packSearchRoots: [String]

    /// Creates a plan.
    public init(
        store: String, settings: StudySettings, participants: Int = 1, name: String? = nil, baseURL: String = "http://127.0.0.1:8080",
        environment: [String: String] = ProcessInfo.processInfo.environment, packSearchRoots: [String] = []
    ) {
        self.store = store
        self.settings = settings
        self.participants = participants
        self.name = name
        self.baseURL = baseURL
        self.environment = environment
        self.packSearchRoots = packSearchRoots
    }

    /// A made study: its run and one link per participant.
    public struct Created: Sendable, Hashable {
        /// The study's run.
        public var run: RunRecord
        /// The participants, in order.
        public var participants: [StudyParticipantRecord]
        /// Each participant's link, in the same order.
        public var links: [String]
    }

    /// Records the study.
    /// - Parameters:
    ///   - now: The creation time.
    ///   - random: Where the link and form tokens come from (the system's generator in production).
    /// - Throws: ``CollabBenchError`` for bad arguments, an unreadable pack, or store failures.
    public func create(now: Date = Date(), random: inout some RandomNumberGenerator) throws -> Created {
        guard participants >= 1, participants <= 10_000 else {
            throw CollabBenchError(.invalidArgument, "--participants must be between 1 and 10000", setting: "participants", value: String(participants))
        }
        guard settings.rateEvery >= 1 else {
            throw CollabBenchError(.invalidArgument, "--rate-every must be at least 1", setting: "rateEvery", value: String(settings.rateEvery))
        }
        let prepared = try RunAssembler(plan: settings.runPlan(store: store, name: name), environment: environment, packSearchRoots: packSearchRoots)
            .prepare()
        guard !prepared.pack.tasks.isEmpty else {
            throw CollabBenchError(.malformedPack, "the pack has no tasks", file: prepared.pack.directory)
        }
        var stored = settings
        stored.pack = URL(fileURLWithPath: prepared.pack.directory).standardizedFileURL.path
        // Specs as written without credentials: the study server reads keys from its own environment.
        stored.agent = prepared.agentSpec.description
        stored.judges = ([prepared.judgeSpec] + prepared.additionalJudges).map(\.description)
        if settings.judges.isEmpty { stored.judges = [] }
        let configuration = StudyLayout.configuration(prepared.configuration, name: name)
        let time = BenchmarkRunner.timestamp(now)
        let runID = BenchmarkRunner.newRunID(at: now).replacingOccurrences(of: "run-", with: "study-")
        let record = RunRecord(
            id: runID, name: name ?? runID, createdAt: time, status: .running, packName: prepared.pack.manifest.name,
            packVersion: prepared.pack.manifest.version, packKind: prepared.pack.manifest.kind, packHash: prepared.pack.contentHash,
            agent: configuration.agent.description, agentPreset: configuration.agentPreset,
            userSimulator: configuration.userSimulator.description, judge: configuration.judge.description, seed: configuration.seed,
            taskCount: participants, configJSON: try configuration.json(), collabbenchVersion: configuration.collabbenchVersion,
            configHash: try configuration.identityHash())
        let store = try ResultStore(path: store)
        if let name, try store.run(name) != nil {
            throw CollabBenchError(.invalidArgument, "the store already has a run named '\(name)'", setting: "name", value: name)
        }
        let tasks = prepared.pack.tasks
        let people = (0..<participants).map { i in
            StudyParticipantRecord(
                id: "p-" + StudyTokens.make(using: &random).prefix(12), runID: runID, position: i, token: StudyTokens.make(using: &random),
                csrfToken: StudyTokens.make(using: &random), taskID: tasks[i % tasks.count].id, state: .invited, createdAt: time,
                progressJSON: (try? StudyProgress().json()) ?? "{}")
        }
        _ = try store.storePackSnapshot(prepared.pack)
        try store.createStudy(
            run: record, prompts: prepared.prompts.templates.values.sorted { $0.name < $1.name },
            study: StudyRecord(runID: runID, settingsJSON: try stored.json(), rateEvery: settings.rateEvery, createdAt: time),
            participants: people)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return Created(run: record, participants: people, links: people.map { "\(base)/study/\($0.token)" })
    }
}
