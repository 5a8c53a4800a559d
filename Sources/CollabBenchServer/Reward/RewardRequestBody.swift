import Foundation

/// The body of `POST /v1/reward`: `{"items": [item, …]}`. Each item is decoded on its own, so a
/// malformed one is reported with its index rather than as a failure of the whole document.
struct RewardRequestBody<Item: Decodable & Sendable>: Decodable {
    /// The items, each decoded or the error that stopped it.
    var items: [DecodedSlot<Item>]
}

/// One element of an array, decoded or not: decoding never stops at a bad element.
struct DecodedSlot<Value: Decodable & Sendable>: Decodable {
    /// The element, or why it could not be decoded.
    var value: Result<Value, DecodingError>

    init(from decoder: any Decoder) throws {
        do {
            value = .success(try Value(from: decoder))
        } catch let error as DecodingError {
            value = .failure(error)
        }
    }
}

/// The body of a successful `POST /v1/reward`: one result per item, in the items' order.
struct RewardResponseBody<Result: Encodable & Sendable>: Encodable {
    /// The results.
    var results: [Result]
}

extension DecodingError {
    /// The error in a sentence naming the field involved (never the offending value, which may be
    /// long or private): `items[2].history[0].role: expected a string`. The path is the whole
    /// coding path from the body's root.
    func described() -> String {
        func path(_ context: Context) -> String {
            var text = ""
            for key in context.codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing field '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(Self.name(of: type)) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(Self.name(of: type)), found null"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(localizedDescription)"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
