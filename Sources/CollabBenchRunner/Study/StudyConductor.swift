import CollabBenchCore
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// Drives the studies of one store for the study pages: finds a participant by their link's token,
/// sends their messages to the agent, stores ratings, and on "I'm done" scores the conversation with
/// the run's metrics and judges and stores it as a conversation of the study's run.
///
/// Model clients are assembled from the study's stored settings (``StudySettings``) with
/// ``RunAssembler``, once per study, on first use; API keys come from ``environment``. One request
/// per participant is handled at a time (a second one while the agent answers is a conflict).
public actor StudyConductor {
    /// What a participant's page shows.
    public struct View: Sendable, Hashable {
        /// The participant.
        public var participant: StudyParticipantRecord
        /// Their conversation so far.
        public var progress: StudyProgress
        /// The task bound to them (its prompt and hidden intent are theirs to read).
        public var task: BenchmarkTask
        /// The pack's kind.
        public var kind: TaskKind
        /// Ratings every this many replies.
        public var rateEvery: Int
        /// The most exchanges the protocol allows.
        public var maxExchanges: Int

        /// Whether a rating is due before the next message.
        public var ratingDue: Bool { progress.ratingDue(rateEvery: rateEvery) }
        /// Whether the participant may send another message.
        public var canSend: Bool { participant.state != .finished && !ratingDue && progress.replies < maxExchanges }
    }

    /// One study's assembled models and settings.
    struct Engine: Sendable {
        var session: RunSession
        var runner: BenchmarkRunner
        var study: StudyRecord
        var tasks: [String: BenchmarkTask]
    }

    private let store: ResultStore
    private let environment: [String: String]
    private let workingDirectory: String
    private let packSearchRoots: [String]
    private let countingTokens: Bool
    private let now: @Sendable () -> Date
    private var engines: [String: Engine] = [:]
    private var busy: Set<String> = []

    /// A conductor over the store at `storePath`.
    /// - Parameters:
    ///   - environment: Where API keys are read from.
    ///   - countingTokens: Count tokens with the pack's tokenizer (#Tok); false for callers
    ///     without the rank files.
    ///   - now: The clock timings are read from (injected by tests).
    public init(
        storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath, packSearchRoots: [String] = [], countingTokens: Bool = true,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try ResultStore(path: storePath)
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.packSearchRoots = packSearchRoots
        self.countingTokens = countingTokens
        self.now = now
    }

    /// Shuts every study's model clients down.
    public func shutdown() async {
        for engine in engines.values { await engine.session.close() }
        engines = [:]
    }

    // MARK: - Requests

    /// The page of the participant with link token `token`; the first visit starts their clock.
    /// - Throws: ``StudyFailure/notFound`` for an unknown token.
    public func open(token: String) async throws -> View {
        var (participant, progress, engine) = try await lookup(token)
        if participant.state == .invited {
            let t = now()
            participant.state = .chatting
            participant.startedAt = BenchmarkRunner.timestamp(t)
            progress.startedAt = t.timeIntervalSinceReferenceDate
            progress.lastEventAt = t.timeIntervalSinceReferenceDate
            participant.progressJSON = try progress.json()
            try store.updateStudyParticipant(participant)
        }
        return try view(participant, progress, engine)
    }

    /// Throws what ``send(token:csrf:message:onPiece:)`` would throw before calling the agent, if
    /// it were called now; sends and stores nothing. The streamed path checks first, so that a
    /// refused message is an HTTP status rather than an event of an already started stream.
    /// - Throws: ``StudyFailure``.
    public func checkSend(token: String, csrf: String, message: String) async throws {
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw StudyFailure.invalid("the message is empty") }
        let (participant, progress, engine) = try await lookup(token)
        guard StudyTokens.matches(csrf, participant.csrfToken) else { throw StudyFailure.forbidden }
        guard participant.state != .invited else { throw StudyFailure.conflict("open the page first") }
        guard !busy.contains(participant.id) else { throw StudyFailure.conflict("the previous message is still being answered") }
        try Self.acceptsMessage(try view(participant, progress, engine))
    }

    /// Sends the participant's `message` to the agent and stores both.
    /// - Parameter onPiece: Receives the reply's text as the agent generates it
    ///   (``ChatModel/complete(_:onPiece:)``: when the pieces joined differ from the stored
    ///   reply, the stored reply in the returned view is the one to show).
    /// - Throws: ``StudyFailure``.
    public func send(token: String, csrf: String, message: String, onPiece: @Sendable (String) async -> Void = { _ in }) async throws -> View {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StudyFailure.invalid("the message is empty") }
        return try await exclusively(token, csrf: csrf) { participant, progress, engine in
            try Self.acceptsMessage(try self.view(participant, progress, engine))
            let t = self.now()
            var progress = progress
            progress.turnSeconds.append(max(0, t.timeIntervalSinceReferenceDate - (progress.lastEventAt ?? t.timeIntervalSinceReferenceDate)))
            progress.turns.append(
                Turn(
                    role: .user, text: text,
                    call: CallRecord(
                        model: StudyLayout.personModel, rawReply: text, latencySeconds: progress.turnSeconds.last ?? 0, attempts: 0, costUSD: 0)))
            let prepared = engine.session.prepared
            var messages: [ChatMessage] = []
            if let system = prepared.settings.agentSystemPrompt { messages.append(.system(system)) }
            messages += progress.turns.map { ChatMessage(role: $0.role, content: $0.text) }
            let seed = StableHash.derivedSeed(
                StableHash.derivedSeed(prepared.configuration.seed, participant.taskID, String(participant.position)), "agent",
                String(progress.replies))
            let agent = engine.runner.engine.agent
            do {
                let completion = try await agent.complete(
                    ChatRequest(messages: messages, sampling: prepared.settings.agentSampling, seed: seed), onPiece: onPiece)
                progress.turns.append(
                    Turn(
                        role: .assistant, text: completion.text,
                        call: CallRecord(
                            model: agent.spec.description, completion: completion, seed: seed, requestHash: ConversationEngine.hash(messages))))
                progress.lastFailure = nil
            } catch {
                // The message is kept out: the participant sends it again.
                var failed = StudyProgress(json: participant.progressJSON)
                failed.lastFailure = "the assistant could not answer; please send your message again"
                var p = participant
                p.progressJSON = try failed.json()
                try self.store.updateStudyParticipant(p)
                throw StudyFailure.unavailable("the assistant could not answer")
            }
            progress.lastEventAt = self.now().timeIntervalSinceReferenceDate
            var p = participant
            p.progressJSON = try progress.json()
            try self.store.updateStudyParticipant(p)
            return try self.view(p, progress, engine)
        }
    }

    /// Stores a rating the page asked for.
    /// - Throws: ``StudyFailure``.
    public func rate(token: String, csrf: String, quality: Int, interaction: Int, comment: String) async throws -> View {
        try await exclusively(token, csrf: csrf) { participant, progress, engine in
            let current = try self.view(participant, progress, engine)
            guard participant.state != .finished else { throw StudyFailure.conflict("the conversation has ended") }
            guard current.ratingDue else { throw StudyFailure.conflict("no rating is due") }
            let rating = StudyRating(quality: quality, interaction: interaction, comment: comment, afterReplies: progress.replies, final: false)
            guard rating.isValid else { throw StudyFailure.invalid("ratings are whole numbers from 1 to 10") }
            var progress = progress
            progress.ratings.append(rating)
            progress.lastEventAt = self.now().timeIntervalSinceReferenceDate
            var p = participant
            p.progressJSON = try progress.json()
            try self.store.updateStudyParticipant(p)
            return try self.view(p, progress, engine)
        }
    }

    /// Ends the chat with the final rating: scores and judges the conversation and stores it with
    /// the ratings (``StudyLayout``).
    /// - Throws: ``StudyFailure``.
    public func finish(token: String, csrf: String, quality: Int, interaction: Int, comment: String) async throws -> View {
        try await exclusively(token, csrf: csrf) { participant, progress, engine in
            guard participant.state != .finished else { throw StudyFailure.conflict("the conversation has ended") }
            guard progress.replies > 0 else { throw StudyFailure.conflict("send the assistant a message first") }
            let rating = StudyRating(quality: quality, interaction: interaction, comment: comment, afterReplies: progress.replies, final: true)
            guard rating.isValid else { throw StudyFailure.invalid("ratings are whole numbers from 1 to 10") }
            let end = self.now()
            var progress = progress
            progress.ratings.append(rating)
            progress.lastEventAt = end.timeIntervalSinceReferenceDate
            let current = try self.view(participant, progress, engine)
            let transcript = Transcript(turns: progress.turns, endReason: .userTerminated)
            let seed = StableHash.derivedSeed(engine.runner.configuration.seed, participant.taskID, String(participant.position))
            let scored: ([ScoreEntry], [JudgeVerdict])
            do {
                scored = try await engine.runner.judgedScores(task: current.task, transcript: transcript, seed: seed)
            } catch {
                throw StudyFailure.unavailable("the conversation could not be judged; please press the button again")
            }
            let ratings = try StudyLayout.ratingScores(progress: progress, kind: current.kind, finishedAt: end)
            let finishedAt = BenchmarkRunner.timestamp(end)
            let result = ConversationResult(
                runID: participant.runID, taskID: participant.taskID, trial: participant.position, seed: seed, transcript: transcript,
                turnTokens: engine.runner.scorer.turnTokens(transcript), scores: scored.0 + ratings, verdicts: scored.1,
                startedAt: participant.startedAt ?? finishedAt, finishedAt: finishedAt)
            var p = participant
            p.progressJSON = try progress.json()
            let id = try self.store.finishStudyParticipant(p, result: result, at: finishedAt)
            p.state = .finished
            p.finishedAt = finishedAt
            p.conversationID = id
            return try self.view(p, progress, engine)
        }
    }

    // MARK: - Internals

    /// Throws the conflict that keeps the page `current` from sending a message, if any.
    private static func acceptsMessage(_ current: View) throws {
        guard current.canSend else {
            throw StudyFailure.conflict(current.ratingDue ? "please rate the conversation first" : "the conversation has ended")
        }
    }

    private func exclusively(
        _ token: String, csrf: String,
        _ body: @Sendable (StudyParticipantRecord, StudyProgress, Engine) async throws -> View
    ) async throws -> View {
        let (participant, progress, engine) = try await lookup(token)
        guard StudyTokens.matches(csrf, participant.csrfToken) else { throw StudyFailure.forbidden }
        guard participant.state != .invited else { throw StudyFailure.conflict("open the page first") }
        guard busy.insert(participant.id).inserted else { throw StudyFailure.conflict("the previous message is still being answered") }
        defer { busy.remove(participant.id) }
        // Read again inside the exclusive section: another request may have finished meanwhile.
        guard let fresh = try store.studyParticipant(token: token) else { throw StudyFailure.notFound }
        return try await body(fresh, StudyProgress(json: fresh.progressJSON), engine)
    }

    private func lookup(_ token: String) async throws -> (StudyParticipantRecord, StudyProgress, Engine) {
        guard StudyTokens.isWellFormed(token), let participant = try store.studyParticipant(token: token) else { throw StudyFailure.notFound }
        let engine = try await engine(runID: participant.runID)
        return (participant, StudyProgress(json: participant.progressJSON), engine)
    }

    private nonisolated func view(_ participant: StudyParticipantRecord, _ progress: StudyProgress, _ engine: Engine) throws -> View {
        guard let task = engine.tasks[participant.taskID] else { throw StudyFailure.notFound }
        let prepared = engine.session.prepared
        return View(
            participant: participant, progress: progress, task: task, kind: prepared.kind, rateEvery: engine.study.rateEvery,
            maxExchanges: prepared.settings.maxExchanges)
    }

    private func engine(runID: String) async throws -> Engine {
        if let engine = engines[runID] { return engine }
        guard let study = try store.study(runID: runID), let run = try store.run(runID) else { throw StudyFailure.notFound }
        let settings = try StudySettings(json: study.settingsJSON)
        let prepared = try RunAssembler(
            plan: settings.runPlan(store: store.path, name: nil), environment: environment, workingDirectory: workingDirectory,
            packSearchRoots: packSearchRoots
        ).prepare()
        guard prepared.pack.contentHash == run.packHash else {
            throw CollabBenchError(.malformedPack, "the pack changed since the study was made", file: prepared.pack.directory)
        }
        let session = try await prepared.open(countingTokens: countingTokens)
        if let engine = engines[runID] {  // Another request assembled it meanwhile.
            await session.close()
            return engine
        }
        var runner = session.makeRunner()
        runner.configuration = StudyLayout.configuration(prepared.configuration, name: run.name)
        let engine = Engine(session: session, runner: runner, study: study, tasks: Dictionary(prepared.pack.tasks.map { ($0.id, $0) }) { a, _ in a })
        engines[runID] = engine
        return engine
    }
}
