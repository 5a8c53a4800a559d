import CollabBenchCore
import Foundation
import NIOCore

extension ModelClientFactory {
    /// The batch API of the server behind `spec`: Anthropic's Message Batches for the `anthropic`
    /// provider, OpenAI's Batch API for every other (an OpenAI-compatible server without one
    /// answers 404, and the caller falls back to direct calls).
    ///
    /// Uses the factory's HTTP client, retry policy and key (the spec's URL credential, else the
    /// provider's environment variable); the key is never stored and is taken out of errors.
    public func batchClient(for spec: ModelSpec) -> any BatchClient {
        let key = apiKey(for: spec)
        let timeout = TimeAmount.milliseconds(Int64(requestTimeoutSeconds * 1000))
        let where_ = "batch API of \(spec)"
        switch spec.provider {
        case "anthropic":
            let http = BatchHTTP(
                http: http, retry: retry, timeout: timeout, apiKey: key, headers: AnthropicChatModel.headers(apiKey: key), where_: where_,
                errorMessage: { AnthropicWire.errorMessage(from: $0).message })
            return AnthropicBatchClient(
                spec: spec, http: http, apiBase: AnthropicChatModel.apiBase(spec.baseURL ?? AnthropicChatModel.defaultBaseURL))
        default:
            let http = BatchHTTP(
                http: http, retry: retry, timeout: timeout, apiKey: key, headers: key.map { [("Authorization", "Bearer \($0)")] } ?? [],
                where_: where_, errorMessage: { OpenAIWire.errorMessage(from: $0).message })
            return OpenAIBatchClient(spec: spec, http: http, base: spec.baseURL ?? OpenAIChatModel.defaultBaseURL)
        }
    }
}
