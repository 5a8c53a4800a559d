import Foundation

extension ScriptedResponse {
    /// A Messages API reply (`POST /v1/messages`) whose content is one `text` block per element of
    /// `blocks` (joined, they are the reply text).
    public static func anthropic(
        _ blocks: [String], model: String = "claude-scripted", stopReason: String = "end_turn", inputTokens: Int = 10,
        outputTokens: Int = 5, delay: Duration = .zero
    ) -> ScriptedResponse {
        let payload: [String: Any] = [
            "id": "msg_test", "type": "message", "role": "assistant", "model": model,
            "content": blocks.map { ["type": "text", "text": $0] },
            "stop_reason": stopReason, "stop_sequence": NSNull(),
            "usage": ["input_tokens": inputTokens, "output_tokens": outputTokens],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        return ScriptedResponse(body: String(decoding: data, as: UTF8.self), delay: delay)
    }

    /// A Messages API reply with one `text` block.
    public static func anthropic(
        _ text: String, model: String = "claude-scripted", stopReason: String = "end_turn", inputTokens: Int = 10,
        outputTokens: Int = 5, delay: Duration = .zero
    ) -> ScriptedResponse {
        anthropic([text], model: model, stopReason: stopReason, inputTokens: inputTokens, outputTokens: outputTokens, delay: delay)
    }

    /// An Anthropic error body `{"type":"error","error":{"type":…,"message":…}}` with `status`
    /// (529 with type `overloaded_error` is the API's "overloaded").
    public static func anthropicError(
        _ status: Int, type: String = "api_error", message: String, headers: [(String, String)] = []
    ) -> ScriptedResponse {
        let payload: [String: Any] = ["type": "error", "error": ["type": type, "message": message]]
        let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        return ScriptedResponse(status: status, body: String(decoding: data, as: UTF8.self), headers: headers)
    }
}
