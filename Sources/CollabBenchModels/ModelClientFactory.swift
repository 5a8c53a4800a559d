import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import Synchronization
import NIOHTTP1

/// Creates model clients from specs and owns the HTTP client they share.
///
/// Call ``shutdown()`` when done. API keys come from the environment (`OPENAI_API_KEY` for the
/// `openai` provider, `ANTHROPIC_API_KEY` for `anthropic`) and are never stored, logged or exported.
public final class ModelClientFactory: Sendable {
    private let http: HTTPClient
    private let environment: [String: String]
    private let retry: RetryPolicy
    private let requestTimeoutSeconds: Double
    /// OpenAI-compatible clients stream their replies (SSE) and record time to first token.
    private let streaming: Bool
    /// Requests per minute per endpoint, if budgeted.
    private let requestsPerMinute: Int?
    /// Tokens (prompt + completion) per minute per endpoint, if budgeted.
    private let tokensPerMinute: Int?
    private let rateLimiters = Mutex<[String: RequestRateLimiter]>([:])

    /// Creates a factory.
    /// - Parameters:
    ///   - maxConnectionsPerHost: Pool size per host; match it to the run's concurrency.
    ///   - environment: Where API keys are read from.
    ///   - requestsPerMinute: Requests per minute per endpoint (base URL), shared by every role.
    ///   - tokensPerMinute: Tokens per minute per endpoint, shared by every role.
    public init(
        maxConnectionsPerHost: Int = 64, connectTimeoutSeconds: Double = 10, requestTimeoutSeconds: Double = 600,
        retry: RetryPolicy = .init(), environment: [String: String] = ProcessInfo.processInfo.environment, streaming: Bool = false,
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil
    ) {
        self.streaming = streaming
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
    public func client(for spec: ModelSpec, maxInFlight: Int = 64) -> any ChatModel {
        let key = apiKey(for: spec.provider)
        switch spec.provider {
        case "anthropic":
            return AnthropicChatModel(
                spec: spec, http: http, apiKey: key, retry: retry, requestTimeoutSeconds: requestTimeoutSeconds, maxInFlight: maxInFlight,
                rate: rateLimiter(for: spec.baseURL ?? AnthropicChatModel.defaultBaseURL))
        default:
            return OpenAIChatModel(
                spec: spec, http: http, apiKey: key, retry: retry, requestTimeoutSeconds: requestTimeoutSeconds, maxInFlight: maxInFlight,
                streaming: streaming, rate: rateLimiter(for: spec.baseURL ?? OpenAIChatModel.defaultBaseURL))
        }
    }

    /// The key for `provider` from the environment, or nil when unset or empty.
    private func apiKey(for provider: String) -> String? {
        environment[Self.apiKeyVariable(for: provider)].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Checks, before a run spends anything, that the server behind `spec` answers and accepts the
    /// key: `GET <base>/models`, no retries (for `anthropic`, with the `x-api-key` and
    /// `anthropic-version` headers).
    /// - Throws: ``CollabBenchError`` naming the server: unreachable, authentication (naming the
    ///   key's environment variable), or HTTP error.
    public func preflight(_ spec: ModelSpec) async throws {
        let isAnthropic = spec.provider == "anthropic"
        let base = spec.baseURL ?? (isAnthropic ? AnthropicChatModel.defaultBaseURL : OpenAIChatModel.defaultBaseURL)
        var request = HTTPClientRequest(url: base + "/models")
        request.method = .GET
        let variable = Self.apiKeyVariable(for: spec.provider)
        let key = apiKey(for: spec.provider)
        if isAnthropic {
            for (name, value) in AnthropicChatModel.headers(apiKey: key) { request.headers.add(name: name, value: value) }
        } else if let key {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(15))
            _ = try await response.body.collect(upTo: 8 << 20)
        } catch {
            throw CollabBenchError(.modelUnreachable, "cannot reach model server \(spec) at \(base): \(ModelHTTP.describe(error)) (is it running?)")
        }
        switch response.status.code {
        case 200..<300, 404, 405:
            return  // Some compatible servers have no /models; the run itself will tell.
        case 401, 403:
            let hint = key == nil ? "no API key set: export \(variable)" : "the key in \(variable) was refused"
            throw CollabBenchError(.modelAuthentication, "model server \(spec) refused the request (HTTP \(response.status.code)): \(hint)")
        default:
            throw CollabBenchError(.modelHTTPError, "model server \(spec) answered HTTP \(response.status.code) to GET \(base)/models")
        }
    }

    /// The rate budget of the endpoint at `baseURL` (one per endpoint, shared by every role and
    /// client that calls it), or nil without a budget.
    func rateLimiter(for baseURL: String) -> RequestRateLimiter? {
        guard requestsPerMinute != nil || tokensPerMinute != nil else { return nil }
        return rateLimiters.withLock { limiters in
            if let existing = limiters[baseURL] { return existing }
            let limiter = RequestRateLimiter(requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute)
            limiters[baseURL] = limiter
            return limiter
        }
    }

    /// Shuts the shared HTTP client down.
    public func shutdown() async throws {
        try await http.shutdown()
    }
}
