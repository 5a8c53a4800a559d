import CollabBenchCore
import Foundation
import Synchronization

/// An agent that is a program: CollabBench starts it with `/bin/sh -c <command>` and talks to it
/// in JSON lines over stdin and stdout.
///
/// For each agent turn CollabBench writes one line
/// `{"type":"turn","conversation":"…","turn":1,"messages":[{"role":"user","content":"…"}],"sampling":{"temperature":0.6,"top_p":0.9},"seed":123}`
/// and the program answers one line `{"content":"…","usage":{"prompt_tokens":…,"completion_tokens":…}}`
/// (`usage` optional; `{"error":"…"}` reports a failure). When a conversation ends it gets
/// `{"type":"end","conversation":"…"}` and, if it runs for that conversation only, end of file on
/// stdin. stdout carries only protocol lines (blank lines are skipped); logs go to stderr. The
/// protocol is described in `examples/agents/README.md`.
///
/// **Processes.** With ``Configuration/ProcessScope/perConversation`` (the default) each
/// conversation gets a fresh process: ``openConversation(id:)`` returns a session that starts the
/// program at its first turn and stops it at ``ConversationSession/close()`` (stdin closed, then
/// `SIGTERM` and `SIGKILL` to its process group if it lingers). ``complete(_:)`` called outside a
/// session runs a process for that one call; this stays correct because every turn carries the
/// whole conversation. With ``Configuration/ProcessScope/perRun`` one process serves every
/// conversation, one turn at a time, until ``shutdown()``; it tells conversations apart by the
/// `conversation` field.
///
/// **Failures** are ``CollabBenchError`` with code `.agentFailed`, naming the agent, conversation
/// and turn, with the end of the program's stderr: no reply within
/// ``Configuration/turnTimeoutSeconds`` (the process group is killed), exit before answering, a
/// line that is not a reply, a line longer than ``Configuration/maxReplyBytes``. The failed process
/// is killed; the next turn starts a new one. No task or cooperative thread ever blocks (each
/// process has one I/O thread that `poll`s its streams), and every process is waited for.
///
/// **Environment.** The program inherits CollabBench's environment without the API keys of
/// CollabBench's own providers (``withheldVariables``: `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`)
/// unless ``Configuration/passEnvironment`` (the `--agent-env-pass` option) names them, and with
/// `PYTHONUNBUFFERED=1` unless set, so a Python agent's `print` reaches CollabBench at once.
public final class SubprocessAgent: ConversationScopedModel {
    /// How the agent is run.
    public struct Configuration: Sendable, Hashable {
        /// Which conversations a process serves.
        public enum ProcessScope: String, Sendable, Hashable, Codable {
            /// A fresh process per conversation (and per call outside a conversation).
            case perConversation
            /// One process for the whole run, one turn at a time.
            case perRun
        }

        /// The shell command (run by `/bin/sh -c`).
        public var command: String
        /// The agent's name, its model name in ``SubprocessAgent/spec`` (`subprocess/<name>`).
        public var name: String
        /// Which conversations a process serves.
        public var scope: ProcessScope
        /// Seconds the program has to answer one turn (at the first turn this includes its start).
        public var turnTimeoutSeconds: Double
        /// Longest reply line accepted, in bytes.
        public var maxReplyBytes: Int
        /// Bytes of stderr kept (the last ones); the end of them goes into error messages.
        public var stderrTailBytes: Int
        /// Withheld variables (API keys) to pass to the program anyway.
        public var passEnvironment: [String]
        /// Directory the program runs in (nil: CollabBench's current directory).
        public var workingDirectory: String?
        /// Seconds a program has to exit after its stdin closes before it is signalled.
        public var shutdownGraceSeconds: Double

        /// Creates a configuration.
        public init(
            command: String, name: String = "agent", scope: ProcessScope = .perConversation, turnTimeoutSeconds: Double = 600,
            maxReplyBytes: Int = 4 << 20, stderrTailBytes: Int = 16 << 10, passEnvironment: [String] = [],
            workingDirectory: String? = nil, shutdownGraceSeconds: Double = 2
        ) {
            self.command = command
            self.name = name
            self.scope = scope
            self.turnTimeoutSeconds = turnTimeoutSeconds
            self.maxReplyBytes = maxReplyBytes
            self.stderrTailBytes = stderrTailBytes
            self.passEnvironment = passEnvironment
            self.workingDirectory = workingDirectory
            self.shutdownGraceSeconds = shutdownGraceSeconds
        }
    }

    /// The provider name in a subprocess agent's spec.
    public static let provider = "subprocess"

    public let spec: ModelSpec
    /// How the agent is run.
    public let configuration: Configuration
    private let environment: [String: String]
    /// The process shared by all conversations (``Configuration/ProcessScope/perRun`` only).
    private let shared: AgentRunner?

    /// Creates an agent; no process starts until the first turn.
    /// - Parameters:
    ///   - configuration: The command and limits.
    ///   - environment: CollabBench's environment; the program gets it filtered by
    ///     ``agentEnvironment(from:passing:)``.
    public init(_ configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configuration = configuration
        self.spec = ModelSpec(provider: Self.provider, model: configuration.name)
        self.environment = Self.agentEnvironment(from: environment, passing: configuration.passEnvironment)
        self.shared = configuration.scope == .perRun ? AgentRunner(configuration: configuration, environment: self.environment) : nil
    }

    /// The API key variables of CollabBench's own providers, withheld from the program unless
    /// passed explicitly.
    public static var withheldVariables: Set<String> {
        Set(ModelSpec.knownProviders.map { ModelClientFactory.apiKeyVariable(for: $0) })
    }

    /// The program's environment: `environment` without ``withheldVariables`` except those in
    /// `passing`, with `PYTHONUNBUFFERED=1` unless set.
    public static func agentEnvironment(from environment: [String: String], passing: [String]) -> [String: String] {
        var result = environment
        for variable in withheldVariables where !passing.contains(variable) { result[variable] = nil }
        if result["PYTHONUNBUFFERED"] == nil { result["PYTHONUNBUFFERED"] = "1" }
        return result
    }

    /// Answers one request outside a conversation: in a process of its own
    /// (``Configuration/ProcessScope/perConversation``) or the shared one (`perRun`).
    /// - Throws: ``CollabBenchError`` (`.agentFailed`), or `CancellationError`.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let session = openConversation(id: UUID().uuidString.lowercased())
        do {
            let completion = try await session.complete(request)
            await session.close()
            return completion
        } catch {
            await session.close()
            throw error
        }
    }

    /// A session for one conversation; see the type's documentation.
    public func openConversation(id: String) -> any ConversationSession {
        if let shared {
            return SubprocessConversation(spec: spec, id: id, runner: shared, ownsRunner: false)
        }
        return SubprocessConversation(
            spec: spec, id: id, runner: AgentRunner(configuration: configuration, environment: environment), ownsRunner: true)
    }

    /// Stops the shared process of a ``Configuration/ProcessScope/perRun`` agent (a no-op
    /// otherwise: per-conversation processes stop when their sessions close).
    public func shutdown() async {
        await shared?.stop(conversation: nil)
    }
}

/// One conversation with a subprocess agent.
final class SubprocessConversation: ConversationSession {
    let spec: ModelSpec
    private let id: String
    private let runner: AgentRunner
    private let ownsRunner: Bool
    private let state = Mutex((turn: 0, closed: false))

    init(spec: ModelSpec, id: String, runner: AgentRunner, ownsRunner: Bool) {
        self.spec = spec
        self.id = id
        self.runner = runner
        self.ownsRunner = ownsRunner
    }

    func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let turn = state.withLock { s -> Int? in
            guard !s.closed else { return nil }
            s.turn += 1
            return s.turn
        }
        guard let turn else {
            throw CollabBenchError(.agentFailed, "subprocess agent '\(spec.model)' (conversation \(id)): the conversation was already closed")
        }
        return try await runner.turn(request, conversation: id, turn: turn)
    }

    func close() async {
        let first = state.withLock { s -> Bool in
            defer { s.closed = true }
            return !s.closed
        }
        guard first else { return }
        if ownsRunner {
            await runner.stop(conversation: id)
        } else {
            runner.end(conversation: id)
        }
    }
}

/// Runs turns against one agent process at a time, starting it when needed and killing it when
/// it fails.
final class AgentRunner: Sendable {
    private let configuration: SubprocessAgent.Configuration
    private let environment: [String: String]
    private let process = Mutex<AgentProcess?>(nil)
    /// One turn at a time.
    private let limiter = AsyncLimiter(limit: 1)

    init(configuration: SubprocessAgent.Configuration, environment: [String: String]) {
        self.configuration = configuration
        self.environment = environment
    }

    deinit {
        // Dropped without ``stop(conversation:)`` (a session never closed, a per-run agent never
        // shut down): do not leave the program running.
        process.withLock { $0 }?.abandon()
    }

    private var name: String { configuration.name }

    /// The running process, started if there is none.
    private func runningProcess() throws -> AgentProcess {
        if let existing = process.withLock({ $0 }) { return existing }
        let started = try AgentProcess(
            command: configuration.command, environment: environment, workingDirectory: configuration.workingDirectory,
            maxLineBytes: configuration.maxReplyBytes, stderrTailBytes: configuration.stderrTailBytes)
        process.withLock { $0 = started }
        return started
    }

    /// Sends one turn and reads the reply.
    func turn(_ request: ChatRequest, conversation: String, turn: Int) async throws -> ChatCompletion {
        try await limiter.withSlot {
            let started = ContinuousClock.now
            let where_ = "subprocess agent '\(self.name)' (conversation \(conversation), turn \(turn))"
            let line: Data
            do {
                line = try SubprocessAgent.Wire.turnLine(request, conversation: conversation, turn: turn)
            } catch {
                throw CollabBenchError(.agentFailed, "\(where_): cannot encode the turn: \(error)")
            }
            let agent: AgentProcess
            do {
                agent = try self.runningProcess()
            } catch let error as CollabBenchError {
                throw CollabBenchError(.agentFailed, "\(where_): \(error.message)")
            }
            agent.enqueue(line)
            let outcome = await agent.nextLine(timeout: self.configuration.turnTimeoutSeconds)
            let text: Data
            switch outcome {
            case .success(let received):
                text = received
            case .failure(.cancelled):
                await self.discard(agent)
                throw CancellationError()
            case .failure(let failure):
                throw await self.failed(agent, where_, self.describe(failure, of: agent))
            }
            switch SubprocessAgent.Wire.reply(from: text) {
            case .success(let reply):
                return ChatCompletion(
                    text: reply.content, finishReason: reply.finishReason ?? "stop", usage: reply.usage,
                    latencySeconds: ModelHTTP.seconds(since: started), attempts: 1, servedModel: nil)
            case .failure(.reported(let message)):
                throw await self.failed(agent, where_, "reported an error: \(OpenAIWire.oneLine(message))")
            case .failure(.malformed):
                let start = OpenAIWire.oneLine(String(decoding: text.prefix(200), as: UTF8.self), limit: 120)
                throw await self.failed(agent, where_, #"wrote a line that is not a reply {"content": "…"}: \#(start)"#)
            }
        }
    }

    /// What went wrong, in words.
    private func describe(_ failure: AgentProcess.Failure, of agent: AgentProcess) -> String {
        switch failure {
        case .timedOut:
            return "no reply within \(Self.format(configuration.turnTimeoutSeconds)) s (killed)"
        case .oversized:
            return "wrote a reply line longer than \(configuration.maxReplyBytes) bytes (killed)"
        case .ended, .cancelled:
            let writeNote = agent.writeError.map { "; writing its stdin failed: \(String(cString: strerror($0)))" } ?? ""
            if let exit = agent.exit { return "\(exit.description) before answering\(writeNote)" }
            return "closed its stdout before answering\(writeNote)"
        }
    }

    /// Kills `agent`, forgets it, and returns the error (with the end of its stderr).
    private func failed(_ agent: AgentProcess, _ where_: String, _ what: String) async -> CollabBenchError {
        await discard(agent)
        var message = "\(where_): \(what)"
        let stderr = Self.tail(agent.stderrTail, limit: 600)
        if !stderr.isEmpty { message += "; stderr: \(stderr)" }
        return CollabBenchError(.agentFailed, message)
    }

    /// Kills `agent` and forgets it, so the next turn starts a new process.
    private func discard(_ agent: AgentProcess) async {
        process.withLock { current in
            if current === agent { current = nil }
        }
        await agent.forceKill()
    }

    /// Tells the process that `conversation` is over (for a shared process; no answer expected).
    func end(conversation: String) {
        process.withLock { $0 }?.enqueue(SubprocessAgent.Wire.endLine(conversation: conversation))
    }

    /// Stops the process, first telling it that `conversation` is over (when given).
    func stop(conversation: String?) async {
        guard let agent = process.withLock({ p -> AgentProcess? in
            defer { p = nil }
            return p
        }) else { return }
        if let conversation { agent.enqueue(SubprocessAgent.Wire.endLine(conversation: conversation)) }
        await agent.stop(grace: configuration.shutdownGraceSeconds)
    }

    /// The last `limit` characters of `text` on one line.
    static func tail(_ text: String, limit: Int) -> String {
        let folded = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return folded.count > limit ? "…" + String(folded.suffix(limit)) : folded
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
