import Foundation

/// What the loopback server answers to one request.
public struct ScriptedResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Body text.
    public var body: String
    /// Extra headers.
    public var headers: [(String, String)]
    /// Wait this long before answering.
    public var delay: Duration
    /// Close the connection without answering.
    public var dropConnection: Bool
    /// The rest of a body sent in two parts. When set, ``body`` is sent and flushed at once
    /// (chunked, without `Content-Length`); then the server awaits `rest` and sends what it returns
    /// and ends the response, or closes the connection when it returns nil (a reply cut off). A
    /// test holds the second half of a streamed reply this way until it saw the first.
    public var rest: (@Sendable () async -> String?)?

    /// Creates a response.
    public init(
        status: Int = 200, body: String, headers: [(String, String)] = [], delay: Duration = .zero, dropConnection: Bool = false,
        rest: (@Sendable () async -> String?)? = nil
    ) {
        self.status = status
        self.body = body
        self.headers = headers
        self.delay = delay
        self.dropConnection = dropConnection
        self.rest = rest
    }

    /// A chat completion whose assistant message is `text`.
    public static func chat(
        _ text: String, model: String = "scripted", finishReason: String = "stop", promptTokens: Int = 10,
        completionTokens: Int = 5, delay: Duration = .zero
    ) -> ScriptedResponse {
        let payload: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": finishReason]],
            "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens, "total_tokens": promptTokens + completionTokens],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        return ScriptedResponse(body: String(decoding: data, as: UTF8.self), delay: delay)
    }

    /// A streamed chat completion (`text/event-stream`) delivering `pieces` one chunk each, then
    /// usage and `[DONE]`.
    public static func chatStream(_ pieces: [String], model: String = "scripted", promptTokens: Int = 10, completionTokens: Int = 5) -> ScriptedResponse {
        let body = streamStart(pieces, model: model) + streamEnd([], model: model, promptTokens: promptTokens, completionTokens: completionTokens)
        return ScriptedResponse(body: body, headers: [("Content-Type", "text/event-stream")])
    }

    /// A streamed chat completion whose first `pieces` are sent at once; the `later` pieces and
    /// the end of the stream only once `hold` returns (the reply is still being generated until
    /// the test lets it go on).
    public static func chatStream(
        _ pieces: [String], heldUntil hold: @escaping @Sendable () async -> Void, then later: [String], model: String = "scripted",
        promptTokens: Int = 10, completionTokens: Int = 5
    ) -> ScriptedResponse {
        let end = streamEnd(later, model: model, promptTokens: promptTokens, completionTokens: completionTokens)
        return ScriptedResponse(
            body: streamStart(pieces, model: model), headers: [("Content-Type", "text/event-stream")],
            rest: {
                await hold()
                return end
            })
    }

    /// A streamed chat completion that delivers `pieces`, then (once `hold` returns) loses its
    /// connection before the end of the stream.
    public static func chatStreamCutOff(
        _ pieces: [String], heldUntil hold: @escaping @Sendable () async -> Void = {}, model: String = "scripted"
    ) -> ScriptedResponse {
        ScriptedResponse(
            body: streamStart(pieces, model: model), headers: [("Content-Type", "text/event-stream")],
            rest: {
                await hold()
                return nil
            })
    }

    /// One `data:` event holding `object` as JSON.
    private static func streamEvent(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
    }

    /// The role event and one event per piece.
    private static func streamStart(_ pieces: [String], model: String) -> String {
        var body = streamEvent(["model": model, "choices": [["index": 0, "delta": ["role": "assistant", "content": ""]]]])
        for piece in pieces { body += streamEvent(["model": model, "choices": [["index": 0, "delta": ["content": piece]]]]) }
        return body
    }

    /// One event per piece, then the finish reason, the usage and `[DONE]`.
    private static func streamEnd(_ pieces: [String], model: String, promptTokens: Int, completionTokens: Int) -> String {
        var body = ""
        for piece in pieces { body += streamEvent(["model": model, "choices": [["index": 0, "delta": ["content": piece]]]]) }
        body += streamEvent(["model": model, "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": "stop"]]])
        body += streamEvent(["model": model, "choices": [] as [Any], "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens]])
        body += "data: [DONE]\n\n"
        return body
    }

    /// An OpenAI-style error body with `status`.
    public static func error(_ status: Int, message: String, code: String? = nil, headers: [(String, String)] = []) -> ScriptedResponse {
        var detail: [String: Any] = ["message": message, "type": "test_error"]
        if let code { detail["code"] = code }
        let data = (try? JSONSerialization.data(withJSONObject: ["error": detail], options: [.sortedKeys])) ?? Data()
        return ScriptedResponse(status: status, body: String(decoding: data, as: UTF8.self), headers: headers)
    }
}

/// A request the loopback server received.
public struct RecordedRequest: Sendable {
    /// HTTP method.
    public var method: String
    /// Request path (e.g. `/v1/chat/completions`).
    public var path: String
    /// Headers, names lower-cased.
    public var headers: [String: String]
    /// Body text.
    public var body: String

    /// The body parsed as a JSON object, or nil.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    /// The `messages` of a chat request as (role, content) pairs.
    public var messages: [(role: String, content: String)] {
        ((json?["messages"] as? [[String: Any]]) ?? []).map { ($0["role"] as? String ?? "", $0["content"] as? String ?? "") }
    }
}
