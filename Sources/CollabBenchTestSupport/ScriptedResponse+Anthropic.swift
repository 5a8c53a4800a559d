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

    /// A streamed Messages API reply (`text/event-stream`, the API's event names): `message_start`,
    /// a text block with one `text_delta` per piece of `pieces`, then — once `hold` returns — the
    /// `later` pieces, `message_delta` (stop reason, output usage) and `message_stop`. With `cutOff`
    /// the connection is lost after `pieces` instead; with `errorType` an `error` event follows them.
    public static func anthropicStream(
        _ pieces: [String], heldUntil hold: (@Sendable () async -> Void)? = nil, then later: [String] = [], model: String = "claude-scripted",
        inputTokens: Int = 10, cacheReadTokens: Int? = nil, outputTokens: Int = 5, cutOff: Bool = false, errorType: String? = nil
    ) -> ScriptedResponse {
        func event(_ name: String, _ object: [String: Any]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return "event: \(name)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n"
        }
        func deltas(_ texts: [String]) -> String {
            texts.map { event("content_block_delta", ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": $0]]) }
                .joined()
        }
        var usage: [String: Any] = ["input_tokens": inputTokens, "output_tokens": 1]
        if let cacheReadTokens { usage["cache_read_input_tokens"] = cacheReadTokens }
        let start =
            event(
                "message_start",
                [
                    "type": "message_start",
                    "message": [
                        "id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": [] as [Any], "usage": usage,
                    ] as [String: Any],
                ])
            + event("content_block_start", ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]])
            + event("ping", ["type": "ping"]) + deltas(pieces)
        if let errorType {
            let error = event("error", ["type": "error", "error": ["type": errorType, "message": "Overloaded"]])
            return ScriptedResponse(body: start + error, headers: [("Content-Type", "text/event-stream")])
        }
        let end =
            deltas(later) + event("content_block_stop", ["type": "content_block_stop", "index": 0])
            + event(
                "message_delta",
                ["type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": NSNull()], "usage": ["output_tokens": outputTokens]])
            + event("message_stop", ["type": "message_stop"])
        guard hold != nil || cutOff else { return ScriptedResponse(body: start + end, headers: [("Content-Type", "text/event-stream")]) }
        return ScriptedResponse(
            body: start, headers: [("Content-Type", "text/event-stream")],
            rest: {
                await hold?()
                return cutOff ? nil : end
            })
    }
}
