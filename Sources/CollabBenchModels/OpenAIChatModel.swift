import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A model behind an OpenAI-compatible Chat Completions endpoint (OpenAI, vLLM, Ollama, the
/// llama.cpp server, …).
///
/// Retries 429, 5xx, connection failures and timeouts with exponential backoff and jitter,
/// honouring `Retry-After`; any other 4xx is a clear error at once. Bounds its calls in flight.
///
/// ``complete(_:onPiece:)`` always asks for a streamed reply and hands each content delta over
/// as it arrives. Retries and streaming: an attempt that fails before any text was handed over
/// (a 429, a 5xx, a refused connection) is retried and the next attempt streams as the first
/// would have; once an attempt that handed text over fails, the later attempts are not streamed,
/// so no text is handed over twice and the reply's rest comes only with the returned completion
/// (whose text then differs from the pieces: the caller replaces what it showed).
public final class OpenAIChatModel: ChatModel {
    public let spec: ModelSpec
    private let http: HTTPClient
    private let apiKey: String?
    private let retry: RetryPolicy
    private let requestTimeout: TimeAmount
    private let limiter: AsyncLimiter
    private let endpoint: String
    /// The structured-output style this server accepted; learned on the first schema request.
    private let structuredStyle = Mutex<OpenAIWire.StructuredStyle>(.jsonSchema)
    /// Ask for streamed replies (SSE) and record time to first token and tokens per second.
    private let streaming: Bool
    /// The endpoint's requests- and tokens-per-minute budget, shared by every client of that endpoint.
    private let rate: RequestRateLimiter?

    /// Default base URL per provider.
    public static let defaultBaseURL = "https://api.openai.com/v1"

    /// Creates a client.
    /// - Parameters:
    ///   - spec: The model.
    ///   - http: A shared HTTP client; its owner shuts it down.
    ///   - apiKey: Bearer token, if any (from the environment; never stored).
    ///   - retry: Retry policy.
    ///   - requestTimeoutSeconds: Deadline of one HTTP attempt.
    ///   - maxInFlight: Calls in flight at most through this client.
    public init(
        spec: ModelSpec, http: HTTPClient, apiKey: String?, retry: RetryPolicy = .init(),
        requestTimeoutSeconds: Double = 600, maxInFlight: Int = 64, streaming: Bool = false, rate: RequestRateLimiter? = nil
    ) {
        self.streaming = streaming
        self.rate = rate
        self.spec = spec
        self.http = http
        self.apiKey = apiKey
        self.retry = retry
        self.requestTimeout = .milliseconds(Int64(requestTimeoutSeconds * 1000))
        self.limiter = AsyncLimiter(limit: maxInFlight)
        self.endpoint = (spec.baseURL ?? Self.defaultBaseURL) + "/chat/completions"
    }

    /// Sends `request`, retrying transient failures.
    /// - Throws: ``CollabBenchError`` naming the server, with the client's own key taken out of the
    ///   message (a server may echo it back in an error body).
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await completeInSlot(request, pieces: nil)
    }

    /// Sends `request` as a streamed request, handing each piece of the reply's text to `onPiece`
    /// as it arrives (see the type's note on retries).
    /// - Throws: As ``complete(_:)``.
    public func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion {
        try await withoutActuallyEscaping(onPiece) { onPiece in try await completeInSlot(request, pieces: onPiece) }
    }

    /// One call in one of the client's slots, with the client's own key taken out of any error.
    private func completeInSlot(_ request: ChatRequest, pieces: (@Sendable (String) async -> Void)?) async throws -> ChatCompletion {
        do {
            return try await limiter.withSlot { try await self.completeWithRetries(request, pieces: pieces) }
        } catch {
            throw KeyRedaction.redact(error, keys: apiKey.map { [$0] } ?? [])
        }
    }

    /// - Parameter pieces: Where the reply's text goes as it arrives (the request is then
    ///   streamed whatever ``streaming`` says); nil for a plain call.
    private func completeWithRetries(_ request: ChatRequest, pieces: (@Sendable (String) async -> Void)?) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        // One estimate per call: charged before each attempt, refunded or settled after it.
        let estimate = rate == nil ? 0 : RequestRateLimiter.estimatedTokens(of: request)
        var switchedStyle = false
        // Set once an attempt handed text over: later attempts keep theirs (no text twice).
        var handedOver = false
        let result = try await RetryLoop(policy: retry).run { () async -> AttemptOutcome<ChatCompletion> in
            let style = structuredStyle.withLock { $0 }
            let sink: PieceSink? = pieces.map { PieceSink(deliver: $0, open: !handedOver, piece: Self.piece(ofEvent:)) }
            let outcome = await attemptOnce(request, style: style, estimate: estimate, sink: sink)
            if sink?.handedOver == true { handedOver = true }
            if case .outcome(.success) = outcome {} else { await rate?.refund(estimatedTokens: estimate) }
            guard case .rephrasable(let error) = outcome else { return outcome.attemptOutcome }
            // The server does not know OpenAI's json_schema format: use llama.cpp's form.
            guard !switchedStyle, style == .jsonSchema else { return .fatal(error) }
            switchedStyle = true
            structuredStyle.withLock { $0 = .jsonObjectWithSchema }
            return .rephrased
        }
        await limiter.recordSuccess()
        var completion = result.value
        // A reply that came whole (a server that does not stream) is one piece.
        if let pieces, !handedOver, !completion.text.isEmpty { await pieces(completion.text) }
        if let rate, let usage = completion.usage {
            await rate.settle(
                estimatedTokens: estimate, actualTokens: usage.promptTokens + usage.completionTokens)
        }
        completion.latencySeconds = ModelHTTP.seconds(since: started)
        completion.attempts = result.attempts
        return completion
    }

    /// One attempt's outcome, before the retry loop sees it.
    private enum OpenAIAttempt {
        case outcome(AttemptOutcome<ChatCompletion>)
        /// The server refused the structured-output form.
        case rephrasable(CollabBenchError)

        var attemptOutcome: AttemptOutcome<ChatCompletion> {
            switch self {
            case .outcome(let outcome): outcome
            case .rephrasable(let error): .fatal(error)
            }
        }
    }

    /// The content delta of a stream event, if any.
    static func piece(ofEvent event: String) -> String? {
        guard event != "[DONE]", let chunk = try? JSONDecoder().decode(OpenAIWire.StreamChunk.self, from: Data(event.utf8)) else { return nil }
        return chunk.choices?.first?.delta?.content
    }

    private func attemptOnce(_ request: ChatRequest, style: OpenAIWire.StructuredStyle, estimate: Int, sink: PieceSink?) async -> OpenAIAttempt {
        let where_ = "model server \(spec)"
        let streaming = self.streaming || sink != nil
        let body: Data
        do {
            body = try OpenAIWire.encode(request, model: spec.model, style: style, stream: streaming)
        } catch {
            return .outcome(.fatal(CollabBenchError(.invalidArgument, "cannot encode request for \(spec): \(error)")))
        }
        let headers = apiKey.map { [("Authorization", "Bearer \($0)")] } ?? []
        if let rate {
            do { try await rate.acquire(estimatedTokens: estimate) } catch {
                return .outcome(.fatal(CollabBenchError(.modelTimeout, "\(where_): cancelled")))
            }
        }
        let reply: ModelHTTP.Reply
        if streaming {
            switch await ModelHTTP.postStreaming(
                endpoint, body: body, headers: headers, http: http, timeout: requestTimeout, where: where_,
                hasContent: { $0.contains("\"content\"") && !$0.contains("\"content\":\"\"") && !$0.contains("\"content\":null") },
                onEvent: { await sink?.take($0) })
            {
            case .failure(let failure): return .outcome(failure.outcome())
            case .success(.streamed(let streamed)): return .outcome(Self.assemble(streamed, where: where_))
            case .success(.whole(let whole)): reply = whole
            }
        } else {
            switch await ModelHTTP.post(endpoint, body: body, headers: headers, http: http, timeout: requestTimeout, where: where_) {
            case .success(let r): reply = r
            case .failure(let failure): return .outcome(failure.outcome())
            }
        }
        let data = reply.body
        let status = reply.status
        if let rate { await Self.learn(from: reply, status: status, rate: rate) }
        guard status == 200 else {
            let (message, code) = OpenAIWire.errorMessage(from: data)
            let text = "\(where_) answered HTTP \(status): \(message)"
            // Servers without OpenAI's json_schema form reject it (llama-cpp-python even with a 500).
            let aboutFormat = message.contains("response_format") && (message.contains("json_schema") || message.contains("json_object"))
            if request.responseFormat != nil && style == .jsonSchema && aboutFormat && [400, 422, 500].contains(status) {
                return .rephrasable(CollabBenchError(.modelHTTPError, text))
            }
            if status == 429 { await limiter.reduceAfterRateLimit() }
            switch status {
            case _ where ModelHTTP.isRetryable(status: status):
                return .outcome(.retryable(CollabBenchError(.modelHTTPError, text), retryAfter: reply.retryAfter))
            case 401, 403:
                return .outcome(.fatal(CollabBenchError(.modelAuthentication, "\(text) (check the API key in OPENAI_API_KEY)")))
            case 400 where code == "context_length_exceeded" || message.contains("context length") || message.contains("context window"):
                return .outcome(.fatal(CollabBenchError(.modelContextLength, text)))
            default:
                return .outcome(.fatal(CollabBenchError(.modelHTTPError, text)))
            }
        }
        guard let decoded = try? JSONDecoder().decode(OpenAIWire.ResponseBody.self, from: data),
            let choice = decoded.choices?.first
        else {
            let start = String(decoding: data.prefix(200), as: UTF8.self)
            return .outcome(.retryable(
                CollabBenchError(.modelMalformedReply, "\(where_) sent a reply that is not a chat completion: \(start)"), retryAfter: nil))
        }
        let usage = decoded.usage?.tokenUsage
        return .outcome(.success(ChatCompletion(
            text: choice.message?.content ?? "", finishReason: choice.finish_reason, usage: usage, servedModel: decoded.model)))
    }

    /// Tells the endpoint's budget what a reply says about the server's limits: the limits its
    /// headers announce, and a 429 (every caller waits out its `Retry-After`, and the budget learns
    /// the server's rate from when refusals come).
    static func learn(from reply: ModelHTTP.Reply, status: Int, rate: RequestRateLimiter) async {
        await rate.adopt(headers: reply.headers.map { ($0.name, $0.value) })
        if status == 429 { await rate.refused(retryAfter: reply.retryAfter) }
    }

    /// A short description of a transport error.
    static func describe(_ error: any Error) -> String {
        ModelHTTP.describe(error)
    }

    /// A completion from the events of a streamed reply.
    static func assemble(_ streamed: ModelHTTP.StreamedReply, where where_: String) -> AttemptOutcome<ChatCompletion> {
        var text = ""
        var finish: String?
        var usage: TokenUsage?
        var model: String?
        var chunks = 0
        var contentChunks = 0
        for event in streamed.events where event != "[DONE]" {
            guard let chunk = try? JSONDecoder().decode(OpenAIWire.StreamChunk.self, from: Data(event.utf8)) else {
                let (message, _) = OpenAIWire.errorMessage(from: Data(event.utf8))
                return .retryable(CollabBenchError(.modelMalformedReply, "\(where_) sent a stream event that is not a chunk: \(message)"), retryAfter: nil)
            }
            chunks += 1
            model = model ?? chunk.model
            if let choice = chunk.choices?.first {
                if let piece = choice.delta?.content, !piece.isEmpty {
                    text += piece
                    contentChunks += 1
                }
                finish = choice.finish_reason ?? finish
            }
            if let reported = chunk.usage?.tokenUsage { usage = reported }
        }
        guard chunks > 0 else {
            return .retryable(CollabBenchError(.modelMalformedReply, "\(where_) ended the stream without a chunk"), retryAfter: nil)
        }
        var completion = ChatCompletion(text: text, finishReason: finish, usage: usage, servedModel: model)
        completion.timeToFirstTokenSeconds = streamed.timeToFirstContent
        // Servers that report no usage in the stream (llama.cpp) send about one token per chunk.
        let tokens = usage?.completionTokens ?? contentChunks
        if let ttft = streamed.timeToFirstContent, tokens > 1, streamed.total > ttft {
            completion.tokensPerSecond = Double(tokens - 1) / (streamed.total - ttft)
        }
        return .success(completion)
    }
}
