import CollabBenchCore
import Foundation

/// The JSON bodies of Anthropic's Messages API (`POST /v1/messages`), as far as CollabBench
/// uses them.
enum AnthropicWire {
    /// The API version sent in the `anthropic-version` header.
    static let apiVersion = "2023-06-01"

    /// `max_tokens` when a request sets none (the API requires the field).
    static let defaultMaxTokens = 1024

    struct Message: Codable, Equatable {
        var role: String
        var content: String
    }

    struct RequestBody: Encodable {
        var model: String
        var max_tokens: Int
        var system: String?
        var messages: [Message]
        var temperature: Double?
        var top_p: Double?
        var stream = false
        /// Mark the stable prefix with `cache_control` breakpoints (``AnthropicWire/body(for:model:sendTopP:promptCache:)``).
        /// Not a field of the API: it changes how `system` and the last message are written.
        var promptCache = false

        private enum CodingKeys: String, CodingKey { case model, max_tokens, system, messages, temperature, top_p, stream }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
            try container.encode(max_tokens, forKey: .max_tokens)
            if promptCache {
                if let system { try container.encode([CachedBlock(text: system, cached: true)], forKey: .system) }
                // The last message is a breakpoint only after earlier turns: a one-message request
                // (a simulated user's re-rendered prompt, a judge's) is not resent as a prefix.
                try container.encode(
                    messages.enumerated().map { index, message in
                        CachedMessage(
                            role: message.role,
                            content: [CachedBlock(text: message.content, cached: messages.count > 1 && index == messages.count - 1)])
                    }, forKey: .messages)
            } else {
                try container.encodeIfPresent(system, forKey: .system)
                try container.encode(messages, forKey: .messages)
            }
            try container.encodeIfPresent(temperature, forKey: .temperature)
            try container.encodeIfPresent(top_p, forKey: .top_p)
            try container.encode(stream, forKey: .stream)
        }
    }

    /// A `text` content block, with an ephemeral (5-minute) `cache_control` breakpoint when `cached`.
    struct CachedBlock: Encodable {
        struct CacheControl: Encodable { var type = "ephemeral" }
        var type = "text"
        var text: String
        var cache_control: CacheControl?

        init(text: String, cached: Bool) {
            self.text = text
            self.cache_control = cached ? CacheControl() : nil
        }
    }

    /// A message whose content is written as blocks (so a block can carry `cache_control`).
    struct CachedMessage: Encodable {
        var role: String
        var content: [CachedBlock]
    }

    struct ResponseBody: Decodable {
        struct Block: Decodable {
            var type: String?
            var text: String?
        }
        struct Usage: Decodable {
            /// Input tokens after the last cache breakpoint: the cached ones are NOT included.
            var input_tokens: Int?
            var output_tokens: Int?
            var cache_read_input_tokens: Int?
            var cache_creation_input_tokens: Int?

            /// The usage as CollabBench records it (nil without `input_tokens`): every prompt
            /// token, so `input_tokens` plus the tokens read from and written to the cache.
            var tokenUsage: TokenUsage? {
                input_tokens.map {
                    TokenUsage(
                        promptTokens: $0 + (cache_read_input_tokens ?? 0) + (cache_creation_input_tokens ?? 0),
                        completionTokens: output_tokens ?? 0, cachedPromptTokens: cache_read_input_tokens,
                        cacheWritePromptTokens: cache_creation_input_tokens)
                }
            }
        }
        var type: String?
        var model: String?
        var content: [Block]?
        var stop_reason: String?
        var usage: Usage?
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var type: String?
            var message: String?
        }
        var error: Detail?
    }

    /// The instruction appended to the system prompt when a request asks for structured output
    /// (the Messages API has no `response_format`); `{schema}` is replaced by the schema's JSON.
    static let structuredOutputInstruction =
        "Reply with a single JSON object and nothing else (no prose, no code fence). It must follow this JSON schema, with its properties in this order: {schema}"

    /// The request body for `request`.
    ///
    /// System messages are joined (blank line between) into the top-level `system` field, a
    /// structured-output instruction is appended to it when the request has a ``ResponseFormat``,
    /// and consecutive messages of the same role are merged so user and assistant alternate.
    /// `seed` is not sent: the API has none.
    ///
    /// With `promptCache`, the stable prefix gets `cache_control: {"type": "ephemeral"}`
    /// breakpoints (Anthropic's prompt caching): one on the system prompt (the same for every
    /// call of a role, across conversations) and, when the request has earlier turns, one on the
    /// last message, so the whole conversation so far is cached and the next call of the same
    /// conversation, which resends it with the new turns appended, reads it from the cache. A
    /// request of one message (the simulated user's prompt, re-rendered on every call, or a
    /// judge's) gets only the system breakpoint: writing it would cost 1.25× for no later read. (Anthropic caches only prefixes of at
    /// least its per-model minimum, 1024 tokens for Sonnet and Opus; shorter ones are sent
    /// uncached at no extra cost.)
    /// - Parameters:
    ///   - sendTopP: false once the model has refused `temperature` and `top_p` together.
    ///   - promptCache: Mark the stable prefix with cache breakpoints.
    static func body(for request: ChatRequest, model: String, sendTopP: Bool = true, promptCache: Bool = false) -> RequestBody {
        var systemParts: [String] = []
        var messages: [Message] = []
        for message in request.messages {
            switch message.role {
            case .system:
                systemParts.append(message.content)
            case .user, .assistant:
                let role = message.role.rawValue
                if let last = messages.last, last.role == role {
                    messages[messages.count - 1].content = last.content + "\n\n" + message.content
                } else {
                    messages.append(Message(role: role, content: message.content))
                }
            }
        }
        if let format = request.responseFormat {
            systemParts.append(structuredOutputInstruction.replacingOccurrences(of: "{schema}", with: format.schemaJSON))
        }
        let sampling = request.sampling
        return RequestBody(
            model: model, max_tokens: sampling.maxTokens ?? defaultMaxTokens,
            system: systemParts.isEmpty ? nil : systemParts.joined(separator: "\n\n"), messages: messages,
            temperature: sampling.temperature, top_p: sendTopP || sampling.temperature == nil ? sampling.topP : nil,
            promptCache: promptCache)
    }

    /// Encodes the request body (see ``body(for:model:sendTopP:promptCache:)``), asking for a
    /// streamed reply when `stream`.
    static func encode(_ request: ChatRequest, model: String, sendTopP: Bool = true, promptCache: Bool = false, stream: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var body = body(for: request, model: model, sendTopP: sendTopP, promptCache: promptCache)
        body.stream = stream
        return try encoder.encode(body)
    }

    /// The reply text (the `text` blocks joined), stop reason, usage and model of a reply body,
    /// or nil when the body is not a Messages API reply.
    static func completion(from data: Data) -> ChatCompletion? {
        guard let decoded = try? JSONDecoder().decode(ResponseBody.self, from: data), let blocks = decoded.content,
            decoded.type == nil || decoded.type == "message"
        else { return nil }
        let text = blocks.filter { $0.type == "text" }.compactMap(\.text).joined()
        let usage = decoded.usage?.tokenUsage
        return ChatCompletion(text: text, finishReason: decoded.stop_reason, usage: usage, servedModel: decoded.model)
    }

    /// A one-line description of an error body (`error.message`), and the error's `type`.
    static func errorMessage(from body: Data) -> (message: String, type: String?) {
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body), let message = decoded.error?.message {
            return (OpenAIWire.oneLine(message), decoded.error?.type)
        }
        let text = OpenAIWire.oneLine(String(decoding: body.prefix(2000), as: UTF8.self))
        return (text.isEmpty ? "(empty body)" : text, nil)
    }

    /// Whether an error message is the refusal of `temperature` and `top_p` together (newer
    /// Claude models accept only one of them).
    static func refusesTemperatureWithTopP(_ message: String) -> Bool {
        message.contains("temperature") && message.contains("top_p") && message.contains("both")
    }

    /// Whether an error message says the prompt is longer than the context window.
    static func isContextLength(_ message: String) -> Bool {
        message.contains("prompt is too long") || message.contains("context window") || message.contains("context length")
    }
}
