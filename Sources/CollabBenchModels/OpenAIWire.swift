import CollabBenchCore
import Foundation

/// The JSON bodies of the OpenAI Chat Completions protocol, as far as CollabBench uses them.
enum OpenAIWire {
    struct RequestBody: Encodable {
        var model: String
        var messages: [ChatMessage]
        var temperature: Double?
        var top_p: Double?
        var max_tokens: Int?
        var seed: Int?
        var stream = false
        var stream_options: StreamOptions?
    }

    struct StreamOptions: Encodable {
        var include_usage = true
    }

    /// One chunk of a streamed chat completion.
    struct StreamChunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var delta: Delta?
            var finish_reason: String?
        }
        var model: String?
        var choices: [Choice]?
        var usage: ResponseBody.Usage?
    }

    struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
            var finish_reason: String?
        }
        struct Usage: Decodable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
        }
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var message: String?
            var code: String?
            var type: String?
        }
        var error: Detail?
        var detail: JSONValue?
    }

    /// How structured output is requested.
    enum StructuredStyle: Sendable {
        /// OpenAI's `{"type":"json_schema","json_schema":{"name":…,"schema":…}}` (OpenAI, vLLM, Ollama).
        case jsonSchema
        /// llama-cpp-python's `{"type":"json_object","schema":…}`.
        case jsonObjectWithSchema
    }

    /// Encodes `request` for `model`, with the schema spliced in as raw JSON so its property order
    /// is kept.
    static func encode(_ request: ChatRequest, model: String, style: StructuredStyle, stream: Bool = false) throws -> Data {
        let body = RequestBody(
            model: model, messages: request.messages, temperature: request.sampling.temperature,
            top_p: request.sampling.topP, max_tokens: request.sampling.maxTokens, seed: request.seed,
            stream: stream, stream_options: stream ? StreamOptions() : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var data = try encoder.encode(body)
        if let format = request.responseFormat {
            let nameJSON = String(decoding: try encoder.encode(format.name), as: UTF8.self)
            let fragment: String
            switch style {
            case .jsonSchema:
                fragment = ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\(nameJSON),\"schema\":\(format.schemaJSON)}}}"
            case .jsonObjectWithSchema:
                fragment = ",\"response_format\":{\"type\":\"json_object\",\"schema\":\(format.schemaJSON)}}"
            }
            // Replace the closing brace of the top-level object with the fragment.
            data.removeLast()
            data.append(contentsOf: Array(fragment.utf8))
        }
        return data
    }

    /// A one-line description of an error body: its message, or the start of the raw text.
    static func errorMessage(from body: Data) -> (message: String, code: String?) {
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body) {
            if let message = decoded.error?.message { return (oneLine(message), decoded.error?.code ?? decoded.error?.type) }
            if let detail = decoded.detail { return (oneLine(detail.stringValue ?? detail.canonicalText), nil) }
        }
        let text = oneLine(String(decoding: body.prefix(2000), as: UTF8.self))
        return (text.isEmpty ? "(empty body)" : text, nil)
    }

    /// `text` on one line, white space runs folded, at most `limit` characters.
    static func oneLine(_ text: String, limit: Int = 300) -> String {
        let folded = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return folded.count > limit ? String(folded.prefix(limit)) + "…" : folded
    }
}
