/// One HTTP answer: status and body bytes.
public struct DatasetResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// A failure to get any answer from a host: it could not be resolved or connected to, or the
/// connection broke or timed out.
public struct DatasetTransportFailure: Error, Sendable {
    /// The host that could not be reached.
    public var host: String
    /// Why, in a few words.
    public var reason: String

    /// Creates a failure.
    public init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }
}

/// Fetches a URL with `GET`. The real one is ``HTTPDatasetTransport``; tests may use it against a
/// loopback server.
public protocol DatasetTransport: Sendable {
    /// Fetches `url`.
    /// - Returns: the answer, whatever its status.
    /// - Throws: ``DatasetTransportFailure`` when no answer came.
    func get(_ url: String) async throws -> DatasetResponse
}
