import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import Synchronization

/// A model behind Anthropic's Messages API (`POST <base>/v1/messages`), named
/// `anthropic/<model>[@base_url]`.
///
/// The base URL follows the Anthropic SDKs' convention: it is given without `/v1`
/// (`https://api.anthropic.com`, the default) and the client calls `<base>/v1/messages`; a base
/// that already ends in `/v1` is used as it is (see ``apiBase(_:)``).
///
/// The key (from `ANTHROPIC_API_KEY`) is sent as `x-api-key` with `anthropic-version: 2023-06-01`.
/// How a ``ChatRequest`` maps onto the API:
/// - system messages become the top-level `system` field (joined by a blank line); consecutive
///   user or assistant messages are merged so the roles alternate;
/// - `max_tokens` is required by the API: 1024 when the request sets none; `temperature` and
///   `top_p` are sent as given. Newer Claude models refuse both together: after such a refusal
///   the client drops `top_p` (keeping `temperature`) for that request and every later one;
/// - `seed` is not sent (the API has none);
/// - structured output: the API has no `response_format`, so a request with one gets an
///   instruction appended to its system prompt asking for one JSON object following the schema
///   (``AnthropicWire/structuredOutputInstruction``); the reply is then read like any other.
///
/// - prompt caching (`promptCache`): the system prompt and (after earlier turns) the last message
///   carry `cache_control: {"type": "ephemeral"}` breakpoints (``AnthropicWire/body(for:model:sendTopP:promptCache:)``).
///
/// The reply is the concatenation of the `text` content blocks; usage comes from
/// `usage.input_tokens`/`output_tokens`, with `cache_read_input_tokens` and
/// `cache_creation_input_tokens` added to the prompt tokens (Anthropic's `input_tokens` leaves
/// them out) and recorded as the cached and cache-written shares; the finish reason is the API's `stop_reason`
/// (`end_turn`, `max_tokens`, …). Retries 429, 529 (overloaded), other 5xx, connection failures,
/// timeouts and malformed replies like ``OpenAIChatModel`` (same ``RetryPolicy``, honouring
/// `Retry-After`); 401/403 is an authentication error; any other 4xx fails at once with the
/// API's `error.message`.
public final class AnthropicChatModel: ChatModel {
    public let spec: ModelSpec
    private let http: HTTPClient
    private let apiKey: String?
    private let retry: RetryPolicy
    private let requestTimeout: TimeAmount
    private let limiter: AsyncLimiter
    private let endpoint: String
    /// The endpoint's requests- and tokens-per-minute budget, shared by every client of that endpoint.
    private let rate: RequestRateLimiter?
    /// False once the model refused `temperature` and `top_p` together.
    private let sendTopP = Mutex(true)
    /// Mark the stable prefix with `cache_control` breakpoints.
    private let promptCache: Bool

    /// The API's base URL, as the Anthropic SDKs take it (`ANTHROPIC_BASE_URL`): without `/v1`.
    public static let defaultBaseURL = "https://api.anthropic.com"

    /// The versioned root under which the API's paths live: `<base>/v1`, or `base` itself when it
    /// already ends in `/v1` (so both `https://api.anthropic.com` and `https://api.anthropic.com/v1`
    /// call `https://api.anthropic.com/v1/messages`).
    public static func apiBase(_ base: String) -> String {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed.hasSuffix("/v1") ? trimmed : trimmed + "/v1"
    }

    /// The environment variable holding the key.
    public static let apiKeyVariable = "ANTHROPIC_API_KEY"

    /// Creates a client.
    /// - Parameters:
    ///   - spec: The model (`anthropic/<model>[@base_url]`).
    ///   - http: A shared HTTP client; its owner shuts it down.
    ///   - apiKey: The key sent as `x-api-key`, if any (from the environment; never stored).
    ///   - retry: Retry policy.
    ///   - requestTimeoutSeconds: Deadline of one HTTP attempt.
    ///   - maxInFlight: Calls in flight at most through this client.
    ///   - rate: The endpoint's rate budget, if any.
    ///   - promptCache: Mark the system prompt and the last message as cache breakpoints.
    public init(
        spec: ModelSpec, http: HTTPClient, apiKey: String?, retry: RetryPolicy = .init(),
        requestTimeoutSeconds: Double = 600, maxInFlight: Int = 64, rate: RequestRateLimiter? = nil, promptCache: Bool = false
    ) {
        self.rate = rate
        self.promptCache = promptCache
        self.spec = spec
        self.http = http
        self.apiKey = apiKey
        self.retry = retry
        self.requestTimeout = .milliseconds(Int64(requestTimeoutSeconds * 1000))
        self.limiter = AsyncLimiter(limit: maxInFlight)
        self.endpoint = Self.apiBase(spec.baseURL ?? Self.defaultBaseURL) + "/messages"
    }

    /// The headers every Anthropic request carries: the key (when set) and the API version.
    static func headers(apiKey: String?) -> [(String, String)] {
        var headers = [("anthropic-version", AnthropicWire.apiVersion)]
        if let apiKey { headers.append(("x-api-key", apiKey)) }
        return headers
    }

    /// Sends `request`, retrying transient failures.
    /// - Throws: ``CollabBenchError`` naming the server, with the client's own key taken out of the
    ///   message (a server may echo it back in an error body).
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await completeInSlot(request, pieces: nil)
    }

    /// Sends `request` with `"stream": true`, handing each piece of the reply's text to `onPiece`
    /// as it arrives. An attempt that fails before any text went out is retried and streams
    /// again; once text went out, later attempts are not streamed (no text twice) and their reply
    /// is only in the completion.
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
    ///   streamed); nil for a plain call.
    private func completeWithRetries(_ request: ChatRequest, pieces: (@Sendable (String) async -> Void)?) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        // One estimate per call: charged before each attempt, refunded or settled after it.
        let estimate = rate == nil ? 0 : RequestRateLimiter.estimatedTokens(of: request)
        // Set once an attempt handed text over: later attempts keep theirs (no text twice).
        var handedOver = false
        let result = try await RetryLoop(policy: retry).run { () async -> AttemptOutcome<ChatCompletion> in
            let sink: PieceSink? = pieces.map { PieceSink(deliver: $0, open: !handedOver, piece: AnthropicStream.piece(ofEvent:)) }
            let outcome = await attemptOnce(request, estimate: estimate, sink: sink)
            if sink?.handedOver == true { handedOver = true }
            if case .success = outcome {} else { await rate?.refund(estimatedTokens: estimate) }
            return outcome
        }
        await limiter.recordSuccess()
        var completion = result.value
        // A reply that came whole (a server that does not stream) is one piece.
        if let pieces, !handedOver, !completion.text.isEmpty { await pieces(completion.text) }
        completion.latencySeconds = ModelHTTP.seconds(since: started)
        completion.attempts = result.attempts
        if let rate, let usage = completion.usage {
            await rate.settle(
                estimatedTokens: estimate, actualTokens: usage.promptTokens + usage.completionTokens)
        }
        return completion
    }

    private func attemptOnce(_ request: ChatRequest, estimate: Int, sink: PieceSink?) async -> AttemptOutcome<ChatCompletion> {
        let where_ = "model server \(spec)"
        let topP = sendTopP.withLock { $0 }
        let body: Data
        do {
            body = try AnthropicWire.encode(request, model: spec.model, sendTopP: topP, promptCache: promptCache, stream: sink != nil)
        } catch {
            return .fatal(CollabBenchError(.invalidArgument, "cannot encode request for \(spec): \(error)"))
        }
        if let rate {
            do { try await rate.acquire(estimatedTokens: estimate) } catch {
                return .fatal(CollabBenchError(.modelTimeout, "\(where_): cancelled"))
            }
        }
        let reply: ModelHTTP.Reply
        if let sink {
            switch await ModelHTTP.postStreaming(
                endpoint, body: body, headers: Self.headers(apiKey: apiKey), http: http, timeout: requestTimeout, where: where_,
                hasContent: { $0.contains("\"text_delta\"") }, onEvent: { await sink.take($0) })
            {
            case .failure(let failure): return failure.outcome()
            case .success(.streamed(let streamed)): return Self.assemble(streamed, where: where_)
            case .success(.whole(let whole)): reply = whole
            }
        } else {
            switch await ModelHTTP.post(endpoint, body: body, headers: Self.headers(apiKey: apiKey), http: http, timeout: requestTimeout, where: where_) {
            case .success(let r): reply = r
            case .failure(let failure): return failure.outcome()
            }
        }
        let status = reply.status
        if let rate { await OpenAIChatModel.learn(from: reply, status: status, rate: rate) }
        guard status == 200 else {
            let (message, _) = AnthropicWire.errorMessage(from: reply.body)
            let text = "\(where_) answered HTTP \(status): \(message)"
            if status == 429 { await limiter.reduceAfterRateLimit() }
            if ModelHTTP.isRetryable(status: status) {
                return .retryable(CollabBenchError(.modelHTTPError, text), retryAfter: reply.retryAfter)
            }
            switch status {
            case 401, 403:
                return .fatal(CollabBenchError(.modelAuthentication, "\(text) (check the API key in \(Self.apiKeyVariable))"))
            case 400 where topP && request.sampling.temperature != nil && request.sampling.topP != nil
                && AnthropicWire.refusesTemperatureWithTopP(message):
                sendTopP.withLock { $0 = false }
                return .rephrased
            case _ where (status == 400 || status == 413) && AnthropicWire.isContextLength(message):
                return .fatal(CollabBenchError(.modelContextLength, text))
            default:
                return .fatal(CollabBenchError(.modelHTTPError, text))
            }
        }
        guard let completion = AnthropicWire.completion(from: reply.body) else {
            let start = String(decoding: reply.body.prefix(200), as: UTF8.self)
            return .retryable(CollabBenchError(.modelMalformedReply, "\(where_) sent a reply that is not a Messages API reply: \(start)"), retryAfter: nil)
        }
        return .success(completion)
    }

    /// The completion of a streamed reply: an `error` event (such as `overloaded_error`) or a
    /// stream without its `message_stop` is retried like a failed call.
    static func assemble(_ streamed: ModelHTTP.StreamedReply, where where_: String) -> AttemptOutcome<ChatCompletion> {
        let stream = AnthropicStream(events: streamed.events)
        if let error = stream.error {
            return .retryable(
                CollabBenchError(.modelHTTPError, "\(where_) sent an error part-way through its reply: \(error.type ?? "error"): \(error.message)"),
                retryAfter: nil)
        }
        guard stream.started, stream.stopped else {
            return .retryable(CollabBenchError(.modelMalformedReply, "\(where_) ended its streamed reply before message_stop"), retryAfter: nil)
        }
        var completion = stream.completion
        completion.timeToFirstTokenSeconds = streamed.timeToFirstContent
        return .success(completion)
    }
}
