import Foundation

/// What the service answers one `POST /v1/reward`: a status, a JSON body, and headers
/// (`Retry-After` on 429). Independent of the HTTP framework, so the service is testable alone.
public struct RewardReply: Sendable {
    /// HTTP status code.
    public var status: Int
    /// JSON body bytes.
    public var body: Data
    /// Extra headers.
    public var headers: [(String, String)]

    /// A reply of `status` with `body` and `headers`.
    public init(status: Int, body: Data, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// `{"error": message}` with `status`, and `index` (the item involved) when there is one.
    static func error(_ status: Int, _ message: String, index: Int? = nil, headers: [(String, String)] = []) -> RewardReply {
        var object: [String: Any] = ["error": message]
        if let index { object["index"] = index }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return RewardReply(status: status, body: data, headers: headers)
    }
}
