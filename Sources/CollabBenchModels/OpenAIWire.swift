import CollabBenchCore
import Foundation

/// The JSON bodies of the OpenAI Chat Completions protocol, as far as CollabBench uses them.
enum OpenAIWire {
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
            struct PromptDetails: Decodable { var cached_tokens: Int? }
            var prompt_tokens: Int?
            var completion_tokens: Int?
            /// OpenAI's breakdown of the prompt; `cached_tokens` are part of `prompt_tokens`.
            var prompt_tokens_details: PromptDetails?

            /// The usage as CollabBench records it (nil without `prompt_tokens`): OpenAI's
            /// `prompt_tokens` already include the cached ones, and caching writes cost nothing.
            var tokenUsage: TokenUsage? {
                prompt_tokens.map {
                    TokenUsage(
                        promptTokens: $0, completionTokens: completion_tokens ?? 0,
                        cachedPromptTokens: prompt_tokens_details?.cached_tokens)
                }
            }
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

    /// Encodes `request` for `model`: written by hand into bytes (this runs on every call), with
    /// the schema spliced in as raw JSON so its property order is kept. Absent sampling settings
    /// are left out, so the server's defaults apply.
    static func encode(_ request: ChatRequest, model: String, style: StructuredStyle, stream: Bool = false) throws -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(request.messages.reduce(256) { $0 + $1.content.utf8.count + 32 } + (request.responseFormat?.schemaJSON.utf8.count ?? 0))
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        raw("{\"model\":")
        JSONText.appendQuoted(model, to: &out)
        raw(",\"messages\":[")
        for (i, message) in request.messages.enumerated() {
            raw(i == 0 ? "{\"role\":" : ",{\"role\":")
            JSONText.appendQuoted(message.role.rawValue, to: &out)
            raw(",\"content\":")
            JSONText.appendQuoted(message.content, to: &out)
            raw("}")
        }
        raw("]")
        let s = request.sampling
        if let t = s.temperature { raw(",\"temperature\":" + (try number(t, "temperature"))) }
        if let p = s.topP { raw(",\"top_p\":" + (try number(p, "top_p"))) }
        if let m = s.maxTokens { raw(",\"max_tokens\":\(m)") }
        if let seed = request.seed { raw(",\"seed\":\(seed)") }
        raw(stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : ",\"stream\":false")
        if let format = request.responseFormat {
            switch style {
            case .jsonSchema:
                raw(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":")
                JSONText.appendQuoted(format.name, to: &out)
                raw(",\"schema\":\(format.schemaJSON)}}")
            case .jsonObjectWithSchema:
                raw(",\"response_format\":{\"type\":\"json_object\",\"schema\":\(format.schemaJSON)}")
            }
        }
        raw("}")
        return Data(out)
    }

    /// A finite number as JSON (shortest text that reads back the same).
    private static func number(_ value: Double, _ name: String) throws -> String {
        guard value.isFinite else { throw CollabBenchError(.invalidArgument, "\(name) must be a finite number, not \(value)") }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
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
