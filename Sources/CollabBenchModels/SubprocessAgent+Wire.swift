import CollabBenchCore
import Foundation

extension SubprocessAgent {
    /// The JSON-lines protocol between CollabBench and a subprocess agent (see
    /// `examples/agents/README.md`). One JSON object per line, UTF-8, `\n`-terminated.
    enum Wire {
        /// `{"type":"turn",…}`: the conversation so far; the agent answers one line.
        struct Turn: Encodable {
            var type = "turn"
            var conversation: String
            var turn: Int
            var messages: [ChatMessage]
            var sampling: Sampling
            var seed: Int?
        }

        /// `{"type":"end",…}`: the conversation is over; no answer expected.
        struct End: Encodable {
            var type = "end"
            var conversation: String
        }

        /// The agent's answer, read from one line.
        struct Reply: Sendable, Equatable {
            var content: String
            var usage: TokenUsage?
            var finishReason: String?
        }

        /// Why a line is not a reply.
        enum ReplyError: Error, Equatable {
            /// Not a JSON object with a string `content`.
            case malformed
            /// The agent said it failed: `{"error": "…"}`.
            case reported(String)
        }

        private static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return encoder
        }()

        /// The turn message for `request`, newline-terminated. A structured-output schema, when
        /// the request has one, is sent as `"response_format":{"name":…,"schema":…}` with the
        /// schema's property order kept.
        static func turnLine(_ request: ChatRequest, conversation: String, turn: Int) throws -> Data {
            var data = try encoder.encode(Turn(
                conversation: conversation, turn: turn, messages: request.messages, sampling: request.sampling, seed: request.seed))
            if let format = request.responseFormat {
                // Raw newlines can only be white space between JSON tokens: fold them.
                let schema = format.schemaJSON.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
                let name = String(decoding: try encoder.encode(format.name), as: UTF8.self)
                data.removeLast()
                data.append(contentsOf: Array(",\"response_format\":{\"name\":\(name),\"schema\":\(schema)}}".utf8))
            }
            data.append(UInt8(ascii: "\n"))
            return data
        }

        /// The end message for `conversation`, newline-terminated.
        static func endLine(conversation: String) -> Data {
            var data = (try? encoder.encode(End(conversation: conversation))) ?? Data(#"{"type":"end"}"#.utf8)
            data.append(UInt8(ascii: "\n"))
            return data
        }

        /// Reads a reply line: `{"content": "…", "usage": {"prompt_tokens": n, "completion_tokens": m},
        /// "finish_reason": "…"}`, where only `content` is required; `{"error": "…"}` reports a
        /// failure. Unknown members are ignored.
        static func reply(from line: Data) -> Result<Reply, ReplyError> {
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: line) else { return .failure(.malformed) }
            guard case .string(let content)? = object["content"] else {
                if let message = object["error"]?.stringValue ?? object["error"]?["message"]?.stringValue {
                    return .failure(.reported(message))
                }
                return .failure(.malformed)
            }
            var usage: TokenUsage?
            if let usageObject = object["usage"], let prompt = count(usageObject["prompt_tokens"]) {
                usage = TokenUsage(promptTokens: prompt, completionTokens: count(usageObject["completion_tokens"]) ?? 0)
            }
            return .success(Reply(content: content, usage: usage, finishReason: object["finish_reason"]?.stringValue))
        }

        /// A token count: a non-negative whole number in range, or nil.
        private static func count(_ value: JSONValue?) -> Int? {
            guard case .number(let n)? = value, n >= 0, n < 1e15, n.rounded() == n else { return nil }
            return Int(n)
        }
    }
}
