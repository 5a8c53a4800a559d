import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import Synchronization
import NIOHTTP1

/// Creates model clients from specs and owns the HTTP client they share.
///
/// Call ``shutdown()`` when done. API keys come from the environment (`OPENAI_API_KEY` for the
/// `openai` provider, `ANTHROPIC_API_KEY` for `anthropic`), else from credentials given in a spec's
/// base URL, and are never stored, logged or exported: the clients and the pre-flight check take
/// their own key out of every error text they produce, even when a server echoes it back.
public final class ModelClientFactory: Sendable {
    let http: HTTPClient
    private let environment: [String: String]
    let retry: RetryPolicy
    let requestTimeoutSeconds: Double
    /// OpenAI-compatible clients stream their replies (SSE) and record time to first token.
    private let streaming: Bool
    /// Anthropic clients mark the stable prefix with `cache_control` breakpoints (OpenAI caches by itself).
    private let promptCache: Bool
    /// Every endpoint gets a rate budget that learns the server's announced limits and pauses on
    /// `Retry-After` (false: only with `--rpm/--tpm`, and it learns nothing).
    private let adaptiveRateLimits: Bool
    /// Requests per minute per model at each endpoint, if budgeted.
    private let requestsPerMinute: Int?
    /// Tokens (prompt + completion) per minute per model at each endpoint, if budgeted.
    private let tokensPerMinute: Int?
    private let rateLimiters = Mutex<[String: RequestRateLimiter]>([:])

    /// Creates a factory.
    /// - Parameters:
    ///   - maxConnectionsPerHost: Pool size per host; match it to the run's concurrency.
    ///   - environment: Where API keys are read from.
    ///   - requestsPerMinute: Requests per minute per model at each endpoint (base URL), shared by every role.
    ///   - tokensPerMinute: Tokens per minute per model at each endpoint, shared by every role.
    ///   - promptCache: Anthropic clients mark the stable prefix for prompt caching.
    ///   - adaptiveRateLimits: Every endpoint's budget adopts the limits its server announces and
    ///     holds all its calls back for a 429's `Retry-After` (false: the budget exists only with
    ///     `requestsPerMinute`/`tokensPerMinute` and learns nothing; the rate-limit benchmark
    ///     compares both).
    public init(
        maxConnectionsPerHost: Int = 64, connectTimeoutSeconds: Double = 10, requestTimeoutSeconds: Double = 600,
        retry: RetryPolicy = .init(), environment: [String: String] = ProcessInfo.processInfo.environment, streaming: Bool = false,
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, promptCache: Bool = false, adaptiveRateLimits: Bool = true
    ) {
        self.streaming = streaming
        self.promptCache = promptCache
        self.adaptiveRateLimits = adaptiveRateLimits
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .milliseconds(Int64(connectTimeoutSeconds * 1000)), read: .milliseconds(Int64(requestTimeoutSeconds * 1000))))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, maxConnectionsPerHost))
        configuration.httpVersion = .http1Only
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.environment = environment
        self.retry = retry
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    /// The environment variable holding the key for `provider`.
    public static func apiKeyVariable(for provider: String) -> String {
        "\(provider.uppercased())_API_KEY"
    }

    /// A client for `spec`, with at most `maxInFlight` calls in flight: ``AnthropicChatModel`` for
    /// the `anthropic` provider, ``OpenAIChatModel`` for every other (OpenAI-compatible) one.
    ///
    /// The key is the credential given in the spec's base URL (``ModelSpec/urlCredential``), else
    /// the provider's environment variable.
    public func client(for spec: ModelSpec, maxInFlight: Int = 64) -> any ChatModel {
        let key = apiKey(for: spec)
        switch spec.provider {
        case "anthropic":
            return AnthropicChatModel(
                spec: spec, http: http, apiKey: key, retry: retry, requestTimeoutSeconds: requestTimeoutSeconds, maxInFlight: maxInFlight,
                rate: rateLimiter(for: AnthropicChatModel.apiBase(spec.baseURL ?? AnthropicChatModel.defaultBaseURL), model: spec.model),
                promptCache: promptCache)
        default:
            return OpenAIChatModel(
                spec: spec, http: http, apiKey: key, retry: retry, requestTimeoutSeconds: requestTimeoutSeconds, maxInFlight: maxInFlight,
                streaming: streaming, rate: rateLimiter(for: spec.baseURL ?? OpenAIChatModel.defaultBaseURL, model: spec.model))
        }
    }

    /// The key for `provider` from the environment, or nil when unset or empty.
    private func apiKey(for provider: String) -> String? {
        environment[Self.apiKeyVariable(for: provider)].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The key a client for `spec` sends: the credential given in its base URL (the more specific
    /// choice), else the environment's.
    func apiKey(for spec: ModelSpec) -> String? {
        spec.urlCredential ?? apiKey(for: spec.provider)
    }

    /// Seconds one pre-flight request may take.
    static let preflightTimeoutSeconds: Int64 = 15

    /// The URL a pre-flight check of `spec` asks: `<base>/models` (for `anthropic`, under `/v1`).
    static func modelsURL(for spec: ModelSpec) -> String {
        if spec.provider == "anthropic" {
            return AnthropicChatModel.apiBase(spec.baseURL ?? AnthropicChatModel.defaultBaseURL) + "/models"
        }
        return (spec.baseURL ?? OpenAIChatModel.defaultBaseURL) + "/models"
    }

    /// Checks, before a run spends anything, that the server behind `spec` answers and accepts the
    /// key: `GET <base>/models` (for `anthropic`, with the `x-api-key` and `anthropic-version`
    /// headers), retried like every model call: 429, 408 and 5xx answers and timeouts are tried
    /// again with the factory's ``RetryPolicy`` (honouring `Retry-After`). A refused connection
    /// fails at once (nothing is listening there), as do authentication and other HTTP errors.
    /// - Throws: ``CollabBenchError`` naming the server: unreachable, authentication (naming the
    ///   key's environment variable), or HTTP error; never the key itself.
    public func preflight(_ spec: ModelSpec) async throws {
        try await preflight([spec])
    }

    /// Checks each distinct server among `specs` once, in the order they come: specs that share
    /// the provider, the pre-flight URL and the key (say the user simulator and the judge on one
    /// server) are checked together. Each check is the one-spec `preflight` above.
    /// - Throws: The first server's ``CollabBenchError``.
    public func preflight(_ specs: [ModelSpec]) async throws {
        var checked = Set<String>()
        for spec in specs {
            let identity = [spec.provider, Self.modelsURL(for: spec), apiKey(for: spec) ?? ""].joined(separator: "\u{0}")
            guard checked.insert(identity).inserted else { continue }
            do {
                try await check(spec)
            } catch {
                throw KeyRedaction.redact(error, keys: [apiKey(for: spec)].compactMap { $0 })
            }
        }
    }

    /// One server's pre-flight check, with retries.
    private func check(_ spec: ModelSpec) async throws {
        let isAnthropic = spec.provider == "anthropic"
        let url = Self.modelsURL(for: spec)
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let variable = Self.apiKeyVariable(for: spec.provider)
        let key = apiKey(for: spec)
        if isAnthropic {
            for (name, value) in AnthropicChatModel.headers(apiKey: key) { request.headers.add(name: name, value: value) }
        } else if let key {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        let timeout = TimeAmount.seconds(Self.preflightTimeoutSeconds)
        _ = try await RetryLoop(policy: retry).run { () async -> AttemptOutcome<Bool> in
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: timeout)
                _ = try await response.body.collect(upTo: 8 << 20)
            } catch {
                if error is CancellationError { return .fatal(CollabBenchError(.modelTimeout, "model server \(spec): cancelled")) }
                let reason = ModelHTTP.describe(error)
                let failure = CollabBenchError(.modelUnreachable, "cannot reach model server \(spec) at \(url.dropLast("/models".count)): \(reason) (is it running?)")
                return reason == "connection refused" ? .fatal(failure) : .retryable(failure, retryAfter: nil)
            }
            let status = Int(response.status.code)
            switch status {
            case 200..<300, 404, 405:
                return .success(true)  // Some compatible servers have no /models; the run itself will tell.
            case 401, 403:
                let hint = key == nil ? "no API key set: export \(variable)" : "the key in \(variable) was refused"
                return .fatal(CollabBenchError(.modelAuthentication, "model server \(spec) refused the request (HTTP \(status)): \(hint)"))
            default:
                let error = CollabBenchError(.modelHTTPError, "model server \(spec) answered HTTP \(status) to GET \(url)")
                guard ModelHTTP.isRetryable(status: status) else { return .fatal(error) }
                return .retryable(error, retryAfter: RetryPolicy.parseRetryAfter(response.headers.first(name: "Retry-After")))
            }
        }
    }

    /// The rate budget of `model` at the endpoint `baseURL` (one per server and model, as
    /// providers limit each model on its own; shared by every role and client that calls that
    /// model there), or nil without a budget.
    func rateLimiter(for baseURL: String, model: String) -> RequestRateLimiter? {
        guard adaptiveRateLimits || requestsPerMinute != nil || tokensPerMinute != nil else { return nil }
        let key = baseURL + "\u{1F}" + model
        return rateLimiters.withLock { limiters in
            if let existing = limiters[key] { return existing }
            let limiter = RequestRateLimiter(
                requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, learnsFromServer: adaptiveRateLimits)
            limiters[key] = limiter
            return limiter
        }
    }

    /// Shuts the shared HTTP client down.
    public func shutdown() async throws {
        try await http.shutdown()
    }
}
