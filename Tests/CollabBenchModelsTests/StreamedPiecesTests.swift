import CollabBenchCore
@testable import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// ``ChatModel/complete(_:onPiece:)`` through the OpenAI client and the cache and meter
/// decorators, against the loopback server: pieces are handed over while the reply is still
/// being generated, a retry never hands text over twice, and a reply that comes whole is one
/// piece.
@Suite("Streamed reply pieces", .timeLimit(.minutes(5)))
struct StreamedPiecesTests {
    /// The pieces a call handed over, readable as they come.
    final class Pieces: Sendable {
        let stream: AsyncStream<String>
        private let continuation: AsyncStream<String>.Continuation
        private let all = Mutex<[String]>([])

        init() { (stream, continuation) = AsyncStream.makeStream(of: String.self) }

        func take(_ piece: String) async {
            all.withLock { $0.append(piece) }
            continuation.yield(piece)
        }

        /// Ends the stream (the call is over), so a reader waiting for a piece wakes.
        func finish() { continuation.finish() }

        var received: [String] { all.withLock { $0 } }
    }

    @Test("The first piece reaches the caller before the rest of the reply is generated")
    func firstPieceBeforeTheRest() async throws {
        let gate = TestGate()
        let server = try await LoopbackOpenAIServer.start(replies: [
            .chatStream(["Hel", "lo "], heldUntil: { await gate.pass() }, then: ["there"], completionTokens: 3)
        ])
        let factory = ModelClientFactory(environment: [:])  // not a streaming client: the call asks for it
        let client = factory.client(for: try ModelSpec(parsing: "openai/s@\(server.baseURL)"))
        let pieces = Pieces()
        // A call that fails before its first piece ends the stream, so the wait below fails rather than hangs.
        let call = Task {
            defer { pieces.finish() }
            return try await client.complete(ChatRequest(messages: [.user("hi")]), onPiece: { await pieces.take($0) })
        }
        var iterator = pieces.stream.makeAsyncIterator()
        let first = await iterator.next()
        // The server holds "there" and the end of the stream until the gate opens.
        #expect(first == "Hel")
        #expect(!pieces.received.contains("there"))
        await gate.open()
        let completion = try await call.value
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "Hello there")
        #expect(pieces.received == ["Hel", "lo ", "there"])
        #expect(completion.usage == TokenUsage(promptTokens: 10, completionTokens: 3))
        #expect(completion.timeToFirstTokenSeconds != nil)
        #expect(server.requests.first?.json?["stream"] as? Bool == true)
    }

    @Test("After an attempt failed part-way, the retry's text comes only with the completion")
    func retryAfterPartialOutput() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chatStreamCutOff(["Draft "]), .chatStream(["Final ", "reply"])])
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01), environment: [:])
        let client = factory.client(for: try ModelSpec(parsing: "openai/s@\(server.baseURL)"))
        let pieces = Pieces()
        let completion = try await client.complete(ChatRequest(messages: [.user("hi")]), onPiece: { await pieces.take($0) })
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "Final reply")
        #expect(completion.attempts == 2)
        #expect(pieces.received == ["Draft "], "no text twice: the second attempt is not streamed")
    }

    @Test("A retry before any text was handed over streams as the first attempt would have")
    func retryBeforeAnyText() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(503, message: "busy"), .chatStream(["o", "k"])])
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01), environment: [:])
        let client = factory.client(for: try ModelSpec(parsing: "openai/s@\(server.baseURL)"))
        let pieces = Pieces()
        let completion = try await client.complete(ChatRequest(messages: [.user("hi")]), onPiece: { await pieces.take($0) })
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "ok" && completion.attempts == 2)
        #expect(pieces.received == ["o", "k"])
    }

    @Test("A server that ignores the request to stream answers with one piece")
    func wholeReplyIsOnePiece() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chat("all at once")])
        let factory = ModelClientFactory(environment: [:])
        let client = factory.client(for: try ModelSpec(parsing: "openai/s@\(server.baseURL)"))
        let pieces = Pieces()
        let completion = try await client.complete(ChatRequest(messages: [.user("hi")]), onPiece: { await pieces.take($0) })
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "all at once")
        #expect(pieces.received == ["all at once"])
    }

    /// A response cache in memory.
    actor MemoryCache: ResponseCaching {
        var entries: [String: ChatCompletion] = [:]
        func cachedCompletion(forKey key: String) async throws -> ChatCompletion? { entries[key] }
        func storeCompletion(_ completion: ChatCompletion, forKey key: String, model: String) async throws { entries[key] = completion }
    }

    @Test("The meter and the cache pass pieces on; a cache hit is one piece")
    func decoratorsForward() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chatStream(["a", "b", "c"])])
        let factory = ModelClientFactory(environment: [:])
        let client = factory.client(for: try ModelSpec(parsing: "openai/s@\(server.baseURL)"))
        let meter = RunMeter()
        let model = MeteredChatModel(base: CachedChatModel(base: client, cache: MemoryCache(), mode: .readWrite), price: nil, meter: meter)
        let request = ChatRequest(messages: [.user("hi")], seed: 1)
        let first = Pieces()
        let missed = try await model.complete(request, onPiece: { await first.take($0) })
        let second = Pieces()
        let hit = try await model.complete(request, onPiece: { await second.take($0) })
        try await factory.shutdown()
        try await server.stop()
        #expect(first.received == ["a", "b", "c"] && missed.text == "abc" && !missed.fromCache)
        #expect(second.received == ["abc"] && hit.fromCache)
        #expect(server.requests.count == 1)
    }
}
