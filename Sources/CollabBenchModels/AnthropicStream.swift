import CollabBenchCore
import Foundation

/// A streamed Messages API reply (`"stream": true`), read event by event: `message_start` (the
/// model and the input usage), `content_block_delta` with a `text_delta` (a piece of the reply),
/// `message_delta` (the stop reason and the output usage), `message_stop` (the end), and `error`
/// (for example `overloaded_error` part-way through). Other events (`ping`, block starts and
/// stops, non-text deltas) carry nothing CollabBench records.
struct AnthropicStream {
    private(set) var text = ""
    private(set) var model: String?
    private(set) var stopReason: String?
    private var usage: [String: Int] = [:]
    /// Whether `message_start` and `message_stop` arrived (a stream cut short lacks the stop).
    private(set) var started = false
    private(set) var stopped = false
    /// An `error` event's type and message.
    private(set) var error: (type: String?, message: String)?

    /// The text piece an event carries, if any.
    static func piece(ofEvent event: String) -> String? {
        guard let object = Self.object(event), object["type"] as? String == "content_block_delta",
            let delta = object["delta"] as? [String: Any], delta["type"] as? String == "text_delta"
        else { return nil }
        return delta["text"] as? String
    }

    /// Reads every event of a stream, in order.
    init(events: [String]) {
        for event in events { add(event) }
    }

    private mutating func add(_ event: String) {
        guard let object = Self.object(event) else { return }
        switch object["type"] as? String {
        case "message_start":
            started = true
            let message = object["message"] as? [String: Any]
            model = message?["model"] as? String ?? model
            merge(message?["usage"])
        case "content_block_delta":
            if let piece = Self.piece(ofEvent: event) { text += piece }
        case "message_delta":
            if let delta = object["delta"] as? [String: Any], let reason = delta["stop_reason"] as? String { stopReason = reason }
            merge(object["usage"])
        case "message_stop":
            stopped = true
        case "error":
            let detail = object["error"] as? [String: Any]
            error = (detail?["type"] as? String, OpenAIWire.oneLine(detail?["message"] as? String ?? "an error event"))
        default:
            break
        }
    }

    /// Usage counts as they come: `message_delta`'s cumulative `output_tokens` replaces the start's.
    private mutating func merge(_ value: Any?) {
        guard let fields = value as? [String: Any] else { return }
        for (key, number) in fields { if let count = number as? Int { usage[key] = count } }
    }

    /// The completion a non-streamed reply with the same content would give (usage counted the
    /// same way: every prompt token, cached ones included).
    var completion: ChatCompletion {
        let counts = AnthropicWire.ResponseBody.Usage(
            input_tokens: usage["input_tokens"], output_tokens: usage["output_tokens"], cache_read_input_tokens: usage["cache_read_input_tokens"],
            cache_creation_input_tokens: usage["cache_creation_input_tokens"])
        return ChatCompletion(text: text, finishReason: stopReason, usage: counts.tokenUsage, servedModel: model)
    }

    private static func object(_ event: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(event.utf8))) as? [String: Any]
    }
}
