import Foundation

/// Runs one benchmark conversation between a simulated user and the agent under test.
///
/// The protocol is the CollabLLM paper's: the simulated user speaks first; only the simulator's
/// prompt carries the hidden intent; user and agent alternate for at most
/// ``ConversationSettings/maxExchanges`` exchanges; a message containing the termination marker
/// ends the conversation and is kept.
public struct ConversationEngine: Sendable {
    /// The agent under test.
    public var agent: any ChatModel
    /// The model playing the user.
    public var simulator: any ChatModel
    /// Prompt templates.
    public var prompts: PromptLibrary
    /// Protocol settings.
    public var settings: ConversationSettings

    /// Creates an engine.
    public init(agent: any ChatModel, simulator: any ChatModel, prompts: PromptLibrary, settings: ConversationSettings) {
        self.agent = agent
        self.simulator = simulator
        self.prompts = prompts
        self.settings = settings
    }

    /// Runs the conversation for `task`.
    ///
    /// Never throws for model failures: a call that fails after the client's retries ends the
    /// conversation with ``EndReason/failed`` and the reason, so it is reported, not scored 0.
    /// - Parameters:
    ///   - task: The task; its hidden intent goes to the simulator only.
    ///   - kind: The pack's kind (selects the simulator's guidance).
    ///   - seed: The conversation's seed; each call gets a seed derived from it.
    ///   - prefix: Turns already spoken (the multiturn-aware reward continues a conversation after a
    ///     candidate response); kept at the start of the transcript, and at most
    ///     ``ConversationSettings/maxExchanges`` exchanges follow them. Empty: a new conversation.
    /// - Throws: ``CollabBenchError`` for a broken prompt template, or `CancellationError`.
    public func run(task: BenchmarkTask, kind: TaskKind, seed: Int, continuing prefix: [Turn] = []) async throws -> Transcript {
        // An agent that keeps state per conversation (a subprocess agent) gets a session for it.
        try await agent.withConversation(id: "\(task.id)#\(seed)") { session in
            try await converse(task: task, kind: kind, seed: seed, agent: session, prefix: prefix)
        }
    }

    private func converse(task: BenchmarkTask, kind: TaskKind, seed: Int, agent: any ChatModel, prefix: [Turn]) async throws -> Transcript {
        let systemPrompt = try simulatorSystemPrompt(task: task, kind: kind)
        let turnTemplate = try prompts.template("user-simulator.turn")
        var turns: [Turn] = prefix
        let marker = settings.terminationMarker
        for exchange in 0..<settings.maxExchanges {
            try Task.checkCancellation()
            // The simulated user speaks.
            let simMessages: [ChatMessage] = [
                .system(systemPrompt),
                .user(try turnTemplate.render(["transcript": Transcript(turns: turns, endReason: .maxExchanges).rendered()])),
            ]
            let simSeed = StableHash.derivedSeed(seed, "user", String(exchange))
            let simRequest = ChatRequest(
                messages: simMessages, sampling: settings.simulatorSampling, seed: simSeed,
                responseFormat: settings.structuredOutput ? ResponseFormat(name: "simulated_user_reply", schemaJSON: SimulatorReply.schemaJSON) : nil)
            let simCompletion: ChatCompletion
            do {
                simCompletion = try await simulator.complete(simRequest)
            } catch {
                try Self.rethrowIfRunWide(error)
                return Transcript(turns: turns, endReason: .failed, failure: "simulated user (\(simulator.spec)): \(error)")
            }
            let reply = SimulatorReply(parsing: simCompletion.text)
            var simCall = CallRecord(model: simulator.spec.description, completion: simCompletion, seed: simSeed, requestHash: Self.hash(simMessages))
            simCall.formatError = reply.formatError
            simCall.thought = reply.thought
            turns.append(Turn(role: .user, text: reply.message, call: simCall))
            if reply.message.contains(marker) {
                return Transcript(turns: turns, endReason: .userTerminated)
            }

            // The agent answers, seeing only the conversation.
            var agentMessages: [ChatMessage] = []
            if let system = settings.agentSystemPrompt { agentMessages.append(.system(system)) }
            agentMessages += turns.map { ChatMessage(role: $0.role, content: $0.text) }
            let agentSeed = StableHash.derivedSeed(seed, "agent", String(exchange))
            let agentRequest = ChatRequest(messages: agentMessages, sampling: settings.agentSampling, seed: agentSeed)
            let agentCompletion: ChatCompletion
            do {
                agentCompletion = try await agent.complete(agentRequest)
            } catch {
                try Self.rethrowIfRunWide(error)
                return Transcript(turns: turns, endReason: .failed, failure: "agent (\(agent.spec)): \(error)")
            }
            let agentCall = CallRecord(model: agent.spec.description, completion: agentCompletion, seed: agentSeed, requestHash: Self.hash(agentMessages))
            turns.append(Turn(role: .assistant, text: agentCompletion.text, call: agentCall))
            if agentCompletion.text.contains(marker) {
                return Transcript(turns: turns, endReason: .agentTerminated)
            }
        }
        return Transcript(turns: turns, endReason: .maxExchanges)
    }

    /// The simulator's system prompt for `task`: the only place the hidden intent appears.
    public func simulatorSystemPrompt(task: BenchmarkTask, kind: TaskKind) throws -> String {
        let guidance = try prompts.template("user-simulator.guidance.\(kind.rawValue)").text
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try prompts.template("user-simulator.system").render([
            "hidden_intent": task.hiddenIntent,
            "kind_guidance": guidance,
        ])
    }

    /// Errors that would fail every conversation alike (cancellation, a refused API key) stop the
    /// whole run instead of being recorded conversation by conversation.
    /// - Throws: `error` itself when it is one of those.
    public static func rethrowIfRunWide(_ error: any Error) throws {
        if error is CancellationError { throw error }
        if let e = error as? CollabBenchError, e.code == .modelAuthentication { throw e }
    }

    /// SHA-256 over the roles and contents of `messages`.
    public static func hash(_ messages: [ChatMessage]) -> String {
        StableHash.sha256(messages.map { "\($0.role.rawValue)\u{1E}\($0.content)" }.joined(separator: "\u{1F}"))
    }
}
