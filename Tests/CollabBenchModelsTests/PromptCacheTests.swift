import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Testing

/// Cached prompt tokens read from OpenAI- and Anthropic-shaped replies of a loopback server and
/// priced by ``MeteredChatModel``; `--prompt-cache` breakpoints in the Anthropic request body.
@Suite(.timeLimit(.minutes(5)))
struct PromptCacheTests {
    private static func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    private static func openAIReply(prompt: Int, cached: Int?, completion: Int) -> ScriptedResponse {
        var usage: [String: Any] = ["prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion]
        if let cached { usage["prompt_tokens_details"] = ["cached_tokens": cached, "audio_tokens": 0] }
        return ScriptedResponse(body: json([
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-2024-08-06",
            "choices": [["index": 0, "message": ["role": "assistant", "content": "ok"], "finish_reason": "stop"]], "usage": usage,
        ]))
    }

    private static func anthropicReply(input: Int, read: Int?, written: Int?, output: Int) -> ScriptedResponse {
        var usage: [String: Any] = ["input_tokens": input, "output_tokens": output]
        if let read { usage["cache_read_input_tokens"] = read }
        if let written { usage["cache_creation_input_tokens"] = written }
        return ScriptedResponse(body: json([
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
            "content": [["type": "text", "text": "ok"]], "stop_reason": "end_turn", "usage": usage,
        ]))
    }

    /// Calls `model` (served by `server`) once through a meter priced from the built-in table.
    private func call(
        _ spec: String, server: LoopbackOpenAIServer, streaming: Bool = false, promptCache: Bool = false,
        request: ChatRequest = ChatRequest(messages: [.system("sys"), .user("hi")])
    ) async throws -> ChatCompletion {
        let factory = ModelClientFactory(
            requestTimeoutSeconds: 10, retry: RetryPolicy(maxAttempts: 1), environment: [:], streaming: streaming, promptCache: promptCache)
        let parsed = try ModelSpec(parsing: "\(spec)@\(server.baseURL)")
        let metered = MeteredChatModel(base: factory.client(for: parsed), price: PricingTable.builtin.price(for: parsed), meter: RunMeter())
        do {
            let completion = try await metered.complete(request)
            try await factory.shutdown()
            try await server.stop()
            return completion
        } catch {
            try? await factory.shutdown()
            try? await server.stop()
            throw error
        }
    }

    // MARK: - OpenAI

    @Test func openAICachedTokensArePricedAtTheCachedRate() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.openAIReply(prompt: 2000, cached: 1536, completion: 300)])
        let completion = try await call("openai/gpt-4o-2024-08-06", server: server)
        #expect(completion.usage == TokenUsage(promptTokens: 2000, completionTokens: 300, cachedPromptTokens: 1536))
        // gpt-4o: (2000 − 1536) × $2.50 + 1536 × $1.25 + 300 × $10 per million = $0.006080.
        #expect(abs(try #require(completion.costUSD) - 0.006080) < 1e-12)
    }

    @Test func openAIStreamedFinalUsageCarriesCachedTokens() async throws {
        let usage: [String: Any] = ["prompt_tokens": 2000, "completion_tokens": 300, "prompt_tokens_details": ["cached_tokens": 1024]]
        var body = "data: " + Self.json(["model": "gpt-4o", "choices": [["index": 0, "delta": ["content": "ok"]]]]) + "\n\n"
        body += "data: " + Self.json(["model": "gpt-4o", "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": "stop"]]]) + "\n\n"
        body += "data: " + Self.json(["model": "gpt-4o", "choices": [] as [Any], "usage": usage]) + "\n\ndata: [DONE]\n\n"
        let server = try await LoopbackOpenAIServer.start(replies: [ScriptedResponse(body: body, headers: [("Content-Type", "text/event-stream")])])
        let completion = try await call("openai/gpt-4o", server: server, streaming: true)
        #expect(completion.usage == TokenUsage(promptTokens: 2000, completionTokens: 300, cachedPromptTokens: 1024))
        // 976 × 2.5 + 1024 × 1.25 + 300 × 10 = 2440 + 1280 + 3000 = 6720 µ$.
        #expect(abs(try #require(completion.costUSD) - 0.006720) < 1e-12)
    }

    @Test func openAIReplyWithoutDetailsCostsWhatItAlwaysDid() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.openAIReply(prompt: 2000, cached: nil, completion: 300)])
        let completion = try await call("openai/gpt-4o", server: server)
        #expect(completion.usage == TokenUsage(promptTokens: 2000, completionTokens: 300))
        let listCost: Double = (2000 * 2.5 + 300 * 10) / 1_000_000
        #expect(completion.costUSD == listCost)
    }

    @Test func openAIRequestsAreTheSameWithPromptCache() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.openAIReply(prompt: 10, cached: 0, completion: 1)])
        _ = try await call("openai/gpt-4o", server: server, promptCache: true)
        let request = try #require(server.requests.last)
        #expect(!request.body.contains("cache_control"))
        #expect(request.messages.map(\.content) == ["sys", "hi"])
    }

    // MARK: - Anthropic

    @Test func anthropicInputTokensExcludeCachedOnesAndEachIsPriced() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.anthropicReply(input: 50, read: 4000, written: 1000, output: 200)])
        let completion = try await call("anthropic/claude-sonnet-4-20250514", server: server)
        // input_tokens (50) leaves out the 4000 read and 1000 written: 5050 prompt tokens in all.
        #expect(completion.usage == TokenUsage(promptTokens: 5050, completionTokens: 200, cachedPromptTokens: 4000, cacheWritePromptTokens: 1000))
        // claude-sonnet-4: 50 × $3 + 4000 × $0.30 + 1000 × $3.75 + 200 × $15 per million = $0.008100.
        #expect(abs(try #require(completion.costUSD) - 0.008100) < 1e-12)
    }

    @Test func anthropicReplyWithoutCacheFieldsCostsWhatItAlwaysDid() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.anthropicReply(input: 1200, read: nil, written: nil, output: 80)])
        let completion = try await call("anthropic/claude-sonnet-4", server: server)
        #expect(completion.usage == TokenUsage(promptTokens: 1200, completionTokens: 80))
        let listCost: Double = (1200 * 3 + 80 * 15) / 1_000_000
        #expect(completion.costUSD == listCost)
    }

    @Test func promptCacheMarksTheSystemPromptAndTheLastMessage() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.anthropicReply(input: 5, read: 0, written: 900, output: 3)])
        let request = ChatRequest(messages: [.system("Be brief."), .user("hi"), .assistant("yes?"), .user("go on")])
        _ = try await call("anthropic/claude-sonnet-4", server: server, promptCache: true, request: request)
        let json = try #require(server.requests.last?.json)
        let system = try #require(json["system"] as? [[String: Any]])
        #expect(system.count == 1)
        #expect(system[0]["type"] as? String == "text" && system[0]["text"] as? String == "Be brief.")
        #expect((system[0]["cache_control"] as? [String: Any])?["type"] as? String == "ephemeral")
        let messages = try #require(json["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user"])
        let blocks = messages.map { ($0["content"] as? [[String: Any]]) ?? [] }
        #expect(blocks.map { $0.first?["text"] as? String } == ["hi", "yes?", "go on"])
        // Only the last message carries the breakpoint (at most 4 are allowed per request).
        #expect(blocks.map { $0.first?["cache_control"] != nil } == [false, false, true])
        #expect((blocks[2][0]["cache_control"] as? [String: Any])?["type"] as? String == "ephemeral")
    }

    @Test func aOneMessageRequestGetsOnlyTheSystemBreakpoint() async throws {
        // The simulated user's prompt is re-rendered as one message on every call: no later call
        // resends it as a prefix, so only the system prompt is marked.
        let server = try await LoopbackOpenAIServer.start(replies: [Self.anthropicReply(input: 5, read: 0, written: 0, output: 3)])
        let request = ChatRequest(messages: [.system("You are playing a person."), .user("The conversation so far: …")])
        _ = try await call("anthropic/claude-sonnet-4", server: server, promptCache: true, request: request)
        let json = try #require(server.requests.last?.json)
        let system = try #require(json["system"] as? [[String: Any]])
        #expect((system.first?["cache_control"] as? [String: Any])?["type"] as? String == "ephemeral")
        let messages = try #require(json["messages"] as? [[String: Any]])
        let blocks = try #require(messages.first?["content"] as? [[String: Any]])
        #expect(blocks.first?["text"] as? String == "The conversation so far: …")
        #expect(blocks.first?["cache_control"] == nil)
    }

    @Test func withoutPromptCacheTheBodyIsUnchanged() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [Self.anthropicReply(input: 5, read: nil, written: nil, output: 3)])
        let request = ChatRequest(messages: [.system("Be brief."), .user("hi")])
        _ = try await call("anthropic/claude-sonnet-4", server: server, request: request)
        let recorded = try #require(server.requests.last)
        #expect(!recorded.body.contains("cache_control"))
        #expect(recorded.json?["system"] as? String == "Be brief.")
        #expect(recorded.messages.map(\.role) == ["user"])
        #expect(recorded.messages.map(\.content) == ["hi"])
    }
}
