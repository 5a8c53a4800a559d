import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP exchange shared by the model clients: one POST, transport failures classified for
/// the ``RetryLoop``, and the status codes every provider treats alike.
enum ModelHTTP {
    /// A reply that arrived (any status).
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        /// The server's `Retry-After`, in seconds.
        var retryAfter: Double? { RetryPolicy.parseRetryAfter(headers.first(name: "Retry-After")) }
    }

    /// A transport failure: no reply arrived.
    struct Failure: Error {
        var error: CollabBenchError
        /// False when the task was cancelled.
        var retryable: Bool

        /// The failure as the retry loop sees it.
        func outcome<Value: Sendable>() -> AttemptOutcome<Value> {
            retryable ? .retryable(error, retryAfter: nil) : .fatal(error)
        }
    }

    /// Largest reply body read, in bytes.
    static let maxBodyBytes = 64 << 20

    /// POSTs `body` as JSON to `url` with `headers`.
    /// - Parameter where_: Names the server in error messages (`model server openai/x@…`).
    /// - Returns: The reply whatever its status, or a retryable failure for a timeout or a
    ///   connection failure, a final one when the task was cancelled.
    static func post(
        _ url: String, body: Data, headers: [(String, String)], http: HTTPClient, timeout: TimeAmount, where where_: String
    ) async -> Result<Reply, Failure> {
        let request = jsonPOST(url, body: body, headers: headers, accept: "application/json")
        do {
            let response = try await http.execute(request, timeout: timeout)
            let collected = try await response.body.collect(upTo: maxBodyBytes)
            return .success(Reply(status: Int(response.status.code), headers: response.headers, body: Data(collected.readableBytesView)))
        } catch {
            return .failure(transportFailure(error, timeout: timeout, where: where_))
        }
    }

    /// A POST of a JSON `body` with `headers`, asking for `accept`.
    static func jsonPOST(_ url: String, body: Data, headers: [(String, String)], accept: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: accept)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// What a streamed reply delivered.
    struct StreamedReply: Sendable {
        /// The `data` of every event, in order.
        var events: [String]
        /// Seconds from sending the request to the first event carrying content.
        var timeToFirstContent: Double?
        /// Seconds from sending the request to the end of the stream.
        var total: Double
    }

    /// POSTs `body` and reads a `text/event-stream` reply as it arrives. A non-200 answer, and a
    /// 200 that is not an event stream (a server that ignored the request to stream), is
    /// collected whole and returned as ``Either/whole(_:)``.
    /// - Parameter onEvent: Called with the `data` of each event as soon as it has arrived, in
    ///   order, before the rest of the stream is read.
    static func postStreaming(
        _ url: String, body: Data, headers: [(String, String)], http: HTTPClient, timeout: TimeAmount, where where_: String,
        hasContent: @Sendable (String) -> Bool, onEvent: (String) async -> Void = { _ in }
    ) async -> Result<Either, Failure> {
        let request = jsonPOST(url, body: body, headers: headers, accept: "text/event-stream")
        let started = ContinuousClock.now
        do {
            let response = try await http.execute(request, timeout: timeout)
            let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
            guard response.status.code == 200, !contentType.hasPrefix("application/json") else {
                let collected = try await response.body.collect(upTo: maxBodyBytes)
                return .success(.whole(Reply(status: Int(response.status.code), headers: response.headers, body: Data(collected.readableBytesView))))
            }
            var parser = SSEParser()
            var events: [String] = []
            var first: Double?
            var size = 0
            for try await chunk in response.body {
                size += chunk.readableBytes
                if size > maxBodyBytes {
                    return .failure(Failure(error: CollabBenchError(.modelMalformedReply, "\(where_): streamed reply over \(maxBodyBytes >> 20) MiB"), retryable: false))
                }
                for event in parser.feed(chunk.readableBytesView) {
                    if first == nil, hasContent(event) { first = seconds(since: started) }
                    events.append(event)
                    await onEvent(event)
                }
            }
            if let last = parser.finish() {
                events.append(last)
                await onEvent(last)
            }
            return .success(.streamed(StreamedReply(events: events, timeToFirstContent: first, total: seconds(since: started))))
        } catch {
            return .failure(transportFailure(error, timeout: timeout, where: where_))
        }
    }

    /// A reply read whole (errors) or as a stream.
    enum Either: Sendable {
        case whole(Reply)
        case streamed(StreamedReply)
    }

    /// A transport error as a failure: cancellation is final; timeouts and connection errors retry.
    static func transportFailure(_ error: any Error, timeout: TimeAmount, where where_: String) -> Failure {
        if error is CancellationError {
            return Failure(error: CollabBenchError(.modelTimeout, "\(where_): cancelled"), retryable: false)
        }
        if let e = error as? HTTPClientError, e == .deadlineExceeded || e == .readTimeout {
            return Failure(
                error: CollabBenchError(.modelTimeout, "\(where_): no reply within \(timeout.nanoseconds / 1_000_000_000) s"), retryable: true)
        }
        return Failure(error: CollabBenchError(.modelUnreachable, "cannot reach \(where_): \(describe(error))"), retryable: true)
    }

    /// Whether a status is worth retrying: rate limits, request timeouts, server errors (which
    /// include Anthropic's 529 "overloaded").
    static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (500...599).contains(status)
    }

    /// Seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// A short description of a transport error.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") { return "connection timed out" }
        if text.contains("remoteConnectionClosed") { return "the server closed the connection" }
        return text
    }
}
