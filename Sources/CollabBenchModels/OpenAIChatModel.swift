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
        requestTimeoutSeconds: Double = 600, maxInFlight: Int = 64
    ) {
        self.spec = spec
        self.http = http
        self.apiKey = apiKey
        self.retry = retry
        self.requestTimeout = .milliseconds(Int64(requestTimeoutSeconds * 1000))
        self.limiter = AsyncLimiter(limit: maxInFlight)
        self.endpoint = (spec.baseURL ?? Self.defaultBaseURL) + "/chat/completions"
    }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await limiter.withSlot { try await self.completeWithRetries(request) }
    }

    private func completeWithRetries(_ request: ChatRequest) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        var attempt = 0
        var switchedStyle = false
        while true {
            attempt += 1
            let style = structuredStyle.withLock { $0 }
            let outcome = await attemptOnce(request, style: style)
            switch outcome {
            case .success(var completion):
                completion.latencySeconds = Self.seconds(since: started)
                completion.attempts = attempt
                return completion
            case .schemaRejected(let error):
                // The server does not know OpenAI's json_schema format: use llama.cpp's form.
                guard !switchedStyle, style == .jsonSchema else { throw error }
                switchedStyle = true
                structuredStyle.withLock { $0 = .jsonObjectWithSchema }
                attempt -= 1
            case .fatal(let error):
                throw error
            case .retryable(let error, let retryAfter):
                guard attempt < retry.maxAttempts else {
                    throw CollabBenchError(error.code, "\(error.message) (gave up after \(attempt) attempts)")
                }
                let delay = retry.delay(afterAttempt: attempt, retryAfter: retryAfter, unit: Double.random(in: 0..<1))
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            }
        }
    }

    private enum AttemptOutcome {
        case success(ChatCompletion)
        case retryable(CollabBenchError, retryAfter: Double?)
        case fatal(CollabBenchError)
        case schemaRejected(CollabBenchError)
    }

    private func attemptOnce(_ request: ChatRequest, style: OpenAIWire.StructuredStyle) async -> AttemptOutcome {
        let where_ = "model server \(spec)"
        var http = HTTPClientRequest(url: endpoint)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "application/json")
        if let apiKey { http.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        do {
            http.body = .bytes(ByteBuffer(bytes: try OpenAIWire.encode(request, model: spec.model, style: style)))
        } catch {
            return .fatal(CollabBenchError(.invalidArgument, "cannot encode request for \(spec): \(error)"))
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await self.http.execute(http, timeout: requestTimeout)
            body = try await response.body.collect(upTo: 64 << 20)
        } catch is CancellationError {
            return .fatal(CollabBenchError(.modelTimeout, "\(where_): cancelled"))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .retryable(CollabBenchError(.modelTimeout, "\(where_): no reply within \(requestTimeout.nanoseconds / 1_000_000_000) s"), retryAfter: nil)
        } catch {
            return .retryable(CollabBenchError(.modelUnreachable, "cannot reach \(where_): \(Self.describe(error))"), retryAfter: nil)
        }
        let data = Data(body.readableBytesView)
        let status = response.status.code
        guard status == 200 else {
            let (message, code) = OpenAIWire.errorMessage(from: data)
            let text = "\(where_) answered HTTP \(status): \(message)"
            // Servers without OpenAI's json_schema form reject it (llama-cpp-python even with a 500).
            let aboutFormat = message.contains("response_format") && (message.contains("json_schema") || message.contains("json_object"))
            if request.responseFormat != nil && style == .jsonSchema && aboutFormat && [400, 422, 500].contains(status) {
                return .schemaRejected(CollabBenchError(.modelHTTPError, text))
            }
            switch status {
            case 429, 500...599, 408:
                let retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "Retry-After"))
                return .retryable(CollabBenchError(.modelHTTPError, text), retryAfter: retryAfter)
            case 401, 403:
                return .fatal(CollabBenchError(.modelAuthentication, "\(text) (check the API key in OPENAI_API_KEY)"))
            case 400 where code == "context_length_exceeded" || message.contains("context length") || message.contains("context window"):
                return .fatal(CollabBenchError(.modelContextLength, text))
            default:
                return .fatal(CollabBenchError(.modelHTTPError, text))
            }
        }
        guard let decoded = try? JSONDecoder().decode(OpenAIWire.ResponseBody.self, from: data),
            let choice = decoded.choices?.first
        else {
            let start = String(decoding: data.prefix(200), as: UTF8.self)
            return .retryable(CollabBenchError(.modelMalformedReply, "\(where_) sent a reply that is not a chat completion: \(start)"), retryAfter: nil)
        }
        let usage = decoded.usage.flatMap { u in
            u.prompt_tokens.map { TokenUsage(promptTokens: $0, completionTokens: u.completion_tokens ?? 0) }
        }
        return .success(ChatCompletion(
            text: choice.message?.content ?? "", finishReason: choice.finish_reason, usage: usage, servedModel: decoded.model))
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// A short description of a transport error.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") { return "connection timed out" }
        if text.contains("remoteConnectionClosed") { return "the server closed the connection" }
        return text
    }
}
