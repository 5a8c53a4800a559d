import Foundation

/// The simulated user's reply, read from whatever the model returned.
public struct SimulatorReply: Sendable, Hashable {
    /// The message to send to the agent.
    public var message: String
    /// The private thought, when present.
    public var thought: String?
    /// True when the reply was not the requested JSON object (the raw text, or what could be
    /// salvaged from it, is used as the message).
    public var formatError: Bool

    /// The JSON schema the simulator is asked to follow: a private thought, then the message.
    public static let schemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":800},\
        "message":{"type":"string","minLength":1}},"required":["thought","message"]}
        """

    /// Reads a raw reply. Accepts a JSON object anywhere in the text with a `message` field (or
    /// `response`, the field CollabLLM's simulator uses); salvages the message from JSON that was
    /// cut off; otherwise uses the raw text.
    public init(parsing raw: String) {
        if let object = JSONValue.firstObject(in: raw),
            let message = (object["message"] ?? object["response"])?.stringValue,
            !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            self.message = message
            self.thought = object["thought"]?.stringValue
            self.formatError = false
            return
        }
        formatError = true
        thought = nil
        if let salvaged = Self.salvageStringField("message", in: raw), !salvaged.isEmpty {
            message = salvaged
        } else {
            message = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The value of `"field": "..."` in possibly truncated JSON, unescaped, up to its closing quote
    /// or the end of the text.
    static func salvageStringField(_ field: String, in raw: String) -> String? {
        guard let key = raw.range(of: "\"\(field)\"") else { return nil }
        var rest = raw[key.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        guard rest.first == "\"" else { return nil }
        var out = ""
        var escaped = false
        for ch in rest.dropFirst() {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                break
            } else {
                out.append(ch)
            }
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
