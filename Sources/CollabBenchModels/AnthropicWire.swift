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
    }

    struct ResponseBody: Decodable {
        struct Block: Decodable {
            var type: String?
            var text: String?
        }
        struct Usage: Decodable {
            var input_tokens: Int?
            var output_tokens: Int?
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
    /// - Parameter sendTopP: false once the model has refused `temperature` and `top_p` together.
    static func body(for request: ChatRequest, model: String, sendTopP: Bool = true) -> RequestBody {
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
            temperature: sampling.temperature, top_p: sendTopP || sampling.temperature == nil ? sampling.topP : nil)
    }

    /// Encodes the request body.
    static func encode(_ request: ChatRequest, model: String, sendTopP: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(body(for: request, model: model, sendTopP: sendTopP))
    }

    /// The reply text (the `text` blocks joined), stop reason, usage and model of a reply body,
    /// or nil when the body is not a Messages API reply.
    static func completion(from data: Data) -> ChatCompletion? {
        guard let decoded = try? JSONDecoder().decode(ResponseBody.self, from: data), let blocks = decoded.content,
            decoded.type == nil || decoded.type == "message"
        else { return nil }
        let text = blocks.filter { $0.type == "text" }.compactMap(\.text).joined()
        let usage = decoded.usage.flatMap { u in
            u.input_tokens.map { TokenUsage(promptTokens: $0, completionTokens: u.output_tokens ?? 0) }
        }
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
