import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// A server that echoes the caller's key in an error body never gets it into an error text, and
/// a key given in a spec's URL is used (but never shown).
@Suite(.timeLimit(.minutes(5)))
struct KeyRedactionTests {
    let fastRetry = RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02)
    static let key = "sk-echo-0123456789abcdefghijklmnop"

    /// A chat call through a fresh factory; returns the error it threw.
    func failure(
        _ server: LoopbackOpenAIServer, spec: String, environment: [String: String], streaming: Bool = false
    ) async throws -> CollabBenchError? {
        let factory = ModelClientFactory(requestTimeoutSeconds: 10, retry: fastRetry, environment: environment, streaming: streaming)
        defer { Task { try? await factory.shutdown() } }
        do {
            _ = try await factory.client(for: try ModelSpec(parsing: spec)).complete(ChatRequest(messages: [.user("x")]))
            return nil
        } catch let error as CollabBenchError {
            return error
        }
    }

    @Test(arguments: [false, true])
    func openAIErrorEchoingTheKeyIsRedacted(streaming: Bool) async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(401, message: "Incorrect API key provided: \(Self.key).")])
        let error = try await failure(server, spec: "openai/x@\(server.baseURL)", environment: ["OPENAI_API_KEY": Self.key], streaming: streaming)
        try await server.stop()
        let e = try #require(error)
        #expect(e.code == .modelAuthentication)
        #expect(e.message.contains("Incorrect API key provided: [redacted key]"), "\(e.message)")
        #expect(!e.message.contains("0123456789abcdef"))
    }

    @Test func retriedServerErrorsAndTruncatedEchoesAreRedacted() async throws {
        let truncated = String(Self.key.prefix(14)) + "…"
        let server = try await LoopbackOpenAIServer.start(replies: [.error(500, message: "bad key \(truncated)")])
        let error = try await failure(server, spec: "openai/x@\(server.baseURL)", environment: ["OPENAI_API_KEY": Self.key])
        try await server.stop()
        let e = try #require(error)
        #expect(e.message.contains("gave up after 2 attempts"))
        #expect(!e.message.contains(String(Self.key.prefix(14))), "\(e.message)")
        #expect(e.message.contains("[redacted key]"))
    }

    @Test func anthropicErrorEchoingTheKeyIsRedacted() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicError(401, type: "authentication_error", message: "invalid x-api-key \(Self.key)")
        ])
        let error = try await failure(server, spec: "anthropic/claude-x@\(server.baseURL)", environment: ["ANTHROPIC_API_KEY": Self.key])
        try await server.stop()
        let e = try #require(error)
        #expect(e.code == .modelAuthentication)
        #expect(!e.message.contains(Self.key) && e.message.contains("[redacted key]"), "\(e.message)")
    }

    @Test func aKeyInTheURLIsSentAsTheKeyAndRedactedWhenEchoed() async throws {
        let server = try await LoopbackOpenAIServer.start { request in
            .error(401, message: "Incorrect API key provided: \(request.headers["authorization"] ?? "none")")
        }
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://bob:\(Self.key)@")
        let error = try await failure(server, spec: "openai/m@\(base)", environment: [:])
        #expect(server.requests.first?.headers["authorization"] == "Bearer \(Self.key)")
        #expect(server.requests.first?.path == "/v1/chat/completions")
        let e = try #require(error)
        #expect(!e.message.contains(Self.key) && !e.message.contains("bob"), "\(e.message)")
        #expect(e.message.contains("model server openai/m@\(server.baseURL)"))
        // The URL's key, the more specific one, wins over the environment's (which is not sent
        // to a host given its own credentials).
        _ = try await failure(server, spec: "openai/m@\(base)", environment: ["OPENAI_API_KEY": "sk-env"])
        try await server.stop()
        #expect(server.requests.last?.headers["authorization"] == "Bearer \(Self.key)")
    }
}

/// The pre-flight check is retried like every call and asks each distinct server once.
@Suite(.timeLimit(.minutes(5)))
struct PreflightTests {
    let fastRetry = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.02)

    @Test func transientFailuresOfModelsAreRetried() async throws {
        let counter = Counter()
        let flaky = try await LoopbackOpenAIServer.start(answeringModelList: false) { request in
            guard request.path.hasSuffix("/models") else { return .chat("unexpected") }
            switch counter.next() {
            case 1: return .error(429, message: "slow down", headers: [("Retry-After", "0")])
            case 2: return .error(500, message: "oops")
            case 3: return .error(503, message: "busy")
            default: return ScriptedResponse(body: #"{"object":"list","data":[]}"#)
            }
        }
        let factory = ModelClientFactory(retry: fastRetry, environment: [:])
        try await factory.preflight(try ModelSpec(parsing: "openai/x@\(flaky.baseURL)"))
        try await factory.shutdown()
        try await flaky.stop()
        #expect(flaky.requests.count == 4)
        #expect(flaky.requests.allSatisfy { $0.method == "GET" && $0.path == "/v1/models" })
    }

    @Test func persistentFailureGivesUpClearly() async throws {
        let server = try await LoopbackOpenAIServer.start(answeringModelList: false) { _ in .error(503, message: "down") }
        let factory = ModelClientFactory(retry: fastRetry, environment: [:])
        await #expect {
            try await factory.preflight(try ModelSpec(parsing: "openai/x@\(server.baseURL)"))
        } throws: { error in
            let e = error as? CollabBenchError
            return e?.code == .modelHTTPError && e!.message.contains("HTTP 503") && e!.message.contains("gave up after 4 attempts")
        }
        try await factory.shutdown()
        try await server.stop()
        #expect(server.requests.count == 4)
    }

    @Test func authenticationFailureIsNotRetried() async throws {
        let server = try await LoopbackOpenAIServer.start(answeringModelList: false) { _ in .error(401, message: "no") }
        let factory = ModelClientFactory(retry: fastRetry, environment: ["OPENAI_API_KEY": "sk-bad-key-123456789"])
        await #expect {
            try await factory.preflight(try ModelSpec(parsing: "openai/x@\(server.baseURL)"))
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelAuthentication && "\(error)".contains("OPENAI_API_KEY") && !"\(error)".contains("sk-bad")
        }
        try await factory.shutdown()
        try await server.stop()
        #expect(server.requests.count == 1)
    }

    @Test func aDeadServerFailsAtOnceNamingIt() async throws {
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 50, baseDelay: 10, maxDelay: 60), environment: [:])
        await #expect {
            try await factory.preflight([try ModelSpec(parsing: "openai/x@http://127.0.0.1:9/v1")])
        } throws: { error in
            // With 50 attempts 10 s apart, only a check that does not retry a refused connection ends.
            let e = error as? CollabBenchError
            return e?.code == .modelUnreachable && e!.message.contains("cannot reach model server openai/x@http://127.0.0.1:9/v1")
                && e!.message.contains("connection refused") && !e!.message.contains("gave up")
        }
        try await factory.shutdown()
    }

    @Test func oneCheckPerDistinctServer() async throws {
        let a = try await LoopbackOpenAIServer.start(answeringModelList: false) { _ in ScriptedResponse(body: #"{"data":[]}"#) }
        let b = try await LoopbackOpenAIServer.start(answeringModelList: false) { _ in ScriptedResponse(body: #"{"data":[]}"#) }
        let factory = ModelClientFactory(retry: fastRetry, environment: [:])
        let specs = try [
            "openai/agent@\(a.baseURL)", "openai/user@\(a.baseURL)", "openai/judge@\(a.baseURL)/", "openai/judge@\(b.baseURL)",
            "anthropic/claude@\(a.baseURL)",
        ].map(ModelSpec.init(parsing:))
        try await factory.preflight(specs)
        try await factory.shutdown()
        try await a.stop()
        try await b.stop()
        // Server a: once as an OpenAI server, once as an Anthropic one (other headers); b once.
        #expect(a.requests.count == 2)
        #expect(a.requests.filter { $0.headers["anthropic-version"] != nil }.count == 1)
        #expect(b.requests.count == 1)
    }
}

/// Counts calls from concurrent handlers.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// The next number, from 1.
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
