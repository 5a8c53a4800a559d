@testable import CollabBenchModels
import CollabBenchCore
import CollabBenchTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SSEParserTests {
    static let stream = "data: {\"a\":1}\n\n: a comment\r\ndata: line one\r\ndata: line two\r\n\r\nevent: ping\ndata: [DONE]\n\n"

    @Test func parsesEventsWithAnyLineEnding() {
        var parser = SSEParser()
        #expect(parser.feed(Array(Self.stream.utf8)) == ["{\"a\":1}", "line one\nline two", "[DONE]"])
        #expect(parser.finish() == nil)
    }

    /// Law: re-chunking a stream changes no event.
    @Test(arguments: [1, 2, 3, 5, 7, 13, 64])
    func rechunkingChangesNoEvent(chunk: Int) {
        let bytes = Array(Self.stream.utf8)
        var whole = SSEParser()
        let expected = whole.feed(bytes)
        var parser = SSEParser()
        var events: [String] = []
        var i = 0
        while i < bytes.count {
            events += parser.feed(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
        }
        #expect(events == expected)
    }

    /// Law: re-chunking a stream changes no event, over many generated streams (events, comments
    /// and fields with mixed line endings) cut at random points (seeded, so reproducible).
    @Test func rechunkingGeneratedStreamsChangesNoEvent() {
        var rng = SeededGenerator(seed: 14)
        let ends = ["\n", "\r\n", "\r"]
        let payloads = ["{\"a\":1}", "[DONE]", "", "x y", "ü中👍🏽", "data: inner", ":colon", "  spaced  "]
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let end = ends[Int.random(in: 0..<ends.count, using: &rng)]
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: text += ": comment" + end
                case 1: text += "event: e" + end
                default: break
                }
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    text += "data:" + (Bool.random(using: &rng) ? " " : "") + payloads[Int.random(in: 0..<payloads.count, using: &rng)] + end
                }
                text += end
            }
            let bytes = Array(text.utf8)
            var whole = SSEParser()
            let expected = whole.feed(bytes)
            let expectedTail = whole.finish()
            var parser = SSEParser()
            var events: [String] = []
            var i = 0
            while i < bytes.count {
                let next = min(bytes.count, i + Int.random(in: 1...9, using: &rng))
                events += parser.feed(bytes[i..<next])
                i = next
            }
            #expect(events == expected, "\(text.debugDescription)")
            #expect(parser.finish() == expectedTail)
        }
    }

    @Test func aFinalEventWithoutBlankLineIsKept() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: tail".utf8)).isEmpty)
        #expect(parser.finish() == "tail")
    }
}

@Suite(.timeLimit(.minutes(5)))
struct StreamingClientTests {
    @Test func streamedReplyIsAssembledWithTimeToFirstTokenAndUsage() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chatStream(["Hel", "lo ", "there"], completionTokens: 3)])
        let factory = ModelClientFactory(environment: [:], streaming: true)
        let spec = try ModelSpec(parsing: "openai/s@\(server.baseURL)")
        let completion = try await factory.client(for: spec).complete(ChatRequest(messages: [.user("hi")]))
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "Hello there")
        #expect(completion.finishReason == "stop")
        #expect(completion.usage == TokenUsage(promptTokens: 10, completionTokens: 3))
        #expect(completion.timeToFirstTokenSeconds != nil)
        let body = try #require(server.requests.first?.json)
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
    }

    @Test func streamedErrorsAreHandledLikeOthers() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(503, message: "busy"), .chatStream(["ok"])])
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01), environment: [:], streaming: true)
        let completion = try await factory.client(for: try ModelSpec(parsing: "openai/s@\(server.baseURL)")).complete(ChatRequest(messages: [.user("x")]))
        try await factory.shutdown()
        try await server.stop()
        #expect(completion.text == "ok")
        #expect(completion.attempts == 2)
    }
}

@Suite(.timeLimit(.minutes(5)))
struct RateBudgetWiringTests {
    @Test func clientsOfOneEndpointShareItsRequestsPerMinute() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chat("ok")])
        // 60 per minute: one per second, a burst of one. Two clients (two roles) of one endpoint share it.
        let factory = ModelClientFactory(environment: [:], requestsPerMinute: 60)
        let spec = try ModelSpec(parsing: "openai/r@\(server.baseURL)")
        let a = factory.client(for: spec)
        let b = factory.client(for: spec)
        let start = ContinuousClock.now
        _ = try await a.complete(ChatRequest(messages: [.user("1")]))
        _ = try await b.complete(ChatRequest(messages: [.user("2")]))
        _ = try await a.complete(ChatRequest(messages: [.user("3")]))
        let elapsed = ContinuousClock.now - start
        try await factory.shutdown()
        try await server.stop()
        #expect(elapsed >= .milliseconds(1900))
        #expect(server.requests.count == 3)
    }

    @Test(arguments: ["openai", "anthropic"]) func tokensPerMinuteChargeTheUsageTheServerReports(provider: String) async throws {
        // The server says each call used 1,100 prompt tokens.
        let server = try await LoopbackOpenAIServer.start { request in
            request.path.hasSuffix("/messages") ? .anthropic("ok", inputTokens: 1100, outputTokens: 0) : .chat("ok", promptTokens: 1100, completionTokens: 0)
        }
        // 6,000 per minute: 100 tokens per second, a bucket of 1,000. Each call is estimated at
        // about 105 tokens; settled at 1,100, the bucket holds at most 5 however long the call
        // took, so the second call starts 1 s after the first was settled at the earliest.
        let factory = ModelClientFactory(environment: ["ANTHROPIC_API_KEY": "k"], tokensPerMinute: 6_000)
        let spec = try ModelSpec(parsing: "\(provider)/t@\(server.baseURL)")
        let client = factory.client(for: spec)
        let request = ChatRequest(messages: [.user("hi")], sampling: Sampling(maxTokens: 100))
        let start = ContinuousClock.now
        _ = try await client.complete(request)
        _ = try await client.complete(request)
        let elapsed = ContinuousClock.now - start
        try await factory.shutdown()
        try await server.stop()
        #expect(elapsed >= .milliseconds(950))
    }
}
