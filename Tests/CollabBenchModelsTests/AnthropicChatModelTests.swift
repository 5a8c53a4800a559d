import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct AnthropicChatModelTests {
    let fastRetry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)

    func withClient<T>(
        _ server: LoopbackOpenAIServer, environment: [String: String] = ["ANTHROPIC_API_KEY": "sk-ant-test"], retry: RetryPolicy? = nil,
        _ body: (any ChatModel, ModelClientFactory) async throws -> T
    ) async throws -> T {
        let factory = ModelClientFactory(requestTimeoutSeconds: 10, retry: retry ?? fastRetry, environment: environment)
        let spec = try ModelSpec(parsing: "anthropic/claude-test@\(server.baseURL)")
        do {
            let result = try await body(factory.client(for: spec), factory)
            try await factory.shutdown()
            try await server.stop()
            return result
        } catch {
            try? await factory.shutdown()
            try? await server.stop()
            throw error
        }
    }

    @Test func parsesAnthropicSpecsAndBuildsTheAnthropicClient() async throws {
        let spec = try ModelSpec(parsing: "anthropic/claude-sonnet-4-5")
        #expect(spec.provider == "anthropic" && spec.model == "claude-sonnet-4-5" && spec.baseURL == nil)
        let factory = ModelClientFactory(environment: [:])
        #expect(factory.client(for: spec) is AnthropicChatModel)
        #expect(factory.client(for: try ModelSpec(parsing: "openai/gpt-4o-mini")) is OpenAIChatModel)
        try await factory.shutdown()
    }

    @Test func sendsTheMessagesRequestWithHeadersAndSystemField() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropic(["Hello", " there"], model: "claude-served", stopReason: "end_turn", inputTokens: 21, outputTokens: 4)
        ])
        let completion = try await withClient(server) { model, _ in
            try await model.complete(ChatRequest(
                messages: [.system("Be brief."), .user("hi"), .assistant("yes?"), .system("Answer in English."), .user("go")],
                sampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 50), seed: 7))
        }
        #expect(completion.text == "Hello there")
        #expect(completion.usage == TokenUsage(promptTokens: 21, completionTokens: 4))
        #expect(completion.finishReason == "end_turn")
        #expect(completion.servedModel == "claude-served")
        #expect(completion.attempts == 1)

        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/messages")
        #expect(request.headers["x-api-key"] == "sk-ant-test")
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.headers["authorization"] == nil)
        #expect(request.headers["content-type"] == "application/json")
        let json = try #require(request.json)
        #expect(json["model"] as? String == "claude-test")
        #expect(json["system"] as? String == "Be brief.\n\nAnswer in English.")
        #expect(json["max_tokens"] as? Int == 50)
        #expect(json["temperature"] as? Double == 0.6)
        #expect(json["top_p"] as? Double == 0.9)
        #expect(json["seed"] == nil)
        #expect(json["stream"] as? Bool == false)
        #expect(request.messages.map(\.role) == ["user", "assistant", "user"])
        #expect(request.messages.map(\.content) == ["hi", "yes?", "go"])
    }

    @Test func defaultsMaxTokensMergesSameRoleMessagesAndSkipsNonTextBlocks() async throws {
        let body = #"{"type":"message","model":"m","content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"only this"}],"stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":1024}}"#
        let server = try await LoopbackOpenAIServer.start(replies: [ScriptedResponse(body: body)])
        let completion = try await withClient(server, environment: [:]) { model, _ in
            try await model.complete(ChatRequest(messages: [.user("one"), .user("two")]))
        }
        #expect(completion.text == "only this")
        #expect(completion.finishReason == "max_tokens")
        let request = try #require(server.requests.first)
        let json = try #require(request.json)
        #expect(json["max_tokens"] as? Int == 1024)
        #expect(json["system"] == nil)
        #expect(json["temperature"] == nil && json["top_p"] == nil)
        #expect(request.headers["x-api-key"] == nil)
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.messages.map(\.content) == ["one\n\ntwo"])
    }

    @Test func retriesOverloadedAndRateLimitedHonouringRetryAfter() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicError(529, type: "overloaded_error", message: "Overloaded"),
            .anthropicError(429, type: "rate_limit_error", message: "slow down", headers: [("Retry-After", "0.2")]),
            .anthropic("ok"),
        ])
        let started = Date()
        let completion = try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        #expect(completion.text == "ok")
        #expect(completion.attempts == 3)
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(server.requests.count == 3)
    }

    @Test func givesUpAfterMaxAttemptsWhenAlwaysOverloaded() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.anthropicError(529, type: "overloaded_error", message: "Overloaded")])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            let e = error as? CollabBenchError
            return e?.code == .modelHTTPError && "\(error)".contains("HTTP 529: Overloaded") && "\(error)".contains("gave up after 3 attempts")
        }
        #expect(server.requests.count == 3)
    }

    @Test func refusedKeyIsAnAuthenticationErrorNamingTheVariable() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicError(401, type: "authentication_error", message: "invalid x-api-key"), .anthropic("never"),
        ])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelAuthentication && "\(error)".contains("ANTHROPIC_API_KEY")
                && "\(error)".contains("invalid x-api-key")
        }
        #expect(server.requests.count == 1)
    }

    @Test func otherClientErrorsFailAtOnceWithTheAPIMessage() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicError(404, type: "not_found_error", message: "model: claude-nope"), .anthropic("never"),
        ])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelHTTPError && "\(error)".contains("HTTP 404: model: claude-nope")
        }
        #expect(server.requests.count == 1)
    }

    @Test func promptTooLongIsAContextLengthError() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .anthropicError(400, type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum")
        ])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelContextLength
        }
        #expect(server.requests.count == 1)
    }

    @Test func malformedBodiesAndDroppedConnectionsAreRetried() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            ScriptedResponse(body: "{not json"), ScriptedResponse(body: #"{"type":"error","error":{"type":"api_error","message":"odd"}}"#),
            ScriptedResponse(body: "", dropConnection: true), .anthropic("fine"),
        ])
        let retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05)
        let completion = try await withClient(server, retry: retry) { model, _ in
            try await model.complete(ChatRequest(messages: [.user("x")]))
        }
        #expect(completion.text == "fine")
        #expect(completion.attempts == 4)
    }

    @Test func malformedBodyGivesUpAsMalformedReply() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [ScriptedResponse(body: #"{"choices":[]}"#)])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelMalformedReply && "\(error)".contains("not a Messages API reply")
        }
    }

    @Test func structuredOutputBecomesASystemInstructionWithTheSchema() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.anthropic(#"{"thought":"a","message":"b"}"#)])
        let schema = #"{"type":"object","properties":{"thought":{"type":"string"},"message":{"type":"string"}}}"#
        let completion = try await withClient(server) { model, _ in
            try await model.complete(ChatRequest(
                messages: [.system("You are a user."), .user("x")], responseFormat: ResponseFormat(name: "reply", schemaJSON: schema)))
        }
        #expect(completion.text == #"{"thought":"a","message":"b"}"#)
        let json = try #require(server.requests.first?.json)
        #expect(json["response_format"] == nil)
        let system = try #require(json["system"] as? String)
        #expect(system.hasPrefix("You are a user.\n\n"))
        #expect(system.contains("JSON"))
        #expect(system.hasSuffix(schema))
    }

    @Test func dropsTopPOnceTheModelRefusesItWithTemperature() async throws {
        let server = try await LoopbackOpenAIServer.start { request in
            if request.json?["top_p"] != nil {
                return .anthropicError(
                    400, type: "invalid_request_error", message: "`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
            }
            return .anthropic("ok")
        }
        try await withClient(server) { model, _ in
            let request = ChatRequest(messages: [.user("x")], sampling: Sampling(temperature: 0.6, topP: 0.9))
            let first = try await model.complete(request)
            #expect(first.text == "ok" && first.attempts == 1)
            _ = try await model.complete(request)
        }
        let topPs = server.requests.map { $0.json?["top_p"] as? Double }
        #expect(topPs == [0.9, nil, nil])
        #expect(server.requests.allSatisfy { $0.json?["temperature"] as? Double == 0.6 })
    }

    @Test func preflightSendsAnthropicHeadersAndNamesTheKeyWhenRefused() async throws {
        let server = try await LoopbackOpenAIServer.start(answeringModelList: false) { request in
            guard request.method == "GET", request.path == "/v1/models" else { return .anthropicError(400, message: "unexpected") }
            if request.headers["x-api-key"] == "good" && request.headers["anthropic-version"] == "2023-06-01" {
                return ScriptedResponse(body: #"{"data":[{"id":"claude-test","type":"model"}],"has_more":false}"#)
            }
            return .anthropicError(401, type: "authentication_error", message: "invalid x-api-key")
        }
        let spec = try ModelSpec(parsing: "anthropic/claude-test@\(server.baseURL)")
        let good = ModelClientFactory(environment: ["ANTHROPIC_API_KEY": "good"])
        try await good.preflight(spec)
        try await good.shutdown()
        for environment in [["ANTHROPIC_API_KEY": "bad"], [:]] {
            let factory = ModelClientFactory(environment: environment)
            await #expect {
                try await factory.preflight(spec)
            } throws: { error in
                (error as? CollabBenchError)?.code == .modelAuthentication && "\(error)".contains("ANTHROPIC_API_KEY")
            }
            try await factory.shutdown()
        }
        try await server.stop()
        #expect(server.requests.count == 3)
        #expect(server.requests.first?.headers["authorization"] == nil)
    }
    @Test func baseURLsFollowTheSDKConventionWithOrWithoutV1() async throws {
        #expect(AnthropicChatModel.defaultBaseURL == "https://api.anthropic.com")
        #expect(AnthropicChatModel.apiBase("https://api.anthropic.com") == "https://api.anthropic.com/v1")
        #expect(AnthropicChatModel.apiBase("https://api.anthropic.com/v1") == "https://api.anthropic.com/v1")
        #expect(AnthropicChatModel.apiBase("https://proxy.example.com/anthropic/") == "https://proxy.example.com/anthropic/v1")
        let server = try await LoopbackOpenAIServer.start(answeringModelList: false) { request in
            request.method == "GET" ? ScriptedResponse(body: #"{"data":[],"has_more":false}"#) : .anthropic("ok")
        }
        let root = String(server.baseURL.dropLast("/v1".count))  // http://127.0.0.1:<port>, as the SDKs take it
        let factory = ModelClientFactory(retry: fastRetry, environment: ["ANTHROPIC_API_KEY": "k"])
        for base in [root, root + "/", server.baseURL] {
            let spec = try ModelSpec(parsing: "anthropic/claude-test@\(base)")
            try await factory.preflight(spec)
            let completion = try await factory.client(for: spec).complete(ChatRequest(messages: [.user("x")]))
            #expect(completion.text == "ok")
        }
        try await factory.shutdown()
        try await server.stop()
        #expect(server.requests.map(\.path) == ["/v1/models", "/v1/messages", "/v1/models", "/v1/messages", "/v1/models", "/v1/messages"])
    }
}
