import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct OpenAIChatModelTests {
    let fastRetry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)

    func withClient<T>(
        _ server: LoopbackOpenAIServer, environment: [String: String] = [:], retry: RetryPolicy? = nil, timeout: Double = 120,
        _ body: (any ChatModel, ModelClientFactory) async throws -> T
    ) async throws -> T {
        let factory = ModelClientFactory(requestTimeoutSeconds: timeout, retry: retry ?? fastRetry, environment: environment)
        let spec = try ModelSpec(parsing: "openai/test-model@\(server.baseURL)")
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

    @Test func sendsTheRequestAndReadsTheReplyAndUsage() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chat("hello there", promptTokens: 12, completionTokens: 3)])
        let completion = try await withClient(server, environment: ["OPENAI_API_KEY": "sk-test"]) { model, _ in
            try await model.complete(ChatRequest(
                messages: [.system("sys"), .user("hi")], sampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 50), seed: 7))
        }
        #expect(completion.text == "hello there")
        #expect(completion.usage == TokenUsage(promptTokens: 12, completionTokens: 3))
        #expect(completion.attempts == 1)
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer sk-test")
        let json = try #require(request.json)
        #expect(json["model"] as? String == "test-model")
        #expect(json["temperature"] as? Double == 0.6)
        #expect(json["top_p"] as? Double == 0.9)
        #expect(json["max_tokens"] as? Int == 50)
        #expect(json["seed"] as? Int == 7)
        #expect(request.messages.map(\.role) == ["system", "user"])
    }

    @Test func retriesServerErrorsAndRateLimitsHonouringRetryAfter() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            .error(500, message: "boom"), .error(429, message: "slow down", headers: [("Retry-After", "0.2")]), .chat("ok"),
        ])
        let started = Date()
        let completion = try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        #expect(completion.text == "ok")
        #expect(completion.attempts == 3)
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(server.requests.count == 3)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(404, message: "no such model"), .chat("never")])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelHTTPError && "\(error)".contains("no such model")
        }
        #expect(server.requests.count == 1)
    }

    @Test func wrongKeyIsAnAuthenticationError() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(401, message: "Incorrect API key provided")])
        await #expect {
            try await withClient(server, environment: ["OPENAI_API_KEY": "bad"]) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelAuthentication
        }
    }

    @Test func contextLengthExceededIsClearAndFinal() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(400, message: "Requested tokens exceed context window", code: "context_length_exceeded")])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelContextLength
        }
        #expect(server.requests.count == 1)
    }

    @Test func givesUpAfterMaxAttemptsOnPersistentFailure() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.error(503, message: "overloaded")])
        await #expect {
            try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        } throws: { error in
            "\(error)".contains("gave up after 3 attempts")
        }
        #expect(server.requests.count == 3)
    }

    @Test func stalledReplyTimesOutAndIsRetried() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [.chat("late", delay: .seconds(8)), .chat("fast")])
        let completion = try await withClient(server, timeout: 2) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        #expect(completion.text == "fast")
        #expect(completion.attempts == 2)
    }

    @Test func droppedConnectionAndMalformedBodyAreRetried() async throws {
        let server = try await LoopbackOpenAIServer.start(replies: [
            ScriptedResponse(body: "", dropConnection: true), ScriptedResponse(body: "{not json"), .chat("fine"),
        ])
        let completion = try await withClient(server) { model, _ in try await model.complete(ChatRequest(messages: [.user("x")])) }
        #expect(completion.text == "fine")
        #expect(completion.attempts == 3)
    }

    @Test func structuredOutputFallsBackToLlamaCppStyleOnce() async throws {
        let server = try await LoopbackOpenAIServer.start { request in
            let format = request.json?["response_format"] as? [String: Any]
            if format?["type"] as? String == "json_schema" {
                return .error(422, message: "response_format.type: Input should be 'text' or 'json_object'")
            }
            return .chat(#"{"thought":"a","message":"b"}"#)
        }
        let schema = #"{"type":"object","properties":{"thought":{"type":"string"},"message":{"type":"string"}}}"#
        try await withClient(server) { model, _ in
            let request = ChatRequest(messages: [.user("x")], responseFormat: ResponseFormat(name: "reply", schemaJSON: schema))
            _ = try await model.complete(request)
            _ = try await model.complete(request)
        }
        let types = server.requests.map { ($0.json?["response_format"] as? [String: Any])?["type"] as? String }
        #expect(types == ["json_schema", "json_object", "json_object"])
        // Property order of the schema is kept on the wire.
        let body = server.requests[1].body
        let thought = try #require(body.range(of: "\"thought\""))
        let message = try #require(body.range(of: "\"message\""))
        #expect(thought.lowerBound < message.lowerBound)
    }

    @Test func preflightNamesAnUnreachableServer() async throws {
        let factory = ModelClientFactory(environment: [:])
        let spec = try ModelSpec(parsing: "openai/x@http://127.0.0.1:9/v1")
        await #expect {
            try await factory.preflight(spec)
        } throws: { error in
            (error as? CollabBenchError)?.code == .modelUnreachable && "\(error)".contains("127.0.0.1:9")
        }
        try await factory.shutdown()
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        #expect(RetryPolicy.parseRetryAfter("3") == 3)
        let now = Date(timeIntervalSince1970: 1_000_000_000)
        #expect(RetryPolicy.parseRetryAfter("Sun, 09 Sep 2001 01:46:50 GMT", now: now) == 10)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 8)
        #expect(policy.delay(afterAttempt: 10, retryAfter: nil, unit: 0.999) <= 8)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 30, unit: 0.5) == 30)
    }
}
