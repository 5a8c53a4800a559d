import CollabBenchCore
@testable import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Testing

/// ``ChatModel/complete(_:onPiece:)`` through the Anthropic client against the loopback server
/// speaking the Messages API's event stream: pieces are handed over while the reply is still being
/// generated, usage (cached input included) is what a whole reply would give, an `error` event or a
/// stream cut short is retried without handing text over twice.
@Suite("Anthropic streamed reply pieces", .timeLimit(.minutes(5)))
struct AnthropicStreamedPiecesTests {
    typealias Pieces = StreamedPiecesTests.Pieces

    static func client(_ server: LoopbackOpenAIServer, retry: RetryPolicy = .init()) throws -> (ModelClientFactory, any ChatModel) {
        let factory = ModelClientFactory(retry: retry, environment: [:])
        return (factory, factory.client(for: try ModelSpec(parsing: "anthropic/claude-s@\(server.baseURL)")))
    }

    @Test("The first piece reaches the caller before the rest is generated; usage as a whole reply's")
    func firstPieceBeforeTheRest() async throws {
        let gate = TestGate()
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicStream(["Hel", "lo "], heldUntil: { await gate.pass() }, then: ["there"], inputTokens: 7, cacheReadTokens: 100, outputTokens: 3)
        ])
        let (factory, client) = try Self.client(server)
        let pieces = Pieces()
        let call = Task {
            defer { pieces.finish() }
            return try await client.complete(ChatRequest(messages: [.system("be brief"), .user("hi")]), onPiece: { await pieces.take($0) })
        }
        var iterator = pieces.stream.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == "Hel")
        #expect(!pieces.received.contains("there"))
        await gate.open()
        let completion = try await call.value
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "Hello there")
        #expect(pieces.received == ["Hel", "lo ", "there"])
        #expect(completion.finishReason == "end_turn" && completion.servedModel == "claude-scripted")
        // As for a whole reply: every prompt token, the cached ones included and also counted apart.
        #expect(completion.usage == TokenUsage(promptTokens: 107, completionTokens: 3, cachedPromptTokens: 100, cacheWritePromptTokens: nil))
        #expect(completion.timeToFirstTokenSeconds != nil)
        let sent = try #require(server.requests.first)
        #expect(sent.path.hasSuffix("/v1/messages") && sent.json?["stream"] as? Bool == true)
    }

    @Test("A plain call is not streamed")
    func plainCallsStayWhole() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.anthropic("whole")])
        let (factory, client) = try Self.client(server)
        let completion = try await client.complete(ChatRequest(messages: [.user("hi")]))
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "whole")
        #expect(server.requests.first?.json?["stream"] as? Bool == false)
    }

    @Test("An error event or a cut-off stream after text was handed over: retried, not handed over twice")
    func retryAfterPartialOutput() async throws {
        for failed in [ScriptedResponse.anthropicStream(["Draft "], errorType: "overloaded_error"), .anthropicStream(["Draft "], cutOff: true)] {
            let server = try await LoopbackOpenAIServer.start(replies: [failed, .anthropicStream(["Final ", "reply"])])
            let (factory, client) = try Self.client(server, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01))
            let pieces = Pieces()
            let completion = try await client.complete(ChatRequest(messages: [.user("hi")]), onPiece: { await pieces.take($0) })
            try await factory.shutdown()
            try await server.stop()
            #expect(completion.text == "Final reply" && completion.attempts == 2)
            // The second attempt streams too, but its pieces are only in the completion.
            #expect(pieces.received == ["Draft "], "no text twice")
            #expect(server.requests.count == 2)
        }
    }

    @Test("A retry before any text went out streams again; a whole reply is one piece")
    func retryBeforeAnyTextAndWholeReplies() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicError(529, type: "overloaded_error", message: "busy"), .anthropicStream(["o", "k"]), .anthropic("all at once"),
        ])
        let (factory, client) = try Self.client(server, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01))
        let pieces = Pieces()
        let streamed = try await client.complete(ChatRequest(messages: [.user("hi")]), onPiece: { await pieces.take($0) })
        #expect(streamed.text == "ok" && streamed.attempts == 2)
        #expect(pieces.received == ["o", "k"])
        let whole = Pieces()
        let once = try await client.complete(ChatRequest(messages: [.user("again")]), onPiece: { await whole.take($0) })
        try await factory.shutdown()
        try await server.stop()
        #expect(once.text == "all at once" && whole.received == ["all at once"])
    }
}
